# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Many mail servers, or many users with their accounts, in one task.

The per-object steps of ``_mail_server`` and ``_user_account`` are used as they are; what this
runner adds is the part that makes a thousand objects cost about what the API itself costs:

1. every item is validated first, with no API call: one invalid item fails the task before
   anything is written, and the message lists every invalid item;
2. one login and one paged listing (servers; users) replace a lookup per item;
3. the per-item lookup / plan / apply runs in a bounded thread pool (``parallel``; 1 = one item
   after the other, in the order given);
4. the results come back in the order of the items, each what the single-object module returns
   for it, with a summary; a failed item does not stop the others, and fails the task at the end.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import traceback

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_account import (
    lookup as mail_account_lookup,
    mail_account_argument_spec,
    mail_account_result,
    plan as mail_account_plan,
    validate as mail_account_validate,
    validation_errors as mail_account_validation_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import (
    account_emails_by_server,
    apply_plan,
    domains_from_aurora,
    find_server,
    mail_domains_installed,
    mail_server_argument_spec,
    owner_tenant_id,
    plan_server,
    validation_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import (
    DEFAULT_PARALLEL,
    aurora_module,
    client_for,
    each,
    error_details,
    fail_with,
    secrets_in,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import (
    PlannedAurora,
    planned_argument_spec,
    planned_entry,
    without_placeholders,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import ResourceError
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import tenant_id_for
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account import (
    find_user,
    lookup,
    names_tenant,
    plan,
    server_map,
    user_account_argument_spec,
    user_accounts,
    user_id_of,
    validate,
    validation_errors as user_validation_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account_writes import apply

NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'  # what Ansible shows for a no_log value
SUMMARY_KEYS = ('created', 'updated', 'unchanged', 'deleted', 'failed')
MAX_LISTED_FAILURES = 20


def bulk_argument_spec(kind_class):
    """The options of a bulk module: the list of items (each with the single module's options), ``parallel``,
    and the kind's own options."""
    spec = {
        kind_class.option: dict(type='list', elements='dict', required=True, options=kind_class.item_spec()),
        'parallel': dict(type='int', default=DEFAULT_PARALLEL),
    }
    spec.update(planned_argument_spec())
    spec.update(kind_class.extra_spec())
    return spec


ACCOUNT_MOVE_SPEC = dict(
    email=dict(type='str', required=True),
    from_server_id=dict(type='int'),
    to_server_id=dict(type='int'),
)


# ---- secrets -------------------------------------------------------------------------------------

def masked(item, spec):
    """A copy of ``item`` with the values of its no_log options replaced as Ansible replaces them."""
    copy = dict(item)
    for name, option in spec.items():
        value = copy.get(name)
        if value is None:
            continue
        if option.get('no_log'):
            copy[name] = NO_LOG_PLACEHOLDER
        elif option.get('options') and isinstance(value, dict):
            copy[name] = masked(value, option['options'])
        elif option.get('options') and isinstance(value, list):
            copy[name] = [masked(nested, option['options']) if isinstance(nested, dict) else nested for nested in value]
    return copy


# ---- shared reads --------------------------------------------------------------------------------

class _Once:
    """A value computed by the first caller; a failure is not kept, so the next caller tries again."""

    def __init__(self):
        self._lock = threading.Lock()
        self._done = False
        self._value = None

    @staticmethod
    def each():
        """``get(key, compute)``: one _Once per key."""
        lock = threading.Lock()
        onces = {}

        def get(key, compute):
            with lock:
                once = onces.setdefault(key, _Once())
            return once.get(compute)
        return get

    def get(self, compute):
        with self._lock:
            if not self._done:
                self._value = compute()
                self._done = True
            return self._value


class SharedReads:
    """The client as the items of one task see it: reads that no item can change are made once for all.

    ``Mail.GetMailServerByDomain`` (an account task never changes servers), ``Mail.GetSettings``, and the
    listings of tenants and mail domains (an account task changes neither);
    every other call goes to the client as it is. The answers are shared, so they must not be changed.
    """

    SHARED = frozenset((('Mail', 'GetMailServerByDomain'), ('Mail', 'GetSettings'), ('Core', 'GetTenants'),
                        ('MailDomains', 'GetDomains')))

    def __init__(self, client):
        self._client = client
        self._answers = _Once.each()

    def __getattr__(self, name):
        return getattr(self._client, name)

    def call(self, module, method, params=None, target=None):
        if (module, method) not in self.SHARED:
            return self._client.call(module, method, params, target)
        key = (module, method, json.dumps(params, sort_keys=True))
        return self._answers(key, lambda: self._client.call(module, method, params, target))


def failure(error):
    """An item's result for an Aurora error, as the single module's fail_with() reports it (with error.details)."""
    result = {'failed': True, 'msg': str(error), 'error': error_details(error), 'changed': error.changed}
    result.update(getattr(error, 'details', None) or {})
    return result


# ---- the two kinds of items ----------------------------------------------------------------------

class BulkKind:
    """What BulkTask asks of a kind of item, with the answers most kinds give.

    A kind names its list option (``option``), the option that identifies an item (``key``) and what the items are
    (``noun``); it validates (``validate``), reads once (``prepare``) and works on one item (``process``).
    """

    option = key = noun = None

    def __init__(self, params, check_mode, diff):
        self.items = params[self.option]
        self.check_mode = check_mode
        self.diff = diff
        self.client = None

    @staticmethod
    def extra_spec():
        """The kind's own options besides the list, ``parallel`` and ``planned``."""
        return {}

    def extra_results(self, results):
        """The kind's own return values besides ``results``, ``summary`` and ``planned``."""
        return {}

    def planned(self, index, result):
        """What a later task of a check run must see of a changed item (module_utils/_planned.py)."""
        return []

    def owner(self, index):
        """Besides its identity, what makes an item another object: None when the identity alone does."""
        return None

    def identity(self, index):
        return self.items[index][self.key]


class MailServers(BulkKind):
    """Items of afterlogic.aurora.aurora_mail_servers: the steps of aurora_mail_server per server."""

    option = 'servers'
    key = 'name'
    noun = 'mail servers'
    CATEGORIES = {'create': 'created', 'update': 'updated', 'delete': 'deleted', 'none': 'unchanged'}

    def __init__(self, params, check_mode, diff):
        super(MailServers, self).__init__(params, check_mode, diff)
        self.planned_moves = params['planned_account_moves'] or [] if check_mode else []
        self.by_name = {}
        self._usage_lock = threading.Lock()
        self._usage = None
        self._tenants = _Once.each()
        self.mail_domains_module = False

    @staticmethod
    def item_spec():
        return mail_server_argument_spec()

    @staticmethod
    def extra_spec():
        return {'planned_account_moves': dict(type='list', elements='dict', options=ACCOUNT_MOVE_SPEC, default=[])}

    def planned(self, index, result):
        """The server as the real run leaves it."""
        server = result.get('server')
        if not isinstance(server, dict):
            return []
        return [planned_entry('mail_server', self.items[index]['name'], self.items[index], result.get('server_id'),
                              domains_from_aurora(server.get('Domains')))]

    def validate(self, index):
        """(identity, error messages) of one item; no API call."""
        params = self.items[index]
        return params['name'], validation_errors(params)

    def owner(self, index):
        """The tenant the item names, by name or id: servers of one name may each belong to another owner."""
        return self.items[index].get('tenant'), self.items[index].get('tenant_id')

    def prepare(self, client):
        """One listing of every server; each item then finds its own among the ones with its name."""
        self.client = client
        names = set(params['name'] for params in self.items)
        listed = list(client.list_servers())
        for server in listed:
            if server.get('Name') in names:
                self.by_name.setdefault(server.get('Name'), []).append(server)
        self.mail_domains_module = mail_domains_installed(client, listed)

    def usage(self):
        """The accounts of every server (for deletions), scanned once for all the items that delete a server."""
        with self._usage_lock:
            if self._usage is None:
                self._usage = with_moves(account_emails_by_server(self.client), self.planned_moves)
            return self._usage

    def _candidates(self, name, tenant_id):
        """The servers of this name and owner in the shared listing; None (ask Aurora again) when it holds several,
        which may be the copies of runs that raced to create it, since deleted by the runs that lost."""
        listed = [server for server in self.by_name.get(name, []) if owner_tenant_id(server) == tenant_id]
        return None if len(listed) > 1 else listed

    def _tenant_id(self, params):
        """The item's tenant id (0: none), looked up once per tenant for all the items."""
        key = (params.get('tenant'), params.get('tenant_id'))
        return self._tenants(key, lambda: tenant_id_for(self.client, *key))

    def process(self, index):
        try:
            params = dict(self.items[index], mail_domains_module=self.mail_domains_module)
            params['tenant_id'] = self._tenant_id(params)
            current = find_server(self.client, params['name'], self._candidates(params['name'], params['tenant_id']),
                                  params['tenant_id'])
            server_plan = plan_server(current, params)
            usage = self.usage() if server_plan.action == 'delete' and not server_plan.force else None
            result = apply_plan(self.client, server_plan, check_mode=self.check_mode, diff=self.diff, usage=usage)
        except AuroraError as error:
            return failure(error), 'failed'
        return result, self.CATEGORIES[server_plan.action] if result['changed'] else 'unchanged'


class UserAccounts(BulkKind):
    """Items of afterlogic.aurora.aurora_user_accounts: the steps of aurora_user_account per email."""

    option = 'accounts'
    key = 'email'
    noun = 'accounts'

    def __init__(self, params, check_mode, diff):
        super(UserAccounts, self).__init__(params, check_mode, diff)
        self.wanted = [None] * len(self.items)
        self.moves = [()] * len(self.items)
        self.users = {}
        self.servers = {}
        self.tenant_ids = {}  # (tenant, tenant_id) options -> the tenant's id, or the ResourceError of a missing one
        self.tenant_members = {}  # tenant id -> the ids of its users

    @staticmethod
    def item_spec():
        return user_account_argument_spec()

    def extra_results(self, results):
        """``account_moves``: in check mode, the accounts the real run creates, moves or deletes (with their user)."""
        return {'account_moves': [move for moves in self.moves for move in moves] if self.check_mode else []}

    def planned(self, index, result):
        """A user the real run creates, moves to the tenant the item names, or gives its login account."""
        item = self.items[index]
        user = result.get('user') or {}
        if item['state'] != 'present' or not (result.get('created') or names_tenant(item)):
            return []
        return [planned_entry('user', item['email'], item, user.get('id'), account=bool(result.get('created')))]

    def validate(self, index):
        errors = user_validation_errors(self.items[index])
        if errors:
            return self.items[index].get('email'), errors
        self.wanted[index] = validate(self.items[index])
        return self.wanted[index]['email'], []

    def identity(self, index):
        """The email as the task handles it (stripped, lower case)."""
        return self.wanted[index]['email']

    def prepare(self, client):
        """One listing of every user and, when an item names its server, one of every server."""
        emails = set(wanted['email'] for wanted in self.wanted)
        for user in client.list_users():
            email = str(user.get('PublicId', '')).lower()
            if email in emails:
                self.users.setdefault(email, []).append(user)
        if isinstance(client, PlannedAurora) or any(
                wanted['state'] == 'present' and (wanted['server'] is not None or wanted['server_id'] is not None)
                for wanted in self.wanted):
            self.servers = server_map(client.list_servers())
        self._read_tenants(client)
        self.client = SharedReads(client)

    def _read_tenants(self, client):
        """Each tenant the items name, resolved once, and one listing of its users (no user listing says which
        tenant a user is in), so that only a user who moves costs a read of its own."""
        for key in set(tenant_key(wanted) for wanted in self.wanted if names_tenant(wanted)):
            try:
                self.tenant_ids[key] = tenant_id = tenant_id_for(client, *key)
            except ResourceError as error:
                self.tenant_ids[key] = error
                continue
            if tenant_id not in self.tenant_members:
                self.tenant_members[tenant_id] = set(user_id_of(user) for user in client.list_users(tenant_id=tenant_id))

    def process(self, index):
        wanted = self.wanted[index]
        self.wanted[index] = None  # what is no longer needed is freed as the items are done (10,000 accounts)
        try:
            tenant_id = self.tenant_ids.get(tenant_key(wanted))
            if isinstance(tenant_id, ResourceError):
                raise tenant_id
            current = lookup(self.client, wanted, users=self.users.pop(wanted['email'], []), servers=self.servers,
                             tenant_id=tenant_id, tenant_members=self.tenant_members.get(tenant_id))
            account_plan = plan(wanted, current)
            result = apply(self.client, account_plan, self.check_mode)
            self.moves[index] = account_moves(account_plan)
        except AuroraError as error:
            return failure(error), 'failed'
        if not self.diff:
            result.pop('diff')
        return result, self.category(account_plan) if result['changed'] else 'unchanged'

    @staticmethod
    def category(account_plan):
        if not account_plan.actions:
            return 'unchanged'
        if 'delete_user' in account_plan.actions or 'delete_account' in account_plan.actions:
            return 'deleted'
        return 'created' if account_plan.created else 'updated'


class MailAccounts(BulkKind):
    """Items of afterlogic.aurora.aurora_mail_accounts: the steps of aurora_mail_account per extra account; the
    accounts of each user are listed once for all of that user's items."""

    option = 'accounts'
    key = 'email'
    noun = 'mail accounts'

    def __init__(self, params, check_mode, diff):
        super(MailAccounts, self).__init__(params, check_mode, diff)
        self.wanted = [None] * len(self.items)
        self.users = {}
        self.servers = None
        self._accounts = _Once.each()

    @staticmethod
    def item_spec():
        return mail_account_argument_spec()

    def validate(self, index):
        errors = mail_account_validation_errors(self.items[index])
        if errors:
            return self.items[index].get('email'), errors
        self.wanted[index] = mail_account_validate(self.items[index])
        return self.wanted[index]['email'], []

    def identity(self, index):
        return self.wanted[index]['email']

    def owner(self, index):
        """An e-mail may be an extra account of several users."""
        return self.wanted[index]['user']

    def prepare(self, client):
        """One listing of every user and, when an item names its server, one of every server."""
        owners = set(wanted['user'] for wanted in self.wanted)
        for user in client.list_users():
            email = str(user.get('PublicId', '')).lower()
            if email in owners:
                self.users.setdefault(email, []).append(user)
        if any(wanted['server'] is not None or wanted['server_id'] is not None for wanted in self.wanted):
            self.servers = server_map(client.list_servers())
        self.client = SharedReads(client)

    def _user_accounts(self, users, email):
        """The accounts of the user ``email``, read once for all its items (None: no such user)."""
        user = find_user(self.client, email, users)
        if user is None:
            return None
        user_id = user_id_of(user)
        return self._accounts(user_id, lambda: user_accounts(self.client, user_id))

    def process(self, index):
        wanted = self.wanted[index]
        self.wanted[index] = None
        users = self.users.get(wanted['user'], [])
        try:
            account_plan = mail_account_plan(wanted, mail_account_lookup(
                self.client, wanted, users, self._user_accounts(users, wanted['user']), self.servers))
            result = mail_account_result(account_plan, apply(self.client, account_plan, self.check_mode))
        except AuroraError as error:
            return failure(error), 'failed'
        if not self.diff:
            result.pop('diff')
        return result, UserAccounts.category(account_plan) if result['changed'] else 'unchanged'


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


# ---- the task ------------------------------------------------------------------------------------

def label(kind, index, identity):
    return '%s[%d] %r' % (kind.option, index, identity)


def summary_text(summary, skip=()):
    parts = ['%d %s' % (summary[key], key) for key in SUMMARY_KEYS if summary[key] and key not in skip]
    return ', '.join(parts) or 'nothing'


class BulkTask:
    """One run of a bulk module: validate all, read once, work on each item, report."""

    def __init__(self, module, kind_class):
        self.module = module
        params = module.params
        self.kind = kind_class(params, module.check_mode, module._diff)
        self.planned = None  # in check mode, the client given what earlier tasks would create (_planned.py)
        item_spec = kind_class.item_spec()
        items = self.kind.items
        self.secrets = [tuple(secrets_in(item, item_spec)) or None for item in items]
        self.invocation = {'module_args': dict(params, **{kind_class.option: [masked(item, item_spec) for item in items]})}
        self._scrub_item_secrets_per_item(params)

    def _scrub_item_secrets_per_item(self, params):
        """Hide each item's secrets in that item's result, instead of searching every result for every secret.

        AnsibleModule searches each returned string for each no_log value: with a password per item that
        is items x strings x passwords (about a minute for 10,000 accounts). A result can only hold its own
        item's secrets, so work() scrubs each item's result of those with Ansible's own remove_values();
        the task's own secrets (api_password, api_token) stay with AnsibleModule, which still scrubs the
        whole output of them; the invocation is returned with every item's secrets already masked.
        """
        top_level = dict((name, value) for name, value in params.items() if name != self.kind.option)
        kept = secrets_in(top_level, self.module.argument_spec)
        for secrets in self.secrets:
            if secrets:
                self.module.no_log_values.difference_update(set(secrets) - kept)

    def fail(self, msg, **result):
        result.setdefault('changed', False)
        self.module.fail_json(msg=msg, invocation=self.invocation, **result)

    def validate(self):
        """Fail the task, before any API call, when an item is invalid or repeats another one."""
        errors = []
        first = {}
        for index in range(len(self.kind.items)):
            identity, problems = self.kind.validate(index)
            where = label(self.kind, index, identity)
            for problem in problems:
                errors.append('%s: %s' % (where, self._scrub(index, problem)))
            if not problems:
                unique = (identity, self.kind.owner(index))
                if unique in first:
                    errors.append('%s: the same %s as %s; give each one once per task'
                                  % (where, self.kind.key, label(self.kind, first[unique], identity)))
                first.setdefault(unique, index)
        if errors:
            self.fail('%d problem(s) in %s, nothing was changed: %s' % (len(errors), self.kind.option, '; '.join(errors)))

    def _scrub(self, index, value):
        return remove_values(value, self.secrets[index]) if self.secrets[index] else value

    def work(self, index):
        identity = self.kind.identity(index)
        try:
            result, category = self.kind.process(index)
        except Exception as exc:  # one item's bug must not lose the results of the others
            result = {'failed': True, 'changed': False, 'msg': 'unexpected error: %s' % exc,
                      'exception': traceback.format_exc()}
            category = 'failed'
        return self._scrub(index, dict([(self.kind.key, identity)] + list(result.items()))), category

    def run(self):
        module = self.module
        parallel = module.params['parallel']
        if parallel < 1:
            self.fail('parallel must be at least 1 (1 works on the items one after the other), got %d' % parallel)
        self.validate()
        count = len(self.kind.items)
        if count:
            try:
                client = client_for(module, connections=min(parallel, count))
                if module.check_mode and module.params['planned']:
                    client = self.planned = PlannedAurora(client, module.params['planned'])
                self.kind.prepare(client)
            except AuroraError as error:
                fail_with(module, error, invocation=self.invocation)
        outcomes = each(count, self.work, parallel)
        self.report(outcomes)

    def report(self, outcomes):
        results = [result for result, dummy in outcomes]
        summary = dict((key, 0) for key in SUMMARY_KEYS)
        for dummy, category in outcomes:
            summary[category] += 1
        report = dict(changed=any(result.get('changed') for result in results), summary=summary, results=results,
                      retries=sum(result.get('retries') or 0 for result in results))
        report.update(self.kind.extra_results(results))
        if self.planned is not None:
            report = without_placeholders(report, self.planned.placeholder_names())
            results = report['results']
        report['planned'] = [entry for index, result in enumerate(results)
                             if self.module.check_mode and result.get('changed') and not result.get('failed')
                             for entry in self.kind.planned(index, result)]
        for result in results:  # an item's warnings would not be shown where they are
            for warning in result.pop('warnings', None) or ():
                self.module.warn(warning)
        if self.module._diff:
            report['diff'] = [
                dict(result['diff'], before_header=label(self.kind, index, result[self.kind.key]),
                     after_header=label(self.kind, index, result[self.kind.key]))
                for index, result in enumerate(results) if result.get('changed') and 'diff' in result]
        failed = [(index, result) for index, result in enumerate(results) if result.get('failed')]
        if failed:
            self.fail(self.failure_text(failed, summary), **report)
        msg = '%d %s: %s' % (len(results), self.kind.noun, summary_text(summary)) if results else \
            'no %s given' % self.kind.noun
        self.module.exit_json(msg=msg, invocation=self.invocation, **report)

    def failure_text(self, failed, summary):
        listed = ['%s: %s' % (label(self.kind, index, result[self.kind.key]), result['msg'])
                  for index, result in failed[:MAX_LISTED_FAILURES]]
        if len(failed) > MAX_LISTED_FAILURES:
            listed.append('and %d more (see results)' % (len(failed) - MAX_LISTED_FAILURES))
        return '%d of %d %s failed: %s. The others: %s' % (
            len(failed), sum(summary.values()), self.kind.noun, '; '.join(listed), summary_text(summary, skip=('failed',)))


def bulk_module(kind_class):
    """Build the AnsibleModule of a bulk module and run it."""
    module = aurora_module(bulk_argument_spec(kind_class))
    BulkTask(module, kind_class).run()
