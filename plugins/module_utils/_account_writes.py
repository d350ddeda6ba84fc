# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The writes of a plan for a user and its mail accounts: ``apply()`` of both kinds of account (``_user_account``,
``_mail_account``).

Each write is settled by reading Aurora back after a refusal or a lost answer; a user this run created is deleted
again when a later write fails (unless another run gave it an account).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._accounts import (
    ACCOUNT_EXISTS,
    ACCOUNT_FIELDS,
    IMAP_CHECK_CODES,
    MAIL_SETTINGS_FILE,
    USER_EXISTS,
    USER_FIELDS,
    account_changes,
    account_id_of,
    account_server_id,
    account_state,
    complete_user,
    multi_accounts_allowed,
    one_account_limit,
    split_accounts,
    tenant_move,
    update_account_params,
    update_user_params,
    updated_account,
    updated_user,
    user_accounts,
    user_id_of,
    user_result,
    user_state,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import (
    AuroraApiError,
    AuroraError,
    AuroraSilentRefusal,
    AuroraTransportError,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import field_changes, integer, server_id_of
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import (
    ADOPTED,
    NOT_DONE,
    REFUSED,
    SENT,
    update_seen,
)


def apply(client, plan, check_mode=False):
    """Make the planned calls (none in check mode) through ``client`` (with settled writes) and return the module's
    result.

    Raises the AuroraError of a call that failed, with ``changed`` set; a user this run created is deleted again first, unless it
    holds a mail account this run did not create.
    """
    if check_mode or not plan.actions:
        return user_result(plan, plan.user, plan.account)
    run = _Run(client, plan)
    for action in plan.actions:
        try:
            STEPS[action](run)
        except AuroraError as error:
            if not (action == 'create_account' and _adopted_after_failure(run, error)):
                raise run.failure(action, error)
    if not run.notes:
        return user_result(plan, run.user, run.account, retries=run.client.retries)
    # Another actor did part of the plan first: the run reports only the writes it made itself.
    return user_result(plan, run.user, run.account, run.notes, run.wrote, run.client.retries,
                       created=run.created_user_id is not None or run.created_account,
                       password_changed=run.created_account)


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
    'delete_account': 'could not delete the mail account %s',
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
    tenant_id = run.plan.current.tenant_id
    user = complete_user(run.client, user, with_tenant=tenant_id is not None)
    run.notes.append('another run created the user %s at the same time; adopted it (id %s)'
                     % (run.plan.email, user_id_of(user)))
    run.user = dict(run.plan.user, Id=user_id_of(user))
    changes = dict(field_changes(USER_FIELDS, user_state(user), user_state(run.plan.user)),
                   **tenant_move(user, tenant_id))
    params = update_user_params(user, changes, tenant_id)
    if params:
        _send_user_update(run, params, updated_user(user, changes, tenant_id))


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
    now = complete_user(run.client, dict(found, Id=run.user_id))
    moved = updated.get('IdTenant') is None or integer(found.get('IdTenant')) == updated['IdTenant']
    return NOT_DONE if field_changes(USER_FIELDS, user_state(now), user_state(updated)) or not moved else found


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
    if _multi_accounts(run):
        run.account = _without_raced_copies(run)


def _multi_accounts(run):
    """Whether Aurora allows several accounts per user: as the lookup read it, else read now."""
    known = run.plan.current.multi_accounts
    return known if known is not None else multi_accounts_allowed(run.client)


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
    if others and not answer_lost and not _multi_accounts(run):
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
    changes = account_changes(run.plan.wanted, account, server)
    if not changes:
        return account
    params = update_account_params(run.plan.wanted, account, changes, server)
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


def _delete_account(run):
    account_id = run.plan.account_params['AccountID']
    dummy, how = run.client.write('Mail', 'DeleteAccount', {'AccountID': account_id}, run.target('account'),
                                  lambda answer_lost: None if _account_by_id(run, account_id) is None else NOT_DONE)
    run.wrote = run.wrote or how != ADOPTED
    if how == ADOPTED:
        run.notes.append('another actor had already deleted the mail account %s' % run.plan.email)
    run.account = None


def _account_by_id(run, account_id):
    return next((account for account in user_accounts(run.client, run.user_id)
                 if account_id_of(account) == account_id), None)


def _update_account(run):
    account = run.plan.current.account
    run.account = _send_account_update(run, run.plan.account_params, account, run.plan.changes,
                                       run.plan.account.get('Server'))


def _send_account_update(run, params, account, changes, server):
    """UpdateAccount; returns the account after it. Reading the account back settles a refusal or a lost answer."""
    updated = updated_account(account, changes, server)
    answer, how = run.client.write(
        'Mail', 'UpdateAccount', params, run.target('account'),
        lambda answer_lost: _account_updated_or_not_done(run, account, changes, updated, answer_lost))
    run.wrote = run.wrote or how != ADOPTED
    if isinstance(answer, dict):
        return _with_known_server(answer, server)
    return updated


def _account_updated_or_not_done(run, account, changes, updated, answer_lost):
    """What the account read back says of the update (see update_seen)."""
    now = _account_by_id(run, account_id_of(account))
    if now is None:
        raise AuroraError('the mail account %s (id %s) was deleted by another actor while this task was updating it; '
                          'run the task again' % (run.plan.email, account_id_of(account)), 'Mail', 'UpdateAccount',
                          run.target('account'))
    seen, wanted = account_state(now), account_state(updated)
    holds = not field_changes(ACCOUNT_FIELDS, seen, wanted) and seen['server_id'] == wanted['server_id']
    return update_seen(now, holds, 'password' in changes, [key for key in changes if key != 'password'], answer_lost)


def _with_known_server(account, server):
    """The account Aurora returned, with the nested Server replaced when it is not the one ServerId names."""
    nested = account.get('Server')
    if isinstance(nested, dict) and server_id_of(nested) == account_server_id(account):
        return account
    return dict(account, Server=server)


STEPS = {
    'create_user': _create_user,
    'create_account': _create_account,
    'update_account': _update_account,
    'update_user': _update_user,
    'delete_user': _delete_user,
    'delete_account': _delete_account,
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
        return one_account_limit(plan.email, run.user or plan.current.user, others)
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
