# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check mode over several tasks: Aurora as the earlier tasks of the run will have left it.

A check run writes nothing, so a task that creates a tenant, a server, a domain or a user leaves no trace for the
next task, which would then find them missing. Each bulk module returns, in check mode, the objects it would create
or change (``planned``); a later task is given them (its option ``planned``) and reads Aurora through
``PlannedAurora``: the listings and reads it makes show the planned objects as the real run will have made them.
So does aurora_settings with the settings it would set: ``Core.GetSettings`` (and the other ``GetSettings``) then
show them, so that a task sees multi-tenancy, groups or the MailDomains module that an earlier task switches on. A
module the run switches on holds nothing yet: its reads answer empty.

A planned object that does not exist yet gets a negative id, which no Aurora object has. Only reads see it: a check
run sends no write. The entries name their tenant and server as the tasks' items do (by name or by id), so one
task's placeholder ids never reach another.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

from ansible_collections.afterlogic.aurora.plugins.module_utils._api import AuroraClient, is_read
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import (
    default_tenant_id,
    owner_tenant_id,
    tenant_id_of,
    usable_servers,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import Once
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import first_id, integer, named, server_id_of
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings_catalog import (
    CORE,
    DISABLED,
    WEB_ENUMS,
    WEB_SHOWN,
)

KINDS = ('settings', 'tenant', 'mail_server', 'mail_domain', 'user')
SERVED = 'AvailableBackendModules'  # the key of Core.GetSettings that lists the modules Aurora loads
PLACEHOLDER_IN_TEXT = re.compile(r'(?<![\w.-])-[1-9][0-9]*(?![\w.])')

PLANNED_SPEC = dict(
    kind=dict(type='str', required=True, choices=list(KINDS)),
    name=dict(type='str', required=True),
    id=dict(type='int'),
    tenant=dict(type='str'),
    tenant_id=dict(type='int'),
    server=dict(type='str'),
    server_id=dict(type='int'),
    domains=dict(type='list', elements='str', default=[]),
    account=dict(type='bool', default=False),
    settings=dict(type='dict'),
)


def planned_argument_spec():
    return {'planned': dict(type='list', elements='dict', options=PLANNED_SPEC, default=[])}


def planned_entry(kind, name, item=None, object_id=None, domains=None, account=False, settings=None):
    """One entry of ``planned``: the object ``name`` of ``kind``, owned as ``item`` (the task's options) says;
    ``object_id`` when it exists already; ``account``: a user's login account is created; ``settings``: of the
    kind settings, the settings of the module ``name`` as the real run leaves them (enums by name)."""
    item = item or {}
    return {'kind': kind, 'name': name, 'id': object_id if object_id is None or object_id > 0 else None,
            'tenant': item.get('tenant'), 'tenant_id': item.get('tenant_id'), 'server': item.get('server'),
            'server_id': item.get('server_id'), 'domains': list(domains or []), 'account': account,
            'settings': settings}


def contains(text, search):
    return str(search or '').lower() in str(text or '').lower()


class PlannedAurora:
    """The client, with the planned objects added to what it reads."""

    list_servers = AuroraClient.list_servers
    find_servers = AuroraClient.find_servers
    list_users = AuroraClient.list_users
    find_users = AuroraClient.find_users
    list_domains = AuroraClient.list_domains
    list_groups = AuroraClient.list_groups
    list_tenants = AuroraClient.list_tenants

    def __init__(self, client, planned):
        self._client = client
        self._planned = planned
        self._lock = threading.Lock()
        self._built = False
        self._next_id = 0
        self.tenants, self.servers, self.domains, self.users, self.accounts = [], [], [], [], {}
        self.changed_servers, self.moved_users = {}, {}  # existing objects the run changes: id -> what changes
        self.planned_settings = {}  # module (as Aurora names it, or system) -> {setting: value, enums by name}
        self.switched_on = set()  # the modules the run switches on that Aurora does not load now
        self._settings = Once()
        self.listed_domains = {}  # domain -> the planned or changed server whose Domains list it
        self._domain_servers = Once.each()  # domain -> Aurora's pick for it, once per task

    def __getattr__(self, name):
        return getattr(self._client, name)

    def placeholder_names(self):
        """{placeholder id: name} of the planned objects that do not exist yet."""
        return dict((item['Id'], item.get('Name') or item.get('PublicId'))
                    for item in self.tenants + self.servers + self.domains + self.users)

    # ---- the planned world ---------------------------------------------------------------------

    def _new_id(self):
        self._next_id -= 1
        return self._next_id

    def _world(self):
        with self._lock:
            if not self._built:
                for kind in KINDS:
                    for entry in self._planned:
                        if entry['kind'] == kind:
                            getattr(self, '_add_' + kind)(entry)
                    if kind == 'mail_server':
                        self.listed_domains = self._listed_domains()
                self._built = True

    def _add_settings(self, entry):
        self.planned_settings.setdefault(entry['name'], {}).update(entry.get('settings') or {})
        if (entry.get('settings') or {}).get(DISABLED) is False \
                and entry['name'] not in (self._client.settings().get(SERVED) or []):
            self.switched_on.add(entry['name'])

    def _tenant_id(self, entry):
        if entry.get('tenant_id') is not None:
            return entry['tenant_id']
        if entry.get('tenant') is None:
            return 0
        found = named(self.tenants + list(self._client.list_tenants(entry['tenant'])), entry['tenant'])
        return tenant_id_of(found[0]) if found else 0

    def _server(self, entry, tenant_id):
        """The server an entry names, nearest its tenant: the tenant's own, else the super-administrator's."""
        if entry.get('server_id') is not None:
            return self._read_server(entry['server_id'])
        if entry.get('server') is None:
            return None
        named = [server for server in self._servers('', 0) if server.get('Name') == entry['server']]
        return next(iter(usable_servers(named, tenant_id)), None)

    def _add_tenant(self, entry):
        if not self._tenant_id({'tenant': entry['name']}):
            tenant_id = self._new_id()
            self.tenants.append({'Id': tenant_id, 'EntityId': tenant_id, 'Name': entry['name'], 'Description': '',
                                 'IsDefault': False, 'IsDisabled': False, 'SiteName': '', 'WebDomain': ''})

    def _add_mail_server(self, entry):
        domains = '\n'.join(entry['domains'])
        if entry.get('id') is not None:
            self.changed_servers[entry['id']] = domains
            return
        tenant_id = self._tenant_id(entry)
        server_id = self._new_id()
        self.servers.append({'Id': server_id, 'ServerId': server_id, 'EntityId': server_id, 'Name': entry['name'],
                             'TenantId': tenant_id, 'OwnerType': 'tenant' if tenant_id else 'superadmin',
                             'Domains': domains})

    def _add_mail_domain(self, entry):
        tenant_id = self._tenant_id(entry)
        server = self._server(entry, tenant_id) or {}
        domain_id = self._new_id()
        self.domains.append({'Id': domain_id, 'Name': entry['name'], 'TenantId': tenant_id,
                             'MailServerId': server_id_of(server), 'Count': 0})

    def _add_user(self, entry):
        email = entry['name'].lower()
        names_tenant = entry.get('tenant') is not None or entry.get('tenant_id') is not None
        if names_tenant:
            tenant_id = self._tenant_id(entry)
        else:
            domain = self._domain(email.rpartition('@')[2])
            tenant_id = integer(domain.get('TenantId')) if domain else default_tenant_id(self._client)
        user_id = entry.get('id')
        if user_id is None:
            user_id = self._new_id()
            self.users.append({'Id': user_id, 'EntityId': user_id, 'PublicId': entry['name'], 'IdTenant': tenant_id,
                               'Role': 1, 'IsDisabled': False, 'Groups': []})
        elif names_tenant:
            self.moved_users[user_id] = tenant_id
        server = self._server(entry, tenant_id) or self._server_for_domain(email.rpartition('@')[2])
        if entry['account'] and server:
            account_id = self._new_id()
            self.accounts[user_id] = [{'AccountID': account_id, 'Id': account_id, 'EntityId': account_id,
                                       'IdUser': user_id, 'Email': entry['name'], 'IncomingLogin': entry['name'],
                                       'ServerId': server_id_of(server), 'Server': server, 'UseToAuthorize': True,
                                       'FriendlyName': ''}]

    def _domain(self, name):
        return next(iter(named(self.domains, name)), None)

    # ---- reads ---------------------------------------------------------------------------------

    def settings(self):
        """Core.GetSettings as the client caches it, with the planned settings."""
        self._world()
        return self._settings.get(lambda: self._with_planned_settings(CORE, self._client.settings()))

    has_backend_module = AuroraClient.has_backend_module

    def _with_planned_settings(self, reader, answer):
        """The answer of ``reader``.GetSettings as it will be once the planned settings are set: those it shows, in
        the form it shows them (an enum by its number), and the modules switched on or off among those it loads."""
        if not isinstance(answer, dict) or not self.planned_settings:
            return answer
        answer = dict(answer)
        for module, values in self.planned_settings.items():
            shown = WEB_SHOWN.get(module)
            for name, value in values.items():
                if name == DISABLED and reader == CORE:
                    served = [served for served in answer.get(SERVED) or [] if served != module]
                    answer[SERVED] = served if value else served + [module]
                elif shown and shown[0] == reader and name in shown[1]:
                    answer[shown[1][name]] = WEB_ENUMS.get((module, name), {}).get(value, value)
        return answer

    def _servers(self, search, tenant_id):
        if tenant_id < 0:  # a planned tenant owns no server yet: the super-administrator's are its only ones
            listed = [server for server in self._client.list_servers(search) if owner_tenant_id(server) == 0]
        else:
            listed = list(self._client.list_servers(search, tenant_id))
        for server in listed:
            if server_id_of(server) in self.changed_servers and server.get('AllowEditDomains') is not False:
                server['Domains'] = self.changed_servers[server_id_of(server)]
        planned = [server for server in self.servers
                   if contains(server['Name'], search) and (not tenant_id or owner_tenant_id(server) in (0, tenant_id))]
        return listed + planned

    def _read_server(self, server_id):
        planned = [server for server in self.servers if server['Id'] == server_id]
        if planned:
            return planned[0]
        found = self._client.call('Mail', 'GetServer', {'ServerId': server_id}, 'mail server %s' % server_id)
        return found if isinstance(found, dict) else None

    def _server_for_domain(self, domain):
        """Aurora's pick for a domain once the planned objects exist: a registered domain's server, a server
        listing the domain, a wildcard server; else what Aurora picks today."""
        registered = self._domain(domain)
        if registered:
            return self._read_server(integer(registered['MailServerId']))
        if domain in self.listed_domains:
            return self.listed_domains[domain]
        found = self._client.call('Mail', 'GetMailServerByDomain', {'Domain': domain, 'AllowWildcardDomain': True},
                                  'domain %s' % domain)
        found = found.get('Server') if isinstance(found, dict) else None
        return found if isinstance(found, dict) else self.listed_domains.get('*')

    def _listed_domains(self):
        """{domain: server} of the servers the run creates or whose domains it changes, read once."""
        changed = [server for server in self._servers('', 0) if server_id_of(server) in self.changed_servers] \
            if self.changed_servers else []
        return dict((listed.lower(), server) for server in self.servers + changed
                    for listed in server['Domains'].split('\n') if listed)

    def _users(self, search, tenant_id):
        listed = [] if tenant_id < 0 else list(self._client.list_users(search, tenant_id))
        if tenant_id and self.moved_users:
            listed = [user for user in listed if self.moved_users.get(first_id(user, 'Id', 'EntityId'), tenant_id)
                      == tenant_id]
            moved_in = [user_id for user_id, moved_to in self.moved_users.items() if moved_to == tenant_id]
            listed += [user for user in self._client.list_users(search)
                       if first_id(user, 'Id', 'EntityId') in moved_in]
        return listed + [user for user in self.users
                         if contains(user['PublicId'], search) and (not tenant_id or user['IdTenant'] == tenant_id)]

    def _pages(self, module, method, params, target):
        self._world()
        if module in self.switched_on:
            return []
        search = params.get('Search', '')
        if (module, method) == ('Core', 'GetTenants'):
            return list(self._client.list_tenants(search)) + [
                tenant for tenant in self.tenants if contains(tenant['Name'], search)]
        if (module, method) == ('Mail', 'GetServers'):
            return self._servers(search, params['TenantId'])
        if (module, method) == ('Core', 'GetUsers'):
            return self._users(search, params['TenantId'])
        if (module, method) == ('MailDomains', 'GetDomains'):
            listed = [] if params['TenantId'] < 0 else list(self._client.list_domains(params['TenantId'], search))
            return listed + [domain for domain in self.domains
                             if domain['TenantId'] == params['TenantId'] and contains(domain['Name'], search)]
        return self._client._pages(module, method, params, target)

    def call(self, module, method, params=None, target=None):
        self._world()
        if module in self.switched_on and is_read(method):
            return False  # the module holds nothing yet, and Aurora does not answer its calls before the run
        if method == 'GetSettings':
            return self._with_planned_settings(module, self._client.call(module, method, params, target))
        params = params or {}
        if method == 'GetMailServerByDomain' and params.get('Domain'):
            domain = str(params['Domain']).lower()
            server = self._domain_servers(domain, lambda: self._server_for_domain(domain))
            return {'Server': server} if server else False
        planned_id = next((value for value in params.values() if isinstance(value, int) and value < 0), None)
        if planned_id is None:
            answer = self._client.call(module, method, params or None, target)
            if (module, method) == ('Core', 'GetUser') and isinstance(answer, dict) \
                    and params.get('Id') in self.moved_users:
                answer = dict(answer, IdTenant=self.moved_users[params['Id']])
            if (module, method) == ('Mail', 'GetAccounts') and params.get('UserId') in self.accounts:
                answer = list(answer or []) + self.accounts[params['UserId']]
            return answer
        return self._planned_answer(module, method, planned_id)

    def _planned_answer(self, module, method, planned_id):
        """A read about a planned object, which Aurora does not hold yet."""
        by_id = dict((item['Id'], item) for item in self.tenants + self.servers + self.domains + self.users)
        if method in ('GetTenant', 'GetServer', 'GetUser', 'GetDomain'):
            return dict(by_id[planned_id]) if planned_id in by_id else False
        if method == 'GetAccounts':
            return list(self.accounts.get(planned_id, []))
        if method in ('GetGroups', 'GetGroupUsers'):
            return {'Items': [], 'Count': 0} if method == 'GetGroups' else []
        return False


def without_placeholders(value, names=None):
    """``value`` (a result) with the placeholder ids of planned objects made null, as a check run without planned
    objects reports the ids of objects it would create; in its texts, each placeholder id that ``names``
    ({id: name}) knows is its object's quoted name."""
    if isinstance(value, dict):
        return dict((key, None if _is_id(key) and _is_placeholder(item) else without_placeholders(item, names))
                    for key, item in value.items())
    if isinstance(value, list):
        return [without_placeholders(item, names) for item in value]
    if isinstance(value, str) and names:
        return PLACEHOLDER_IN_TEXT.sub(lambda found: _named(names, found.group(0)), value)
    return value


def _named(names, placeholder):
    name = names.get(int(placeholder))
    return placeholder if name is None else repr(str(name))


def _is_id(key):
    return isinstance(key, str) and (key.lower().endswith('id') or key.startswith('Id'))


def _is_placeholder(value):
    return isinstance(value, int) and not isinstance(value, bool) and value < 0
