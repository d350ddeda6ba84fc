# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Mail servers: options, validation, lookup, planning and applying.

Every step is a function of its own so that a module handling one server and a
module handling many (one listing, a thread pool) can share them unchanged:

    validation_errors(params)                  pure, no API call
    find_server(client, name, candidates=None) the only read needed before planning
    plan_server(current, params)               pure: what to do and what will result
    apply_plan(client, plan, check_mode, diff) the writes (none in check mode) -> result

Options are compared in "views": dicts keyed by option name (external access
flattened as ``external_access.imap.port``) holding normalised values, so that
a server read from Aurora and a task's parameters compare directly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import (
    SECRET_CHANGED,
    SECRET_PLACEHOLDER,
    changes_between,
    describe_changes,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    CONTROL_OR_SPACE,
    STORED_SECRET,
    Field,
    Plan,
    ResourceError,
    named_argument_spec,
    integer,
    result_of,
    server_id_of,
    text,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import tenant_id_for, tenant_option_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import (
    ADOPTED,
    NOT_DONE,
    SENT,
    carry_out,
    read_until_settled,
    update_seen,
)

PASSWORD_KEY = 'smtp_password'
PASSWORD_CHANGED = SECRET_CHANGED
MAX_LISTED_EMAILS = 5

SMTP_AUTH_TYPES = {
    'no_authentication': '0',
    'specified_credentials': '1',
    'user_credentials': '2',
}
SMTP_AUTH_NAMES = dict((code, name) for name, code in SMTP_AUTH_TYPES.items())

EXTERNAL_SERVICES = (('imap', 'Imap', 143), ('smtp', 'Smtp', 25), ('pop3', 'Pop3', 110))
EXTERNAL_SERVICE_OPTIONS = ('server', 'port', 'alter_port', 'use_ssl')

# Aurora stores these only while OAuthEnable is true.
OAUTH_OPTIONS = ('oauth_name', 'oauth_type', 'oauth_icon_url')

DOMAIN_LABEL = r'(?!-)[a-z0-9-]{1,63}(?<!-)'
DOMAIN_NAME = re.compile(r'^%s(?:\.%s)*$' % (DOMAIN_LABEL, DOMAIN_LABEL))
MAX_DOMAIN_LENGTH = 253
WILDCARD_DOMAIN = '*'


# ---- option spec ---------------------------------------------------------------------------

def _external_service_spec():
    return dict(type='dict', options=dict(
        server=dict(type='str'),
        port=dict(type='int'),
        alter_port=dict(type='int'),
        use_ssl=dict(type='bool'),
    ))


def mail_server_argument_spec():
    """Options of one mail server. Server settings have no default: None means "the task does not set it"."""
    return named_argument_spec(
        FIELDS,
        smtp_password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
        external_access=dict(type='dict', options=dict(
            enabled=dict(type='bool'),
            imap=_external_service_spec(),
            smtp=_external_service_spec(),
            pop3=_external_service_spec(),
        )),
        force=dict(type='bool', default=False),
        tenant=dict(type='str'),
        tenant_id=dict(type='int'),
    )


# ---- value conversions ---------------------------------------------------------------------

def domains_from_aurora(stored):
    """Aurora's newline-separated Domains text (``\\n`` or MailDomains' ``\\r\\n``), or a list, -> sorted list."""
    items = stored if isinstance(stored, list) else re.split(r'\r?\n', text(stored))
    return sorted(set(item.strip() for item in items if item.strip()))


def domains_to_aurora(domains):
    return '\n'.join(domains)


def wanted_domains(domains):
    """A task's domains as they will be stored: lower-case, each once, sorted."""
    return sorted(set(item.strip().lower() for item in domains))


def auth_type_from_aurora(code):
    return SMTP_AUTH_NAMES.get(text(code), text(code))


def auth_type_to_aurora(name):
    return SMTP_AUTH_TYPES.get(name, name)


def _external_fields():
    fields = [Field('external_access.enabled', 'SetExternalAccessServers', 'bool', default=False)]
    for service, infix, port in EXTERNAL_SERVICES:
        key = 'external_access.%s.' % service
        aurora = 'ExternalAccess%s' % infix
        fields.extend([
            Field(key + 'server', aurora + 'Server', default=''),
            Field(key + 'port', aurora + 'Port', 'int', default=port),
            Field(key + 'alter_port', aurora + 'AlterPort', 'int', default=0),
            Field(key + 'use_ssl', aurora + 'UseSsl', 'bool', default=False),
        ])
    return fields


# The server settings the options manage. The defaults are Aurora's own (CreateServer's, and the database's where
# they differ).
FIELDS = [
    Field('incoming_server', 'IncomingServer'),
    Field('incoming_port', 'IncomingPort', 'int', default=143),
    Field('incoming_use_ssl', 'IncomingUseSsl', 'bool', default=False),
    Field('outgoing_server', 'OutgoingServer'),
    Field('outgoing_port', 'OutgoingPort', 'int', default=25),
    Field('outgoing_use_ssl', 'OutgoingUseSsl', 'bool', default=False),
    Field('smtp_auth_type', 'SmtpAuthType', choices=SMTP_AUTH_TYPES, from_aurora=auth_type_from_aurora,
          to_aurora=auth_type_to_aurora, default='user_credentials'),
    Field('smtp_login', 'SmtpLogin', default=''),
    Field('domains', 'Domains', 'list', from_aurora=domains_from_aurora, to_aurora=domains_to_aurora),
    Field('enable_threading', 'EnableThreading', 'bool', default=True),
    Field('enable_sieve', 'EnableSieve', 'bool', default=False),
    Field('sieve_port', 'SievePort', 'int', default=4190),
    Field('use_full_email_address_as_login', 'UseFullEmailAddressAsLogin', 'bool', default=True),
    Field('oauth_enable', 'OAuthEnable', 'bool', default=False),
    Field('oauth_name', 'OAuthName', default=''),
    Field('oauth_type', 'OAuthType', default=''),
    Field('oauth_icon_url', 'OAuthIconUrl', default=''),
] + _external_fields()


# ---- views ---------------------------------------------------------------------------------

def server_view(server):
    """An Aurora server object as option values (what the module compares and shows in a diff)."""
    view = dict((field.key, field.from_aurora(server.get(field.aurora))) for field in FIELDS)
    view['name'] = server.get('Name')
    return view


def _external_access_view(external_access):
    if external_access is None:
        return {}
    enabled = external_access.get('enabled')
    view = {'external_access.enabled': True if enabled is None else enabled}
    for service, dummy, dummy in EXTERNAL_SERVICES:
        settings = external_access.get(service) or {}
        for option in EXTERNAL_SERVICE_OPTIONS:
            view['external_access.%s.%s' % (service, option)] = settings.get(option)
    return view


def wanted_view(params):
    """The settings a task asks for, normalised; None where the task does not set an option."""
    view = dict((field.key, params.get(field.key)) for field in FIELDS if '.' not in field.key)
    if view['domains'] is not None:
        view['domains'] = wanted_domains(view['domains'])
    view.update(_external_access_view(params.get('external_access')))
    return view


def creation_view(params):
    """The full settings of a server created by this task: what it sets, Aurora's defaults for the rest."""
    wanted = wanted_view(params)
    view = dict((field.key, field.default if wanted.get(field.key) is None else wanted[field.key]) for field in FIELDS)
    if view['outgoing_server'] is None:
        view['outgoing_server'] = view['incoming_server']
    view['name'] = params['name']
    return view


def aurora_fields(view):
    """Option values -> the Aurora fields of CreateServer/UpdateServer, typed as Aurora needs them."""
    return dict((field.aurora, field.to_aurora(view[field.key])) for field in FIELDS)


# ---- validation (no API call) --------------------------------------------------------------

def _host_error(option, value, allow_empty=False):
    if value is None or (allow_empty and value == ''):
        return None
    if not value or CONTROL_OR_SPACE.search(value):
        return '%s must be a host name or address without spaces, got %r' % (option, value)
    return None


def _port_error(option, value, lowest=1):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= 65535:
        return '%s must be a port number from %d to 65535, got %r' % (option, lowest, value)
    return None


def domain_error(domain, option='domains'):
    """Why ``domain`` is not a domain name (nor the catch-all ``*``), naming ``option``; None when it is one."""
    if domain == WILDCARD_DOMAIN:
        return None
    candidate = domain.strip().lower()
    if not candidate or len(candidate) > MAX_DOMAIN_LENGTH or not DOMAIN_NAME.match(candidate):
        return ('%s: %r is not a domain name (labels of letters, digits and hyphens joined by dots, '
                'or * alone for a catch-all server)' % (option, domain))
    return None


def _domains_errors(domains):
    if domains is None:
        return []
    if not domains:
        return ['domains must list at least one domain; use [\'*\'] for a catch-all server']
    return [error for error in (domain_error(domain) for domain in domains) if error]


def _name_error(name):
    if not name or not name.strip():
        return 'name must not be empty'
    if name != name.strip() or CONTROL.search(name):
        return 'name must not start or end with spaces nor hold control characters, got %r' % name
    return None


def _text_error(option, value):
    if value is not None and CONTROL.search(value):
        return '%s must not hold control characters (such as a newline)' % option
    return None


def _external_access_errors(external_access):
    if external_access is None:
        return []
    errors = []
    services = [service for service, dummy, dummy in EXTERNAL_SERVICES if external_access.get(service)]
    if external_access.get('enabled') is False and services:
        errors.append('external_access.%s cannot be set while external_access.enabled is false: Aurora ignores '
                      'external access servers while they are off' % services[0])
    for service in services:
        settings = external_access[service]
        option = 'external_access.%s.' % service
        errors.append(_host_error(option + 'server', settings.get('server'), allow_empty=True))
        errors.append(_port_error(option + 'port', settings.get('port')))
        errors.append(_port_error(option + 'alter_port', settings.get('alter_port'), lowest=0))
    return errors


def validation_errors(params):
    """Every problem in a task's options, each naming its option; [] when the task is valid."""
    errors = text_length_errors(mail_server_argument_spec(), params) + [
        _name_error(params['name']),
        _host_error('incoming_server', params.get('incoming_server')),
        _host_error('outgoing_server', params.get('outgoing_server')),
        _port_error('incoming_port', params.get('incoming_port')),
        _port_error('outgoing_port', params.get('outgoing_port')),
        _port_error('sieve_port', params.get('sieve_port')),
        _text_error('smtp_login', params.get('smtp_login')),
    ]
    errors.extend(tenant_option_errors(params))
    errors.extend(_domains_errors(params.get('domains')))
    errors.extend(_external_access_errors(params.get('external_access')))
    return [error for error in errors if error]


# ---- lookup --------------------------------------------------------------------------------

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


# ---- a server named by a user or a domain: the nearest to its tenant ----------------------------

def server_by_name(client, name, servers=None, tenant_id=None):
    """The server named ``name`` that a user of the tenant ``tenant_id`` uses: the tenant's own, else one of the
    super-administrator's. With no tenant known: the super-administrator's, else any tenant's."""
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
    for listed in (servers or {}).values():
        for server in listed:
            if server_id_of(server) == server_id:
                return server
    found = client.call('Mail', 'GetServer', {'ServerId': server_id}, 'mail server %s' % server_id)
    if not isinstance(found, dict):
        raise ResourceError('server_id: no mail server with id %s' % server_id)
    return found


# ---- planning (pure) -----------------------------------------------------------------------

def server_plan(action, name, current=None, changes=None, password_changed=False, **parts):
    """What a task does to one server: ``action`` is create, update, delete or none.

    Its parts: ``name``; ``server``, the Aurora object the run will leave (None when there will be none);
    ``request``, the parameters of the write (with the SMTP password when one is sent: never shown); ``force``
    and ``params``, the task's.
    """
    if action == 'update':
        msg = 'updated: %s' % describe_changes(changes, secret_keys=(PASSWORD_KEY,))
    elif action == 'none':
        msg = 'unchanged' if current is not None else 'absent'
    else:
        msg = {'create': 'created', 'delete': 'deleted'}[action]
    parts.setdefault('server', None)
    parts.setdefault('tenant_id', owner_tenant_id(current) if current is not None else 0)
    parts.setdefault('request', None)
    parts.setdefault('force', False)
    parts.setdefault('warnings', [])
    return Plan(actions=() if action == 'none' else (action,), current=current, changes=changes, msg=msg,
                password_changed=password_changed, name=name, **parts)


def _password_to_send(params, creating):
    if params.get('smtp_password') is None:
        return None
    if creating or params.get('update_password') == 'always':
        return params['smtp_password']
    return None


def _with_password_shown(view, placeholder):
    """A view plus the smtp_password key, for a diff that must show a password being set, never its value."""
    shown = dict(view)
    shown[PASSWORD_KEY] = placeholder
    return shown


def _credentials_error(view, password_given):
    if view['smtp_auth_type'] != 'specified_credentials':
        return None
    if not view['smtp_login']:
        return 'smtp_login is required when smtp_auth_type is specified_credentials'
    if not password_given:
        return 'smtp_password is required to create a server whose smtp_auth_type is specified_credentials'
    return None


def _oauth_error(view, changed):
    """Aurora stores the OAuth settings only while OAuth is on: setting them while it is off would never converge."""
    refused = [option for option in OAUTH_OPTIONS if option in changed]
    if refused and not view['oauth_enable']:
        return ('%s cannot be set while oauth_enable is false: Aurora stores the OAuth settings only while OAuth '
                'sign-in is on; set oauth_enable: true as well' % ', '.join(refused))
    return None


MAIL_DOMAINS_MODULE = 'MailDomains'


def domains_owned_by_mail_domains(params, current=None):
    """Whether Aurora's MailDomains module owns the servers' domains: it then shows its own registered domains on
    each server (with AllowEditDomains false) and clears the Domains that UpdateServer is sent."""
    return bool(params.get('mail_domains_module')) or (current is not None and current.get('AllowEditDomains') is False)


def mail_domains_installed(client, servers):
    """Whether Aurora has the MailDomains module: every server it lists then says AllowEditDomains false; with no
    server at hand, Aurora's settings tell."""
    if servers:
        return any(server.get('AllowEditDomains') is False for server in servers)
    return client.has_backend_module(MAIL_DOMAINS_MODULE)


def _mail_domains_warnings(name, registered, wanted):
    """Where MailDomains owns the domains, the task's domains are neither compared nor set: a difference is told."""
    if wanted is None or set(wanted) == set(registered):
        return []
    return ['mail server %r: on this Aurora the MailDomains module owns the domains of mail servers, so the domains '
            'option is neither compared nor set; the server has %s registered and the task lists %s; register or '
            'remove domains with afterlogic.aurora.aurora_mail_domain'
            % (name, ', '.join(registered) or 'none', ', '.join(wanted) or 'none')]


def shown_domains(domains):
    """The domains MailDomains shows for a server created with ``domains``: none registered yet, and the catch-all
    when the server was created with it."""
    return [WILDCARD_DOMAIN] if WILDCARD_DOMAIN in (domains or []) else []


def _creation_errors(view, params):
    errors = [_oauth_error(view, [option for option in OAUTH_OPTIONS if params.get(option)])]
    if view['incoming_server'] is None:
        errors.append('incoming_server is required to create mail server %r' % params['name'])
    if not view['domains'] and not domains_owned_by_mail_domains(params):
        errors.append('domains (at least one) is required to create mail server %r' % params['name'])
    errors.append(_credentials_error(view, params.get('smtp_password') is not None))
    return [error for error in errors if error]


def predicted_new_server(view, tenant_id=0, mail_domains=False):
    """The object Aurora will hold after CreateServer; its id is not known before Aurora answers."""
    server = {
        '@Object': 'Object/Aurora\\Modules\\Mail\\Models\\Server',
        'Id': None, 'ServerId': None, 'EntityId': None, 'TenantId': tenant_id, 'Name': view['name'],
        'OwnerType': 'tenant' if tenant_id else 'superadmin', 'SmtpPassword': STORED_SECRET,
        'CreatedAt': None, 'UpdatedAt': None, 'UUID': '', 'ParentUUID': '', 'ModuleName': '',
    }
    server.update(aurora_fields(view))
    if mail_domains:  # a new server has no registered domain yet; MailDomains shows the catch-all as "*" + CRLF
        server.update(Domains='\r\n'.join(shown_domains(view['domains'])), AllowEditDomains=False)
    return server


def plan_create(params):
    view = creation_view(params)
    errors = _creation_errors(view, params)
    if errors:
        raise ResourceError('; '.join(errors))
    password = _password_to_send(params, creating=True)
    tenant_id = params.get('tenant_id') or 0
    mail_domains = domains_owned_by_mail_domains(params)
    wanted = view['domains']
    if mail_domains:
        view = dict(view, domains=wanted or [])
    request = dict(aurora_fields(view), Name=params['name'], TenantId=tenant_id, SmtpPassword=password or '')
    warnings = []
    if mail_domains:
        view = dict(view, domains=shown_domains(wanted))
        warnings = _mail_domains_warnings(params['name'], view['domains'], wanted)
    after = view if password is None else _with_password_shown(view, PASSWORD_CHANGED)
    server = predicted_new_server(view, tenant_id, mail_domains)
    return server_plan('create', params['name'], server=server, after=after, request=request,
                       password_changed=password is not None, params=params, tenant_id=tenant_id, warnings=warnings)


def update_request(current, view, password):
    """UpdateServer replaces the whole server: every field, from the current object plus the changes."""
    request = dict(aurora_fields(view), ServerId=server_id_of(current), TenantId=integer(current.get('TenantId') or 0),
                   Name=current['Name'], SmtpPassword=STORED_SECRET if password is None else password)
    return request


def plan_update(current, params):
    """Compare the options the task sets with ``current``; an update plan if anything differs (or a password is sent)."""
    before = server_view(current)
    changes = changes_between(before, wanted_view(params))
    after = dict(before, **dict((key, new) for key, (dummy, new) in changes.items()))
    error = _oauth_error(after, changes)
    if 'smtp_auth_type' in changes or 'smtp_login' in changes:
        error = error or _credentials_error(after, password_given=True)
    if error:
        raise ResourceError(error)
    warnings = []
    mail_domains = domains_owned_by_mail_domains(params, current)
    if mail_domains:
        changes.pop('domains', None)
        after['domains'] = before['domains']
        warnings = _mail_domains_warnings(current['Name'], before['domains'], wanted_view(params)['domains'])
    password = _password_to_send(params, creating=False)
    if password is not None:
        changes[PASSWORD_KEY] = (None, None)
        before = _with_password_shown(before, SECRET_PLACEHOLDER)
        after = _with_password_shown(after, PASSWORD_CHANGED)
    if not changes:
        return server_plan('none', current['Name'], current=current, server=current, before=before, after=after,
                           params=params, warnings=warnings)
    request = update_request(current, after, password)
    server = dict(current, **dict((key, value) for key, value in request.items() if key != 'SmtpPassword'))
    if mail_domains:
        server['Domains'] = current.get('Domains')
        if WILDCARD_DOMAIN in before['domains']:
            after['domains'] = [domain for domain in before['domains'] if domain != WILDCARD_DOMAIN]
            server['Domains'] = '\r\n'.join(after['domains'])
            warnings.append('mail server %r loses its catch-all domain %r with this update: on this Aurora the '
                            'MailDomains module clears the domains of a server on every update' % (current['Name'],
                                                                                                   WILDCARD_DOMAIN))
    return server_plan('update', current['Name'], current=current, server=server, before=before, after=after,
                       changes=changes, request=request, password_changed=password is not None, params=params,
                       warnings=warnings)


def plan_delete(current, params):
    if current is None:
        return server_plan('none', params['name'], params=params)
    return server_plan('delete', current['Name'], current=current, before=server_view(current),
                       request={'ServerId': server_id_of(current), 'TenantId': integer(current.get('TenantId') or 0)},
                       force=params.get('force'), params=params)


def plan_server(current, params):
    """What the task must do, given the server Aurora holds (None when there is none). No API call."""
    if params.get('state') == 'absent':
        return plan_delete(current, params)
    if current is None:
        return plan_create(params)
    return plan_update(current, params)


# ---- accounts on a server (DeleteServer cascades to them) ----------------------------------

def account_emails_by_server(client):
    """``{server id: [emails of the accounts on it]}`` over every user; Aurora has no call for "accounts of a server"."""
    emails = {}
    for user in client.list_users():
        target = 'user %s' % user.get('PublicId')
        for account in client.call('Mail', 'GetAccounts', {'UserId': integer(user['Id'])}, target) or []:
            emails.setdefault(integer(account.get('ServerId')), []).append(account.get('Email'))
    return emails


def accounts_in_use_error(plan, emails):
    shown = ', '.join(sorted(emails)[:MAX_LISTED_EMAILS])
    more = ' and %d more' % (len(emails) - MAX_LISTED_EMAILS) if len(emails) > MAX_LISTED_EMAILS else ''
    return ResourceError(
        'refusing to delete mail server %r (id %s): %d mail account(s) use it (%s%s), and Aurora would delete them, '
        'and every user whose login account is among them, together with the server; move or delete those accounts '
        'first, or set force: true to delete them all' % (plan.name, server_id_of(plan.current), len(emails), shown, more),
        details={'blocking_accounts': sorted(emails)})


def check_server_unused(client, plan, usage=None):
    """Raise unless the server to delete has no account or the task forces it. ``usage``: a pre-computed scan."""
    if plan.force:
        return
    if usage is None:
        usage = account_emails_by_server(client)
    emails = usage.get(server_id_of(plan.current), [])
    if emails:
        raise accounts_in_use_error(plan, emails)


# ---- applying ------------------------------------------------------------------------------

def _lowest_id_server(servers):
    return min(servers, key=server_id_of)


def _reread_server(client, server_id, name):
    found = client.call('Mail', 'GetServer', {'ServerId': server_id}, 'mail server %r' % name)
    return found or None


def _settle_creation(client, plan, created_id):
    """Re-list the servers of this name after a create: adopt the lowest id, delete ours if another run won.

    Returns (server, notes). Aurora cannot refuse duplicate names, so two runs may create one each at once;
    both keep the lowest id and the other one is deleted by the run that made it.
    """
    servers = named_servers(client, plan.name, plan.tenant_id)
    if not servers:
        return dict(plan.server, Id=created_id, ServerId=created_id, EntityId=created_id), []
    kept = _lowest_id_server(servers)
    kept_id = server_id_of(kept)
    if kept_id == created_id:
        return kept, []
    _delete_own_duplicate(client, plan, kept_id, created_id)
    return kept, ['another run created mail server %r at the same time: kept id %s, deleted the duplicate id %s'
                  % (plan.name, kept_id, created_id)]


def _delete_unknown_copies(client, plan, kept):
    """After a lost answer, the copies beside the kept one came from runs racing this one, this one's among them.

    Every run keeps the lowest id, so any other copy no account uses is deleted; one that is already gone was
    deleted by the run that made it.
    """
    notes = []
    name = plan.name
    servers = named_servers(client, name, plan.tenant_id)
    if len(servers) < 2:
        return notes
    used = account_emails_by_server(client)
    for copy_id in sorted(server_id_of(server) for server in servers if server_id_of(server) != server_id_of(kept)):
        if used.get(copy_id):
            notes.append('mail server %r also exists as id %s, which mail accounts use, so it was left alone'
                         % (name, copy_id))
        elif _delete_duplicate(client, name, copy_id, plan.tenant_id):
            notes.append('another run created mail server %r at the same time: kept id %s, deleted the duplicate id '
                         '%s' % (name, server_id_of(kept), copy_id))
    return notes


def _delete_duplicate(client, name, copy_id, tenant_id):
    """DeleteServer of a raced copy; False when it was already deleted (by the run that created it).

    ``tenant_id`` is the copy's own: with another one Aurora deletes the users of the server and keeps the server.
    """
    dummy, how = client.write('Mail', 'DeleteServer', {'ServerId': copy_id, 'TenantId': tenant_id},
                              'duplicate mail server %r' % name,
                              lambda answer_lost: _gone_or_not_done(client, copy_id, name))
    return how != ADOPTED


def _gone_or_not_done(client, server_id, name):
    """None when the server is gone (deleted), NOT_DONE while it is still there."""
    return None if _reread_server(client, server_id, name) is None else NOT_DONE


def _delete_own_duplicate(client, plan, kept_id, created_id):
    """Delete the copy this run created, unless an account already uses it (DeleteServer would delete that too)."""
    name = plan.name
    emails = sorted(account_emails_by_server(client).get(created_id) or [])
    if emails:
        raise ResourceError(
            'another run created mail server %r at the same time (id %s), and the duplicate this run created (id %s) '
            'is already used by %d mail account(s) (%s), which deleting it would delete too; move them to id %s, '
            'then delete id %s' % (name, kept_id, created_id, len(emails), ', '.join(emails[:MAX_LISTED_EMAILS]),
                                   kept_id, created_id))
    _delete_duplicate(client, name, created_id, plan.tenant_id)


def _apply_create(client, plan):
    """(the server after the run, notes, whether this run's writes changed Aurora)."""
    answer, how = client.write('Mail', 'CreateServer', plan.request, 'mail server %r' % plan.name,
                               lambda answer_lost: _lowest_named(client, plan.name, plan.tenant_id))
    created_id = integer(answer) if how == SENT else None
    if how == SENT:
        server, notes = _settle_creation(client, plan, created_id)
    elif how == ADOPTED:
        server, notes = answer, ['another run created mail server %r at the same time; adopted it (id %s)'
                                 % (plan.name, server_id_of(answer))]
    else:
        server = answer
        notes = ['Aurora\'s answer to Mail.CreateServer was lost; read back the new server, id %s' % server_id_of(answer)]
        notes += _delete_unknown_copies(client, plan, answer)
    wrote = how != ADOPTED
    if notes and plan.params is not None and created_id != server_id_of(server):
        follow_up = plan_update(server, dict(plan.params, update_password='on_create'))
        if follow_up.changed:
            server, already_done = _apply_update(client, follow_up)
            wrote = wrote or not already_done
            notes.append(follow_up.msg)
    return server, notes, wrote


def _lowest_named(client, name, tenant_id):
    """The server of this name and owner with the lowest id, or NOT_DONE when there is none."""
    servers = named_servers(client, name, tenant_id)
    return _lowest_id_server(servers) if servers else NOT_DONE


def _apply_update(client, plan):
    """(the server after the update, whether another actor had already made it)."""
    found, how = client.write('Mail', 'UpdateServer', plan.request, 'mail server %r' % plan.name,
                              lambda answer_lost: _updated_or_not_done(client, plan, answer_lost))
    return (plan.server if how == SENT else found), how == ADOPTED


def _updated_or_not_done(client, plan, answer_lost):
    """What the server read back says of the update (see update_seen); a server that no longer exists is an error,
    not something to retry."""
    server = _reread_server(client, server_id_of(plan.current), plan.name)
    if server is None:
        raise ResourceError('mail server %r (id %s) no longer exists: another actor deleted it while this task was '
                            'updating it; run the task again to create it' % (plan.name, server_id_of(plan.current)),
                            'Mail', 'UpdateServer', 'mail server %r' % plan.name)
    visible = [key for key in plan.changes if key != PASSWORD_KEY]
    now = server_view(server)
    return update_seen(server, all(now.get(key) == plan.after.get(key) for key in visible),
                       PASSWORD_KEY in plan.changes, visible, answer_lost)


def _apply_delete(client, plan):
    """Whether another actor had already deleted the server."""
    server_id = plan.request['ServerId']
    dummy, how = client.write('Mail', 'DeleteServer', plan.request, 'mail server %r' % plan.name,
                              lambda answer_lost: _gone_or_not_done(client, server_id, plan.name))
    return how == ADOPTED


def _write(client, plan):
    """Send the plan's write; returns (server after the run, notes for msg, whether this run's writes changed it)."""
    if plan.action == 'create':
        return _apply_create(client, plan)
    if plan.action == 'update':
        server, already_done = _apply_update(client, plan)
        note = 'another actor had already made this change to mail server %r' % plan.name
        return server, [note] if already_done else [], not already_done
    already_done = _apply_delete(client, plan)
    note = 'another actor had already deleted mail server %r' % plan.name
    return None, [note] if already_done else [], not already_done


def server_result(plan, server, notes=(), diff=False, retries=0, wrote=None):
    """The module result; the same for a real run and for check mode (where the server is predicted)."""
    if server is not None and (server.get('AllowEditDomains') is False or (plan.params or {}).get('mail_domains_module')):
        server = dict(server, Domains=domains_from_aurora(server.get('Domains')))  # the registered domains
    returned = dict(server=server, server_id=server_id_of(server) if server else server_id_of(plan.current or {}))
    if plan.warnings:
        returned['warnings'] = list(plan.warnings)
    return result_of(plan, returned, notes, wrote, retries, diff)


def apply_plan(client, plan, check_mode=False, diff=False, usage=None):
    """Carry out the plan (reads only in check mode) and return the module result.

    ``usage`` is an optional pre-computed account_emails_by_server() for deletions.
    """
    if plan.action == 'delete':
        check_server_unused(client, plan, usage)
    server, notes, wrote, retries = carry_out(client, plan, _write, plan.server, check_mode)
    return server_result(plan, server, notes, diff=diff, retries=retries, wrote=wrote)


def ensure_mail_server(client, params, check_mode=False, diff=False):
    """find -> plan -> apply for one server; see the module docs for the result."""
    params = dict(params, tenant_id=tenant_id_for(client, params.get('tenant'), params.get('tenant_id')))
    current = find_server(client, params['name'], tenant_id=params['tenant_id'])
    params['mail_domains_module'] = mail_domains_installed(client, [current] if current else [])
    return apply_plan(client, plan_server(current, params), check_mode, diff)
