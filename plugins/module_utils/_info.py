# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The read side: what an Aurora holds, as items in the option names of the modules that manage each kind.

Each item, given back to its module (or to the provision role), reports ``ok``: the items are made from the kinds'
own views (``server_view``, ``user_state``, ``account_state``, ``tenant_state``). Passwords are never among them:
Aurora answers ``*****`` for every stored one. Only reads are made: paged listings, and the calls Aurora has no
listing for (``Mail.GetAccounts`` per user, ``Core.GetGroupUsers`` per group, ``Core.GetTenant`` per tenant) at most
``parallel`` at a time. The settings are read by the settings kind's own reads (``_settings``), a file per call.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._accounts import (
    ROLES,
    account_state,
    complete_user,
    multi_accounts_allowed,
    split_accounts,
    user_accounts,
    user_id_of,
    user_state,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._exclusive import unlisted
from ansible_collections.afterlogic.aurora.plugins.module_utils._group import group_members
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import (
    full_tenant,
    owner_tenant_id,
    resolve_tenant,
    tenant_id_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import (
    FIELDS as SERVER_FIELDS,
    OAUTH_OPTIONS,
    server_view,
    shown_domains,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import DEFAULT_PARALLEL, each
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    MAIL_DOMAINS_MODULE,
    integer,
    server_id_of,
    tenant_option_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings import readable_modules, settings_item
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import tenant_state

KINDS = ('settings', 'tenants', 'servers', 'domains', 'users', 'accounts', 'groups')

# The kinds that only some Aurora installations have: (capability, why it is missing).
REQUIRES = {
    'tenants': ('multi_tenancy', 'multi-tenancy is off (EnableMultiTenant in data/settings/config.json)'),
    'domains': ('mail_domains', 'the MailDomains module is not installed'),
    'groups': ('groups', 'groups are off (AllowGroups in data/settings/modules/Core.config.json)'),
}

ACCOUNT_OPTIONS = ('server', 'incoming_login', 'friendly_name')


def info_argument_spec():
    return dict(
        gather=dict(type='list', elements='str', choices=list(KINDS)),
        tenant=dict(type='str'),
        search=dict(type='str'),
        parallel=dict(type='int', default=DEFAULT_PARALLEL),
        compare=dict(type='dict'),
    )


def validation_errors(params):
    errors = tenant_option_errors(params)
    if params['parallel'] < 1:
        errors.append('parallel must be at least 1 (1 reads one thing after the other), got %d' % params['parallel'])
    return errors


# ---- items (pure) --------------------------------------------------------------------------------

def capabilities(settings, mail_domains, multi_accounts):
    """What this Aurora offers, from Core.GetSettings (``settings``) and Mail.GetSettings (``multi_accounts``).

    Whether Aurora logs in to the IMAP server before it creates an account (``DoImapLoginOnAccountCreate``) is in
    Mail's settings file only: no call returns it, so it is None.
    """
    return {
        'multi_tenancy': bool(settings.get('EnableMultiTenant')),
        'groups': bool(settings.get('AllowGroups')),
        'mail_domains': mail_domains,
        'multi_accounts': multi_accounts,
        'imap_check_on_account_creation': None,
    }


def server_item(server, tenant=None, mail_domains=False):
    """A server in aurora_mail_server's options; ``tenant``: the name of the tenant that owns it (None: the
    super-administrator's). With MailDomains the domains are the domain items' (only the catch-all is the server's)."""
    view = server_view(server)
    item = {'name': view['name']}
    if tenant is not None:
        item['tenant'] = tenant
    external = {}
    for field in SERVER_FIELDS:
        path = field.key.split('.')
        if path[0] == 'external_access':
            if len(path) == 3:
                external.setdefault(path[1], {})[path[2]] = view[field.key]
            else:
                external[path[1]] = view[field.key]
        elif field.key not in OAUTH_OPTIONS or view['oauth_enable']:
            item[field.key] = view[field.key]  # Aurora keeps the OAuth settings only while OAuth is on
    if mail_domains:
        item.pop('domains')
        if shown_domains(view['domains']):
            item['domains'] = shown_domains(view['domains'])
    item['external_access'] = external if external['enabled'] else {'enabled': False}
    return item


def user_item(user, login_account, tenant=None):
    """A user with its login account in aurora_user_account's options (``tenant``: its tenant's name, or None)."""
    state = user_state(user)
    item = {'email': state['email']}
    if state['role'] in ROLES:
        item['role'] = state['role']
    item['disabled'] = state['disabled']
    if tenant is not None:
        item['tenant'] = tenant
    if login_account is not None:
        item.update(_account_options(login_account))
    return item


def account_item(owner, account):
    """A further (non-login) account of the user ``owner`` (an e-mail), in aurora_mail_account's options."""
    return dict({'user': owner, 'email': str(account.get('Email', '')).lower()}, **_account_options(account))


def _account_options(account):
    state = account_state(account)
    return dict((key, state[key]) for key in ACCOUNT_OPTIONS if state[key] is not None)


def tenant_item(tenant):
    state = tenant_state(tenant)
    return dict([('name', state.pop('name'))] + sorted(state.items()))


# ---- reads ---------------------------------------------------------------------------------------

def read_each(things, read, parallel):
    """``[read(thing) for thing in things]``, at most ``parallel`` at a time; the first failure is raised."""
    def work(index):
        try:
            return read(things[index]), None
        except Exception as error:  # pylint: disable=broad-except  # raised again below, in the module's thread
            return None, error
    outcomes = each(len(things), work, parallel)
    for dummy, error in outcomes:
        if error is not None:
            raise error
    return [result for result, dummy in outcomes]


class Reader:
    """One run of aurora_info: the listings each kind needs, each read once, and the items made of them."""

    def __init__(self, client, params):
        self.client = client
        self.parallel = params['parallel']
        self.search = (params.get('search') or '').lower()
        self.warnings = []
        self._cache = {}
        settings = client.settings()
        self.supported = {'multi_tenancy': bool(settings.get('EnableMultiTenant')),
                          'groups': bool(settings.get('AllowGroups')),
                          'mail_domains': client.has_backend_module(MAIL_DOMAINS_MODULE)}
        self.tenant_name = params.get('tenant')
        self.tenant_id = resolve_tenant(client, self.tenant_name)[0] if self.tenant_name is not None else None

    def once(self, key, read):
        if key not in self._cache:
            self._cache[key] = read()
        return self._cache[key]

    def matches(self, *texts):
        return not self.search or any(self.search in str(text or '').lower() for text in texts)

    # ---- shared listings

    def tenants(self):
        """``[(id, name)]`` of the tenants in scope: the one the task names, else every tenant."""
        if self.tenant_id is not None:
            return [(self.tenant_id, self.tenant_name)]
        return [(tenant_id, name) for tenant_id, (name, dummy) in self.tenant_listing().items()]

    def tenant_listing(self):
        """``{id: (name, GetTenants item)}`` of every tenant."""
        return self.once('tenants', lambda: dict((tenant_id_of(tenant), (tenant.get('Name'), tenant))
                                                 for tenant in self.client.list_tenants()))

    def tenant_of(self, tenant_id):
        return self.tenant_listing().get(tenant_id, (None, None))[0]

    def servers_listed(self):
        """Every server in scope, as Aurora lists them for the tenant the task names (its own and the
        super-administrator's), else all."""
        return self.once('servers', lambda: list(self.client.list_servers(tenant_id=self.tenant_id or 0)))

    def server_names(self):
        return dict((server_id_of(server), server.get('Name')) for server in self.servers_listed())

    def users_listed(self):
        """``[(user, its tenant's name or None)]``: per tenant when multi-tenancy is on (no listing says a user's
        tenant), else in one listing."""
        def read():
            if not self.supported['multi_tenancy']:
                return [(user, None) for user in self.client.list_users(tenant_id=self.tenant_id or 0)]
            return [(user, name) for tenant_id, name in self.tenants()
                    for user in self.client.list_users(tenant_id=tenant_id)]
        return self.once('users', read)

    def accounts_of_users(self, want_accounts):
        """``[(user, its tenant, login account or None, other accounts)]`` of the users in scope; the accounts of
        those the search leaves out are read only when the extra accounts are gathered (they may match)."""
        def read():
            listed = [(user, tenant) for user, tenant in self.users_listed()
                      if want_accounts or self.matches(user.get('PublicId'))]

            def accounts(pair):
                user = complete_user(self.client, pair[0])
                email = str(user.get('PublicId', '')).lower()
                login, others = split_accounts(user_accounts(self.client, user_id_of(user)), email)
                return user, pair[1], login, others
            return read_each(listed, accounts, self.parallel)
        return self.once('accounts', read)

    # ---- the kinds

    def gather_capabilities(self):
        return capabilities(self.client.settings(), self.supported['mail_domains'], multi_accounts_allowed(self.client))

    def gather_settings(self):
        """The settings Aurora shows, each module's (and the system's) as an item of aurora_settings."""
        read = read_each(readable_modules(self.client), lambda module: settings_item(self.client, module),
                         self.parallel)
        for dummy, warnings in read:
            self.warnings.extend(warnings)
        return [item for item, dummy in read if item and item['settings']]

    def gather_tenants(self):
        listing = self.tenant_listing()
        wanted = [listing[tenant_id][1] for tenant_id, name in self.tenants()
                  if tenant_id in listing and self.matches(name)]
        tenants = read_each(wanted, lambda listed: full_tenant(self.client, listed), self.parallel)
        return [tenant_item(tenant) for tenant in tenants if tenant is not None and not tenant.get('IsDefault')]

    def gather_servers(self):
        items = []
        for server in self.servers_listed():
            if self.matches(server.get('Name')):
                owner = owner_tenant_id(server)
                items.append(server_item(server, self.tenant_of(owner) if owner else None,
                                         self.supported['mail_domains']))
        return items

    def gather_domains(self):
        names = self.server_names()
        items = []
        for tenant_id, tenant in self.tenants():
            for domain in self.client.list_domains(tenant_id):
                if self.matches(domain.get('Name')):
                    server_id = integer(domain.get('MailServerId'))
                    items.append({'name': domain.get('Name'), 'tenant': tenant,
                                  'server': names.get(server_id) or self._server_name(server_id)})
        return items

    def _server_name(self, server_id):
        server = self.client.call('Mail', 'GetServer', {'ServerId': server_id}, 'mail server %s' % server_id)
        return server.get('Name') if isinstance(server, dict) else None

    def gather_users(self, want_accounts):
        items = []
        for user, tenant, login, dummy in self.accounts_of_users(want_accounts):
            item = user_item(user, login, tenant)
            if not self.matches(item['email']):
                continue
            if 'role' not in item:
                self.warnings.append('user %s has the role %s, which aurora_user_account does not manage; its item '
                                     'has no role' % (item['email'], user_state(user)['role']))
            if login is None:
                self.warnings.append('user %s has no login mail account (one whose address is the user\'s), which '
                                     'aurora_user_account would create; its item has no server' % item['email'])
            items.append(item)
        return items

    def gather_accounts(self):
        items = []
        for user, dummy, dummy, others in self.accounts_of_users(True):
            owner = str(user.get('PublicId', '')).lower()
            items.extend(account_item(owner, account) for account in others
                         if self.matches(owner, account.get('Email')))
        return items

    def gather_groups(self):
        groups = [(tenant_id, tenant, group) for tenant_id, tenant in self.tenants()
                  for group in self.client.list_groups(tenant_id) if self.matches(group.get('Name'))]
        members = read_each(groups, lambda found: group_members(self.client, found[0], found[2]), self.parallel)
        return [{'name': group.get('Name'), 'tenant': tenant, 'members': sorted(emails)}
                for (dummy, tenant, group), emails in zip(groups, members)]


def supported_kinds(supported):
    return [kind for kind in KINDS if kind not in REQUIRES or supported[REQUIRES[kind][0]]]


def gather_info(client, params):
    """The module's result: ``capabilities`` (with ``settings``) and one list per gathered kind, plus ``warnings``."""
    reader = Reader(client, params)
    gather = params.get('gather')
    gather = supported_kinds(reader.supported) if gather is None else [kind for kind in KINDS if kind in gather]
    want_accounts = 'accounts' in gather
    result = {}
    for kind in gather:
        if kind in REQUIRES and not reader.supported[REQUIRES[kind][0]]:
            reader.warnings.append('%s: not gathered, this Aurora has none: %s' % (kind, REQUIRES[kind][1]))
            result[kind] = []
        elif kind == 'settings':
            result['capabilities'] = reader.gather_capabilities()
            result[kind] = reader.gather_settings()
        elif kind == 'users':
            result[kind] = reader.gather_users(want_accounts)
        else:
            result[kind] = getattr(reader, 'gather_' + kind)()
    if params.get('compare') is not None:
        tenant_names = dict((tenant_id, name) for tenant_id, (name, dummy) in reader.tenant_listing().items()) \
            if reader.supported['multi_tenancy'] else {}
        owners = dict((str(user.get('PublicId', '')).lower(), tenant)
                      for user, tenant, dummy, dummy in reader.accounts_of_users(True)) if want_accounts else {}
        result['unlisted'] = unlisted(dict((kind, result[kind]) for kind in gather if kind != 'settings'),
                                      params['compare'], tenant_names, owners)
    counts = ['%d %s' % (len(result[kind]), kind) for kind in gather if kind != 'settings']
    result['msg'] = 'gathered %s' % (', '.join(counts) or 'the settings')
    return result, reader.warnings
