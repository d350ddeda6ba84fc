# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Mail servers: the kind ``MailServer`` (aurora_mail_server, aurora_mail_servers) and its steps.

Options are compared in "views": dicts keyed by option name (external access flattened as
``external_access.imap.port``) holding normalised values, so that a server read from Aurora and a task's parameters
compare directly. A bulk task lists every server once, and scans the accounts of every server once for all the
items that delete a server.
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
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import Kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import (
    account_emails_by_server,
    find_server,
    owner_tenant_id,
    resolve_tenant,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server_copies import (
    delete_unknown_copies,
    gone_or_not_done,
    lowest_named,
    reread_server,
    settle_creation,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import Once, text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import planned_entry
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    CONTROL_OR_SPACE,
    FORCE,
    MAIL_DOMAINS_MODULE,
    NAME,
    STATE,
    STORED_SECRET,
    TENANT,
    WILDCARD_DOMAIN,
    Field,
    Found,
    Plan,
    ResourceError,
    argument_spec,
    domain_error,
    integer,
    listed,
    result_of,
    server_id_of,
    tenant_option_errors,
    text,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import (
    ADOPTED,
    SENT,
    carry_out,
    update_seen,
)

PASSWORD_KEY = 'smtp_password'
PASSWORD_CHANGED = SECRET_CHANGED

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
    """The external access settings, options under ``external_access``."""
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
# they differ). Server settings have no option default: None means "the task does not set it".
SETTINGS = [
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
]
EXTERNAL_ACCESS = _external_fields()
FIELDS = SETTINGS + EXTERNAL_ACCESS
OPTIONS = SETTINGS + [
    NAME,
    STATE,
    Field(PASSWORD_KEY, secret=True),
    Field('update_password', choices=('always', 'on_create'), option_default='on_create'),
] + EXTERNAL_ACCESS + [FORCE] + TENANT
SPEC = argument_spec(OPTIONS)  # read only: for the checks of the options


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
    errors = text_length_errors(SPEC, params) + [
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


# ---- accounts on a server (DeleteServer cascades to them) ----------------------------------

def accounts_in_use_error(plan, emails):
    return ResourceError(
        'refusing to delete mail server %r (id %s): %d mail account(s) use it (%s), and Aurora would delete them, '
        'and every user whose login account is among them, together with the server; move or delete those accounts '
        'first, or set force: true to delete them all'
        % (plan.name, server_id_of(plan.current), len(emails), listed(sorted(emails))),
        details={'blocking_accounts': sorted(emails)})


def check_server_unused(plan, usage):
    """Raise unless the server to delete has no account (``usage``: account_emails_by_server())."""
    emails = usage.get(server_id_of(plan.current), [])
    if emails:
        raise accounts_in_use_error(plan, emails)


# ---- applying ------------------------------------------------------------------------------

def _apply_create(client, plan):
    """(the server after the run, notes, whether this run's writes changed Aurora)."""
    answer, how = client.write('Mail', 'CreateServer', plan.request, 'mail server %r' % plan.name,
                               lambda answer_lost: lowest_named(client, plan.name, plan.tenant_id))
    created_id = integer(answer) if how == SENT else None
    if how == SENT:
        server, notes = settle_creation(client, plan, created_id)
    elif how == ADOPTED:
        server, notes = answer, ['another run created mail server %r at the same time; adopted it (id %s)'
                                 % (plan.name, server_id_of(answer))]
    else:
        server = answer
        notes = ['Aurora\'s answer to Mail.CreateServer was lost; read back the new server, id %s' % server_id_of(answer)]
        notes += delete_unknown_copies(client, plan, answer)
    wrote = how != ADOPTED
    if notes and plan.params is not None and created_id != server_id_of(server):
        follow_up = plan_update(server, dict(plan.params, update_password='on_create'))
        if follow_up.changed:
            server, already_done = _apply_update(client, follow_up)
            wrote = wrote or not already_done
            notes.append(follow_up.msg)
    return server, notes, wrote


def _apply_update(client, plan):
    """(the server after the update, whether another actor had already made it)."""
    found, how = client.write('Mail', 'UpdateServer', plan.request, 'mail server %r' % plan.name,
                              lambda answer_lost: _updated_or_not_done(client, plan, answer_lost))
    return (plan.server if how == SENT else found), how == ADOPTED


def _updated_or_not_done(client, plan, answer_lost):
    """What the server read back says of the update (see update_seen); a server that no longer exists is an error,
    not something to retry."""
    server = reread_server(client, server_id_of(plan.current), plan.name)
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
                              lambda answer_lost: gone_or_not_done(client, server_id, plan.name))
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


def server_result(plan, server, notes=(), wrote=None, retries=0):
    """The module result; the same for a real run and for check mode (where the server is predicted)."""
    if server is not None and (server.get('AllowEditDomains') is False or (plan.params or {}).get('mail_domains_module')):
        server = dict(server, Domains=domains_from_aurora(server.get('Domains')))  # the registered domains
    returned = dict(server=server, server_id=server_id_of(server) if server else server_id_of(plan.current or {}))
    if plan.warnings:
        returned['warnings'] = list(plan.warnings)
    return result_of(plan, returned, notes, wrote, retries)


def with_moves(usage, moves):
    """``usage`` ({server id: [emails]}) after the planned moves of accounts between servers."""
    for move in moves:
        email = move['email'].lower()
        if move['from_server_id'] is not None:
            usage[move['from_server_id']] = [listed for listed in usage.get(move['from_server_id'], [])
                                             if str(listed).lower() != email]
        if move['to_server_id'] is not None:
            usage.setdefault(move['to_server_id'], []).append(move['email'])
    return usage


ACCOUNT_MOVE_SPEC = dict(
    email=dict(type='str', required=True),
    from_server_id=dict(type='int'),
    to_server_id=dict(type='int'),
)


# ---- the kind ------------------------------------------------------------------------------------

class MailServer(Kind):
    """A mail server: afterlogic.aurora.aurora_mail_server, and each item of aurora_mail_servers."""

    fields = OPTIONS
    option = 'servers'
    noun = 'mail servers'
    key = 'name'
    item = 'mail server'
    errors = staticmethod(validation_errors)
    CATEGORIES = {'create': 'created', 'update': 'updated', 'delete': 'deleted'}

    def __init__(self, check_mode=False, diff=False):
        super(MailServer, self).__init__(check_mode, diff)
        self.client = None
        self.by_name = None  # a bulk task's listing of the servers of its items' names, by name
        self.mail_domains = False
        self.moves = []
        self._tenant_ids = Once.each()
        self._usage = Once()

    @staticmethod
    def extra_spec():
        return {'planned_account_moves': dict(type='list', elements='dict', options=ACCOUNT_MOVE_SPEC, default=[])}

    def identity(self, item):
        """Servers of one name may each belong to another owner (tenant names compare ignoring case)."""
        return item.get('name'), str(item.get('tenant') or '').lower() or None, item.get('tenant_id')

    def described(self, item):
        owner = item.get('tenant') or item.get('tenant_id')
        return 'mail server %s%s' % (item.get('name'), ' (tenant %s)' % owner if owner else '')

    def prepare(self, client, wanted, params):
        """One listing of every server; each item then finds its own among the ones with its name."""
        self.client = client
        names = set(item['name'] for item in wanted)
        listed = list(client.list_servers())
        self.by_name = {}
        for server in listed:
            if server.get('Name') in names:
                self.by_name.setdefault(server.get('Name'), []).append(server)
        self.mail_domains = mail_domains_installed(client, listed)
        self.moves = params['planned_account_moves'] or [] if self.check_mode else []

    def find(self, client, wanted):
        """The server of this name and owner, the owner's id, and whether MailDomains owns the servers' domains."""
        if self.by_name is None:
            tenant_id, dummy = resolve_tenant(client, wanted.get('tenant'), wanted.get('tenant_id'))
            current = find_server(client, wanted['name'], tenant_id=tenant_id)
            return Found(current, tenant_id=tenant_id,
                         mail_domains=mail_domains_installed(client, [current] if current else []))
        key = (wanted.get('tenant'), wanted.get('tenant_id'))
        tenant_id = self._tenant_ids(key, lambda: resolve_tenant(self.client, *key)[0])  # once for all the items
        current = find_server(client, wanted['name'], self._candidates(wanted['name'], tenant_id), tenant_id)
        return Found(current, tenant_id=tenant_id, mail_domains=self.mail_domains)

    def _candidates(self, name, tenant_id):
        """The servers of this name and owner in the shared listing; None (ask Aurora again) when it holds several,
        which may be the copies of runs that raced to create it, since deleted by the runs that lost."""
        listed = [server for server in self.by_name.get(name, []) if owner_tenant_id(server) == tenant_id]
        return None if len(listed) > 1 else listed

    def plan(self, wanted, found):
        """What the task must do, given the server Aurora holds (None when there is none). No API call."""
        params = dict(wanted, tenant_id=found.tenant_id, mail_domains_module=found.mail_domains)
        if params.get('state') == 'absent':
            return plan_delete(found.current, params)
        if found.current is None:
            return plan_create(params)
        return plan_update(found.current, params)

    def apply(self, client, plan):
        if plan.action == 'delete' and not plan.force:
            check_server_unused(plan, account_emails_by_server(client) if self.by_name is None
                                else self._accounts_by_server())
        server, notes, wrote, retries = carry_out(client, plan, _write, plan.server, self.check_mode)
        return server_result(plan, server, notes, wrote, retries)

    def _accounts_by_server(self):
        """The accounts of every server as the run leaves them, scanned once for all the items that delete one."""
        return self._usage.get(lambda: with_moves(account_emails_by_server(self.client), self.moves))

    def category(self, plan, result):
        return self.CATEGORIES[plan.action]

    def planned(self, item, result):
        """The server as the real run leaves it."""
        server = result.get('server')
        if not isinstance(server, dict):
            return []
        return [planned_entry('mail_server', item['name'], item, result.get('server_id'),
                              domains_from_aurora(server.get('Domains')))]
