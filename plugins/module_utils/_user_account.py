# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An Aurora user and its login mail account, kept as one thing: the kind ``UserAccount`` (aurora_user_account,
aurora_user_accounts). Its writes are ``_account_writes.apply()``; what it shares with further accounts is in
``_accounts``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._account_writes import apply
from ansible_collections.afterlogic.aurora.plugins.module_utils._accounts import (
    ACCOUNT_OPTIONS,
    PASSWORD_KEPT,
    PASSWORD_SET,
    ROLES,
    USER_FIELDS,
    AccountKind,
    Current,
    account_changes,
    account_option_errors,
    complete_user,
    create_account_params,
    creation_values,
    describe,
    domain_of,
    find_user,
    multi_accounts_allowed,
    new_account,
    one_account_limit,
    require_password,
    resolve_server,
    split_accounts,
    state_of,
    tenant_move,
    update_account_params,
    update_user_params,
    updated_account,
    updated_user,
    user_accounts,
    user_id_of,
    user_state,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import (
    domain_tenant_id,
    resolve_tenant,
    server_map,
    tenant_name,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import PlannedAurora, planned_entry
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    TENANT,
    Plan,
    ResourceError,
    argument_spec,
    aurora_values,
    field_changes,
    integer,
    tenant_option_errors,
)

OPTIONS = USER_FIELDS + ACCOUNT_OPTIONS + TENANT
SPEC = argument_spec(OPTIONS)  # read only: for the checks of the options
CHOICES = (('state', 'present', ('present', 'absent')), ('update_password', 'on_create', ('on_create', 'always')),
           ('role', None, tuple(sorted(ROLES))))


# ---- validation (pure) ---------------------------------------------------------------------------

def validation_errors(params):
    """Every problem in a task's options, each naming its option; [] when the task is valid."""
    errors = account_option_errors(params, SPEC, CHOICES)
    errors.extend(tenant_option_errors(params))
    return [error for error in errors if error]


# ---- lookup (reads only) -------------------------------------------------------------------------

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
    return resolved if resolved is not None else resolve_tenant(client, wanted['tenant'], wanted['tenant_id'])[0]


def needs_server(wanted, current):
    """The server is read only to create the account or to move it."""
    if wanted['state'] != 'present':
        return False
    if current.account is None:
        return True
    return wanted['server'] is not None or wanted['server_id'] is not None


def needs_multi_account_check(wanted, current):
    return wanted['state'] == 'present' and current.user is not None and current.account is None \
        and bool(current.other_accounts)


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


def _plan_absent(wanted, current):
    if current.user is None:
        return _plan(wanted, current, msg='absent')
    return _plan(wanted, current, actions=('delete_user',), user_params={'UserId': user_id_of(current.user)},
                 msg='deleted')


def _plan_new_user(wanted, current):
    require_password(wanted)
    settings = aurora_values(USER_FIELDS, creation_values(USER_FIELDS, wanted))
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


def _require_room_for_account(wanted, current):
    if current.multi_accounts is False:
        raise ResourceError(one_account_limit(wanted['email'], current.user, current.other_accounts)
                            + '; nothing was changed')


def _user_changes(wanted, current):
    """The user's changes; a move to another tenant is named as the task names the tenant."""
    changes = field_changes(USER_FIELDS, user_state(current.user), wanted)
    if tenant_move(current.user, current.tenant_id):
        option = 'tenant' if wanted['tenant'] is not None else 'tenant_id'
        changes[option] = (_tenant_value(wanted, current), wanted[option])
    return changes


def tenant_key(wanted):
    return wanted['tenant'], wanted['tenant_id']


def account_moves(account_plan):
    """The accounts that leave or join a server in this plan: ``{email, from_server_id, to_server_id}``."""
    current = account_plan.current
    if 'delete_user' in account_plan.actions:
        return tuple({'email': account.get('Email'), 'from_server_id': _server_id(account), 'to_server_id': None}
                     for account in [current.account] + current.other_accounts if account is not None)
    before = _server_id(current.account) if current.account is not None else None
    after = _server_id(account_plan.account) if account_plan.account is not None else None
    if account_plan.account is None or (current.account is not None and before == after):
        return ()
    return ({'email': account_plan.email, 'from_server_id': before, 'to_server_id': after},)


def _server_id(account):
    return None if account.get('ServerId') is None else int(account['ServerId'])


# ---- the kind ------------------------------------------------------------------------------------

class UserAccount(AccountKind):
    """A user with its login mail account: afterlogic.aurora.aurora_user_account, and each item of
    aurora_user_accounts."""

    fields = OPTIONS
    choices = CHOICES
    mutually_exclusive = [['server', 'server_id'], ['tenant', 'tenant_id']]
    noun = 'accounts'
    item = 'user'
    errors = staticmethod(validation_errors)

    def __init__(self, check_mode=False, diff=False):
        super(UserAccount, self).__init__(check_mode, diff)
        self.servers = {}
        self.tenant_ids = {}  # (tenant, tenant_id) options -> the tenant's id, or the ResourceError of a missing one
        self.tenant_members = {}  # tenant id -> the ids of its users
        self.moves = []

    def prepare(self, client, wanted, params):
        """One listing of every user and, when an item names its server, one of every server; each tenant the items
        name, resolved once, and one listing of its users (no user listing says which tenant a user is in), so that
        only a user who moves costs a read of its own."""
        self.list_users(client, set(item['email'] for item in wanted))
        if isinstance(client, PlannedAurora) or any(
                item['state'] == 'present' and (item['server'] is not None or item['server_id'] is not None)
                for item in wanted):
            self.servers = server_map(client.list_servers())
        for key in set(tenant_key(item) for item in wanted if names_tenant(item)):
            try:
                self.tenant_ids[key] = tenant_id = resolve_tenant(client, *key)[0]
            except ResourceError as error:
                self.tenant_ids[key] = error
                continue
            if tenant_id not in self.tenant_members:
                self.tenant_members[tenant_id] = set(user_id_of(user) for user in client.list_users(tenant_id=tenant_id))
        self.moves = [()] * len(wanted)

    def find(self, client, wanted):
        """The user, its accounts and the target server (a ``Current``); in a bulk task from prepare()'s listings."""
        if self.users is None:
            return lookup(client, wanted)
        tenant_id = self.tenant_ids.get(tenant_key(wanted))
        if isinstance(tenant_id, ResourceError):
            raise tenant_id
        return lookup(client, wanted, users=self.users.pop(wanted['email'], []), servers=self.servers,
                      tenant_id=tenant_id, tenant_members=self.tenant_members.get(tenant_id))

    def plan(self, wanted, found):
        """What to do for ``wanted`` given ``found`` (a ``Current``); no API call."""
        if wanted['state'] == 'absent':
            return _plan_absent(wanted, found)
        if found.user is None:
            return _plan_new_user(wanted, found)
        if found.account is None:
            return _plan_new_account(wanted, found)
        return _plan_update(wanted, found)

    def apply(self, client, plan):
        return apply(client, plan, self.check_mode)

    def done(self, index, plan):
        self.moves[index] = account_moves(plan)

    def extra_results(self, results):
        """``account_moves``: in check mode, the accounts the real run creates, moves or deletes (with their user)."""
        return {'account_moves': [move for moves in self.moves for move in moves] if self.check_mode else []}

    def planned(self, item, result):
        """A user the real run creates, moves to the tenant the item names, or gives its login account."""
        user = result.get('user') or {}
        if item['state'] != 'present' or not (result.get('created') or names_tenant(item)):
            return []
        return [planned_entry('user', item['email'], item, user.get('id'), account=bool(result.get('created')))]
