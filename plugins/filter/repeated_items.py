# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: repeated_items
short_description: The objects that lists of items for the bulk modules describe more than once
version_added: 0.1.0
author:
  - afterlogic.aurora maintainers
description:
  - Takes lists of items, each by the name of the bulk module that manages them (as the variables of the role
    P(afterlogic.aurora.provision#role) are named), and returns each object that two or more items describe.
  - Items describe one object as the bulk modules compare them, which is as Aurora compares the objects. Tenant,
    mail domain and group names, e-mail addresses and tenant names ignore case; mail server names do not. A mail
    server and a group are an object of their tenant. An e-mail address may be a further account of several users.
  - The role's V(aurora_settings), items of M(afterlogic.aurora.aurora_settings), are taken too; their object is the
    settings of one Aurora module (or of the system), whose name ignores case.
  - The bulk modules refuse such a list themselves, before any write. This filter lets a play refuse all its lists
    at once, before it even logs in to Aurora.
options:
  _input:
    description:
      - The lists, by the name of the bulk module that takes them, among V(aurora_tenants), V(aurora_mail_servers),
        V(aurora_mail_domains), V(aurora_user_accounts), V(aurora_mail_accounts) and V(aurora_groups); and
        V(aurora_settings).
      - A list that is null counts as empty.
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Refuse the lists when an object is listed twice
  ansible.builtin.assert:
    that: repeated | length == 0
    fail_msg: "Listed more than once: {{ repeated | join(', ') }}"
  vars:
    repeated: >-
      {{ {'aurora_mail_servers': my_servers, 'aurora_user_accounts': my_users} | afterlogic.aurora.repeated_items }}
'''

RETURN = r'''
_value:
  description:
    - One text per object described more than once, such as V(mail server mail (tenant acme)), V(user
      ann@acme.example) or V(the settings of module Core), with the object as its first item spells it; in the order
      in which the role works on the lists, then of the first item.
  type: list
  elements: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.afterlogic.aurora.plugins.module_utils._group import Group
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import repeated
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_account import MailAccount
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_domain import MailDomain
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import MailServer
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings import Settings
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import Tenant
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account import UserAccount

# The kinds of the bulk modules (and the settings), in the order in which the role provision makes them.
BY_BULK_MODULE = (
    ('aurora_settings', Settings),
    ('aurora_tenants', Tenant),
    ('aurora_mail_servers', MailServer),
    ('aurora_mail_domains', MailDomain),
    ('aurora_user_accounts', UserAccount),
    ('aurora_mail_accounts', MailAccount),
    ('aurora_groups', Group),
)


def repeated_items(lists):
    if not isinstance(lists, dict):
        raise AnsibleFilterError('repeated_items expects a dictionary of lists, by bulk module name')
    found = []
    for name, kind_class in BY_BULK_MODULE:
        items = lists.get(name) or []
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise AnsibleFilterError('repeated_items: %s must be a list of dictionaries' % name)
        kind = kind_class()
        firsts = sorted(set(repeated(kind, items).values()))
        found.extend(kind.described(items[index]) for index in firsts)
    unknown = sorted(set(lists) - set(name for name, dummy in BY_BULK_MODULE))
    if unknown:
        raise AnsibleFilterError('repeated_items: no bulk module is named %s' % ', '.join(unknown))
    return found


class FilterModule(object):

    def filters(self):
        return {'repeated_items': repeated_items}
