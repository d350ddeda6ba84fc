# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Mail domains of Aurora's MailDomains module: a domain name registered in a tenant, on a mail server.

Facts relied on (docs/aurora-api-notes.md, "Corporate profile"): names are unique across all tenants, compared
ignoring case (a duplicate is 1002 with Module MailDomains); ``GetDomains`` needs a tenant (TenantId 0 is 103) and
its Search takes ``_`` as a wildcard; there is no update, so another tenant or server means delete and create again;
``DeleteDomains`` deletes the users linked to the domain, but not those who belong to a group, and the domain's
``Count`` leaves those out too; a missing domain sent to ``GetDomain`` or ``DeleteDomains`` is an HTTP 500.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import describe_changes
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraApiError
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import Kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import (
    resolve_tenant,
    server_by_id,
    server_by_name,
    tenant_id_of,
    tenant_name,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import planned_entry
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    FORCE,
    MAIL_DOMAINS_MODULE,
    NAME,
    SERVER,
    STATE,
    TENANT,
    Found,
    Plan,
    ResourceError,
    argument_spec,
    domain_error,
    first_id,
    integer,
    listed,
    named,
    result_of,
    server_id_of,
    tenant_option_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import ADOPTED, NOT_DONE, carry_out

DOMAIN_EXISTS = 1002  # with Module MailDomains (Core uses the same number for a duplicate tenant)


OPTIONS = [NAME, STATE] + TENANT + SERVER + [FORCE]
SPEC = argument_spec(OPTIONS)  # read only: for the checks of the options


# ---- validation (pure) ---------------------------------------------------------------------------

def validation_errors(params):
    """Every problem in a task's options, each naming its option; [] when the task is valid."""
    name = params.get('name') or ''
    errors = text_length_errors(SPEC, params)
    if name == '*':
        errors.append('name must be a domain name; the catch-all * is a setting of its mail server')
    elif name != name.strip():
        errors.append('name %r has surrounding spaces, which Aurora refuses (error 103)' % name)
    else:
        errors.append(domain_error(name, option='name'))
    errors.extend(tenant_option_errors(params))
    server, server_id = params.get('server'), params.get('server_id')
    if server is not None and server_id is not None:
        errors.append('server and server_id are mutually exclusive; give the name or the id of the mail server')
    if server is not None and (not server.strip() or CONTROL.search(server)):
        errors.append('server must be the name of a mail server, got %r' % server)
    if server_id is not None and server_id < 1:
        errors.append('server_id must be a positive mail server id, got %s' % server_id)
    if (params.get('state') or 'present') == 'present':
        if params.get('tenant') is None and params.get('tenant_id') is None:
            errors.append('tenant (or tenant_id) is required for a domain that is present: MailDomains registers a '
                          'domain in a tenant')
        if server is None and server_id is None:
            errors.append('server (or server_id) is required for a domain that is present')
    return [error for error in errors if error]


# ---- lookup (reads only) -------------------------------------------------------------------------

def require_mail_domains(client):
    if not client.has_backend_module(MAIL_DOMAINS_MODULE):
        raise ResourceError('this Aurora has no MailDomains module, so it has no mail domains to manage; the domains of '
                            'a mail server are then the domains option of afterlogic.aurora.aurora_mail_server (a '
                            'MailDomains module that is installed but off is switched on with '
                            'afterlogic.aurora.aurora_settings: module: MailDomains, settings: {Disabled: false}, and '
                            'api_transport: php)')


def domain_id_of(domain):
    return first_id(domain, 'Id', 'EntityId')


def find_domain(client, name, tenant_id=None):
    """The domain registered as ``name`` (ignoring case), looked for in tenant ``tenant_id`` first, then in every
    tenant (names are unique across tenants); None when there is none."""
    if tenant_id is not None:
        found = named(client.list_domains(tenant_id, name), name)
        if found:
            return found[0]
    for tenant in client.list_tenants():
        other = tenant_id_of(tenant)
        if other != tenant_id:
            found = named(client.list_domains(other, name), name)
            if found:
                return found[0]
    return None


def domain_users(client, domain):
    """``{e-mail: whether the user belongs to a group}`` of the users in the domain's tenant whose address is in the
    domain. Aurora's own count (``Count``) leaves out the users who belong to a group, and deleting the domain leaves
    them behind, so the users are counted from themselves."""
    suffix = '@' + str(domain.get('Name', '')).lower()
    return dict((str(user.get('PublicId')), bool(user.get('Groups')))
                for user in client.list_users(suffix, integer(domain.get('TenantId')))
                if str(user.get('PublicId', '')).lower().endswith(suffix))


class Wanted(object):
    """A present task resolved against Aurora: the tenant (id, name) and the server it names."""

    def __init__(self, tenant_id, tenant_name_, server):
        self.tenant_id = tenant_id
        self.tenant_name = tenant_name_
        self.server = server


def resolve(client, params):
    """The tenant and the server a present task names; fails naming the option when either is missing."""
    tenant_id, name = resolve_tenant(client, params.get('tenant'), params.get('tenant_id'))
    if params.get('server') is not None:
        server = server_by_name(client, params['server'], tenant_id=tenant_id)
    else:
        server = server_by_id(client, params['server_id'])
    return Wanted(tenant_id, name, server)


# ---- planning (pure) -----------------------------------------------------------------------------

def domain_state(domain, tenant, server):
    """The domain in the words of the options, for the diff."""
    return {'name': domain.get('Name'), 'tenant': tenant, 'tenant_id': integer(domain.get('TenantId')),
            'server': server, 'server_id': integer(domain.get('MailServerId'))}


def plan_domain(params, current, wanted, users, current_names):
    """What the task does, given the domain Aurora holds (None: none), the resolved ``wanted`` tenant and server, the
    users of the current domain and the (tenant, server) names of the current domain."""
    name = params['name']
    grouped, users = users, sorted(users)
    before = domain_state(current, *current_names) if current is not None else None
    if params['state'] == 'absent':
        if current is None:
            return Plan(msg='absent', name=name, domain=None, users=[])
        if users and not params.get('force'):
            raise ResourceError('refusing to delete mail domain %s: Aurora would delete with it its users (%s); delete '
                                'or move them first, or set force: true' % (current.get('Name'), listed(users)),
                                details={'blocking': list(users)})
        return Plan(actions=('delete',), current=current, before=before, msg='deleted', name=name, domain=None,
                    users=list(users), grouped=grouped)
    domain = {'Id': None, 'Name': name, 'TenantId': wanted.tenant_id, 'MailServerId': server_id_of(wanted.server)}
    after = domain_state(domain, wanted.tenant_name, wanted.server.get('Name'))
    if current is None:
        return Plan(actions=('create',), after=after, msg='created', name=name, domain=domain, users=[],
                    wanted=wanted)
    changes = dict((key, (before[key], after[key])) for key in ('tenant', 'server_id') if before[key] != after[key])
    domain = dict(domain, Id=domain_id_of(current), Name=current.get('Name'))
    after['name'] = current.get('Name')
    if not changes:
        return Plan(current=current, before=before, after=after, name=name, domain=current, users=list(users))
    if not params.get('force'):
        raise ResourceError(
            'mail domain %s is registered in tenant %r on mail server %r (id %s), and Aurora cannot move a domain; set '
            'force: true to delete and register it again, which deletes its users%s'
            % (current.get('Name'), current_names[0], current_names[1], current.get('MailServerId'),
               ' (%s)' % listed(users) if users else ''))
    return Plan(actions=('delete', 'create'), current=current, before=before, after=after, changes=changes,
                msg='registered again: %s' % describe_changes(changes), name=name, domain=domain, users=list(users),
                wanted=wanted, grouped=grouped)


# ---- applying ------------------------------------------------------------------------------------

def _write(client, plan):
    """The plan's writes; returns (the domain after the run, notes, whether this run's writes changed Aurora)."""
    notes, wrote, domain = [], False, plan.current
    target = 'mail domain %s' % plan.name
    if 'delete' in plan.actions:
        domain_id, tenant_id = domain_id_of(plan.current), integer(plan.current.get('TenantId'))
        dummy, how = client.write('MailDomains', 'DeleteDomains', {'TenantId': tenant_id, 'IdList': [domain_id]},
                                  target, lambda answer_lost: _gone_or_not_done(client, plan.name, domain_id))
        wrote = how != ADOPTED
        if not wrote:
            notes.append('another actor had already deleted mail domain %s' % plan.name)
        domain = None
    if 'create' in plan.actions:
        domain, adopted = _create(client, plan, target)
        wrote = wrote or not adopted
        if adopted:
            notes.append('another run registered mail domain %s at the same time; adopted it (id %s)'
                         % (plan.name, domain_id_of(domain)))
    return domain, notes, wrote


def _create(client, plan, target):
    """CreateDomain; a duplicate (1002 from MailDomains) that turns out to be the wanted domain is adopted."""
    request = {'TenantId': plan.wanted.tenant_id, 'MailServerId': server_id_of(plan.wanted.server),
               'DomainName': plan.name}
    try:
        answer, how = client.write('MailDomains', 'CreateDomain', request, target,
                                   lambda answer_lost: _wanted_or_not_done(client, plan))
    except AuroraApiError as refused:
        if refused.code != DOMAIN_EXISTS or refused.response_module != MAIL_DOMAINS_MODULE:
            raise
        found = find_domain(client, plan.name, plan.wanted.tenant_id)
        if found is None or not _as_wanted(found, plan):
            raise ResourceError('mail domain %s was registered by another actor in another tenant or on another server '
                                'while this task was registering it; run the task again to see where'
                                % plan.name, 'MailDomains', 'CreateDomain', target)
        return found, True
    if how == ADOPTED:
        return answer, True
    domain = answer if isinstance(answer, dict) else dict(plan.domain, Id=integer(answer))
    return domain, False


def _as_wanted(domain, plan):
    return (integer(domain.get('TenantId')) == plan.wanted.tenant_id
            and integer(domain.get('MailServerId')) == server_id_of(plan.wanted.server))


def _wanted_or_not_done(client, plan):
    found = named(client.list_domains(plan.wanted.tenant_id, plan.name), plan.name)
    return found[0] if found and _as_wanted(found[0], plan) else NOT_DONE


def _gone_or_not_done(client, name, domain_id):
    """None once the domain is gone; it is never read by id (a missing id is an HTTP 500)."""
    return NOT_DONE if any(domain_id_of(domain) == domain_id for domain in _everywhere(client, name)) else None


def _everywhere(client, name):
    found = find_domain(client, name)
    return [found] if found is not None else []


def domain_view(domain, tenant, server, user_count):
    """The ``domain`` return value."""
    if domain is None:
        return None
    return {'id': domain_id_of(domain), 'name': domain.get('Name'), 'tenant': tenant,
            'tenant_id': integer(domain.get('TenantId')), 'server': server,
            'server_id': integer(domain.get('MailServerId')), 'user_count': user_count}


# ---- the kind ------------------------------------------------------------------------------------

class MailDomain(Kind):
    """A mail domain: afterlogic.aurora.aurora_mail_domain, and each item of aurora_mail_domains."""

    fields = OPTIONS
    mutually_exclusive = [['tenant', 'tenant_id'], ['server', 'server_id']]
    option = 'domains'
    noun = 'mail domains'
    key = 'name'
    item = 'mail domain'
    errors = staticmethod(validation_errors)

    def identity(self, item):
        return str(item.get('name') or '').lower()  # unique across all tenants, ignoring case

    def find(self, client, wanted):
        """The capability, the tenant and server the task names, the domain, its users and its current names."""
        require_mail_domains(client)
        resolved = resolve(client, wanted) if wanted['state'] == 'present' else None
        current = find_domain(client, wanted['name'], resolved.tenant_id if resolved else None)
        users, names = {}, (None, None)
        if current is not None:
            users = domain_users(client, current)
            server = client.call('Mail', 'GetServer', {'ServerId': integer(current.get('MailServerId'))},
                                 'mail server %s' % current.get('MailServerId'))
            names = (tenant_name(client, integer(current.get('TenantId'))),
                     server.get('Name') if isinstance(server, dict) else None)
        return Found(current, resolved=resolved, users=users, names=names)

    def plan(self, wanted, found):
        return plan_domain(wanted, found.current, found.resolved, found.users, found.names)

    def apply(self, client, plan):
        domain, notes, wrote, retries = carry_out(client, plan, _write, plan.domain, self.check_mode)
        after = plan.after or {}
        returned = dict(domain=domain_view(domain, after.get('tenant'), after.get('server'),
                                           len(plan.users) if 'delete' not in plan.actions else 0),
                        domain_id=domain_id_of(domain) if domain else domain_id_of(plan.current or {}))
        if 'delete' in plan.actions:
            # Users in a group stay (predicted in check mode); so do users who were never linked to the domain.
            kept = sorted(email for email, grouped in plan.grouped.items() if grouped) if self.check_mode else sorted(
                email for email in domain_users(client, plan.current) if email in plan.users)
            returned['deleted_users'] = [email for email in plan.users if email not in kept]
            returned['kept_users'] = kept
        return result_of(plan, returned, notes, wrote, retries)

    def planned(self, item, result):
        return [planned_entry('mail_domain', item['name'], item)] if item['state'] == 'present' else []
