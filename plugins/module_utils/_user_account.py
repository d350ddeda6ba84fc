# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An Aurora user and its login mail account, kept as one thing.

The steps are separate so that a module handling many users can reuse them as they are:

* ``user_account_argument_spec()`` - the options;
* ``validate(params)`` - pure, no API call: normalised options or ResourceError naming the option;
* ``lookup(client, wanted, users=None, servers=None)`` - reads only: the user, its accounts, the target server;
* ``plan(wanted, current)`` - pure: the calls to make and the predicted result (check mode returns it as is);
* ``apply(client, plan, check_mode)`` - the writes, with rollback of a user this run created;
* ``ensure_user_account(...)`` - the four in a row.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import (
    SECRET_CHANGED,
    SECRET_PLACEHOLDER,
    describe_changes,
    diff_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import (
    AuroraApiError,
    AuroraError,
    AuroraSilentRefusal,
    AuroraTransportError,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    STORED_SECRET,
    Field,
    ResourceError,
    argument_spec,
    aurora_values,
    field_changes,
    field_view,
    first_id,
    integer,
    same_ignoring_case,
    server_id_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import (
    ADOPTED,
    NOT_DONE,
    REFUSED,
    SENT,
    UNKNOWN,
    settled,
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

MUTUALLY_EXCLUSIVE = [['server', 'server_id']]


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
    spec = argument_spec(USER_FIELDS + ACCOUNT_FIELDS)
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

def validate(params):
    """A normalised copy of the options, or ResourceError naming the offending option."""
    spec = user_account_argument_spec()
    too_long = text_length_errors(spec, params)
    if too_long:
        raise ResourceError('; '.join(too_long))
    wanted = dict((key, params.get(key)) for key in spec)
    wanted['state'] = wanted['state'] or 'present'
    wanted['update_password'] = wanted['update_password'] or 'on_create'
    wanted['email'] = _valid_email(wanted['email'])
    _check_choice(wanted, 'state', ('present', 'absent'))
    _check_choice(wanted, 'update_password', ('on_create', 'always'))
    if wanted['role'] is not None:
        _check_choice(wanted, 'role', sorted(ROLES))
    _check_server_options(wanted)
    for option in ('password', 'incoming_login'):
        if wanted[option] is not None and not wanted[option].strip():
            raise ResourceError('%s must not be empty; leave it out to keep the current value' % option)
    for option in ('incoming_login', 'friendly_name'):
        if wanted[option] is not None and CONTROL.search(wanted[option]):
            raise ResourceError('%s must not hold control characters (such as a newline)' % option)
    return wanted


def _valid_email(value):
    email = (value or '').strip()
    if not EMAIL_PATTERN.match(email):
        raise ResourceError(
            'email %r is not an address Aurora accepts: it needs exactly one "@" between a non-empty local part '
            'and domain, and only the characters a-z A-Z 0-9 . _ - +' % email)
    return email.lower()


def _check_choice(wanted, option, choices):
    if wanted[option] not in choices:
        raise ResourceError('%s must be one of %s, got %r' % (option, ', '.join(choices), wanted[option]))


def _check_server_options(wanted):
    if wanted['server'] is not None and wanted['server_id'] is not None:
        raise ResourceError('server and server_id are mutually exclusive; give the name or the id of the mail server')
    if wanted['server'] is not None and not wanted['server'].strip():
        raise ResourceError('server must not be empty; give the name of a mail server or leave server out')
    if wanted['server_id'] is not None and wanted['server_id'] < 1:
        raise ResourceError('server_id must be a positive mail server id, got %s' % wanted['server_id'])


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
    if isinstance(server, dict) and server_id_of(server) == _account_server_id(account):
        return server.get('Name')
    return None


def _account_server_id(account):
    return None if account.get('ServerId') is None else int(account['ServerId'])


# ---- lookup (reads only) -------------------------------------------------------------------------

class Current(object):
    """What Aurora holds for one email: the user, its login account, its other accounts, the target server."""

    def __init__(self, user=None, account=None, other_accounts=(), server=None, multi_accounts=None):
        self.user = user
        self.account = account
        self.other_accounts = list(other_accounts)
        self.server = server
        self.multi_accounts = multi_accounts


def server_map(servers):
    """``{name: [server, ...]}`` from a server listing (``client.list_servers()``), to share between lookups."""
    found = {}
    for server in servers:
        found.setdefault(server.get('Name'), []).append(server)
    return found


def lookup(client, wanted, users=None, servers=None):
    """Read what Aurora holds for ``wanted['email']``.

    ``users``: an optional listing of all users (``client.list_users()``), read once for many lookups;
    ``servers``: an optional ``server_map()``. Without them the lookup asks Aurora.
    """
    user = find_user(client, wanted['email'], users)
    if user is None:
        current = Current()
    else:
        user = complete_user(client, user)
        account, others = split_accounts(user_accounts(client, user_id_of(user)), wanted['email'])
        current = Current(user, account, others)
    if needs_server(wanted, current):
        current.server = resolve_server(client, wanted, servers)
    if needs_multi_account_check(wanted, current):
        current.multi_accounts = multi_accounts_allowed(client)
    return current


def find_user(client, email, users=None):
    candidates = client.find_users(email) if users is None else users
    matches = [user for user in candidates if str(user.get('PublicId', '')).lower() == email]
    if len(matches) > 1:
        raise ResourceError('more than one Aurora user has the PublicId %s (ids %s); remove the duplicates first'
                            % (email, ', '.join(str(user_id_of(user)) for user in matches)))
    return matches[0] if matches else None


def complete_user(client, user):
    """Aurora 8 listings lack Role and IsDisabled: read the full user then."""
    if 'Role' in user and 'IsDisabled' in user:
        return user
    full = client.call('Core', 'GetUser', {'Id': user_id_of(user)}, 'user %s' % user.get('PublicId'))
    if not isinstance(full, dict):
        raise ResourceError('the user %s disappeared while it was being read; run the task again' % user.get('PublicId'))
    return dict(user, Role=full.get('Role', 2), IsDisabled=bool(full.get('IsDisabled', False)))


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


def resolve_server(client, wanted, servers=None):
    if wanted['server'] is not None:
        return server_by_name(client, wanted['server'], servers)
    if wanted['server_id'] is not None:
        return server_by_id(client, wanted['server_id'], servers)
    return server_for_domain(client, domain_of(wanted['email']))


def server_by_name(client, name, servers=None):
    found = client.find_servers(name) if servers is None else servers.get(name, [])
    if len(found) > 1 and servers is not None:
        found = client.find_servers(name)  # the shared listing may hold the copy a concurrent run then deleted
    if not found:
        raise ResourceError('server: no mail server named %r; create it with afterlogic.aurora.aurora_mail_server '
                            'or give its server_id' % name)
    if len(found) > 1:
        raise ResourceError('server: %d mail servers are named %r (ids %s); give server_id instead'
                            % (len(found), name, ', '.join(str(server_id_of(server)) for server in found)))
    return found[0]


def server_by_id(client, server_id, servers=None):
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
        'server_id': _account_server_id(account),
        'use_to_authorize': bool(account.get('UseToAuthorize')),
    }


def user_state(user):
    """The user in the words of the options, for comparing and for the diff."""
    return dict(field_view(USER_FIELDS, user), email=str(user.get('PublicId', '')).lower())


def account_state(account, password=PASSWORD_KEPT):
    """The account in the words of the options; the password is a placeholder, never a value."""
    return dict(field_view(ACCOUNT_FIELDS, account), server=_server_name_of(account),
                server_id=_account_server_id(account), password=password)


def state_of(user, account, password=PASSWORD_KEPT):
    if user is None:
        return None
    state = user_state(user)
    if account is not None:
        state.update(account_state(account, password))
    return state


# ---- planning (pure) -----------------------------------------------------------------------------

class Plan(object):
    """The calls that bring Aurora to the task's state, and what they will return.

    ``user`` and ``account`` are the predicted Aurora objects (ids unknown before creation are None);
    ``user_params`` / ``account_params`` are the parameters of the write calls (they may hold the password:
    never return them).
    """

    def __init__(self, wanted, current, actions=(), user=None, account=None, user_params=None, account_params=None,
                 changes=None, msg='unchanged', created=False, password_changed=False):
        self.email = wanted['email']
        self.wanted = wanted
        self.current = current
        self.actions = tuple(actions)
        self.user = user
        self.account = account
        self.user_params = user_params
        self.account_params = account_params
        self.changes = changes or {}
        self.msg = msg
        self.created = created
        self.password_changed = password_changed

    @property
    def changed(self):
        return bool(self.actions)

    @property
    def before(self):
        return state_of(self.current.user, self.current.account)

    @property
    def after(self):
        return state_of(self.user, self.account, PASSWORD_SET if self.password_changed else PASSWORD_KEPT)

    def predicted_result(self):
        return self.result(self.user, self.account)

    def result(self, user, account):
        """The module's return value for these user and account objects (None: it does not exist)."""
        return {
            'changed': self.changed,
            'msg': self.msg,
            'created': self.created,
            'password_changed': self.password_changed,
            'user': user_view(user),
            'account': account_view(account),
            'user_id': None if user is None else user_id_of(user),
            'account_id': None if account is None else account_id_of(account),
            'diff': diff_of(self.before, self.after),
        }


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
        return Plan(wanted, current, msg='absent')
    return Plan(wanted, current, actions=('delete_user',), user_params={'UserId': user_id_of(current.user)},
                msg='deleted')


def _plan_new_user(wanted, current):
    _require_password(wanted)
    settings = aurora_values(USER_FIELDS, _creation_values(USER_FIELDS, wanted))
    user_params = dict(settings, TenantId=0, PublicId=wanted['email'])
    user = dict(settings, Id=None, PublicId=wanted['email'])
    return Plan(wanted, current, actions=('create_user', 'create_account'), user=user,
                account=_new_account(wanted, current.server, None), user_params=user_params,
                account_params=_create_account_params(wanted, current.server), msg='created', created=True,
                password_changed=True)


def _plan_new_account(wanted, current):
    _require_password(wanted)
    _require_room_for_account(wanted, current)
    user_changes = _user_changes(wanted, current.user)
    actions = ('create_account',) + (('update_user',) if user_changes else ())
    msg = 'created account for existing user'
    if user_changes:
        msg += '; updated: %s' % _describe(user_changes)
    return Plan(wanted, current, actions=actions, user=_updated_user(current.user, user_changes),
                account=_new_account(wanted, current.server, user_id_of(current.user)),
                user_params=_update_user_params(current.user, user_changes),
                account_params=_create_account_params(wanted, current.server), changes=user_changes, msg=msg,
                created=True, password_changed=True)


def _plan_update(wanted, current):
    account_changes = _account_changes(wanted, current.account, current.server)
    user_changes = _user_changes(wanted, current.user)
    changes = dict(account_changes, **user_changes)
    actions = (('update_account',) if account_changes else ()) + (('update_user',) if user_changes else ())
    return Plan(wanted, current, actions=actions, user=_updated_user(current.user, user_changes),
                account=_updated_account(current.account, account_changes, current.server),
                user_params=_update_user_params(current.user, user_changes),
                account_params=_update_account_params(wanted, current.account, account_changes, current.server),
                changes=changes, msg='updated: %s' % _describe(changes) if changes else 'unchanged',
                password_changed='password' in account_changes)


def _require_password(wanted):
    if wanted['password'] is None:
        raise ResourceError('password is required to create the mail account %s; nothing was changed'
                            % wanted['email'])


def _require_room_for_account(wanted, current):
    if current.multi_accounts is False:
        raise ResourceError(_one_account_limit(wanted['email'], current.user, current.other_accounts)
                            + '; nothing was changed')


def _one_account_limit(email, user, other_accounts):
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


def _new_account(wanted, server, user_id):
    """The account CreateAccount will return: Aurora 9 lower-cases Email and IncomingLogin."""
    account = aurora_values(ACCOUNT_FIELDS, _account_creation_values(wanted))
    account.update(AccountID=None, IdUser=user_id, Email=wanted['email'], IncomingLogin=account['IncomingLogin'].lower(),
                   IncomingPassword=STORED_SECRET, ServerId=server_id_of(server), Server=server, UseToAuthorize=True)
    return account


def _create_account_params(wanted, server):
    params = aurora_values(ACCOUNT_FIELDS, _account_creation_values(wanted))
    params.update(Email=wanted['email'], IncomingPassword=wanted['password'], Server={'ServerId': server_id_of(server)})
    return params


def _new_values(changes):
    return dict((key, new) for key, (dummy, new) in changes.items())


def _user_changes(wanted, user):
    return field_changes(USER_FIELDS, user_state(user), wanted)


def _account_changes(wanted, account, server):
    changes = field_changes(ACCOUNT_FIELDS, account_state(account), wanted)
    if server is not None and server_id_of(server) != _account_server_id(account):
        if wanted['server'] is not None:
            changes['server'] = (_server_name_of(account), server.get('Name'))
        else:
            changes['server_id'] = (_account_server_id(account), server_id_of(server))
    if wanted['password'] is not None and wanted['update_password'] == 'always':
        changes['password'] = (PASSWORD_KEPT, PASSWORD_SET)
    return changes


def _updated_user(user, changes):
    return dict(user, **aurora_values(USER_FIELDS, _new_values(changes)))


def _updated_account(account, changes, server):
    updated = dict(account, **aurora_values(ACCOUNT_FIELDS, _new_values(changes)))
    if 'server' in changes or 'server_id' in changes:
        updated['ServerId'] = server_id_of(server)
        updated['Server'] = server
    return updated


def _update_user_params(user, changes):
    if not changes:
        return None
    updated = _updated_user(user, changes)
    params = dict((field.aurora, updated.get(field.aurora)) for field in USER_FIELDS)
    params['UserId'] = user_id_of(user)
    return params


def _update_account_params(wanted, account, changes, server):
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


def _describe(changes):
    """``friendly_name ''→'Ann', role 'user'→'tenant_admin'``; the password is named, never shown."""
    return describe_changes(changes, secret_keys=('password',))


# ---- apply ---------------------------------------------------------------------------------------

def apply(client, plan, check_mode=False):
    """Make the planned calls (none in check mode) and return the module's result.

    Raises the AuroraError of a call that failed, with ``changed`` set; a user this run created is deleted again first, unless it
    holds a mail account this run did not create.
    """
    if check_mode or not plan.actions:
        return dict(plan.predicted_result(), retries=0)
    run = _Run(settled(client), plan)
    for action in plan.actions:
        try:
            STEPS[action](run)
        except AuroraError as error:
            if not (action == 'create_account' and _adopted_after_failure(run, error)):
                raise run.failure(action, error)
    result = plan.result(run.user, run.account)
    if run.notes:
        result.update(_raced_result(run))
    result['retries'] = run.client.retries
    return result


def _raced_result(run):
    """What a run that lost a creation race to another run reports: only the writes it made itself."""
    return {'changed': run.wrote, 'created': run.created_user_id is not None or run.created_account,
            'password_changed': run.created_account,
            'msg': '; '.join([run.plan.msg if run.wrote else 'unchanged'] + run.notes)}


class _Run(object):
    """The state of one apply(): the objects as Aurora returned them, and what this run created."""

    def __init__(self, client, plan):
        self.client = client
        self.plan = plan
        self.user = plan.user
        self.account = plan.account
        self.created_user_id = None
        self.created_account = False
        self.wrote = False
        self.notes = []  # what other actors did at the same time, adopted
        self.other_accounts_seen = None  # accounts found on the user after a refused CreateAccount

    @property
    def user_id(self):
        return user_id_of(self.user)

    def target(self, noun):
        return '%s %s' % (noun, self.plan.email)

    def failure(self, action, error):
        """The error to raise, completed with what the run did and undid; a user this run created is undone first."""
        message = '%s: %s' % (FAILED_TO[action] % self.plan.email, error)
        hint = _hint_for(action, error, self)
        if hint:
            message += '; ' + hint
        if self.created_user_id is not None and not _may_still_run(error):
            undone, note = _undo_created_user(self)
            self.wrote = self.wrote and not undone
            message += '; ' + note
        elif _outcome_unknown(error):
            message += '; Aurora may have done it anyway: running the task again finds out and completes it'
        elif not self.wrote:
            message += '; nothing was changed, so running the task again starts from scratch'
        error.message = message
        error.changed = self.wrote or _outcome_unknown(error)
        error.details['retries'] = self.client.retries
        return error


def _outcome_unknown(error):
    """A write whose answer was lost and that reading back could not settle: Aurora may have done it."""
    return isinstance(error, AuroraTransportError) and error.sent


def _may_still_run(error):
    """A write Aurora did not answer in time: it may still be done later, so undoing around it would race it."""
    return isinstance(error, AuroraTransportError) and error.sent and error.timed_out


FAILED_TO = {
    'create_user': 'could not create the user %s',
    'create_account': 'could not create the mail account %s',
    'update_account': 'could not update the mail account %s',
    'update_user': 'could not update the user %s',
    'delete_user': 'could not delete the user %s',
}


class UserGone(AuroraError):
    """The user was deleted by another actor while this run was working on it."""


def _user_gone(run, method):
    return UserGone('the user %s (id %s) was deleted by another actor while this task was working on it; run the '
                    'task again to create it' % (run.plan.email, run.user_id), 'Core' if method.endswith('User')
                    else 'Mail', method, run.target('user'))


# ---- users

def _create_user(run):
    try:
        answer, how = run.client.write('Core', 'CreateUser', run.plan.user_params, run.target('user'),
                                       lambda answer_lost: _existing_user_or_not_done(run))
    except AuroraApiError as refused:
        if refused.code != USER_EXISTS:
            raise
        found = run.client.find_users(run.plan.email)
        if not found:
            raise
        answer, how = found[0], ADOPTED
    if how == ADOPTED:
        _adopt_user(run, answer)
        return
    run.wrote = True
    run.created_user_id = integer(answer) if how == SENT else user_id_of(answer)
    run.user = dict(run.plan.user, Id=run.created_user_id)


def _existing_user_or_not_done(run):
    """The user of this e-mail (its PublicId is unique), or NOT_DONE."""
    found = run.client.find_users(run.plan.email)
    return found[0] if found else NOT_DONE


def _adopt_user(run, user):
    """Another run created the user at the same time: go on with that user, brought to what the plan created."""
    user = complete_user(run.client, user)
    run.notes.append('another run created the user %s at the same time; adopted it (id %s)'
                     % (run.plan.email, user_id_of(user)))
    run.user = dict(run.plan.user, Id=user_id_of(user))
    changes = field_changes(USER_FIELDS, user_state(user), user_state(run.plan.user))
    params = _update_user_params(user, changes)
    if params:
        _send_user_update(run, params, _updated_user(user, changes))


def _update_user(run):
    _send_user_update(run, run.plan.user_params, run.plan.user)


def _send_user_update(run, params, updated):
    """UpdateUser; reading the user back settles a refusal or a lost answer."""
    dummy, how = run.client.write('Core', 'UpdateUser', params, run.target('user'),
                                  lambda answer_lost: _user_updated_or_not_done(run, updated))
    run.wrote = run.wrote or how != ADOPTED


def _user_updated_or_not_done(run, updated):
    found = run.client.call('Core', 'GetUser', {'Id': run.user_id}, run.target('user'))
    if not isinstance(found, dict):
        raise _user_gone(run, 'UpdateUser')
    now = user_state(complete_user(run.client, dict(found, Id=run.user_id)))
    return NOT_DONE if field_changes(USER_FIELDS, now, user_state(updated)) else found


def _delete_user(run):
    user_id = run.plan.user_params['UserId']
    dummy, how = run.client.write('Core', 'DeleteUser', {'UserId': user_id}, run.target('user'),
                                  lambda answer_lost: _user_gone_or_not_done(run.client, user_id))
    run.wrote = run.wrote or how != ADOPTED
    if how == ADOPTED:
        run.notes.append('another actor had already deleted the user %s' % run.plan.email)
    run.user = None
    run.account = None


def _user_gone_or_not_done(client, user_id):
    """None when the user is gone (deleted), NOT_DONE while it exists."""
    return NOT_DONE if user_exists(client, user_id) else None


def user_exists(client, user_id):
    return isinstance(client.call('Core', 'GetUser', {'Id': user_id}, 'user %s' % user_id), dict)


# ---- accounts

def _create_account(run):
    params = dict(run.plan.account_params, UserId=run.user_id)
    try:
        answer, how = run.client.write('Mail', 'CreateAccount', params, run.target('account'),
                                       lambda answer_lost: _wanted_account_or_not_done(run, answer_lost))
    except AuroraApiError as refused:
        if refused.code != ACCOUNT_EXISTS:
            raise
        answer, how = _wanted_account(run), ADOPTED
        if answer is None:
            raise
    if how == ADOPTED:
        run.account = _adopt_account(run, answer)
        return
    run.wrote = True
    run.created_account = True
    run.account = answer if isinstance(answer, dict) else run.plan.account
    if multi_accounts_allowed(run.client):
        run.account = _without_raced_copies(run)


def _wanted_account(run):
    account, dummy = split_accounts(user_accounts(run.client, run.user_id), run.plan.email)
    return account


def _wanted_account_or_not_done(run, answer_lost):
    """What the user's accounts say about a CreateAccount that was refused or whose answer was lost.

    The wanted account is there: done (after a refusal, by another run, which the one-account limit let in first).
    Another account is there while Aurora allows one per user: a real limit, so the refusal stands. No account and
    no user: the user was deleted meanwhile. Nothing at all: not done.
    """
    accounts = user_accounts(run.client, run.user_id)
    account, others = split_accounts(accounts, run.plan.email)
    if account is not None:
        return account
    if others and not answer_lost and not multi_accounts_allowed(run.client):
        run.other_accounts_seen = others
        return REFUSED
    if not accounts and not user_exists(run.client, run.user_id):
        raise _user_gone(run, 'CreateAccount')
    return NOT_DONE


def _adopted_after_failure(run, error):
    """After a failed CreateAccount: True when the wanted account exists all the same (another run created it at
    the same time), which is then adopted; the run goes on as if its own creation had succeeded."""
    if _outcome_unknown(error) or isinstance(error, UserGone):
        return False
    try:
        account = _wanted_account(run)
        if account is None:
            return False
        run.account = _adopt_account(run, account)
    except AuroraError:
        return False
    return True


def _adopt_account(run, account):
    """Another run created this account at the same time: go on with that account, brought to what this task
    asks for."""
    run.notes.append('another run created the mail account %s at the same time; adopted it (id %s)'
                     % (run.plan.email, account_id_of(account)))
    server = run.plan.current.server
    changes = _account_changes(run.plan.wanted, account, server)
    if not changes:
        return account
    params = _update_account_params(run.plan.wanted, account, changes, server)
    return _send_account_update(run, params, account, changes, server)


def _without_raced_copies(run):
    """Where Aurora allows several accounts per user, two runs creating the same account at once leave two with one
    e-mail. Every run keeps the lowest id; a run whose copy is not the lowest deletes it and adopts the kept one."""
    copies = [account for account in user_accounts(run.client, run.user_id)
              if str(account.get('Email', '')).lower() == run.plan.email]
    if len(copies) < 2:
        return run.account
    kept = min(copies, key=account_id_of)
    own_id = account_id_of(run.account)
    if account_id_of(kept) == own_id:
        return run.account
    run.client.write('Mail', 'DeleteAccount', {'AccountID': own_id}, run.target('duplicate account'),
                     lambda answer_lost: None if _account_by_id(run, own_id) is None else NOT_DONE)
    run.created_account = False
    run.notes.append('another run created the mail account %s at the same time: kept id %s, deleted the duplicate '
                     'id %s' % (run.plan.email, account_id_of(kept), own_id))
    return _adopt_account(run, kept)


def _account_by_id(run, account_id):
    return next((account for account in user_accounts(run.client, run.user_id)
                 if account_id_of(account) == account_id), None)


def _update_account(run):
    account = run.plan.current.account
    run.account = _send_account_update(run, run.plan.account_params, account, run.plan.changes,
                                       run.plan.account.get('Server'))


def _send_account_update(run, params, account, changes, server):
    """UpdateAccount; returns the account after it. Reading the account back settles a refusal or a lost answer."""
    updated = _updated_account(account, changes, server)
    answer, how = run.client.write(
        'Mail', 'UpdateAccount', params, run.target('account'),
        lambda answer_lost: _account_updated_or_not_done(run, account, changes, updated, answer_lost))
    run.wrote = run.wrote or how != ADOPTED
    if isinstance(answer, dict):
        return _with_known_server(answer, server)
    return updated


def _account_updated_or_not_done(run, account, changes, updated, answer_lost):
    """The account when it holds the update, else NOT_DONE; UNKNOWN when only the password could tell.

    Aurora writes an update in one statement, so after a lost answer visible fields that match prove that the
    password was written too; after a refusal they only show that another actor made the visible change.
    """
    now = _account_by_id(run, account_id_of(account))
    if now is None:
        raise AuroraError('the mail account %s (id %s) was deleted by another actor while this task was updating it; '
                          'run the task again' % (run.plan.email, account_id_of(account)), 'Mail', 'UpdateAccount',
                          run.target('account'))
    seen, wanted = account_state(now), account_state(updated)
    if field_changes(ACCOUNT_FIELDS, seen, wanted) or seen['server_id'] != wanted['server_id']:
        return NOT_DONE
    visible = [key for key in changes if key != 'password']
    if 'password' in changes and not (answer_lost and visible):
        return UNKNOWN
    return now


def _with_known_server(account, server):
    """The account Aurora returned, with the nested Server replaced when it is not the one ServerId names."""
    nested = account.get('Server')
    if isinstance(nested, dict) and server_id_of(nested) == _account_server_id(account):
        return account
    return dict(account, Server=server)


STEPS = {
    'create_user': _create_user,
    'create_account': _create_account,
    'update_account': _update_account,
    'update_user': _update_user,
    'delete_user': _delete_user,
}


def _hint_for(action, error, run):
    """The fix for the failures a user can act on."""
    plan = run.plan
    if action != 'create_account':
        return None
    if isinstance(error, AuroraApiError) and error.code in IMAP_CHECK_CODES:
        return _imap_check_hint(plan.account.get('Server') or {})
    others = run.other_accounts_seen or plan.current.other_accounts
    if isinstance(error, AuroraSilentRefusal) and others:
        return _one_account_limit(plan.email, run.user or plan.current.user, others)
    if isinstance(error, AuroraApiError) and error.code == ACCOUNT_EXISTS and plan.current.user is not None:
        return ('the user already has this account but Aurora does not list it, which happens when the account '
                'is disabled; enable it in the Aurora admin panel')
    return None


def _imap_check_hint(server):
    return ('Aurora logs in to the IMAP server before it saves an account: the mailbox must exist on %s:%s and be '
            'reachable from the Aurora host with this password, or the Aurora administrator turns '
            'DoImapLoginOnAccountCreate off in %s'
            % (server.get('IncomingServer', '?'), server.get('IncomingPort', '?'), MAIL_SETTINGS_FILE))


def _undo_created_user(run):
    """Delete the user this run created (Aurora deletes its accounts), unless it holds an account another run
    created; returns (undone, note for the message)."""
    client, user_id, email = run.client, run.created_user_id, run.plan.email
    own_account = account_id_of(run.account) if run.created_account else None
    try:
        foreign = [account for account in user_accounts(client, user_id) if account_id_of(account) != own_account]
        if foreign:
            return False, ('the user %s (id %s) this run created was kept: it holds the mail account(s) %s, which '
                           'another run created' % (email, user_id, ', '.join(sorted(
                               str(account.get('Email')) for account in foreign))))
        if user_exists(client, user_id):
            client.write('Core', 'DeleteUser', {'UserId': user_id}, 'user %s' % email,
                         lambda answer_lost: _user_gone_or_not_done(client, user_id))
    except AuroraError as exc:
        return False, ('the user %s (id %s) this run created could not be deleted again (%s); running the task again '
                       'completes it' % (email, user_id, exc))
    return True, 'the user %s this run created was deleted again, so nothing is left behind' % email


# ---- all steps -----------------------------------------------------------------------------------

def ensure_user_account(client, params, check_mode=False, users=None, servers=None):
    """validate -> lookup -> plan -> apply for one user; see the module docs for the result."""
    wanted = validate(params)
    current = lookup(client, wanted, users, servers)
    return apply(client, plan(wanted, current), check_mode)
