# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The lookups several kinds make, each in one place: a tenant and its id, the tenant that owns a server, and the
server a task names, nearest to its tenant. Reads only.

Facts relied on (docs/aurora-api-notes.md): Aurora compares tenant names ignoring case and its Search is a substring
match; ``GetServers`` lists the super-administrator's servers together with the tenants' own, and Aurora does not
refuse two servers of one name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    ResourceError,
    first_id,
    integer,
    named,
    server_id_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import read_until_settled


# ---- settings a kind needs -------------------------------------------------------------------------

def require_setting(client, setting, module, feature, objects, pronoun):
    """Fail unless Aurora's ``setting`` (of ``module``'s settings) is on: with ``feature`` off it has no ``objects``."""
    if not client.settings().get(setting):
        raise ResourceError('this Aurora has %s off, so it has no %s to manage; turn %s on with '
                            'afterlogic.aurora.aurora_settings (module: %s, settings: {%s: true}) and api_transport: '
                            'php, on the Aurora host' % (feature, objects, pronoun, module, setting))


# ---- tenants -------------------------------------------------------------------------------------

def tenant_id_of(tenant):
    return first_id(tenant, 'Id', 'EntityId')


def find_tenant(client, name, full=True):
    """The tenant Aurora holds under ``name`` (compared ignoring case, as Aurora does), or None; with ``full`` the
    whole tenant (GetTenant), else its listing (Id, Name, SiteName).

    A stored name that differs in case is an error: Aurora would refuse the name as a duplicate and cannot rename it.
    """
    listed = named(client.list_tenants(name), name)
    if not listed:
        return None
    item = listed[0]
    if item.get('Name') != name:
        raise ResourceError('Aurora holds this tenant as %r (id %s), and tenant names cannot be changed; give the name '
                            'as %r' % (item.get('Name'), tenant_id_of(item), item.get('Name')))
    return full_tenant(client, item) if full else item


def full_tenant(client, listed):
    """The whole tenant (GetTenant) of a ``GetTenants`` item, with the SiteName only the listing has; None when it was
    deleted between the listing and the read."""
    tenant = client.call('Core', 'GetTenant', {'Id': tenant_id_of(listed)}, 'tenant %r' % listed.get('Name'))
    if not isinstance(tenant, dict):
        return None
    return dict(tenant, SiteName=listed.get('SiteName'))


def resolve_tenant(client, name=None, tenant_id=None):
    """(id, name) of the tenant a task names (option ``tenant``) or gives (``tenant_id``); (0, None) when it does
    neither. Fails naming the option when there is no such tenant."""
    if name is not None:
        found = find_tenant(client, name, full=False)
        if found is None:
            raise ResourceError('tenant: no tenant named %r; create it first with afterlogic.aurora.aurora_tenant'
                                % name)
        return tenant_id_of(found), found.get('Name')
    if tenant_id is not None:
        found = tenant_name(client, tenant_id, exists=True)
        if found is False:
            raise ResourceError('tenant_id: no tenant with id %s' % tenant_id)
        return tenant_id, found
    return 0, None


def tenant_name(client, tenant_id, exists=False):
    """The name of the tenant ``tenant_id``; when there is no such tenant, None (``exists``: False)."""
    tenant = client.call('Core', 'GetTenant', {'Id': tenant_id}, 'tenant %s' % tenant_id)
    if not isinstance(tenant, dict):
        return False if exists else None
    return tenant.get('Name')


def domain_tenant_id(client, domain):
    """The tenant in which MailDomains registered ``domain``, where Aurora puts a new user of it that is created
    without a tenant; None when no tenant has it. Only an Aurora with MailDomains is asked (its servers say
    AllowEditDomains false)."""
    for tenant in client.list_tenants():
        for registered in client.list_domains(tenant_id_of(tenant)):
            if str(registered.get('Name', '')).lower() == domain:
                return integer(registered.get('TenantId'))
    return None


def default_tenant_id(client):
    """The id of Aurora's default tenant, where a user created without a tenant goes; 0 when none is marked."""
    return next((tenant_id_of(tenant) for tenant in client.list_tenants() if tenant.get('IsDefault')), 0)


# ---- servers and their owners --------------------------------------------------------------------

def owner_tenant_id(server):
    """The tenant that owns a server; 0 for a server of the super-administrator's."""
    return integer(server.get('TenantId') or 0) if server.get('OwnerType') == 'tenant' else 0


def named_servers(client, name, tenant_id=0):
    """The servers named exactly ``name`` that a tenant owns (``tenant_id``), or the super-administrator (0).

    Aurora's Search is a substring match, and its listing mixes the super-administrator's servers with tenants'.
    """
    return [server for server in client.list_servers(name, tenant_id)
            if server.get('Name') == name and owner_tenant_id(server) == tenant_id]


def duplicate_servers_error(name, servers):
    ids = ', '.join(str(server_id) for server_id in sorted(server_id_of(server) for server in servers))
    return ResourceError(
        '%d mail servers are named %r (ids %s) and Aurora does not refuse duplicate names, so this task cannot tell '
        'which one it manages; delete the extra ones (in the admin panel, or with Mail.DeleteServer) or rename them, '
        'then run the task again' % (len(servers), name, ids))


def find_server(client, name, candidates=None, tenant_id=0):
    """The one server named exactly ``name`` that the tenant ``tenant_id`` owns (0: the super-administrator), or None.

    ``candidates`` is an already fetched server list (of any names and owners) to search instead of asking Aurora.
    Raises ResourceError when several servers have that name: picking one would be a guess.
    """
    if candidates is None:
        candidates = named_servers(client, name, tenant_id)
    servers = [server for server in candidates if server.get('Name') == name and owner_tenant_id(server) == tenant_id]
    if len(servers) > 1:
        servers = read_until_settled(lambda: named_servers(client, name, tenant_id), lambda found: len(found) < 2,
                                     client.timeout)
    if len(servers) > 1:
        raise duplicate_servers_error(name, servers)
    return servers[0] if servers else None


# ---- accounts on a server (DeleteServer cascades to them) ----------------------------------
def account_emails_by_server(client):
    """``{server id: [emails of the accounts on it]}`` over every user; Aurora has no call for "accounts of a server"."""
    emails = {}
    for user in client.list_users():
        target = 'user %s' % user.get('PublicId')
        for account in client.call('Mail', 'GetAccounts', {'UserId': integer(user['Id'])}, target) or []:
            emails.setdefault(integer(account.get('ServerId')), []).append(account.get('Email'))
    return emails


def server_map(servers):
    """``{name: [server, ...]}`` from a server listing (``client.list_servers()``), to share between lookups."""
    found = {}
    for server in servers:
        found.setdefault(server.get('Name'), []).append(server)
    return found


def server_by_name(client, name, servers=None, tenant_id=None):
    """The server named ``name`` that a user of the tenant ``tenant_id`` uses: the tenant's own, else one of the
    super-administrator's. With no tenant known: the super-administrator's, else any tenant's. ``servers``: a
    ``server_map()`` to search instead of asking Aurora."""
    found = usable_servers(client.find_servers(name) if servers is None else servers.get(name, []), tenant_id)
    if len(found) > 1:  # perhaps the copies of runs that raced to create it, which they delete at once
        found = read_until_settled(lambda: usable_servers(client.find_servers(name), tenant_id),
                                   lambda listed: len(listed) < 2, client.timeout)
    if not found:
        raise ResourceError('server: no mail server named %r%s; create it with afterlogic.aurora.aurora_mail_server '
                            'or give its server_id' % (name, ' that tenant %s can use' % tenant_id if tenant_id else ''))
    if len(found) > 1:
        raise ResourceError('server: %d mail servers are named %r (ids %s, of %s), equally near the tenant; give '
                            'server_id instead' % (len(found), name, ', '.join(str(server_id_of(server)) for server in found),
                                                   ' and '.join(sorted(set(_owner(server) for server in found)))))
    return found[0]


def usable_servers(servers, tenant_id):
    """The servers of the nearest owner: the tenant's own, else the super-administrator's (``tenant_id`` None:
    the super-administrator's, else any tenant's)."""
    owners = (tenant_id, 0) if tenant_id else (0, None)
    for owner in owners:
        near = [server for server in servers if owner is None or owner_tenant_id(server) == owner]
        if near:
            return near
    return []


def _owner(server):
    owner = owner_tenant_id(server)
    return 'tenant %s' % owner if owner else 'the super-administrator'


def server_by_id(client, server_id, servers=None):
    """The server ``server_id``, from a ``server_map()`` when given, else read; fails naming the option."""
    for listed in (servers or {}).values():
        for server in listed:
            if server_id_of(server) == server_id:
                return server
    found = client.call('Mail', 'GetServer', {'ServerId': server_id}, 'mail server %s' % server_id)
    if not isinstance(found, dict):
        raise ResourceError('server_id: no mail server with id %s' % server_id)
    return found


def server_for_domain(client, domain):
    """The server Aurora itself would pick for the domain (an exact domain, else a wildcard server)."""
    found = client.call('Mail', 'GetMailServerByDomain', {'Domain': domain, 'AllowWildcardDomain': True},
                        'domain %s' % domain)
    server = found.get('Server') if isinstance(found, dict) else None
    if not isinstance(server, dict):
        raise ResourceError(
            'no mail server serves the domain %s (none lists it in its domains and there is no wildcard server); '
            'add %s to the domains of a mail server (afterlogic.aurora.aurora_mail_server) or give server or server_id'
            % (domain, domain))
    return server
