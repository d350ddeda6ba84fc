# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The kinds of bulk items that are each done by the single module's own steps, several at a time: tenants, mail
domains and groups, which have no listing worth sharing among their items. Each item gets exactly what the single
module does for it (``ensure_*``), with one login and ``parallel`` connections for the whole task
(``_bulk.BulkTask``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._bulk import BulkKind, failure
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError
from ansible_collections.afterlogic.aurora.plugins.module_utils._group import (
    ensure_group,
    group_argument_spec,
    validation_errors as group_validation_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_domain import (
    ensure_mail_domain,
    mail_domain_argument_spec,
    validation_errors as mail_domain_validation_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import planned_entry
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import (
    ensure_tenant,
    tenant_argument_spec,
    validation_errors as tenant_validation_errors,
)

CATEGORIES = {'created': 'created', 'deleted': 'deleted'}  # any other change is an update


class EachItem(BulkKind):
    """Items of a bulk module whose kind has no shared reads: validated first, then each ensured on its own."""

    spec = errors_of = ensure = None  # the single module's argument spec, validation and whole task

    @classmethod
    def item_spec(cls):
        return cls.spec()

    def validate(self, index):
        item = self.items[index]
        return item.get(self.key), type(self).errors_of(item)

    def prepare(self, client):
        self.client = client

    def process(self, index):
        try:
            result = type(self).ensure(self.client, dict(self.items[index]), self.check_mode, self.diff)
        except AuroraError as error:
            return failure(error), 'failed'
        if not result['changed']:
            return result, 'unchanged'
        return result, CATEGORIES.get(result['msg'].split(':')[0], 'updated')


class Tenants(EachItem):
    """Items of afterlogic.aurora.aurora_tenants."""

    option = 'tenants'
    key = 'name'
    noun = 'tenants'
    spec = tenant_argument_spec
    errors_of = tenant_validation_errors
    ensure = ensure_tenant

    def planned(self, index, result):
        if result['msg'] != 'created':
            return []
        return [planned_entry('tenant', self.items[index]['name'])]


class MailDomains(EachItem):
    """Items of afterlogic.aurora.aurora_mail_domains; domain names are unique across all tenants."""

    option = 'domains'
    key = 'name'
    noun = 'mail domains'
    spec = mail_domain_argument_spec
    errors_of = mail_domain_validation_errors
    ensure = ensure_mail_domain

    def planned(self, index, result):
        item = self.items[index]
        return [planned_entry('mail_domain', item['name'], item)] if item['state'] == 'present' else []


class Groups(EachItem):
    """Items of afterlogic.aurora.aurora_groups; a group's name is its tenant's."""

    option = 'groups'
    key = 'name'
    noun = 'groups'
    spec = group_argument_spec
    errors_of = group_validation_errors
    ensure = ensure_group

    def owner(self, index):
        item = self.items[index]
        return item.get('tenant'), item.get('tenant_id')
