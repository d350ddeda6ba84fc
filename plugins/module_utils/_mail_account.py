# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A further mail account of a user (Aurora Corporate's MailMultiAccountsPlugin), never its login account.

The account's options, comparison, creation parameters and writes are those of the login account (``_accounts``,
``_account_writes``); this kind, ``MailAccount``, adds the rules of an extra account:

* the user must exist, and the account must not be its login account (that is aurora_user_account's);
* without the plugin Aurora allows one account per user and refuses a second one silently, so that is told first;
* every update sends ``UseToAuthorize`` as stored (false), so nothing is promoted or demoted.

Facts: docs/aurora-api-notes.md, "Several accounts per user".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._account_writes import apply
from ansible_collections.afterlogic.aurora.plugins.module_utils._accounts import (
    ACCOUNT_OPTIONS,
    PASSWORD_KEPT,
    PASSWORD_SET,
    AccountKind,
    Current,
    account_changes,
    account_id_of,
    account_option_errors,
    account_state,
    complete_user,
    create_account_params,
    describe,
    find_user,
    multi_accounts_allowed,
    new_account,
    require_password,
    resolve_server,
    split_accounts,
    update_account_params,
    updated_account,
    user_accounts,
    user_id_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import server_map
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import Once
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    Field,
    Plan,
    ResourceError,
    argument_spec,
    email_error,
)

PLUGIN = 'MailMultiAccountsPlugin'


OPTIONS = ACCOUNT_OPTIONS + [Field('user', required=True)]
SPEC = argument_spec(OPTIONS)  # read only: for the checks of the options
CHOICES = (('state', 'present', ('present', 'absent')), ('update_password', 'on_create', ('on_create', 'always')))


# ---- validation (pure) ---------------------------------------------------------------------------

def validation_errors(params):
    """Every problem in a task's options, each naming its option; [] when the task is valid."""
    errors = account_option_errors(params, SPEC, CHOICES)
    errors.append(email_error(params.get('user'), 'user'))
    return [error for error in errors if error]


# ---- lookup (reads only) -------------------------------------------------------------------------

def lookup(client, wanted, users=None, accounts=None, servers=None):
    """Read the user, its accounts (``accounts``: a listing the caller already has), the target server and, for a
    creation beside other accounts, whether Aurora allows several accounts per user."""
    user = find_user(client, wanted['user'], users)
    if user is None:
        raise ResourceError('user: no Aurora user %s; create it (with its login account) with '
                            'afterlogic.aurora.aurora_user_account first' % wanted['user'])
    if wanted['server'] is not None:
        user = complete_user(client, user, with_tenant=True)  # its tenant picks among servers of one name
    listed = user_accounts(client, user_id_of(user)) if accounts is None else accounts
    account, others = split_accounts(listed, wanted['email'])
    current = Current(user, account, others)
    _refuse_login_account(wanted, current)
    if wanted['state'] == 'present' and (account is None or wanted['server'] is not None
                                         or wanted['server_id'] is not None):
        current.server = resolve_server(client, wanted, current, servers)
    if wanted['state'] == 'present' and account is None and others:
        current.multi_accounts = multi_accounts_allowed(client)
    return current


def _refuse_login_account(wanted, current):
    login = str(current.user.get('PublicId', '')).lower()
    if wanted['email'] == login or (current.account is not None and current.account.get('UseToAuthorize')):
        raise ResourceError('%s is the login account of the user %s, which afterlogic.aurora.aurora_user_account '
                            'manages (and deletes only with the user); aurora_mail_account manages the user\'s other '
                            'accounts' % (wanted['email'], current.user.get('PublicId')))


# ---- planning (pure) -----------------------------------------------------------------------------

def account_diff_state(wanted, account, password=PASSWORD_KEPT):
    return None if account is None else dict(account_state(account, password), user=wanted['user'],
                                             email=account.get('Email'))


def plan_account(wanted, current):
    """What to do for ``wanted`` given ``current`` (a lookup() result); a plan that _account_writes.apply() carries
    out."""
    before = account_diff_state(wanted, current.account)
    parts = dict(current=current, before=before, wanted=wanted, email=wanted['email'], user=current.user,
                 user_params=None, account_params=None, created=False)
    if wanted['state'] == 'absent':
        if current.account is None:
            return Plan(msg='absent', account=None, **parts)
        parts['account_params'] = {'AccountID': account_id_of(current.account)}
        return Plan(actions=('delete_account',), msg='deleted', account=None, **parts)
    if current.account is None:
        require_password(wanted)
        if current.multi_accounts is False:
            raise ResourceError(
                'the user %s already has the mail account(s) %s, and this Aurora allows one mail account per user: '
                'several need Aurora Corporate\'s %s, which is not loaded (Mail.GetSettings has no '
                'AllowMultiAccounts); nothing was changed' % (current.user.get('PublicId'), ', '.join(sorted(
                    str(account.get('Email')) for account in current.other_accounts)), PLUGIN))
        account = new_account(wanted, current.server, user_id_of(current.user), login=False)
        parts.update(account_params=create_account_params(wanted, current.server), created=True)
        return Plan(actions=('create_account',), after=account_diff_state(wanted, account, PASSWORD_SET),
                    msg='created', account=account, password_changed=True, **parts)
    changes = account_changes(wanted, current.account, current.server)
    account = updated_account(current.account, changes, current.server)
    password = PASSWORD_SET if 'password' in changes else PASSWORD_KEPT
    parts.update(account_params=update_account_params(wanted, current.account, changes, current.server))
    return Plan(actions=('update_account',) if changes else (), after=account_diff_state(wanted, account, password),
                changes=changes, msg='updated: %s' % describe(changes) if changes else 'unchanged', account=account,
                password_changed='password' in changes, **parts)


# ---- the kind ------------------------------------------------------------------------------------

class MailAccount(AccountKind):
    """A user's further mail account: afterlogic.aurora.aurora_mail_account, and each item of aurora_mail_accounts.
    A bulk task lists the accounts of each user once for all of that user's items."""

    fields = OPTIONS
    choices = CHOICES
    mutually_exclusive = [['server', 'server_id']]
    noun = 'mail accounts'
    item = 'mail account'
    errors = staticmethod(validation_errors)

    def __init__(self, check_mode=False, diff=False):
        super(MailAccount, self).__init__(check_mode, diff)
        self.client = None
        self.servers = None
        self._accounts = Once.each()

    def wanted(self, params):
        wanted = super(MailAccount, self).wanted(params)
        wanted['user'] = wanted['user'].strip().lower()
        return wanted

    def identity(self, item):
        """An e-mail may be an extra account of several users."""
        return super(MailAccount, self).identity(item), str(item.get('user') or '').strip().lower()

    def described(self, item):
        return 'mail account %s of %s' % (item.get('email'), item.get('user'))

    def prepare(self, client, wanted, params):
        """One listing of every user and, when an item names its server, one of every server."""
        self.client = client
        self.list_users(client, set(item['user'] for item in wanted))
        if any(item['server'] is not None or item['server_id'] is not None for item in wanted):
            self.servers = server_map(client.list_servers())

    def find(self, client, wanted):
        if self.users is None:
            return lookup(client, wanted)
        users = self.users.get(wanted['user'], [])
        return lookup(client, wanted, users, self._user_accounts(users, wanted['user']), self.servers)

    def _user_accounts(self, users, email):
        """The accounts of the user ``email``, read once for all its items (None: no such user)."""
        user = find_user(self.client, email, users)
        if user is None:
            return None
        user_id = user_id_of(user)
        return self._accounts(user_id, lambda: user_accounts(self.client, user_id))

    def plan(self, wanted, found):
        return plan_account(wanted, found)

    def apply(self, client, plan):
        """The writes of _account_writes; the result without the user's view, and with the id a deleted account had."""
        result = apply(client, plan, self.check_mode)
        result.pop('user', None)
        if 'delete_account' in plan.actions:
            result['account_id'] = account_id_of(plan.current.account)
        return result
