"""Every fault the emulator injects x every write the modules make, through the modules' real main().

Each case injects one fault on one Aurora write call (``Mail.CreateServer`` ... ``Core.DeleteUser``), runs the single
module or the bulk module once with a small ``timeout``, then twice more with no fault. The faulty run must succeed or
fail with one line that names the call (never a traceback), must not send a second create after a lost answer, must
report ``changed`` truthfully, and must end within ``timeout``; the clean rerun must converge and the third run change
nothing; Aurora must then hold each server and user once, and every user with its login account.

A deadlock (``Result: false``, nothing written) is read back and found transient: the write is sent again once, the
run succeeds and reports ``retries: 1``.

The reads get their own cases: a read that fails is retried with backoff, and all its attempts fit in ``timeout``.
A blocked login (Aurora's 1000 after failed logins) is tried once and reported, never retried.

The settings writes of aurora_settings (``Core.UpdateSettings``, ``Mail.UpdateSettings``, and on the host the bridge's
``SaveSettingsFile``, whose save Aurora's settings object makes) get every fault but the deadlock (they touch no
database), php's death and a PHP error: a lost answer is read back and reported done, a write refused or not done
fails naming the call and the settings it carried; a value another writer's save overwrote fails naming it. Every one
converges on a clean rerun, and no output shows the database password stored in the system settings.
"""

import collections
import concurrent.futures
import json
import re
import time

import pytest

from tests.helpers.figures import figures_fixture
from tests.helpers.module_runner import module_task

figures = figures_fixture('fault-matrix')
pytestmark = pytest.mark.slow

IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}
PASSWORD = 'Fault-Matrix-Secret-7'
TIMEOUT = 1  # seconds: the faulty runs' timeout option (the smallest a module accepts)
DELAY = 1.5  # seconds a "delay" fault holds a call: longer than TIMEOUT
SLACK = 1.5  # seconds a run may take beyond TIMEOUT on a busy 2-core machine
LOGINS = ('LoginAsSuperadmin', 'Login')
RETRY_FIRST_DELAY = 0.5  # the client's first pause before retrying a read
PERSISTENT = 100  # "times" of a fault that outlasts every retry
BARE = 'bare@keep.example'  # a user without a mail account
MOVER = 'mover@keep.example'  # a user of tenant acme that a task moves to tenant beta

FAULTS = {
    'http500-before': dict(fault='http500', when='before'),
    'http500-after': dict(fault='http500', when='after'),
    'empty-before': dict(fault='empty', when='before'),
    'empty-after': dict(fault='empty', when='after'),
    'html-before': dict(fault='html', when='before'),
    'html-after': dict(fault='html', when='after'),
    'reset-before': dict(fault='reset', when='before'),
    'reset-after': dict(fault='reset', when='after'),
    'delay': dict(fault='delay', when='before', seconds=DELAY),  # the call runs after the module gave up on it
    'revoke-before': dict(fault='revoke', when='before'),  # the call itself answers 101
    'revoke-after': dict(fault='revoke', when='after'),  # the calls that follow answer 101
    'deadlock': dict(fault='deadlock', when='before'),  # a deadlock victim: Result false, nothing written
}
SENT_AGAIN = ('revoke-before', 'deadlock')  # refused before anything was written: the write is sent once more


# ---- what Aurora holds before each case ----------------------------------------------------------

def add_user(emulator, email, with_account=True, server_id=1, tenant_id=0):
    user_id = emulator.api('Core', 'CreateUser', {'TenantId': tenant_id, 'PublicId': email})['Result']
    assert user_id, email
    if with_account:
        answer = emulator.api('Mail', 'CreateAccount', dict(
            UserId=user_id, FriendlyName='Old Name', Email=email, IncomingLogin=email, IncomingPassword=PASSWORD,
            Server={'ServerId': server_id}))
        assert answer.get('Result'), answer
    return user_id


def seed(emulator):
    """Server keep (id 1) with users old@, upd@ (with their accounts) and bare@ (none); servers upd and old;
    tenants upd, old, acme and beta, and mover@ in acme with its account on keep."""
    emulator.settings(dict(IMAP_CHECK_OFF, System={'EnableMultiTenant': True}))
    assert emulator.add_server('keep') == 1
    emulator.add_server('upd')
    emulator.add_server('old')
    for email in ('old@keep.example', 'upd@keep.example'):
        add_user(emulator, email)
    add_user(emulator, BARE, with_account=False)
    tenants = dict((name, emulator.api('Core', 'CreateTenant', {'Name': name, 'Description': 'Old'})['Result'])
                   for name in ('upd', 'old', 'acme', 'beta'))
    assert all(isinstance(tenant_id, int) for tenant_id in tenants.values()), tenants
    add_user(emulator, MOVER, tenant_id=tenants['acme'])


def seed_corporate(emulator):
    """On the corporate profile: tenant acme (id 2) with server mail (id 1), users ann@ and bob@ on it, the domain
    old.example, and the groups upd (member ann@) and old."""
    emulator.settings(IMAP_CHECK_OFF)
    acme = emulator.api('Core', 'CreateTenant', {'Name': 'acme'})['Result']
    assert emulator.add_server('mail', Domains='', TenantId=acme) == 1
    ann, dummy = [add_user(emulator, email, tenant_id=acme) for email in ('ann@acme.example', 'bob@acme.example')]
    assert emulator.api('MailDomains', 'CreateDomain', {'TenantId': acme, 'MailServerId': 1,
                                                        'DomainName': 'old.example'})['Result']
    groups = [emulator.api('Core', 'CreateGroup', {'TenantId': acme, 'Name': name})['Result'] for name in ('upd', 'old')]
    assert emulator.api('Core', 'AddUsersToGroup', {'GroupId': groups[0], 'UserIds': [ann]})['Result'] is True


def seed_multi_accounts(emulator):
    """With MailMultiAccountsPlugin: server keep (id 1), and ann@ with her login account and the extra accounts
    upd@ and old@."""
    emulator.settings(dict(IMAP_CHECK_OFF, MailMultiAccountsPlugin={'Enabled': True}))
    assert emulator.add_server('keep', Domains='') == 1
    ann = add_user(emulator, 'ann@keep.example')
    for email in ('upd@keep.example', 'old@keep.example'):
        answer = emulator.api('Mail', 'CreateAccount', dict(
            UserId=ann, FriendlyName='Old Name', Email=email, IncomingLogin=email, IncomingPassword=PASSWORD,
            Server={'ServerId': 1}))
        assert answer.get('Result'), answer


SEEDS = {'lite': seed, 'corporate': seed_corporate, 'multi-accounts': seed_multi_accounts}
FIXTURES = {'lite': 'emulator', 'corporate': 'corporate_emulator', 'multi-accounts': 'corporate_emulator'}


# ---- the write operations ------------------------------------------------------------------------

def servers_named(state, name):
    return [server for server in state['servers'] if server['Name'] == name]


def users_named(state, email):
    return [user for user in state['users'] if user['PublicId'].lower() == email]


def accounts_of(state, email):
    return [account for account in state['accounts'] if account['Email'] == email]


def account_of_user(state, email):
    """The one account of the one user ``email``."""
    user, = users_named(state, email)
    account, = [account for account in state['accounts'] if account['IdUser'] == user['Id']]
    return user, account


def created_server(state):
    server, = servers_named(state, 'new')
    assert (server['IncomingServer'], server['Domains']) == ('mail.new.example', 'new.example')


def updated_server(state):
    assert [server['IncomingPort'] for server in servers_named(state, 'upd')] == [993], state['servers']


def deleted_server(state):
    assert servers_named(state, 'old') == [], state['servers']


def created_user(state):
    dummy, account = account_of_user(state, 'new@keep.example')
    assert (account['Email'], account['ServerId'], account['UseToAuthorize']) == ('new@keep.example', 1, True)


def added_account(state):
    dummy, account = account_of_user(state, BARE)
    assert (account['Email'], account['ServerId']) == (BARE, 1)


def updated_user(state):
    user, dummy = account_of_user(state, 'upd@keep.example')
    assert user['Role'] == 1


def updated_account(state):
    dummy, account = account_of_user(state, 'upd@keep.example')
    assert account['FriendlyName'] == 'New Name'


def deleted_user(state):
    assert users_named(state, 'old@keep.example') == accounts_of(state, 'old@keep.example') == [], state


def moved_user(state):
    user, dummy = account_of_user(state, MOVER)
    assert user['IdTenant'] == tenant_named(state, 'beta')['Id'], user


def tenant_named(state, name):
    tenant, = [tenant for tenant in state['tenants'] if tenant['Name'] == name]
    return tenant


def created_tenant(state):
    assert tenant_named(state, 'new')['Description'] == 'New'


def updated_tenant(state):
    assert tenant_named(state, 'upd')['Description'] == 'New'


def deleted_tenant(state):
    assert [tenant for tenant in state['tenants'] if tenant['Name'] == 'old'] == [], state['tenants']


def domain_names(state):
    return sorted(domain['Name'] for domain in state['domains'])


def created_domain(state):
    assert domain_names(state) == ['new.example', 'old.example'], state['domains']


def deleted_domain(state):
    assert domain_names(state) == [], state['domains']


def group_members(state, name):
    group, = [group for group in state['groups'] if group['Name'] == name]
    users = dict((user['Id'], user['PublicId']) for user in state['users'])
    return sorted(users[link['UserId']] for link in state['group_users'] if link['GroupId'] == group['Id'])


def created_group(state):
    assert group_members(state, 'new') == []


def added_member(state):
    assert group_members(state, 'upd') == ['ann@acme.example', 'bob@acme.example']


def removed_member(state):
    assert group_members(state, 'upd') == []


def extra_accounts(state):
    """``{e-mail: FriendlyName}`` of ann's extra accounts, each once."""
    extras = [account for account in state['accounts'] if not account['UseToAuthorize']]
    assert len(set(account['Email'] for account in extras)) == len(extras), extras
    return dict((account['Email'], account['FriendlyName']) for account in extras)


def created_extra(state):
    assert extra_accounts(state).get('new@keep.example') == '', state['accounts']


def updated_extra(state):
    assert extra_accounts(state)['upd@keep.example'] == 'New Name', state['accounts']


def deleted_extra(state):
    assert sorted(extra_accounts(state)) == ['upd@keep.example'], state['accounts']


def deleted_group(state):
    assert sorted(group['Name'] for group in state['groups']) == ['upd'], state['groups']


class Op:
    """One write a module makes: the Aurora call to fault, the task that makes it, and what Aurora holds after."""

    def __init__(self, name, kind, call, item, holds, profile='lite'):
        self.name = name
        self.kind = kind
        self.call = call
        self.item = item
        self.holds = holds
        self.profile = profile
        self.forms = ('single', 'bulk') if kind in ('server', 'user', 'extra') else ('single',)

    @property
    def method(self):
        return self.call.split('.')[1]

    def modules(self, form):
        return {('server', 'single'): 'aurora_mail_server', ('server', 'bulk'): 'aurora_mail_servers',
                ('user', 'single'): 'aurora_user_account', ('user', 'bulk'): 'aurora_user_accounts',
                ('tenant', 'single'): 'aurora_tenant', ('domain', 'single'): 'aurora_mail_domain',
                ('group', 'single'): 'aurora_group', ('extra', 'single'): 'aurora_mail_account',
                ('extra', 'bulk'): 'aurora_mail_accounts'}[self.kind, form]

    def task(self, form):
        if form == 'single':
            return dict(self.item)
        return {'servers' if self.kind == 'server' else 'accounts': [dict(self.item)]}


OPS = [
    Op('server-create', 'server', 'Mail.CreateServer',
       dict(name='new', incoming_server='mail.new.example', domains=['new.example']), created_server),
    Op('server-update', 'server', 'Mail.UpdateServer', dict(name='upd', incoming_port=993), updated_server),
    Op('server-delete', 'server', 'Mail.DeleteServer', dict(name='old', state='absent'), deleted_server),
    Op('user-create', 'user', 'Core.CreateUser', dict(email='new@keep.example', password=PASSWORD, server='keep'),
       created_user),
    Op('account-create', 'user', 'Mail.CreateAccount',  # the account of the user the run has just created
       dict(email='new@keep.example', password=PASSWORD, server='keep'), created_user),
    Op('account-add', 'user', 'Mail.CreateAccount', dict(email=BARE, password=PASSWORD),  # a user that has none
       added_account),
    Op('user-update', 'user', 'Core.UpdateUser', dict(email='upd@keep.example', role='tenant_admin'), updated_user),
    Op('account-update', 'user', 'Mail.UpdateAccount', dict(email='upd@keep.example', friendly_name='New Name'),
       updated_account),
    Op('user-delete', 'user', 'Core.DeleteUser', dict(email='old@keep.example', state='absent'), deleted_user),
    Op('user-move', 'user', 'Core.UpdateUser', dict(email=MOVER, tenant='beta'), moved_user),
    Op('tenant-create', 'tenant', 'Core.CreateTenant', dict(name='new', description='New'), created_tenant),
    Op('tenant-update', 'tenant', 'Core.UpdateTenant', dict(name='upd', description='New'), updated_tenant),
    Op('tenant-delete', 'tenant', 'Core.DeleteTenant', dict(name='old', state='absent'), deleted_tenant),
    Op('domain-create', 'domain', 'MailDomains.CreateDomain', dict(name='new.example', tenant='acme', server='mail'),
       created_domain, 'corporate'),
    Op('domain-delete', 'domain', 'MailDomains.DeleteDomains', dict(name='old.example', state='absent'),
       deleted_domain, 'corporate'),
    Op('group-create', 'group', 'Core.CreateGroup', dict(name='new', tenant='acme'), created_group, 'corporate'),
    Op('group-add', 'group', 'Core.AddUsersToGroup',
       dict(name='upd', tenant='acme', members=['ann@acme.example', 'bob@acme.example']), added_member, 'corporate'),
    Op('group-remove', 'group', 'Core.RemoveUsersFromGroup', dict(name='upd', tenant='acme', members=[]),
       removed_member, 'corporate'),
    Op('group-delete', 'group', 'Core.DeleteGroups', dict(name='old', tenant='acme', state='absent'), deleted_group,
       'corporate'),
    Op('extra-create', 'extra', 'Mail.CreateAccount',
       dict(user='ann@keep.example', email='new@keep.example', password=PASSWORD, server='keep'), created_extra,
       'multi-accounts'),
    Op('extra-update', 'extra', 'Mail.UpdateAccount',
       dict(user='ann@keep.example', email='upd@keep.example', friendly_name='New Name'), updated_extra, 'multi-accounts'),
    Op('extra-delete', 'extra', 'Mail.DeleteAccount', dict(user='ann@keep.example', email='old@keep.example',
                                                           state='absent'), deleted_extra, 'multi-accounts'),
]
FORMS = ('single', 'bulk')
CASES = [(op, form) for op in OPS for form in op.forms]


# ---- helpers -------------------------------------------------------------------------------------

def pending_times(emulator):
    """How many more hits the fault rules still hold; what was added minus this is what was injected."""
    answer = emulator.control('GET', 'faults')
    assert answer.status == 200, answer.text
    return sum(rule['times'] for rule in answer.json())


def inject(emulator, rules):
    """Add ``rules``; returns a function that tells how many of their hits were injected so far."""
    before = pending_times(emulator)
    emulator.faults(rules)
    added = sum(rule.get('times', 1) for rule in rules)
    return lambda: before + added - pending_times(emulator)


def timed(run, **options):
    started = time.monotonic()
    result = run(**options)
    return result, time.monotonic() - started


def writes(calls):
    return [call for call in calls if not call['Method'].startswith('Get') and call['Method'] not in LOGINS]


def created_objects(calls):
    """``{(method, object): times sent}`` of the create calls."""
    keys = {'CreateServer': 'Name', 'CreateUser': 'PublicId', 'CreateAccount': 'Email', 'CreateTenant': 'Name',
            'CreateDomain': 'DomainName', 'CreateGroup': 'Name'}
    return collections.Counter((call['Method'], str((call['Parameters'] or {}).get(keys[call['Method']])).lower())
                               for call in calls if call['Method'] in keys)


def failure_of(result):
    """(msg, the call the error names) of a failed run of a single or a bulk module."""
    if 'results' in result:
        item, = result['results']
        return result['msg'], (item.get('error') or {}).get('call')
    return result['msg'], (result.get('error') or {}).get('call')


def assert_clear_outcome(result, call):
    """Success, or one line naming ``call``; never a traceback, in the message or anywhere in the output."""
    for word in ('Traceback', 'Exception', 'exception'):
        assert word not in result.printed, result.printed
    assert PASSWORD not in result.printed
    assert isinstance(result.get('changed'), bool), result
    if result.failed:
        msg, named = failure_of(result)
        assert msg and '\n' not in msg, msg
        assert call in msg, msg
        assert named == call, result


def assert_sound(state, without_account=()):
    """Each server, tenant, domain and group name once in its tenant, each user once, every user with a mail
    account, every account with its user.

    ``without_account``: the users the seed made without an account that the task does not give one.
    """
    for table in ('servers', 'tenants', 'domains', 'groups'):
        names = collections.Counter((item.get('TenantId'), item['Name'].lower()) for item in state.get(table) or [])
        assert [name for name, count in names.items() if count > 1] == [], state[table]
    emails = collections.Counter(user['PublicId'].lower() for user in state['users'])
    assert [email for email, count in emails.items() if count > 1] == [], state['users']
    user_ids = set(user['Id'] for user in state['users'])
    with_account = set(account['IdUser'] for account in state['accounts'])
    assert sorted(user['PublicId'] for user in state['users']
                  if user['Id'] not in with_account and user['PublicId'] not in without_account) == [], state
    assert [account['Email'] for account in state['accounts'] if account['IdUser'] not in user_ids] == [], state


def assert_converges(emulator, run, options, op):
    """A clean rerun succeeds, a third run changes nothing and writes nothing; Aurora holds what the task asks."""
    rerun = run(**options)
    assert not rerun.failed, rerun
    start = len(emulator.calls())
    third = run(**options)
    assert not third.failed and third['changed'] is False, third
    assert writes(emulator.calls()[start:]) == []
    state = emulator.state()
    assert_sound(state, () if op.name == 'account-add' else (BARE,))
    op.holds(state)


# ---- every fault x every write -------------------------------------------------------------------

@pytest.mark.parametrize('profile', sorted(SEEDS))
def test_the_ops_are_the_writes_the_modules_make(request, profile):
    """Each op, run clean, sends exactly its call as its first write; Mail.DeleteAccount is never needed."""
    emulator = request.getfixturevalue(FIXTURES[profile])
    SEEDS[profile](emulator)
    for op in OPS:
        if op.name == 'account-create' or op.profile != profile:
            continue  # account-create is the same task as user-create: CreateUser, then CreateAccount
        emulator.calls_clear()
        result = module_task(emulator, op.modules('single'))(**op.task('single'))
        assert not result.failed and result['changed'], result
        sent = ['%s.%s' % (call['Module'], call['Method']) for call in writes(emulator.calls())]
        expected = ['Core.CreateUser', 'Mail.CreateAccount'] if op.name == 'user-create' else [op.call]
        assert sent == expected, (op.name, sent)


@pytest.mark.parametrize('fault', sorted(FAULTS))
@pytest.mark.parametrize('op, form', CASES, ids=['%s-%s' % (op.name, form) for op, form in CASES])
def test_fault_on_a_write(request, figures, op, fault, form):
    """One fault on the op's write call: a clear outcome, no second create, changed told truly, then convergence."""
    emulator = request.getfixturevalue(FIXTURES[op.profile])
    SEEDS[op.profile](emulator)
    run = module_task(emulator, op.modules(form))
    options = op.task(form)
    before = emulator.state()
    emulator.calls_clear()
    injected = inject(emulator, [dict(FAULTS[fault], call=op.call)])

    result, wall = timed(run, timeout=TIMEOUT, **options)
    emulator.wait_idle()  # a delayed call has ended (or been done late) before anything is looked at
    hits = injected()
    figures.add('injected', hits)
    assert hits == 1, 'the fault never hit %s' % op.call
    emulator.faults_clear()
    calls = emulator.calls()

    assert_clear_outcome(result, op.call)
    assert wall < TIMEOUT + SLACK, wall
    repeated = 1 if fault in SENT_AGAIN else 0  # 101: sent again with a new token; deadlock: after reading back
    assert [call['Method'] for call in calls].count(op.method) == 1 + repeated, calls
    refused = 1 if fault.startswith('revoke') or fault == 'deadlock' else 0  # a create refused so is sent again once
    assert max(created_objects(calls).values() or [0]) <= 1 + refused, calls
    logins = len([call for call in calls if call['Method'] in LOGINS])
    assert logins == (2 if fault == 'revoke-before' else 1) or fault == 'revoke-after' and logins <= 2, calls
    if fault.startswith('revoke'):
        assert not result.failed, result
    if fault == 'deadlock':
        assert not result.failed and result['changed'] and result['retries'] == 1, result
        op.holds(emulator.state())
    if fault == 'delay':
        assert result.failed and wall >= TIMEOUT, (wall, result)
        assert 'no answer within %d s' % TIMEOUT in failure_of(result)[0], result
    if not result['changed']:
        assert emulator.state() == before, 'the run reported changed=false, yet Aurora changed: %s' % result['msg']

    assert_converges(emulator, run, options, op)
    figures.add('survived', hits)


# ---- api_transport php: the bridge's php killed on a write ----------------------------------------

SINGLE = [op for op in OPS if 'single' in op.forms]


@pytest.mark.parametrize('when', ['before', 'after'])
@pytest.mark.parametrize('op', SINGLE, ids=[op.name for op in SINGLE])
def test_php_killed_on_a_write(request, figures, fake_aurora, op, when):
    """The PHP transport's lost answer: php dies before or after Aurora made the write (its stderr quoting the call's
    arguments, a password among them). A clear outcome naming the call, the write sent once, changed told truly, no
    password shown, then convergence through a fresh php."""
    emulator = request.getfixturevalue(FIXTURES[op.profile])
    SEEDS[op.profile](emulator)
    run = module_task(emulator, op.modules('single'), fake_aurora(emulator))
    options = op.task('single')
    before = emulator.state()
    emulator.calls_clear()
    injected = inject(emulator, [dict(fault='php-kill', when=when, call=op.call)])

    result = run(**options)
    hits = injected()
    figures.add('php killed', hits)
    assert hits == 1, 'the fault never hit %s' % op.call
    calls = emulator.calls()
    assert_clear_outcome(result, op.call)
    assert [call['Method'] for call in calls].count(op.method) == 1, calls
    assert set(call.get('Transport') for call in calls) == {'php'}
    if not result['changed']:
        assert emulator.state() == before, 'the run reported changed=false, yet Aurora changed: %s' % result['msg']
    assert_converges(emulator, run, options, op)
    figures.add('php kills survived', hits)


# ---- the settings writes: Core.UpdateSettings, Mail.UpdateSettings, and the bridge's SaveSettingsFile -----------

class SettingsOp:
    """A write of aurora_settings: the call to fault (as the emulator sees it), the call the module names, the task,
    and what Aurora's settings (GET /_emulator/settings) hold after it."""

    def __init__(self, name, call, task, holds, transport='web', named=None):
        self.name = name
        self.call = call
        self.named = named or call
        self.task = task
        self.holds = holds
        self.transport = transport


def holds_settings(**expected):
    """``{file: {setting: value}}`` ("System" for config.json), an enum by the number the API reports."""
    def check(settings):
        held = dict((name, dict((key, settings[name][key]) for key in keys)) for name, keys in expected.items())
        assert held == expected, held
    return check


SAVE_SETTINGS = '@Settings.SaveSettingsFile'  # the bridge's call; Aurora's settings object saves through Core.@WriteSettings
SETTINGS_OPS = [
    SettingsOp('core', 'Core.UpdateSettings', dict(module='Core', settings={'SiteName': 'Faulty Mail', 'TimeFormat': 'F12'}),
               holds_settings(Core={'SiteName': 'Faulty Mail', 'TimeFormat': 1})),
    SettingsOp('mail', 'Mail.UpdateSettings', dict(module='Mail', settings={'AllowAddAccounts': False}),
               holds_settings(Mail={'AllowAddAccounts': False})),
    SettingsOp('core-php', 'Core.@WriteSettings', dict(module='Core', settings={'AllowGroups': True}),
               holds_settings(Core={'AllowGroups': True}), 'php', SAVE_SETTINGS),
    SettingsOp('system-php', 'Core.@WriteSettings', dict(module='system', settings={'EnableMultiTenant': True}),
               holds_settings(System={'EnableMultiTenant': True}), 'php', SAVE_SETTINGS),
]
# A settings write touches no database, so no deadlock strikes it; the PHP transport's faults are php's death and a
# PHP error (the emulator's HTTP 500 becomes an \Error in the fake Aurora's PHP).
SETTINGS_FAULTS = dict((name, rule) for name, rule in FAULTS.items() if name != 'deadlock')
PHP_SETTINGS_FAULTS = {'php-kill-before': dict(fault='php-kill', when='before'),
                       'php-kill-after': dict(fault='php-kill', when='after'),
                       'php-error': dict(fault='http500', when='before')}
LOST_ANSWERS = ('http500-after', 'empty-after', 'html-after', 'reset-after', 'php-kill-after')
SETTINGS_CASES = [(op, fault) for op in SETTINGS_OPS
                  for fault in sorted(PHP_SETTINGS_FAULTS if op.transport == 'php' else SETTINGS_FAULTS)]


def settings_writes(calls):
    return [call for call in calls if call['Method'] in ('UpdateSettings', '@WriteSettings')]


def settings_task(request, fake_aurora, op):
    """The emulator, its database's password in the system settings (no output may show it), and aurora_settings."""
    emulator = request.getfixturevalue('emulator')
    system = json.loads(emulator.settings_files()['config.json'])
    system['DBPassword'][0] = PASSWORD
    emulator.settings_files({'config.json': json.dumps(system)})
    return emulator, module_task(emulator, 'aurora_settings', fake_aurora(emulator) if op.transport == 'php' else None)


def assert_settings_converge(emulator, run, op):
    """A clean rerun succeeds; a third run changes and writes nothing; Aurora holds what the task asks."""
    rerun = run(**op.task)
    assert not rerun.failed, rerun['msg']
    files, start = emulator.settings_files(), len(emulator.calls())
    third = run(**op.task)
    assert not third.failed and third['changed'] is False, third['msg']
    assert settings_writes(emulator.calls()[start:]) == [] and emulator.settings_files() == files
    op.holds(emulator.settings())


@pytest.mark.parametrize('op, fault', SETTINGS_CASES, ids=['%s-%s' % (op.name, fault) for op, fault in SETTINGS_CASES])
def test_fault_on_a_settings_write(request, figures, fake_aurora, op, fault):
    """One fault on a settings write: a lost answer is read back and reported as done; a write refused or not done
    fails in one sentence naming the call, changed told truly; then convergence."""
    emulator, run = settings_task(request, fake_aurora, op)
    before = emulator.settings_files()
    emulator.calls_clear()
    rule = dict((PHP_SETTINGS_FAULTS if op.transport == 'php' else SETTINGS_FAULTS)[fault], call=op.call)
    injected = inject(emulator, [rule])

    result, wall = timed(run, timeout=TIMEOUT, **op.task)
    emulator.wait_idle()
    hits = injected()
    figures.add('injected', hits)
    figures.add('settings injected', hits)
    assert hits == 1, 'the fault never hit %s' % op.call
    emulator.faults_clear()
    calls = emulator.calls()

    assert_clear_outcome(result, op.named)
    if result.failed:
        assert '(%s)' % ', '.join(sorted(op.task['settings'])) in result['msg'], result['msg']  # the settings written
    assert wall < TIMEOUT + SLACK, wall
    assert len(settings_writes(calls)) == (2 if fault == 'revoke-before' else 1), calls  # a lost write is not resent
    if fault in LOST_ANSWERS or fault.startswith('revoke'):
        assert not result.failed and result['changed'], result['msg']
        op.holds(emulator.settings())
    elif fault == 'delay':
        assert result.failed and result['changed'] and 'no answer within %d s' % TIMEOUT in result['msg'], result
    else:
        assert result.failed and not result['changed'], result['msg']
    if not result['changed']:
        assert emulator.settings_files() == before, 'the run reported changed=false, yet a settings file changed'

    assert_settings_converge(emulator, run, op)
    figures.add('survived', hits)
    figures.add('settings survived', hits)


RACED = [op for op in SETTINGS_OPS if op.name in ('core', 'core-php')]
READ_BACK = {'web': 'Core.GetSettings', 'php': 'Core.@ReadSettings'}  # the first read after the save


def wait_for(condition, limit=30):
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, 'still waiting after %d s' % limit
        time.sleep(0.02)


@pytest.mark.parametrize('op', RACED, ids=[op.name for op in RACED])
def test_a_settings_value_another_writer_overwrote_fails_naming_it_and_a_rerun_converges(request, figures,
                                                                                         fake_aurora, op):
    """Aurora's own writer (an administrator in its web UI) saves Core's file at the moment the task does, from a
    copy read before the task's save: Aurora answers both true and keeps only the later save. The task's read-back
    is held until that save is done, so it sees its value lost, and the task fails naming it."""
    emulator, run = settings_task(request, fake_aurora, op)
    emulator.settings_race('modules/Core.config.json', writers=2, at='save', seconds=20)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(run, **op.task)
        wait_for(lambda: emulator.settings_races()[0]['arrived'] == 1)  # the task's save waits at the gate
        emulator.faults([{'call': READ_BACK[op.transport], 'fault': 'hold', 'times': 1, 'seconds': 20}])
        assert emulator.api('Core', 'UpdateSettings', {'Language': 'German'})['Result'] is True  # saved last
        assert emulator.wait_held(1)
        emulator.release()
        result = running.result()
    figures.add('injected')
    figures.add('settings injected')
    named = list(op.task['settings'])[0]
    assert result.failed and result['changed'], result['msg']
    assert 'did not keep %s' % named in result['msg'] and '\n' not in result['msg'], result['msg']
    assert 'Traceback' not in result.printed and 'exception' not in result
    assert emulator.settings()['Core']['Language'] == 'German'
    assert_settings_converge(emulator, run, op)
    assert emulator.settings()['Core']['Language'] == 'German'  # the other writer's value is kept
    figures.add('survived')
    figures.add('settings survived')


# ---- reads: retried with backoff, within timeout -------------------------------------------------

READS = {'server': 'Mail.GetServers', 'user': 'Core.GetUsers'}  # the first read of each module after its login
READ_FAULTS = {
    'http500': dict(fault='http500'),
    'empty': dict(fault='empty'),
    'html': dict(fault='html'),
    'reset': dict(fault='reset'),
    'delay': dict(fault='delay', seconds=DELAY),
}
READ_CASES = [(kind, times) for kind in sorted(READ_FAULTS) for times in ('once', 'always')
              if not (kind == 'delay' and times == 'once')]  # a delay outlasts the timeout: no time is left to retry
ATTEMPTS = re.compile(r'after (\d+) attempts over ([\d.]+) s, within timeout (\d+) s')


@pytest.mark.parametrize('form', FORMS)
@pytest.mark.parametrize('kind, times', READ_CASES, ids=['%s-%s' % case for case in READ_CASES])
@pytest.mark.parametrize('subject', sorted(READS))
def test_fault_on_a_read(emulator, figures, subject, kind, times, form):
    """A failed read is retried after 0.5 s, then 1 s ...; all attempts end within ``timeout``, as the message says."""
    op = OPS[0] if subject == 'server' else OPS[3]  # a create: a failed read must stop the run before any write
    call = READS[subject]
    seed(emulator)
    run = module_task(emulator, op.modules(form))
    options = op.task(form)
    before = emulator.state()
    emulator.calls_clear()
    injected = inject(emulator, [dict(READ_FAULTS[kind], call=call, times=1 if times == 'once' else PERSISTENT)])

    result, wall = timed(run, timeout=TIMEOUT, **options)
    emulator.wait_idle()
    hits = injected()
    figures.add('injected', hits)
    emulator.faults_clear()
    calls = emulator.calls()
    first_write = calls.index(writes(calls)[0]) if writes(calls) else len(calls)
    sent = ['%s.%s' % (each['Module'], each['Method']) for each in calls[:first_write]].count(call)

    assert_clear_outcome(result, call)
    assert wall < TIMEOUT + SLACK, wall
    assert sent == hits + (1 if times == 'once' else 0), calls
    if times == 'once':
        assert not result.failed, result
        assert (sent, wall >= RETRY_FIRST_DELAY) == (2, True), (calls, wall)
    else:
        assert result.failed and writes(calls) == [], result
        msg = failure_of(result)[0]
        if kind == 'delay':
            assert sent == 1 and wall >= TIMEOUT and 'no answer within %d s (timeout)' % TIMEOUT in msg, (wall, msg)
        else:
            reported = ATTEMPTS.search(msg)
            assert reported, msg
            attempts, waited, limit = int(reported.group(1)), float(reported.group(2)), int(reported.group(3))
            assert (attempts, limit) == (sent, TIMEOUT) and sent >= 2, (msg, calls)
            assert RETRY_FIRST_DELAY * (2 ** (attempts - 1) - 1) - 0.05 <= waited <= TIMEOUT, msg
            assert waited <= wall + 0.05, (waited, wall)
        assert emulator.state() == before

    assert_converges(emulator, run, options, op)
    figures.add('survived', hits)


def test_backoff_doubles_within_a_longer_timeout(emulator, figures):
    """With timeout 2: attempts at 0, 0.5 and 1.5 s; a fourth would end after the timeout, so it is not made."""
    seed(emulator)
    run = module_task(emulator, 'aurora_mail_server')
    injected = inject(emulator, [dict(fault='http500', call='Mail.GetServers', times=PERSISTENT)])
    result, wall = timed(run, timeout=2, **OPS[0].item)
    hits = injected()
    figures.add('injected', hits)
    emulator.faults_clear()
    assert_clear_outcome(result, 'Mail.GetServers')
    reported = ATTEMPTS.search(result['msg'])
    assert reported and (reported.group(1), reported.group(3)) == ('3', '2'), result['msg']
    assert 1.45 <= float(reported.group(2)) <= wall < 2 + SLACK, (result['msg'], wall)
    assert hits == 3
    assert_converges(emulator, run, OPS[0].item, OPS[0])
    figures.add('survived', hits)


# ---- a blocked login is reported, never retried --------------------------------------------------

MODULES = [(kind, form) for kind in ('server', 'user') for form in FORMS]


@pytest.mark.parametrize('kind, form', MODULES, ids=['%s-%s' % module for module in MODULES])
def test_blocked_login_is_tried_once_and_named(emulator, figures, kind, form):
    """Aurora answers 1000 once a login failed too often; each run then logs in once, fails naming it, and stops."""
    seed(emulator)
    emulator.settings({'Core': {'LoginBlockAvailableTriesCount': 2}})
    op = OPS[0] if kind == 'server' else OPS[3]
    run = module_task(emulator, op.modules(form))
    before = emulator.state()
    expected = [('wrong-password', 102, 'AuthError'), ('wrong-password', 1000, 'LoginBlocked'),
                (emulator.admin_password, 1000, 'LoginBlocked')]  # blocked: even the right password
    for password, code, name in expected:
        emulator.calls_clear()
        result = run(api_password=password, timeout=TIMEOUT, **op.task(form))
        calls = emulator.calls()
        blocked = code == 1000
        figures.add('injected', int(blocked))
        assert [each['Method'] for each in calls] == ['LoginAsSuperadmin'], calls
        assert_clear_outcome(result, 'AdminAuth.LoginAsSuperadmin')
        assert result.failed and result['changed'] is False, result
        assert '(%d %s)' % (code, name) in result['msg'], result['msg']
        assert result['error'] == {'call': 'AdminAuth.LoginAsSuperadmin', 'code': code, 'name': name}, result
        if blocked:
            assert 'blocks this login' in result['msg'] and 'wrong-password' not in result.printed, result['msg']
            figures.add('survived')
    assert emulator.state() == before


def test_a_lost_answer_to_a_create_that_raced_another_run_leaves_one_copy(emulator, figures):
    """CreateServer's answer is lost while another run created the same server first: the run cannot tell which
    copy is its own, so it keeps the lowest id and deletes the other copy, which no account uses."""
    seed(emulator)
    run = module_task(emulator, 'aurora_mail_server')
    emulator.faults([{'call': 'Mail.CreateServer', 'fault': 'hold', 'when': 'before', 'times': 1}])
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(run, name='raced', incoming_server='mail.raced.example', domains=['raced.example'])
        assert emulator.wait_held(1)
        winner = emulator.add_server('raced')  # the other run's copy: created first, so the lower id
        emulator.faults([{'call': 'Mail.CreateServer', 'fault': 'reset', 'when': 'after', 'times': 1}])
        emulator.release()
        result = running.result()
    assert emulator.fault_rules() == []
    figures.add('injected')
    assert not result.failed, result
    copies = [server for server in emulator.state()['servers'] if server['Name'] == 'raced']
    assert [server['Id'] for server in copies] == [winner]
    deleted = [call['Parameters']['ServerId'] for call in emulator.calls() if call['Method'] == 'DeleteServer']
    assert len(deleted) == 1 and deleted[0] != winner
    assert 'deleted the duplicate id %s' % deleted[0] in result['msg'], result['msg']
    rerun = run(name='raced', incoming_server='mail.raced.example', domains=['raced.example'])
    assert not rerun.failed and not rerun['changed'], rerun
    figures.add('survived')
