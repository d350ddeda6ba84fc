# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An Aurora user and its login mail account, kept as one thing.

The steps are separate so that a module handling many users can reuse them as they are:

* ``user_account_argument_spec()`` - the options;
* ``validate(params)`` - pure, no API call: normalised options or ResourceError naming the option;
* ``lookup(client, wanted, users=None, servers=None)`` - reads only: the user, its accounts, the target server;
* ``plan(wanted, current)`` - pure: the calls to make and the predicted result (check mode returns it as is);
* ``apply(client, plan, check_mode)`` and ``ensure_user_account(...)``: in ``_user_account_writes``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import (
    SECRET_CHANGED,
    SECRET_PLACEHOLDER,
    describe_changes,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    STORED_SECRET,
    Field,
    Plan,
    ResourceError,
    argument_spec,
    aurora_values,
    field_changes,
    field_view,
    first_id,
    integer,
    result_of,
    same_ignoring_case,
    server_id_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import server_by_id, server_by_name
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import (
    tenant_id_for,
    tenant_name,
    tenant_option_errors,
)

# Aurora's UserRole enum; only the first two can be set by this module.
ROLES = {'user': 2, 'tenant_admin': 1}
ROLE_NAMES = {0: 'super_admin', 1: 'tenant_admin', 2: 'user', 3: 'customer'}

PASSWORD_KEPT = SECRET_PLACEHOLDER
PASSWORD_SET = SECRET_CHANGED

# What Core.CreateUser accepts as PublicId (Aurora 9), with exactly one "@" between non-empty parts.
EMAIL_PATTERN = re.compile(r'^[a-zA-Z0-9._+-]+@[a-zA-Z0-9._+-]+$')

IMAP_CHECK_CODES = (4001, 4002)
USER_EXISTS = 111
ACCOUNT_EXISTS = 704
MAIL_SETTINGS_FILE = 'data/settings/modules/Mail.config.json'

MUTUALLY_EXCLUSIVE = [['server', 'server_id'], ['tenant', 'tenant_id']]


def _role_name(role):
    return ROLE_NAMES.get(2 if role is None else integer(role), str(role))


# The user's settings and its login account's settings that the options manage, with what Aurora stores when a
# creation leaves them out. Aurora lower-cases IncomingLogin when it creates an account, so its case carries no meaning.
USER_FIELDS = [
    Field('role', 'Role', choices=ROLES, from_aurora=_role_name, to_aurora=ROLES.get, default='user'),
    Field('disabled', 'IsDisabled', 'bool', default=False),
]
ACCOUNT_FIELDS = [
    Field('friendly_name', 'FriendlyName', default=''),
    Field('incoming_login', 'IncomingLogin', same=same_ignoring_case),
]


def user_account_argument_spec():
    """Options of one user with its login account (connection options are added by aurora_module)."""
    spec = account_argument_spec(USER_FIELDS)
    spec.update(tenant=dict(type='str'), tenant_id=dict(type='int'))
    return spec


def account_argument_spec(fields=()):
    """The options of a mail account task, login account or not: the fields, ``email``, ``state``, the password
    and the server."""
    spec = argument_spec(list(fields) + ACCOUNT_FIELDS)
    spec.update(
        email=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['on_create', 'always'], no_log=False),
        server=dict(type='str'),
        server_id=dict(type='int'),
    )
    return spec


# ---- validation (pure) ---------------------------------------------------------------------------

CHOICES = (('state', 'present', ('present', 'absent')), ('update_password', 'on_create', ('on_create', 'always')),
           ('role', None, tuple(sorted(ROLES))))


def validation_errors(params):
    """Every problem in a task's options, each naming its option; [] when the task is valid."""
    errors = account_option_errors(params, user_account_argument_spec(), CHOICES)
    errors.extend(tenant_option_errors(params))
    return [error for error in errors if error]


def account_option_errors(params, spec, choices):
    """The problems of the options a mail account task shares (``choices``: (option, default, allowed values))."""
    errors = text_length_errors(spec, params) + [email_error(params.get('email'))]
    for option, default, allowed in choices:
        value = params.get(option) or default
        if value is not None and value not in allowed:
            errors.append('%s must be one of %s, got %r' % (option, ', '.join(allowed), value))
    errors.extend(server_option_errors(params))
    for option in ('password', 'incoming_login'):
        if params.get(option) is not None and not params[option].strip():
            errors.append('%s must not be empty; leave it out to keep the current value' % option)
    for option in ('incoming_login', 'friendly_name'):
        if params.get(option) is not None and CONTROL.search(params[option]):
            errors.append('%s must not hold control characters (such as a newline)' % option)
    return errors


def validate(params):
    """A normalised copy of the options, or ResourceError naming every offending option."""
    return validated(params, validation_errors(params), user_account_argument_spec(), CHOICES)


def validated(params, errors, spec, choices):
    """The options of ``spec`` with the defaults of ``choices`` and the e-mail in lower case; ResourceError naming
    every offending option when there are ``errors``."""
    if errors:
        raise ResourceError('; '.join(errors))
    wanted = dict((key, params.get(key)) for key in spec)
    for option, default, dummy in choices:
        wanted[option] = wanted[option] or default
    wanted['email'] = wanted['email'].strip().lower()
    return wanted


def email_error(value, option='email'):
    email = (value or '').strip()
    if not EMAIL_PATTERN.match(email):
        return ('%s %r is not an address Aurora accepts: it needs exactly one "@" between a non-empty local part '
                'and domain, and only the characters a-z A-Z 0-9 . _ - +' % (option, email))
    return None


def server_option_errors(params):
    server, server_id = params.get('server'), params.get('server_id')
    if server is not None and server_id is not None:
        return ['server and server_id are mutually exclusive; give the name or the id of the mail server']
    if server is not None and not server.strip():
        return ['server must not be empty; give the name of a mail server or leave server out']
    if server_id is not None and server_id < 1:
        return ['server_id must be a positive mail server id, got %s' % server_id]
    return []


def domain_of(email):
    return email.split('@', 1)[1]


# ---- Aurora objects ------------------------------------------------------------------------------

def user_id_of(user):
    """Aurora 9 users carry ``Id``, Aurora 8 ones ``EntityId``."""
    return first_id(user, 'Id', 'EntityId')


def account_id_of(account):
    return first_id(account, 'AccountID', 'Id', 'EntityId')


def _server_name_of(account):
    """Name of the account's server, when the nested Server Aurora sent is the one ServerId points to."""
    server = account.get('Server')
    if isinstance(server, dict) and server_id_of(server) == account_server_id(account):
        return server.get('Name')
    return None


def account_server_id(account):
    return None if account.get('ServerId') is None else int(account['ServerId'])


# ---- lookup (reads only) -------------------------------------------------------------------------

class Current(object):
    """What Aurora holds for one email: the user, its login account, its other accounts, the target server.

    ``tenant_id``: the id of the tenant the task names (None: the task leaves the tenant alone); the user then
    carries its own ``IdTenant``, and ``tenant_name`` is the name of the user's tenant when the task moves it.
    """

    def __init__(self, user=None, account=None, other_accounts=(), server=None, multi_accounts=None, tenant_id=None):
        self.user = user
        self.account = account
        self.other_accounts = list(other_accounts)
        self.server = server
        self.multi_accounts = multi_accounts
        self.tenant_id = tenant_id
        self.tenant_name = None
        self.domain_tenant_id = None  # a new user's e-mail domain is registered with MailDomains in this tenant


def server_map(servers):
    """``{name: [server, ...]}`` from a server listing (``client.list_servers()``), to share between lookups."""
    found = {}
    for server in servers:
        found.setdefault(server.get('Name'), []).append(server)
    return found


def lookup(client, wanted, users=None, servers=None, tenant_id=None, tenant_members=None):
    """Read what Aurora holds for ``wanted['email']``.

    ``users``: an optional listing of all users (``client.list_users()``), read once for many lookups;
    ``servers``: an optional ``server_map()``; ``tenant_id``: the id of the tenant the task names, when the caller
    has resolved it; ``tenant_members``: the ids of that tenant's users. Without them the lookup asks Aurora.
    """
    tenant_id = managed_tenant_id(client, wanted, tenant_id)
    user = find_user(client, wanted['email'], users)
    if user is None:
        current = Current(tenant_id=tenant_id)
    else:
        if tenant_members is not None and user_id_of(user) in tenant_members:
            user = dict(user, IdTenant=tenant_id)
        user = complete_user(client, user, with_tenant=tenant_id is not None)
        account, others = split_accounts(user_accounts(client, user_id_of(user)), wanted['email'])
        current = Current(user, account, others, tenant_id=tenant_id)
        if tenant_move(user, tenant_id) and wanted['tenant'] is not None:
            current.tenant_name = tenant_name(client, integer(user.get('IdTenant')))
    if needs_server(wanted, current):
        current.server = resolve_server(client, wanted, current, servers)
        if current.user is None and tenant_id is None and current.server.get('AllowEditDomains') is False:
            current.domain_tenant_id = domain_tenant_id(client, domain_of(wanted['email']))
    if needs_multi_account_check(wanted, current):
        current.multi_accounts = multi_accounts_allowed(client)
    return current


def names_tenant(wanted):
    """Whether the task keeps its user in a tenant (a deletion goes by the e-mail alone, unique in all tenants)."""
    return wanted['state'] == 'present' and (wanted['tenant'] is not None or wanted['tenant_id'] is not None)


def managed_tenant_id(client, wanted, resolved=None):
    """The id of the tenant the task names (``resolved`` when the caller has read it), or None when it names none."""
    if not names_tenant(wanted):
        return None
    return resolved if resolved is not None else tenant_id_for(client, wanted['tenant'], wanted['tenant_id'])


def domain_tenant_id(client, domain):
    """The tenant in which MailDomains registered ``domain``, where Aurora puts a new user of it that is created
    without a tenant; None when no tenant has it. Only an Aurora with MailDomains is asked (its servers say
    AllowEditDomains false)."""
    for tenant in client.list_tenants():
        for registered in client.list_domains(first_id(tenant, 'Id', 'EntityId')):
            if str(registered.get('Name', '')).lower() == domain:
                return integer(registered.get('TenantId'))
    return None


def find_user(client, email, users=None):
    candidates = client.find_users(email) if users is None else users
    matches = [user for user in candidates if str(user.get('PublicId', '')).lower() == email]
    if len(matches) > 1:
        raise ResourceError('more than one Aurora user has the PublicId %s (ids %s); remove the duplicates first'
                            % (email, ', '.join(str(user_id_of(user)) for user in matches)))
    return matches[0] if matches else None


def complete_user(client, user, with_tenant=False):
    """The user with Role and IsDisabled (Aurora 8 listings lack them) and, ``with_tenant``, its IdTenant (no listing
    has it): the full user is read when the listing lacks what is needed."""
    if 'Role' in user and 'IsDisabled' in user and (not with_tenant or 'IdTenant' in user):
        return user
    full = client.call('Core', 'GetUser', {'Id': user_id_of(user)}, 'user %s' % user.get('PublicId'))
    if not isinstance(full, dict):
        raise ResourceError('the user %s disappeared while it was being read; run the task again' % user.get('PublicId'))
    completed = dict(user, Role=full.get('Role', 2), IsDisabled=bool(full.get('IsDisabled', False)))
    if with_tenant:
        completed['IdTenant'] = integer(full.get('IdTenant'))
    return completed


def tenant_move(user, tenant_id):
    """``{'tenant_id': (the user's tenant id, tenant_id)}`` when the user must move there, else {}."""
    now = integer(user.get('IdTenant'))
    return {} if tenant_id is None or now == tenant_id else {'tenant_id': (now, tenant_id)}


def user_accounts(client, user_id):
    return client.call('Mail', 'GetAccounts', {'UserId': user_id}, 'the accounts of user %s' % user_id) or []


def split_accounts(accounts, email):
    """(the account whose Email is ``email``, the others)."""
    mine = [account for account in accounts if str(account.get('Email', '')).lower() == email]
    others = [account for account in accounts if str(account.get('Email', '')).lower() != email]
    return (mine[0] if mine else None), others


def needs_server(wanted, current):
    """The server is read only to create the account or to move it."""
    if wanted['state'] != 'present':
        return False
    if current.account is None:
        return True
    return wanted['server'] is not None or wanted['server_id'] is not None


def current_tenant_id(wanted, current):
    """The tenant the user is in after the task, when known: the one the task names, else the user's own."""
    if current.tenant_id is not None:
        return current.tenant_id
    return None if current.user is None else integer(current.user.get('IdTenant'))


def resolve_server(client, wanted, current, servers=None):
    if wanted['server'] is not None:
        return server_by_name(client, wanted['server'], servers, current_tenant_id(wanted, current))
    if wanted['server_id'] is not None:
        return server_by_id(client, wanted['server_id'], servers)
    return server_for_domain(client, domain_of(wanted['email']))


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


def needs_multi_account_check(wanted, current):
    return wanted['state'] == 'present' and current.user is not None and current.account is None \
        and bool(current.other_accounts)


def multi_accounts_allowed(client):
    """True when Aurora allows more than one account per user (MailMultiAccountsPlugin), None when unknown.

    Unknown is not a failure: CreateAccount then tells, by refusing with Result false.
    """
    try:
        settings = client.call('Mail', 'GetSettings', None, 'the mail settings')
    except AuroraError:
        return None
    return bool(isinstance(settings, dict) and settings.get('AllowMultiAccounts'))


# ---- views ---------------------------------------------------------------------------------------

def user_view(user):
    """The ``user`` return value."""
    if user is None:
        return None
    return {
        'id': user_id_of(user),
        'public_id': user.get('PublicId'),
        'role': _role_name(user.get('Role', 2)),
        'disabled': bool(user.get('IsDisabled')),
        'tenant_id': integer(user.get('IdTenant')),
    }


def account_view(account):
    """The ``account`` return value; the password is masked as Aurora masks it."""
    if account is None:
        return None
    return {
        'id': account_id_of(account),
        'user_id': None if account.get('IdUser') is None else int(account['IdUser']),
        'email': account.get('Email'),
        'friendly_name': account.get('FriendlyName'),
        'incoming_login': account.get('IncomingLogin'),
        'incoming_password': STORED_SECRET,
        'server': _server_name_of(account),
        'server_id': account_server_id(account),
        'use_to_authorize': bool(account.get('UseToAuthorize')),
    }


def user_state(user):
    """The user in the words of the options, for comparing and for the diff."""
    return dict(field_view(USER_FIELDS, user), email=str(user.get('PublicId', '')).lower())


def account_state(account, password=PASSWORD_KEPT):
    """The account in the words of the options; the password is a placeholder, never a value."""
    return dict(field_view(ACCOUNT_FIELDS, account), server=_server_name_of(account),
                server_id=account_server_id(account), password=password)


def state_of(user, account, password=PASSWORD_KEPT):
    if user is None:
        return None
    state = user_state(user)
    if account is not None:
        state.update(account_state(account, password))
    return state


# ---- planning (pure) -----------------------------------------------------------------------------

def _plan(wanted, current, user=None, account=None, password_changed=False, **parts):
    """What a task does to one user and its login account.

    Its parts: ``user`` and ``account``, the predicted Aurora objects (ids unknown before creation are None);
    ``user_params`` / ``account_params``, the parameters of the write calls (they may hold the password: never
    return them); ``created``, whether the account (and perhaps the user) is created.
    """
    parts.setdefault('user_params', None)
    parts.setdefault('account_params', None)
    parts.setdefault('created', False)
    before = state_of(current.user, current.account)
    after = state_of(user, account, PASSWORD_SET if password_changed else PASSWORD_KEPT)
    if current.tenant_id is not None:
        option = 'tenant' if wanted['tenant'] is not None else 'tenant_id'
        if before is not None:
            before[option] = _tenant_value(wanted, current)
        if after is not None:
            after[option] = wanted[option]
    return Plan(current=current, before=before, after=after,
                password_changed=password_changed, wanted=wanted, email=wanted['email'], user=user, account=account,
                **parts)


def _tenant_value(wanted, current):
    """The user's tenant as the task names tenants: by name (as the task spells it when it is the same) or by id."""
    now = integer(current.user.get('IdTenant'))
    if wanted['tenant'] is None:
        return now
    if now == current.tenant_id:
        return wanted['tenant']
    return current.tenant_name if current.tenant_name is not None else now


def user_result(plan, user, account, notes=(), wrote=None, retries=0, **returned):
    """The module's result for these user and account objects (None: it does not exist); ``returned`` overrides."""
    returned = dict(dict(created=plan.created, user=user_view(user), account=account_view(account),
                         user_id=None if user is None else user_id_of(user),
                         account_id=None if account is None else account_id_of(account)), **returned)
    return result_of(plan, returned, notes, wrote, retries)


def plan(wanted, current):
    """What to do for ``wanted`` given ``current`` (a lookup() result); no API call."""
    if wanted['state'] == 'absent':
        return _plan_absent(wanted, current)
    if current.user is None:
        return _plan_new_user(wanted, current)
    if current.account is None:
        return _plan_new_account(wanted, current)
    return _plan_update(wanted, current)


def _plan_absent(wanted, current):
    if current.user is None:
        return _plan(wanted, current, msg='absent')
    return _plan(wanted, current, actions=('delete_user',), user_params={'UserId': user_id_of(current.user)},
                 msg='deleted')


def _plan_new_user(wanted, current):
    require_password(wanted)
    settings = aurora_values(USER_FIELDS, _creation_values(USER_FIELDS, wanted))
    user_params = dict(settings, TenantId=current.tenant_id or 0, PublicId=wanted['email'])
    user = dict(settings, Id=None, PublicId=wanted['email'], IdTenant=current.tenant_id or current.domain_tenant_id)
    return _plan(wanted, current, actions=('create_user', 'create_account'), user=user,
                 account=new_account(wanted, current.server, None), user_params=user_params,
                 account_params=create_account_params(wanted, current.server), msg='created', created=True,
                 password_changed=True)


def _plan_new_account(wanted, current):
    require_password(wanted)
    _require_room_for_account(wanted, current)
    user_changes = _user_changes(wanted, current)
    actions = ('create_account',) + (('update_user',) if user_changes else ())
    msg = 'created account for existing user'
    if user_changes:
        msg += '; updated: %s' % describe(user_changes)
    return _plan(wanted, current, actions=actions, user=updated_user(current.user, user_changes, current.tenant_id),
                 account=new_account(wanted, current.server, user_id_of(current.user)),
                 user_params=update_user_params(current.user, user_changes, current.tenant_id),
                 account_params=create_account_params(wanted, current.server), changes=user_changes, msg=msg,
                 created=True, password_changed=True)


def _plan_update(wanted, current):
    changed_account = account_changes(wanted, current.account, current.server)
    user_changes = _user_changes(wanted, current)
    changes = dict(changed_account, **user_changes)
    actions = (('update_account',) if changed_account else ()) + (('update_user',) if user_changes else ())
    return _plan(wanted, current, actions=actions, user=updated_user(current.user, user_changes, current.tenant_id),
                 account=updated_account(current.account, changed_account, current.server),
                 user_params=update_user_params(current.user, user_changes, current.tenant_id),
                 account_params=update_account_params(wanted, current.account, changed_account, current.server),
                 changes=changes, msg='updated: %s' % describe(changes) if changes else 'unchanged',
                 password_changed='password' in changed_account)


def require_password(wanted):
    if wanted['password'] is None:
        raise ResourceError('password is required to create the mail account %s; nothing was changed'
                            % wanted['email'])


def _require_room_for_account(wanted, current):
    if current.multi_accounts is False:
        raise ResourceError(one_account_limit(wanted['email'], current.user, current.other_accounts)
                            + '; nothing was changed')


def one_account_limit(email, user, other_accounts):
    return ('the user %s already has the mail account %s and this Aurora allows one mail account per user '
            '(the WebMail Lite limit; Aurora Corporate\'s MailMultiAccountsPlugin lifts it), so the account %s '
            'cannot be added' % (user.get('PublicId'), ', '.join(sorted(
                str(account.get('Email')) for account in other_accounts)), email))


def _creation_values(fields, wanted, **defaults):
    """The option values a creation stores: what the task sets, else ``defaults``, else the field's own default."""
    return dict((field.key, wanted[field.key] if wanted.get(field.key) is not None
                 else defaults.get(field.key, field.default)) for field in fields)


def _account_creation_values(wanted):
    return _creation_values(ACCOUNT_FIELDS, wanted, incoming_login=wanted['email'])


def new_account(wanted, server, user_id, login=True):
    """The account CreateAccount will return: Aurora 9 lower-cases Email and IncomingLogin; ``login``: the user's
    login account (its e-mail is the user's PublicId)."""
    account = aurora_values(ACCOUNT_FIELDS, _account_creation_values(wanted))
    account.update(AccountID=None, IdUser=user_id, Email=wanted['email'], IncomingLogin=account['IncomingLogin'].lower(),
                   IncomingPassword=STORED_SECRET, ServerId=server_id_of(server), Server=server, UseToAuthorize=login)
    return account


def create_account_params(wanted, server):
    params = aurora_values(ACCOUNT_FIELDS, _account_creation_values(wanted))
    params.update(Email=wanted['email'], IncomingPassword=wanted['password'], Server={'ServerId': server_id_of(server)})
    return params


def _new_values(changes):
    return dict((key, new) for key, (dummy, new) in changes.items())


def _user_changes(wanted, current):
    """The user's changes; a move to another tenant is named as the task names the tenant."""
    changes = field_changes(USER_FIELDS, user_state(current.user), wanted)
    if tenant_move(current.user, current.tenant_id):
        option = 'tenant' if wanted['tenant'] is not None else 'tenant_id'
        changes[option] = (_tenant_value(wanted, current), wanted[option])
    return changes


def moves_tenant(changes):
    return 'tenant' in changes or 'tenant_id' in changes


def account_changes(wanted, account, server):
    changes = field_changes(ACCOUNT_FIELDS, account_state(account), wanted)
    if server is not None and server_id_of(server) != account_server_id(account):
        if wanted['server'] is not None and _server_name_of(account) != server.get('Name'):
            changes['server'] = (_server_name_of(account), server.get('Name'))
        else:
            changes['server_id'] = (account_server_id(account), server_id_of(server))
    if wanted['password'] is not None and wanted['update_password'] == 'always':
        changes['password'] = (PASSWORD_KEPT, PASSWORD_SET)
    return changes


def updated_user(user, changes, tenant_id=None):
    """The user after ``changes``; in the tenant ``tenant_id`` when one is given."""
    updated = dict(user, **aurora_values(USER_FIELDS, _new_values(changes)))
    if tenant_id is not None:
        updated['IdTenant'] = tenant_id
    return updated


def updated_account(account, changes, server):
    updated = dict(account, **aurora_values(ACCOUNT_FIELDS, _new_values(changes)))
    if 'server' in changes or 'server_id' in changes:
        updated['ServerId'] = server_id_of(server)
        updated['Server'] = server
    return updated


def update_user_params(user, changes, tenant_id=None):
    """Core.UpdateUser's parameters; a move sends the tenant (Aurora does not check that it exists)."""
    if not changes:
        return None
    updated = updated_user(user, changes)
    params = dict((field.aurora, updated.get(field.aurora)) for field in USER_FIELDS)
    params['UserId'] = user_id_of(user)
    if moves_tenant(changes):
        params['TenantId'] = tenant_id
    return params


def update_account_params(wanted, account, changes, server):
    if not changes:
        return None
    # Without UseToAuthorize, Aurora 9 demotes the login account (the user could no longer log in).
    params = aurora_values(ACCOUNT_FIELDS, _new_values(changes))
    params.update(AccountID=account_id_of(account), UseToAuthorize=bool(account.get('UseToAuthorize')))
    if 'password' in changes:
        params['IncomingPassword'] = wanted['password']
    if 'server' in changes or 'server_id' in changes:
        params['Server'] = {'ServerId': server_id_of(server)}
    return params


def describe(changes):
    """``friendly_name ''→'Ann', role 'user'→'tenant_admin'``; the password is named, never shown."""
    return describe_changes(changes, secret_keys=('password',))
