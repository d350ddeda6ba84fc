# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A user and its mail accounts as Aurora stores them, for the two kinds of account (``_user_account``: a user with
its login account; ``_mail_account``: a user's further accounts) and their writes (``_account_writes``): the
fields, the lookups of users and accounts, how they are shown and compared, and the parameters of their writes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import (
    SECRET_CHANGED,
    SECRET_PLACEHOLDER,
    describe_changes,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import Kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import (
    server_by_id,
    server_by_name,
    server_for_domain,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    SERVER,
    STATE,
    STORED_SECRET,
    Field,
    ResourceError,
    aurora_values,
    email_error,
    field_changes,
    field_view,
    first_id,
    integer,
    result_of,
    same_ignoring_case,
    server_id_of,
    server_option_errors,
)

# Aurora's UserRole enum; only the first two can be set by this module.
ROLES = {'user': 2, 'tenant_admin': 1}
ROLE_NAMES = {0: 'super_admin', 1: 'tenant_admin', 2: 'user', 3: 'customer'}
PASSWORD_KEPT = SECRET_PLACEHOLDER
PASSWORD_SET = SECRET_CHANGED

IMAP_CHECK_CODES = (4001, 4002)
USER_EXISTS = 111
ACCOUNT_EXISTS = 704
MAIL_SETTINGS_FILE = 'data/settings/modules/Mail.config.json'


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


# The options of every mail account task, login account or not: the fields, ``email``, ``state``, the password and
# the server.
ACCOUNT_OPTIONS = ACCOUNT_FIELDS + [
    Field('email', required=True),
    STATE,
    Field('password', secret=True),
    Field('update_password', choices=('on_create', 'always'), option_default='on_create'),
] + SERVER


# ---- options (pure) ------------------------------------------------------------------------------

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


def validated(params, fields, choices):
    """The options of ``fields`` (valid) with the defaults of ``choices`` and the e-mail in lower case."""
    wanted = dict((field.key, params.get(field.key)) for field in fields)
    for option, default, dummy in choices:
        wanted[option] = wanted[option] or default
    wanted['email'] = wanted['email'].strip().lower()
    return wanted


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


def user_result(plan, user, account, notes=(), wrote=None, retries=0, **returned):
    """The module's result for these user and account objects (None: it does not exist); ``returned`` overrides."""
    returned = dict(dict(created=plan.created, user=user_view(user), account=account_view(account),
                         user_id=None if user is None else user_id_of(user),
                         account_id=None if account is None else account_id_of(account)), **returned)
    return result_of(plan, returned, notes, wrote, retries)


# ---- planning (pure) -----------------------------------------------------------------------------

def require_password(wanted):
    if wanted['password'] is None:
        raise ResourceError('password is required to create the mail account %s; nothing was changed'
                            % wanted['email'])


def one_account_limit(email, user, other_accounts):
    return ('the user %s already has the mail account %s and this Aurora allows one mail account per user '
            '(the WebMail Lite limit; Aurora Corporate\'s MailMultiAccountsPlugin lifts it), so the account %s '
            'cannot be added' % (user.get('PublicId'), ', '.join(sorted(
                str(account.get('Email')) for account in other_accounts)), email))


def creation_values(fields, wanted, **defaults):
    """The option values a creation stores: what the task sets, else ``defaults``, else the field's own default."""
    return dict((field.key, wanted[field.key] if wanted.get(field.key) is not None
                 else defaults.get(field.key, field.default)) for field in fields)


def _account_creation_values(wanted):
    return creation_values(ACCOUNT_FIELDS, wanted, incoming_login=wanted['email'])


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


# ---- what both kinds of account share -------------------------------------------------------------

class AccountKind(Kind):
    """The two kinds of mail account (a user's login account, its further accounts): items named by e-mail in the
    list ``accounts``, their options normalised (``choices``: (option, default, allowed values)), and a bulk task's
    one listing of the users its items name."""

    option = 'accounts'
    key = 'email'
    choices = ()

    def __init__(self, check_mode=False, diff=False):
        super(AccountKind, self).__init__(check_mode, diff)
        self.users = None  # a bulk task's listing of the users its items name, by e-mail

    def wanted(self, params):
        """A normalised copy of the options (the e-mail stripped, in lower case; the defaults of ``choices``)."""
        return validated(params, self.fields, self.choices)

    def identity(self, item):
        return str(item.get('email') or '').strip().lower()  # as the task handles it

    def shown(self, item, wanted):
        return item.get('email') if wanted is None else wanted['email']

    def list_users(self, client, emails):
        """``self.users``: the users of ``emails`` in one listing of every user."""
        self.users = {}
        for user in client.list_users():
            email = str(user.get('PublicId', '')).lower()
            if email in emails:
                self.users.setdefault(email, []).append(user)

    def category(self, plan, result):
        if not plan.actions:
            return 'unchanged'
        if 'delete_user' in plan.actions or 'delete_account' in plan.actions:
            return 'deleted'
        return 'created' if plan.created else 'updated'
