"""aurora_mail_servers and aurora_user_accounts, run through their real main() against the Aurora emulator.

The bulk modules must give, item by item, what the single modules give (same changed, msg, diff and failures),
with one login and one listing instead of a lookup per item, and whatever the parallel.
"""

import collections

import pytest

from tests.helpers.module_runner import module_task

IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}
LOGIN = 'LoginAsSuperadmin'
READS = ('LoginAsSuperadmin', 'Login')
HIDDEN = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
# What differs between two runs that did the same: the ids Aurora assigns, timestamps, and the echoed arguments.
VOLATILE = frozenset(('id', 'user_id', 'account_id', 'Id', 'ServerId', 'EntityId', 'CreatedAt', 'UpdatedAt', 'UUID',
                      'invocation'))


# ---- the 50-user + 3-server case -----------------------------------------------------------------

def secret(name):
    return 'Secret-%s-42' % name


def add_user(emulator, email, with_account=True, server_id=1, **account):
    user_id = emulator.api('Core', 'CreateUser', {'TenantId': 0, 'PublicId': email})['Result']
    if with_account:
        params = dict(UserId=user_id, FriendlyName='', Email=email, IncomingLogin=email,
                      IncomingPassword=secret(email.split('@')[0]), Server={'ServerId': server_id})
        params.update(account)
        answer = emulator.api('Mail', 'CreateAccount', params)
        assert answer.get('Result'), answer
    return user_id


def seed(emulator):
    """Servers alpha (1), beta (2), old (3), busy (4); users on alpha to keep, to change, to move and to delete."""
    emulator.settings(IMAP_CHECK_OFF)
    for name in ('alpha', 'beta', 'old', 'busy'):
        emulator.add_server(name)
    add_user(emulator, 'busy@busy.example', server_id=4)
    for number in range(1, 11):
        add_user(emulator, 'keep%02d@alpha.example' % number, FriendlyName='Keep %d' % number)
    for name in ('rename', 'promote', 'disable', 'rotate', 'move', 'leaver'):
        add_user(emulator, '%s@alpha.example' % name, FriendlyName='Old Name')
    add_user(emulator, 'bare@beta.example', with_account=False)


SERVERS = [
    dict(name='alpha', incoming_server='mail.alpha.example', domains=['alpha.example']),  # unchanged
    dict(name='beta', incoming_port=993, incoming_use_ssl=True),  # updated
    dict(name='gamma', incoming_server='mail.gamma.example', domains=['gamma.example']),  # created
    dict(name='old', state='absent'),  # deleted (no account uses it)
    dict(name='delta', incoming_server='mail.delta.example'),  # fails: no domains to create it with
    dict(name='busy', state='absent'),  # fails: an account uses it
]


def new_user(number, **options):
    return dict(email='new%02d@%s.example' % (number, options.pop('domain', 'alpha')), password=secret(number),
                **options)


ACCOUNTS = (
    [new_user(number, server='alpha') for number in range(1, 11)]
    + [new_user(number, domain='beta') for number in range(11, 19)]  # the server Aurora picks for the domain
    + [new_user(number, domain='gamma', server='gamma') for number in range(19, 23)]  # created by the server task
    + [new_user(number, domain='beta', server_id=2) for number in range(23, 27)]
    + [new_user(27, server='alpha', friendly_name='Twenty Seven', role='tenant_admin'),
       new_user(28, server='alpha', disabled=True, incoming_login='Login28'),
       new_user(29, server='alpha'), new_user(30, server='alpha')]
    + [dict(email='keep%02d@alpha.example' % number, friendly_name='Keep %d' % number, server='alpha')
       for number in range(1, 11)]
    + [dict(email='rename@alpha.example', friendly_name='New Name'),
       dict(email='promote@alpha.example', role='tenant_admin'),
       dict(email='disable@alpha.example', disabled=True),
       dict(email='rotate@alpha.example', password=secret('rotated'), update_password='always'),
       dict(email='Move@Alpha.example ', server='beta'),
       dict(email='bare@beta.example', password=secret('bare')),
       dict(email='leaver@alpha.example', state='absent'),
       dict(email='ghost@alpha.example', state='absent'),
       dict(email='lost@alpha.example', password=secret('lost'), server='nope'),  # fails: no such server
       dict(email='nopass@alpha.example', server='alpha')]  # fails: a new account needs a password
)
ACCOUNT_SUMMARY = dict(created=31, updated=5, unchanged=11, deleted=1, failed=2)
SERVER_SUMMARY = dict(created=1, updated=1, unchanged=1, deleted=1, failed=2)
ALL_SECRETS = [item['password'] for item in ACCOUNTS if item.get('password')]


# ---- helpers -------------------------------------------------------------------------------------

def stable(value, volatile=VOLATILE):
    if isinstance(value, dict):
        return dict((key, stable(item, volatile)) for key, item in value.items() if key not in volatile)
    if isinstance(value, list):
        return [stable(item, volatile) for item in value]
    return value


def items_of(result, key, expected_identities):
    """The per-item results without the identifying key, after checking it names the right item."""
    items = []
    for item, identity in zip(result['results'], expected_identities):
        item = dict(item)
        assert item.pop(key) == identity
        items.append(item)
    assert len(items) == len(expected_identities)
    return items


def emails(accounts):
    return [item['email'].strip().lower() for item in accounts]


def names(servers):
    return [item['name'] for item in servers]


def comparable_state(emulator):
    state = emulator.state()
    servers = state['servers'].values() if isinstance(state['servers'], dict) else state['servers']
    server_names = dict((server['Id'], server['Name']) for server in servers)
    return dict(
        servers=sorted((s['Name'], s['IncomingServer'], s['IncomingPort'], s['IncomingUseSsl'], s['Domains'])
                       for s in servers),
        users=sorted((user['PublicId'], user['Role'], user['IsDisabled']) for user in state['users']),
        accounts=sorted((a['Email'], a['FriendlyName'], a['IncomingLogin'], a['IncomingPassword'],
                         server_names.get(a['ServerId']), a['UseToAuthorize']) for a in state['accounts']),
    )


def methods(calls):
    return collections.Counter(call['Method'] for call in calls)


def writes(calls):
    return [call for call in calls if not call['Method'].startswith('Get') and call['Method'] not in READS]


def assert_no_secret(*results):
    for result in results:
        for value in ALL_SECRETS + [secret('rotated')]:
            assert value not in result.printed


@pytest.fixture
def bulk(emulator, through):
    path = through(emulator)
    return dict(servers=module_task(emulator, 'aurora_mail_servers', path),
                accounts=module_task(emulator, 'aurora_user_accounts', path))


@pytest.fixture
def single(emulator):
    return dict(servers=module_task(emulator, 'aurora_mail_server'), accounts=module_task(emulator, 'aurora_user_account'))


def run_bulk(bulk, parallel, **modes):
    servers = bulk['servers'](servers=SERVERS, parallel=parallel, **modes)
    accounts = bulk['accounts'](accounts=ACCOUNTS, parallel=parallel, **modes)
    return servers, accounts


# ---- the same results as the single modules ------------------------------------------------------

def test_results_equal_the_single_modules_results_whatever_the_parallel(emulator, bulk, single):
    seed(emulator)
    single_servers = [stable(single['servers'](diff=True, **item)) for item in SERVERS]
    single_accounts = [stable(single['accounts'](diff=True, **item)) for item in ACCOUNTS]
    single_state = comparable_state(emulator)
    assert [item.get('failed', False) for item in single_accounts].count(True) == 2

    for parallel in (1, 8):
        emulator.reset()
        seed(emulator)
        servers, accounts = run_bulk(bulk, parallel, diff=True)
        assert stable(items_of(servers, 'name', names(SERVERS))) == single_servers
        assert stable(items_of(accounts, 'email', emails(ACCOUNTS))) == single_accounts
        assert comparable_state(emulator) == single_state

        assert (servers['summary'], accounts['summary']) == (SERVER_SUMMARY, ACCOUNT_SUMMARY)
        assert servers.failed and accounts.failed and servers['changed'] and accounts['changed']
        assert_no_secret(servers, accounts)


def test_a_failed_item_fails_the_task_naming_it_and_the_others_are_done(emulator, bulk):
    seed(emulator)
    dummy, accounts = run_bulk(bulk, 4)
    assert accounts.failed and accounts['changed']
    assert accounts['msg'].startswith('2 of 50 accounts failed: ')
    assert "accounts[48] 'lost@alpha.example': server: no mail server named 'nope'" in accounts['msg']
    assert "accounts[49] 'nopass@alpha.example': password is required" in accounts['msg']
    assert accounts['msg'].endswith('The others: 31 created, 5 updated, 11 unchanged, 1 deleted')
    failed = [item['email'] for item in accounts['results'] if item.get('failed')]
    assert failed == ['lost@alpha.example', 'nopass@alpha.example']
    assert len([user for user in emulator.state()['users'] if user['PublicId'].startswith('new')]) == 30


def test_imap_refusals_are_reported_together_and_roll_back_only_their_user(emulator, imap_stub, bulk):
    stub_id = emulator.add_server('stub', IncomingServer='127.0.0.1', IncomingPort=imap_stub.port)
    good = []
    for number in range(4):
        imap_stub.add_user('ok%d@stub.example' % number, secret(number))
        good.append(dict(email='ok%d@stub.example' % number, password=secret(number), server_id=stub_id))
    accounts = good[:2] + [dict(email='wrong@stub.example', password=secret('wrong'))] + good[2:]
    result = bulk['accounts'](accounts=accounts, parallel=4)
    assert result.failed and result['changed']
    assert result['summary'] == dict(created=4, updated=0, unchanged=0, deleted=0, failed=1)
    refused = result['results'][2]
    assert (refused['email'], refused['changed'], refused['error']['code']) == ('wrong@stub.example', False, 4002)
    assert 'deleted again' in refused['msg'] and "accounts[2] 'wrong@stub.example'" in result['msg']
    assert sorted(user['PublicId'] for user in emulator.state()['users']) == ['ok%d@stub.example' % n for n in range(4)]
    assert secret('wrong') not in result.printed and secret(0) not in result.printed


# ---- check mode, reruns and the calls made -------------------------------------------------------

def test_check_mode_writes_nothing_and_predicts_the_real_run(emulator, bulk):
    seed(emulator)
    start = len(emulator.calls())
    before = emulator.state()
    predicted = bulk['servers'](servers=SERVERS, check_mode=True, diff=True)
    assert emulator.state() == before and writes(emulator.calls()[start:]) == []
    real = bulk['servers'](servers=SERVERS, diff=True)
    for guess, done in zip(predicted['results'], real['results']):
        if guess.get('server'):  # a predicted server holds only the fields that can be known before Aurora answers
            done = dict(done, server=dict((key, done['server'][key]) for key in guess['server']))
        assert stable(guess, VOLATILE | {'server_id'}) == stable(done, VOLATILE | {'server_id'})

    start = len(emulator.calls())
    before = emulator.state()
    predicted = bulk['accounts'](accounts=ACCOUNTS, check_mode=True, diff=True, parallel=8)
    assert emulator.state() == before and writes(emulator.calls()[start:]) == []
    real = bulk['accounts'](accounts=ACCOUNTS, diff=True, parallel=8)
    assert stable(predicted['results']) == stable(real['results'])
    assert (predicted['summary'], predicted['msg'], stable(predicted['diff'])) == \
        (real['summary'], real['msg'], stable(real['diff']))


def test_a_check_run_of_chained_tasks_predicts_the_real_run_with_the_plans_passed_on(emulator, bulk):
    """planned and account_moves carry what check mode did not do from one task to the next."""
    seed(emulator)
    emulator.add_server('retired')  # id 5
    add_user(emulator, 'moving@retired.example', server_id=5)
    add_user(emulator, 'leaving@retired.example', server_id=5)
    emulator.add_server('target')  # id 6: an account arrives on it, so it cannot go
    present = [item for item in SERVERS if item.get('state') != 'absent' and item['name'] != 'delta']
    accounts = [item for item in ACCOUNTS if item['email'] not in FAILING] + [
        dict(email='moving@retired.example', server='alpha'),
        dict(email='leaving@retired.example', state='absent'),
        dict(email='arriving@target.example', password=secret('arriving'), server='target')]
    absent = [dict(name='retired', state='absent'), dict(name='target', state='absent')]

    def chain(**modes):
        servers = bulk['servers'](servers=present, diff=True, **modes)
        users = bulk['accounts'](accounts=accounts, diff=True, planned=servers['planned'], **modes)
        deleted = bulk['servers'](servers=absent, diff=True, planned_account_moves=users['account_moves'], **modes)
        return servers, users, deleted

    unaware = bulk['accounts'](accounts=accounts, check_mode=True)
    assert [item['email'] for item in unaware['results'] if item.get('failed')] == \
        ['new%02d@gamma.example' % number for number in range(19, 23)]
    before = emulator.state()
    checked = chain(check_mode=True)
    assert emulator.state() == before
    assert [(server['kind'], server['name']) for server in checked[0]['planned']] == \
        [('mail_server', 'beta'), ('mail_server', 'gamma')]
    real = chain()
    assert (real[0]['planned'], real[1]['planned'], real[1]['account_moves']) == ([], [], [])
    ids = VOLATILE | {'server_id', 'server', 'planned', 'account_moves'}
    for guess, done in zip(checked[1:], real[1:]):
        assert (guess['summary'], guess['msg']) == (done['summary'], done['msg'])
        assert stable(guess['results'], ids) == stable(done['results'], ids)
    assert checked[2]['summary'] == dict(created=0, updated=0, unchanged=0, deleted=1, failed=1)
    assert "'target' (id 6): 1 mail account(s) use it (arriving@target.example)" in checked[2]['msg']


FAILING = ('lost@alpha.example', 'nopass@alpha.example', 'delta', 'busy')


def steady(items):
    """The items whose second run changes nothing (no failure, no password sent on every run)."""
    return [item for item in items if item.get('update_password') != 'always'
            and item.get('email', item.get('name')) not in FAILING]


def test_rerun_makes_only_the_reads_of_the_floor(emulator, bulk):
    """One login (none in-process) and one listing per module, then one GetAccounts per existing user: nothing else."""
    seed(emulator)
    servers, accounts = steady(SERVERS), steady(ACCOUNTS)
    assert not bulk['servers'](servers=servers, parallel=8).failed
    assert not bulk['accounts'](accounts=accounts, parallel=8).failed
    existing = len([user for user in emulator.state()['users'] if user['PublicId'] in emails(accounts)])

    login = {LOGIN: 1} if bulk['servers'].transport == 'web' else {}  # Aurora's PHP API needs none
    emulator.calls_clear()
    rerun_servers = bulk['servers'](servers=servers, parallel=8)
    assert methods(emulator.calls()) == dict(login, GetServers=1)
    emulator.calls_clear()
    rerun_accounts = bulk['accounts'](accounts=accounts, parallel=8)
    assert methods(emulator.calls()) == dict(login, GetUsers=1, GetServers=1, GetAccounts=existing)

    for result, count in ((rerun_servers, len(servers)), (rerun_accounts, len(accounts))):
        assert not result['changed'] and not result.failed
        assert result['summary'] == dict(created=0, updated=0, unchanged=count, deleted=0, failed=0)
        assert 'diff' not in result and all('diff' not in item for item in result['results'])
    assert rerun_accounts['msg'] == '%d accounts: %d unchanged' % (len(accounts), len(accounts))


def test_the_server_of_a_domain_is_asked_once_per_domain(emulator, bulk):
    emulator.settings(IMAP_CHECK_OFF)
    emulator.add_server('alpha')
    emulator.add_server('beta')
    accounts = [new_user(number, domain=('alpha', 'beta')[number % 2]) for number in range(6)]
    result = bulk['accounts'](accounts=accounts, parallel=3)
    assert result['summary']['created'] == 6
    assert methods(emulator.calls())['GetMailServerByDomain'] == 2
    assert 'GetServers' not in methods(emulator.calls())  # no item names its server


def test_accounts_are_scanned_once_for_all_the_servers_to_delete(emulator, bulk):
    emulator.settings(IMAP_CHECK_OFF)
    for name in ('unused1', 'used', 'unused2'):
        emulator.add_server(name)
    add_user(emulator, 'someone@used.example', server_id=2)
    add_user(emulator, 'another@unused1.example', with_account=False)
    emulator.calls_clear()
    result = bulk['servers'](servers=[dict(name=name, state='absent') for name in ('unused1', 'used', 'unused2')])
    assert result.failed and result['summary'] == dict(created=0, updated=0, unchanged=0, deleted=2, failed=1)
    assert 'refusing to delete mail server' in result['results'][1]['msg']
    assert result['results'][1]['blocking_accounts'] == ['someone@used.example']
    assert "servers[1] 'used'" in result['msg']
    calls = methods(emulator.calls())
    assert (calls['GetUsers'], calls['GetAccounts'], calls['DeleteServer']) == (1, 2, 2)


# ---- validation, secrets, output -----------------------------------------------------------------

def test_invalid_items_fail_the_task_before_any_call_listing_each(emulator, bulk):
    accounts = [
        dict(email='ann@x.example', password='pw-ann'),
        dict(email='not-an-email'),
        dict(email=' Ann@X.example', password='pw-ann2'),
        dict(email='bob@x.example', server='a', server_id=2),
        dict(email='cy@x.example', password=''),
    ]
    result = bulk['accounts'](accounts=accounts)
    assert result.failed and result['changed'] is False
    assert result['msg'].startswith('4 problem(s) in accounts, nothing was changed: ')
    for expected in ("accounts[1] 'not-an-email': email 'not-an-email' is not an address",
                     "accounts[2] 'ann@x.example': the same email as accounts[0] 'ann@x.example'",
                     "accounts[3] 'bob@x.example': server and server_id are mutually exclusive",
                     "accounts[4] 'cy@x.example': password must not be empty"):
        assert expected in result['msg']

    servers = [
        dict(name='a', incoming_server='mail.a.example', domains=['a.example']),
        dict(name='b', incoming_port=70000, domains=['bad domain']),
        dict(name='a'),
    ]
    result = bulk['servers'](servers=servers)
    assert result.failed and result['changed'] is False
    for expected in ("servers[1] 'b': incoming_port must be a port number from 1 to 65535, got 70000",
                     "servers[1] 'b': domains: 'bad domain' is not a domain name",
                     "servers[2] 'a': the same name as servers[0] 'a'"):
        assert expected in result['msg']
    assert emulator.calls() == []


def test_secrets_are_hidden_in_the_echoed_arguments_and_everywhere_else(emulator, bulk):
    seed(emulator)
    relay = dict(name='relay', incoming_server='mail.relay.example', domains=['relay.example'],
                 smtp_auth_type='specified_credentials', smtp_login='relay', smtp_password='Relay-Secret-99')
    servers = bulk['servers'](servers=[relay], diff=True, invocation=True)
    accounts = bulk['accounts'](accounts=ACCOUNTS[:3] + [ACCOUNTS[-2]], diff=True, invocation=True)
    assert servers['invocation']['module_args']['servers'][0]['smtp_password'] == HIDDEN
    assert [item['password'] for item in accounts['invocation']['module_args']['accounts']] == [HIDDEN] * 4
    if bulk['accounts'].transport == 'web':
        assert accounts['invocation']['module_args']['api_password'] == HIDDEN
    assert 'Relay-Secret-99' not in servers.printed
    assert_no_secret(accounts)
    assert emulator.admin_password not in servers.printed + accounts.printed


def test_diff_lists_each_changed_item_under_its_name(emulator, bulk):
    seed(emulator)
    result = bulk['accounts'](accounts=[dict(email='keep01@alpha.example', friendly_name='Keep 1'),
                                        dict(email='rename@alpha.example', friendly_name='New Name')], diff=True)
    [diff] = result['diff']
    assert (diff['before_header'], diff['after_header']) == ("accounts[1] 'rename@alpha.example'",) * 2
    assert (diff['before']['friendly_name'], diff['after']['friendly_name']) == ('Old Name', 'New Name')
    assert diff['before'] == result['results'][1]['diff']['before']
    assert result['results'][0]['diff']['before'] == result['results'][0]['diff']['after']


def test_an_empty_list_makes_no_call(emulator, bulk):
    for kind, option in (('servers', 'servers'), ('accounts', 'accounts')):
        result = bulk[kind](**{option: []})
        assert (result['changed'], result['results'], result.failed) == (False, [], False)
    assert emulator.calls() == []


def test_parallel_must_be_at_least_one(emulator, bulk):
    result = bulk['accounts'](accounts=[dict(email='ann@x.example')], parallel=0)
    assert result.failed and 'parallel must be at least 1' in result['msg']
    assert emulator.calls() == []
