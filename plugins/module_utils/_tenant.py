# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tenants of a multi-tenant Aurora (Aurora Corporate), declared on the resource contract of ``_resource``.

Facts relied on (docs/aurora-api-notes.md, "Corporate profile"): Aurora compares tenant names ignoring case, strips
``/ * ? [ ] ^ < > | :`` and surrounding spaces from a new name, and never changes a name (UpdateTenant ignores it).
``GetTenant`` gives the full tenant but no SiteName, which only ``GetTenants`` lists. Deleting a tenant deletes its
users, groups, servers and domains, and the users of other tenants whose login account is on one of its servers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import describe_changes
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraApiError
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import Kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import (
    find_tenant,
    owner_tenant_id,
    require_setting,
    tenant_id_of,
    tenant_name,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import planned_entry
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    FORCE,
    NAME,
    STATE,
    Field,
    Found,
    Plan,
    ResourceError,
    argument_spec,
    aurora_values,
    field_changes,
    field_view,
    first_id,
    listed,
    result_of,
    server_id_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import ADOPTED, NOT_DONE, carry_out

TENANT_EXISTS = 1002  # Core's TenantAlreadyExists (MailDomains uses the same number for a domain)
STRIPPED = re.compile(r'[/*?\[\]^<>|:]')

FIELDS = [
    Field('description', 'Description', default=''),
    Field('web_domain', 'WebDomain', default=''),
    Field('site_name', 'SiteName'),  # left out on creation, the tenant shows the site name of the whole Aurora
]


OPTIONS = FIELDS + [NAME, STATE, FORCE]
SPEC = argument_spec(OPTIONS)  # read only: for the checks of the options


# ---- validation (pure) ---------------------------------------------------------------------------

def stored_name(name):
    """The name Aurora stores for ``name``."""
    return STRIPPED.sub('', name).strip()


def validation_errors(params):
    """Every problem in a task's options, each naming its option; [] when the task is valid."""
    errors = text_length_errors(SPEC, params)
    name = params.get('name') or ''
    if not stored_name(name):
        errors.append('name must hold a character other than spaces and / * ? [ ] ^ < > | :, got %r' % name)
    elif stored_name(name) != name:
        errors.append('name %r would be stored by Aurora as %r (it removes / * ? [ ] ^ < > | : and surrounding spaces); '
                      'give the name as Aurora stores it' % (name, stored_name(name)))
    for option in ['name'] + [field.key for field in FIELDS]:
        if params.get(option) is not None and CONTROL.search(params[option]):
            errors.append('%s must not hold control characters (such as a newline)' % option)
    return errors


# ---- lookup (reads only) -------------------------------------------------------------------------

def require_multi_tenancy(client):
    require_setting(client, 'EnableMultiTenant', 'system', 'multi-tenancy', 'tenants', 'it')


def tenant_holdings(client, tenant):
    """What deleting ``tenant`` would delete with it: its ``users``, ``servers``, ``domains`` and ``groups``, and
    the ``other_users`` and ``other_domains`` of other tenants that are on its servers."""
    tenant_id = tenant_id_of(tenant)
    own_users = list(client.list_users(tenant_id=tenant_id))
    own_ids = set(first_id(user, 'Id', 'EntityId') for user in own_users)
    users = sorted(str(user.get('PublicId')) for user in own_users)
    servers = [server for server in client.list_servers(tenant_id=tenant_id) if owner_tenant_id(server) == tenant_id]
    other_users = []
    if servers:
        server_ids = set(server_id_of(server) for server in servers)
        for user in client.list_users():
            if first_id(user, 'Id', 'EntityId') in own_ids:
                continue
            accounts = client.call('Mail', 'GetAccounts', {'UserId': first_id(user, 'Id', 'EntityId')},
                                   'the accounts of user %s' % user.get('PublicId')) or []
            if any(account.get('UseToAuthorize') and first_id(account, 'ServerId') in server_ids
                   for account in accounts):
                other_users.append(str(user.get('PublicId')))
    domains, other_domains = _domains_going_with(client, tenant_id, servers)
    groups = sorted(str(group.get('Name')) for group in client.list_groups(tenant_id)) \
        if client.settings().get('AllowGroups') else []
    return {'users': users, 'servers': sorted(str(server.get('Name')) for server in servers),
            'other_users': sorted(other_users), 'domains': domains, 'other_domains': other_domains, 'groups': groups}


def _domains_going_with(client, tenant_id, servers):
    """(the tenant's MailDomains domains, other tenants' domains on its servers); both [] without MailDomains."""
    if not client.has_backend_module('MailDomains'):
        return [], []
    own = sorted(str(domain.get('Name')) for domain in client.list_domains(tenant_id))
    server_ids = set(server_id_of(server) for server in servers)
    others = []
    if server_ids:
        for other in client.list_tenants():
            if tenant_id_of(other) != tenant_id:
                others.extend(str(domain.get('Name')) for domain in client.list_domains(tenant_id_of(other))
                              if first_id(domain, 'MailServerId') in server_ids)
    return own, sorted(others)


# ---- planning (pure) -----------------------------------------------------------------------------

def tenant_state(tenant):
    return dict(field_view(FIELDS, tenant), name=tenant.get('Name'))


def tenant_view(tenant):
    """The ``tenant`` return value."""
    if tenant is None:
        return None
    return dict(tenant_state(tenant), id=tenant_id_of(tenant))


def _plan_delete(params, current, holdings):
    if current.get('IsDefault'):
        raise ResourceError('tenant %r (id %s) is the default tenant, which Aurora needs; it is never deleted'
                            % (current.get('Name'), tenant_id_of(current)))
    held = dict((kind, items) for kind, items in (holdings or {}).items() if items and kind not in NOT_BLOCKING)
    if held and not params.get('force'):
        raise ResourceError('refusing to delete tenant %r (id %s): Aurora would delete with it %s; delete or move them '
                            'first, or set force: true to delete them all'
                            % (current.get('Name'), tenant_id_of(current), _holdings_text(held)),
                            details={'blocking': held})
    return Plan(actions=('delete',), current=current, before=tenant_state(current), msg='deleted',
                name=current.get('Name'), tenant=None, deleted_with_it=holdings or {})


HOLDINGS = (
    ('users', 'its users'),
    ('servers', 'its mail servers'),
    ('other_users', 'the users of other tenants whose login account is on its servers'),
    ('domains', 'its mail domains with their users'),
    ('other_domains', 'the mail domains of other tenants on its servers, with their users'),
)
NOT_BLOCKING = ('groups',)  # the members of a deleted group stay users


def _holdings_text(held):
    words = dict(HOLDINGS)
    parts = []
    for kind, dummy in HOLDINGS:
        items = held.get(kind) or []
        if items:
            parts.append('%s (%s)' % (words[kind], listed(items)))
    return '; '.join(parts)


# ---- applying ------------------------------------------------------------------------------------

def _write(client, plan):
    """Make the plan's write; returns (the tenant after the run, notes, whether this run's write changed Aurora)."""
    target = 'tenant %r' % plan.name
    if plan.action == 'create':
        try:
            answer, how = client.write('Core', 'CreateTenant', plan.request, target,
                                       lambda answer_lost: find_tenant(client, plan.name) or NOT_DONE)
        except AuroraApiError as refused:
            if refused.code != TENANT_EXISTS or refused.response_module != 'Core':
                raise
            answer, how = find_tenant(client, plan.name), ADOPTED
            if answer is None:
                raise
        if how == ADOPTED:
            return answer, ['another run created tenant %r at the same time; adopted it (id %s)'
                            % (plan.name, tenant_id_of(answer))], False
        tenant = answer if isinstance(answer, dict) else dict(plan.tenant, Id=int(answer))
        return tenant, [], True
    if plan.action == 'update':
        dummy, how = client.write('Core', 'UpdateTenant', plan.request, target,
                                  lambda answer_lost: _updated_or_not_done(client, plan))
        return plan.tenant, [], how != ADOPTED
    tenant_id = tenant_id_of(plan.current)
    dummy, how = client.write('Core', 'DeleteTenant', {'TenantId': tenant_id}, target,
                              lambda answer_lost: NOT_DONE if tenant_name(client, tenant_id, True) is not False else None)
    return None, [], how != ADOPTED


def _updated_or_not_done(client, plan):
    now = find_tenant(client, plan.name)
    if now is None:
        raise ResourceError('tenant %r was deleted by another actor while this task was updating it; run the task '
                            'again to create it' % plan.name, 'Core', 'UpdateTenant', 'tenant %r' % plan.name)
    return now if not field_changes(FIELDS, tenant_state(now), plan.after) else NOT_DONE


def tenant_result(plan, tenant, notes=(), wrote=None, retries=0):
    returned = dict(tenant=tenant_view(tenant),
                    tenant_id=tenant_id_of(tenant) if tenant else tenant_id_of(plan.current or {}))
    if plan.action == 'delete':
        returned['deleted_with_it'] = plan.deleted_with_it
    return result_of(plan, returned, notes, wrote, retries)


# ---- the kind ------------------------------------------------------------------------------------

class Tenant(Kind):
    """A tenant: afterlogic.aurora.aurora_tenant, and each item of aurora_tenants."""

    fields = OPTIONS
    option = noun = 'tenants'
    key = 'name'
    item = 'tenant'
    errors = staticmethod(validation_errors)

    def identity(self, item):
        return str(item.get('name') or '').lower()  # Aurora compares tenant names ignoring case

    def find(self, client, wanted):
        require_multi_tenancy(client)
        current = find_tenant(client, wanted['name'])
        deleting = wanted['state'] == 'absent' and current is not None and not current.get('IsDefault')
        return Found(current, holdings=tenant_holdings(client, current) if deleting else None,
                     site_name=client.settings().get('SiteName') or '')

    def plan(self, wanted, found):
        """What the task does, given the tenant Aurora holds (None: none) and, for a deletion, what it holds.

        ``found.site_name``: the site name of the whole Aurora, which a tenant created without one shows.
        """
        name, current = wanted['name'], found.current
        if wanted['state'] == 'absent':
            if current is None:
                return Plan(msg='absent', name=name, tenant=None)
            return _plan_delete(wanted, current, found.holdings)
        if current is None:
            values = dict((field.key, wanted.get(field.key) if wanted.get(field.key) is not None else field.default)
                          for field in FIELDS)
            sent = aurora_values(FIELDS, dict((key, value) for key, value in values.items() if value is not None))
            request = dict(sent, ChannelId=0, Name=name)
            tenant = dict(sent, Id=None, Name=name)
            tenant.setdefault('SiteName', found.site_name)
            return Plan(actions=('create',), after=tenant_state(tenant), msg='created', name=name, tenant=tenant,
                        request=request)
        before = tenant_state(current)
        changes = field_changes(FIELDS, before, wanted)
        if not changes:
            return Plan(current=current, before=before, after=before, name=name, tenant=current)
        new = dict((key, value) for key, (dummy, value) in changes.items())
        tenant = dict(current, **aurora_values(FIELDS, new))
        request = dict(aurora_values(FIELDS, new), TenantId=tenant_id_of(current))
        return Plan(actions=('update',), current=current, before=before, after=tenant_state(tenant), changes=changes,
                    msg='updated: %s' % describe_changes(changes), name=name, tenant=tenant, request=request)

    def apply(self, client, plan):
        tenant, notes, wrote, retries = carry_out(client, plan, _write, plan.tenant, self.check_mode)
        return tenant_result(plan, tenant, notes, wrote, retries)

    def planned(self, item, result):
        if result['msg'] != 'created':
            return []
        return [planned_entry('tenant', item['name'])]
