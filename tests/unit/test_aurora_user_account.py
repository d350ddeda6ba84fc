"""Behaviour of aurora_user_account, run through its real main() against the Aurora emulator over a socket."""

import pytest

from ansible_collections.afterlogic.aurora.plugins.module_utils._api import AuroraClient
from ansible_collections.afterlogic.aurora.plugins.module_utils._client import item_client
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import server_map
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account import UserAccount, lookup
from tests.helpers.module_runner import module_task, web_api_only
from tests.helpers.tutorial import TUTORIAL_SERVER_FIELDS

EMAIL = 'user@mydomain.com'
PASSWORD = 'passwordhere'
NEW_PASSWORD = 'Another-Secret-42'
LOGINS = ('LoginAsSuperadmin', 'Login')
IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}
SERVER_ID = 1  # the first server of a fresh database


# ---- helpers -------------------------------------------------------------------------------------

@pytest.fixture
def run(emulator, through):
    """run(check_mode=False, diff=False, **options) -> the module's result, through each transport."""
    return module_task(emulator, 'aurora_user_account', through(emulator))


@pytest.fixture
def aurora(emulator):
    """The emulator with the tutorial's server and Aurora's IMAP check off."""
    emulator.settings(IMAP_CHECK_OFF)
    assert add_server(emulator) == SERVER_ID
    return emulator


def add_server(emulator, **fields):
    answer = emulator.api('Mail', 'CreateServer', dict(TUTORIAL_SERVER_FIELDS, **fields))
    return answer['Result']


def add_user(emulator, email=EMAIL, **fields):
    return emulator.api('Core', 'CreateUser', dict({'TenantId': 0, 'PublicId': email}, **fields))['Result']


def add_account(emulator, user_id, email=EMAIL, server_id=1, **fields):
    params = {'UserId': user_id, 'FriendlyName': '', 'Email': email, 'IncomingLogin': email,
              'IncomingPassword': PASSWORD, 'Server': {'ServerId': server_id}}
    params.update(fields)
    answer = emulator.api('Mail', 'CreateAccount', params)
    assert 'Result' in answer and answer['Result'], answer
    return answer['Result']['AccountID']


def stored(emulator, kind):
    return emulator.state()[kind]


def only(emulator, kind):
    rows = stored(emulator, kind)
    assert len(rows) == 1, rows
    return rows[0]


def call_count(emulator):
    return len(emulator.calls())


def calls_since(emulator, start, method=None):
    return [call for call in emulator.calls()[start:] if method is None or call['Method'] == method]


def writes_since(emulator, start):
    return [call for call in calls_since(emulator, start)
            if not call['Method'].startswith('Get') and call['Method'] not in LOGINS]


def assert_clean_failure(result):
    assert result.failed, result
    assert result['changed'] is False, result
    assert 'Traceback' not in result['msg']
    assert PASSWORD not in result.printed and NEW_PASSWORD not in result.printed


# ---- the tutorial --------------------------------------------------------------------------------

def test_tutorial_user_is_created_then_unchanged(aurora, run):
    first = run(email=EMAIL, password=PASSWORD, server='mydomain')
    assert not first.failed, first
    assert (first['changed'], first['msg'], first['created'], first['password_changed']) == (True, 'created', True, True)
    assert first['user'] == {'id': first['user_id'], 'public_id': EMAIL, 'role': 'user', 'disabled': False,
                             'tenant_id': None}
    assert first['account'] == {
        'id': first['account_id'], 'user_id': first['user_id'], 'email': EMAIL, 'friendly_name': '',
        'incoming_login': EMAIL, 'incoming_password': '*****', 'server': 'mydomain', 'server_id': SERVER_ID,
        'use_to_authorize': True,
    }
    user, account = only(aurora, 'users'), only(aurora, 'accounts')
    assert (user['PublicId'], user['Role'], user['IsDisabled']) == (EMAIL, 2, False)
    assert (account['IdUser'], account['Email'], account['IncomingLogin']) == (user['Id'], EMAIL, EMAIL)
    assert (account['IncomingPassword'], account['ServerId'], account['UseToAuthorize']) == (PASSWORD, 1, True)

    start = call_count(aurora)
    second = run(email=EMAIL, password=PASSWORD, server='mydomain')
    assert (second['changed'], second['msg'], second['created'], second['password_changed']) == \
        (False, 'unchanged', False, False)
    assert (second['user'], second['account']) == (first['user'], first['account'])
    assert writes_since(aurora, start) == []


def test_the_create_calls_carry_what_aurora_needs(aurora, run):
    web_api_only(run)
    start = call_count(aurora)
    run(email='  Ann.Lee@MyDomain.com ', password=PASSWORD, friendly_name='Ann', role='tenant_admin', disabled=True)
    create_user, create_account = writes_since(aurora, start)
    assert create_user['Method'] == 'CreateUser'
    assert create_user['Parameters'] == {'TenantId': 0, 'PublicId': 'ann.lee@mydomain.com', 'Role': 1,
                                         'IsDisabled': True}
    assert create_account['Method'] == 'CreateAccount'
    assert create_account['Parameters'] == {
        'UserId': only(aurora, 'users')['Id'], 'FriendlyName': 'Ann', 'Email': 'ann.lee@mydomain.com',
        'IncomingLogin': 'ann.lee@mydomain.com', 'IncomingPassword': PASSWORD, 'Server': {'ServerId': 1}}


def test_server_is_found_by_the_domain_when_not_given(aurora, run):
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD)
    assert (result['msg'], result['account']['server']) == ('created', 'mydomain')
    lookups = calls_since(aurora, start, 'GetMailServerByDomain')
    assert [call['Parameters'] for call in lookups] == [{'Domain': 'mydomain.com', 'AllowWildcardDomain': True}]


def test_server_by_id(aurora, run):
    result = run(email=EMAIL, password=PASSWORD, server_id=SERVER_ID)
    assert (result['msg'], result['account']['server_id']) == ('created', SERVER_ID)


# ---- existing users and accounts -----------------------------------------------------------------

def test_user_without_account_gets_its_account(aurora, run):
    user_id = add_user(aurora)
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD, server='mydomain')
    assert (result['changed'], result['msg'], result['created']) == (True, 'created account for existing user', True)
    assert result['user_id'] == user_id
    assert [call['Method'] for call in writes_since(aurora, start)] == ['CreateAccount']
    assert only(aurora, 'accounts')['IdUser'] == user_id


def test_drifted_friendly_name_is_corrected_and_login_account_kept(aurora, run):
    account_id = add_account(aurora, add_user(aurora), FriendlyName='Someone')
    start = call_count(aurora)
    result = run(email=EMAIL, friendly_name='Ann')
    assert (result['changed'], result['msg']) == (True, "updated: friendly_name 'Someone'\u2192'Ann'")
    assert result['account']['friendly_name'] == 'Ann'
    [update] = writes_since(aurora, start)
    assert (update['Method'], update['Parameters']) == \
        ('UpdateAccount', {'AccountID': account_id, 'UseToAuthorize': True, 'FriendlyName': 'Ann'})
    account = only(aurora, 'accounts')
    assert (account['FriendlyName'], account['UseToAuthorize']) == ('Ann', True)


def test_options_the_task_leaves_out_are_not_touched(aurora, run):
    add_account(aurora, add_user(aurora, Role=1, IsDisabled=True), FriendlyName='Someone',
                IncomingLogin='custom-login')
    start = call_count(aurora)
    result = run(email=EMAIL, password=NEW_PASSWORD)
    assert (result['changed'], result['msg']) == (False, 'unchanged')
    assert writes_since(aurora, start) == []
    assert result['user'] == {'id': result['user_id'], 'public_id': EMAIL, 'role': 'tenant_admin', 'disabled': True,
                              'tenant_id': None}


def test_incoming_login_is_compared_ignoring_case(aurora, run):
    add_account(aurora, add_user(aurora), IncomingLogin='jdoe')
    assert run(email=EMAIL, incoming_login='JDoe')['msg'] == 'unchanged'
    changed = run(email=EMAIL, incoming_login='john')
    assert changed['msg'] == "updated: incoming_login 'jdoe'\u2192'john'"
    assert only(aurora, 'accounts')['IncomingLogin'] == 'john'


@pytest.mark.parametrize('by', ['server', 'server_id'])
def test_account_moves_to_another_server(aurora, run, by):
    add_account(aurora, add_user(aurora))
    other_id = add_server(aurora, Name='other', IncomingServer='imap.other.example', Domains='other.example')
    target = {'server': 'other'} if by == 'server' else {'server_id': other_id}
    start = call_count(aurora)
    result = run(email=EMAIL, **target)
    expected = "server 'mydomain'\u2192'other'" if by == 'server' else 'server_id 1\u2192%d' % other_id
    assert (result['changed'], result['msg']) == (True, 'updated: ' + expected)
    assert (result['account']['server'], result['account']['server_id']) == ('other', other_id)
    [update] = writes_since(aurora, start)
    assert update['Parameters']['Server'] == {'ServerId': other_id}
    assert update['Parameters']['UseToAuthorize'] is True
    account = only(aurora, 'accounts')
    assert (account['ServerId'], account['UseToAuthorize']) == (other_id, True)
    assert run(email=EMAIL, **target)['msg'] == 'unchanged'


def test_update_password_on_create_keeps_the_stored_password(aurora, run):
    run(email=EMAIL, password=PASSWORD)
    result = run(email=EMAIL, password=NEW_PASSWORD)
    assert (result['changed'], result['password_changed']) == (False, False)
    assert only(aurora, 'accounts')['IncomingPassword'] == PASSWORD
    assert NEW_PASSWORD not in result.printed


def test_update_password_always_sets_it(aurora, run):
    run(email=EMAIL, password=PASSWORD)
    result = run(email=EMAIL, password=NEW_PASSWORD, update_password='always', diff=True)
    assert (result['changed'], result['password_changed'], result['msg']) == \
        (True, True, 'updated: password (new value)')
    assert (result['diff']['before']['password'], result['diff']['after']['password']) == \
        ('<hidden>', '<hidden, changed>')
    account = only(aurora, 'accounts')
    assert (account['IncomingPassword'], account['UseToAuthorize']) == (NEW_PASSWORD, True)
    assert NEW_PASSWORD not in result.printed and PASSWORD not in result.printed


def test_role_and_disabled_are_changed_through_update_user(aurora, run):
    user_id = add_user(aurora)
    add_account(aurora, user_id)
    start = call_count(aurora)
    result = run(email=EMAIL, role='tenant_admin', disabled=True)
    assert (result['changed'], result['msg']) == \
        (True, "updated: disabled false\u2192true, role 'user'\u2192'tenant_admin'")
    assert result['user'] == {'id': user_id, 'public_id': EMAIL, 'role': 'tenant_admin', 'disabled': True,
                              'tenant_id': None}
    [update] = writes_since(aurora, start)
    assert (update['Method'], update['Parameters']) == ('UpdateUser', {'UserId': user_id, 'Role': 1, 'IsDisabled': True})
    user = only(aurora, 'users')
    assert (user['Role'], user['IsDisabled']) == (1, True)
    assert run(email=EMAIL, role='tenant_admin', disabled=True)['msg'] == 'unchanged'


# ---- the IMAP check and the one-account limit ----------------------------------------------------

@pytest.fixture
def imap_server(emulator, imap_stub):
    """A mail server for mydomain.com on the IMAP stub, which knows EMAIL with PASSWORD; the IMAP check is on."""
    imap_stub.add_user(EMAIL, PASSWORD)
    assert add_server(emulator, IncomingServer='127.0.0.1', IncomingPort=imap_stub.port) == SERVER_ID
    return imap_stub


def test_wrong_password_fails_cleanly_and_leaves_no_user(emulator, imap_server, run):
    result = run(email=EMAIL, password=NEW_PASSWORD)
    assert_clean_failure(result)
    assert '4002' in result['msg'] and 'CannotLoginCredentialsIncorrect' in result['msg']
    assert '127.0.0.1:%d' % imap_server.port in result['msg']
    assert 'DoImapLoginOnAccountCreate' in result['msg'] and 'Mail.config.json' in result['msg']
    assert 'deleted again' in result['msg']
    assert result['error']['code'] == 4002
    assert stored(emulator, 'users') == [] and stored(emulator, 'accounts') == []
    assert imap_server.attempts == [(EMAIL, NEW_PASSWORD, False)]


def test_right_password_against_the_imap_server_creates_the_account(emulator, imap_server, run):
    result = run(email=EMAIL, password=PASSWORD)
    assert not result.failed, result
    assert result['msg'] == 'created'
    assert only(emulator, 'accounts')['IncomingPassword'] == PASSWORD


def test_unreachable_imap_host_fails_cleanly_and_leaves_no_user(emulator, run):
    add_server(emulator, Name='unreach', IncomingServer='mail.unreach.invalid', Domains='unreach.invalid')
    result = run(email='u2@unreach.invalid', password=PASSWORD)
    assert_clean_failure(result)
    assert '4001' in result['msg'] and 'mail.unreach.invalid:143' in result['msg']
    assert stored(emulator, 'users') == []


def test_one_account_limit_fails_before_writing(aurora, run):
    user_id = add_user(aurora)
    add_account(aurora, user_id, email='other@mydomain.com')
    before = aurora.state()
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD)
    assert_clean_failure(result)
    assert 'other@mydomain.com' in result['msg'] and 'one mail account per user' in result['msg']
    assert 'MailMultiAccountsPlugin' in result['msg']
    assert writes_since(aurora, start) == []
    assert aurora.state() == before


def test_second_account_is_added_when_aurora_allows_several(aurora, run):
    aurora.settings({'MailMultiAccountsPlugin': {'Enabled': True}})
    user_id = add_user(aurora)
    add_account(aurora, user_id, email='other@mydomain.com')
    result = run(email=EMAIL, password=PASSWORD)
    assert result['msg'] == 'created account for existing user'
    assert sorted(account['Email'] for account in stored(aurora, 'accounts')) == ['other@mydomain.com', EMAIL]


def test_refused_second_account_is_explained_when_the_limit_could_not_be_read(aurora, run):
    add_account(aurora, add_user(aurora), email='other@mydomain.com')
    before = aurora.state()
    aurora.faults({'call': 'Mail.GetSettings', 'fault': 'http500', 'times': 10})
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD, timeout=2)
    assert_clean_failure(result)
    assert 'Result: false' in result['msg']
    assert 'other@mydomain.com' in result['msg'] and 'one mail account per user' in result['msg']
    assert len(calls_since(aurora, start, 'CreateAccount')) == 1
    assert aurora.state() == before


# ---- absent --------------------------------------------------------------------------------------

def test_absent_deletes_then_reports_absent(aurora, run):
    user_id = add_user(aurora)
    add_account(aurora, user_id)
    first = run(email=EMAIL, state='absent', diff=True)
    assert (first['changed'], first['msg'], first['user'], first['account']) == (True, 'deleted', None, None)
    assert first['diff']['before']['email'] == EMAIL and first['diff']['after'] == {}
    assert stored(aurora, 'users') == [] and stored(aurora, 'accounts') == []
    start = call_count(aurora)
    second = run(email=EMAIL, state='absent')
    assert (second['changed'], second['msg']) == (False, 'absent')
    assert calls_since(aurora, start, 'DeleteUser') == []


def test_lost_answer_to_delete_user_is_resolved_by_reading_again(aurora, run):
    add_account(aurora, add_user(aurora))
    aurora.faults({'call': 'Core.DeleteUser', 'fault': 'http500', 'when': 'after'})
    start = call_count(aurora)
    result = run(email=EMAIL, state='absent')
    assert (result.failed, result['changed'], result['msg']) == (False, True, 'deleted')
    assert len(calls_since(aurora, start, 'DeleteUser')) == 1
    assert stored(aurora, 'users') == []


# ---- check mode and diff -------------------------------------------------------------------------

def comparable(result):
    """What check mode must predict exactly: everything but the ids Aurora assigns on creation."""
    fields = dict((key, result[key]) for key in ('changed', 'msg', 'diff', 'created', 'password_changed'))
    fields['user'] = dict(result['user'] or {}, id=None)
    fields['account'] = dict(result['account'] or {}, id=None, user_id=None)
    return fields


def add_drifted_account(emulator):
    add_account(emulator, add_user(emulator), FriendlyName='Someone')
    add_server(emulator, Name='other', Domains='other.example')


SCENARIOS = {
    'create': (lambda emulator: None, dict(email=EMAIL, password=PASSWORD, friendly_name='Ann', role='tenant_admin')),
    'account for existing user': (add_user, dict(email=EMAIL, password=PASSWORD, disabled=True)),
    'update': (add_drifted_account, dict(email=EMAIL, password=NEW_PASSWORD, update_password='always',
                                         friendly_name='Ann', server='other', role='tenant_admin')),
    'unchanged': (add_drifted_account, dict(email=EMAIL, friendly_name='Someone')),
    'delete': (add_drifted_account, dict(email=EMAIL, state='absent')),
    'absent': (lambda emulator: None, dict(email=EMAIL, state='absent')),
}


@pytest.mark.parametrize('scenario', sorted(SCENARIOS))
def test_check_mode_writes_nothing_and_predicts_the_real_run(aurora, run, scenario):
    prepare, options = SCENARIOS[scenario]
    prepare(aurora)
    before = aurora.state()
    start = call_count(aurora)
    predicted = run(check_mode=True, diff=True, **options)
    assert not predicted.failed, predicted
    assert writes_since(aurora, start) == []
    assert aurora.state() == before
    real = run(diff=True, **options)
    assert not real.failed, real
    assert comparable(predicted) == comparable(real)
    assert PASSWORD not in predicted.printed + real.printed
    assert NEW_PASSWORD not in predicted.printed + real.printed


def test_check_mode_leaves_unknown_ids_null(aurora, run):
    predicted = run(check_mode=True, email=EMAIL, password=PASSWORD)
    assert (predicted['user_id'], predicted['account_id'], predicted['user']['id'], predicted['account']['id']) == \
        (None, None, None, None)


def test_diff_only_in_diff_mode_and_without_secrets(aurora, run):
    assert 'diff' not in run(email=EMAIL, password=PASSWORD, check_mode=True)
    result = run(email=EMAIL, password=PASSWORD, diff=True)
    assert result['diff'] == {'before': {}, 'after': {
        'email': EMAIL, 'role': 'user', 'disabled': False, 'server': 'mydomain', 'server_id': 1,
        'friendly_name': '', 'incoming_login': EMAIL, 'password': '<hidden, changed>'}}


# ---- failures before any write -------------------------------------------------------------------

def test_no_server_for_the_domain_fails_before_any_write(emulator, run):
    emulator.settings(IMAP_CHECK_OFF)
    add_server(emulator)
    start = call_count(emulator)
    result = run(email='someone@nowhere.example', password=PASSWORD)
    assert_clean_failure(result)
    assert 'no mail server serves the domain nowhere.example' in result['msg']
    assert writes_since(emulator, start) == []
    assert stored(emulator, 'users') == []


def test_unknown_server_name_fails_before_any_write(aurora, run):
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD, server='nosuchserver')
    assert_clean_failure(result)
    assert "no mail server named 'nosuchserver'" in result['msg']
    assert writes_since(aurora, start) == []


def test_duplicate_server_names_fail_with_their_ids(aurora, run):
    second_id = add_server(aurora)
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD, server='mydomain')
    assert_clean_failure(result)
    assert 'ids %d, %d' % (SERVER_ID, second_id) in result['msg']
    assert writes_since(aurora, start) == []


def test_unknown_server_id_fails_before_any_write(aurora, run):
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD, server_id=99)
    assert_clean_failure(result)
    assert 'server_id' in result['msg'] and '99' in result['msg']
    assert writes_since(aurora, start) == []


def test_password_is_required_to_create(aurora, run):
    start = call_count(aurora)
    result = run(email=EMAIL)
    assert_clean_failure(result)
    assert 'password is required' in result['msg']
    assert writes_since(aurora, start) == []


@pytest.mark.parametrize('options, option_named', [
    (dict(email='no-at-sign.example'), 'email'),
    (dict(email='two@at@mydomain.com'), 'email'),
    (dict(email='@mydomain.com'), 'email'),
    (dict(email='user@'), 'email'),
    (dict(email='bad name@mydomain.com'), 'email'),
    (dict(email='   '), 'email'),
    (dict(email=EMAIL, role='admin'), 'role'),
    (dict(email=EMAIL, state='gone'), 'state'),
    (dict(email=EMAIL, update_password='sometimes'), 'update_password'),
    (dict(email=EMAIL, server='mydomain', server_id=1), 'server'),
    (dict(email=EMAIL, server_id=0), 'server_id'),
    (dict(email=EMAIL, server=' '), 'server'),
    (dict(email=EMAIL, password=''), 'password'),
    (dict(email=EMAIL, incoming_login=''), 'incoming_login'),
])
def test_invalid_input_fails_without_any_api_call(emulator, run, options, option_named):
    result = run(**options)
    assert result.failed, result
    assert option_named in result['msg']
    assert emulator.calls() == []


# ---- lost answers --------------------------------------------------------------------------------

def test_lost_answer_to_create_account_is_resolved_by_reading_again(aurora, run):
    aurora.faults({'call': 'Mail.CreateAccount', 'fault': 'http500', 'when': 'after'})
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD)
    assert not result.failed, result
    assert (result['changed'], result['msg']) == (True, 'created')
    assert result['account']['id'] == only(aurora, 'accounts')['Id']
    assert len(calls_since(aurora, start, 'CreateAccount')) == 1
    assert only(aurora, 'users')['Id'] == only(aurora, 'accounts')['IdUser']
    assert run(email=EMAIL, password=PASSWORD)['msg'] == 'unchanged'


def test_lost_answer_to_create_user_is_resolved_by_reading_again(aurora, run):
    aurora.faults({'call': 'Core.CreateUser', 'fault': 'http500', 'when': 'after'})
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD)
    assert (result['changed'], result['msg'], result['user_id']) == (True, 'created', only(aurora, 'users')['Id'])
    assert len(calls_since(aurora, start, 'CreateUser')) == 1
    assert only(aurora, 'accounts')['IdUser'] == result['user_id']


def test_create_account_that_never_happened_is_rolled_back(aurora, run):
    aurora.faults({'call': 'Mail.CreateAccount', 'fault': 'http500', 'when': 'before'})
    start = call_count(aurora)
    result = run(email=EMAIL, password=PASSWORD)
    assert_clean_failure(result)
    assert 'was not created' in result['msg'] and 'deleted again' in result['msg']
    assert stored(aurora, 'users') == [] and stored(aurora, 'accounts') == []
    assert len(calls_since(aurora, start, 'CreateAccount')) == 1
    assert run(email=EMAIL, password=PASSWORD)['msg'] == 'created'


def test_password_never_printed_even_on_failure(emulator, imap_server, run):
    failed = run(email=EMAIL, password=NEW_PASSWORD, diff=True)
    created = run(email=EMAIL, password=PASSWORD, diff=True)
    updated = run(email=EMAIL, password=NEW_PASSWORD, update_password='always', diff=True)
    for result in (failed, created, updated):
        assert PASSWORD not in result.printed and NEW_PASSWORD not in result.printed, result.printed


# ---- reuse by a module that handles many users ---------------------------------------------------

def ensure_user_account(client, params, users=None, servers=None):
    """The kind's find, plan and apply for one user, with the listings a bulk task reads once given."""
    kind = UserAccount()
    wanted = kind.wanted(params)
    return kind.apply(item_client(client), kind.plan(wanted, lookup(client, wanted, users, servers)))


def test_prefetched_listings_are_used_and_aurora8_users_completed(aurora):
    """One user listing and one server map for many users; Aurora 8 listings lack Role and IsDisabled."""
    add_account(aurora, add_user(aurora, Role=1))
    client = AuroraClient(aurora.url, aurora.admin_login, aurora.admin_password)
    aurora8_users = [dict((key, value) for key, value in user.items() if key not in ('Role', 'IsDisabled'))
                     for user in client.list_users()]
    servers = server_map(client.list_servers())
    start = call_count(aurora)
    unchanged = ensure_user_account(client, {'email': EMAIL, 'role': 'tenant_admin', 'server': 'mydomain'},
                                    users=aurora8_users, servers=servers)
    created = ensure_user_account(client, {'email': 'ann@mydomain.com', 'password': PASSWORD, 'server': 'mydomain'},
                                  users=aurora8_users, servers=servers)
    assert (unchanged['msg'], created['msg']) == ('unchanged', 'created')
    methods = [call['Method'] for call in calls_since(aurora, start)]
    # GetSettings: whether Aurora allows several accounts per user, where a racing run could leave a duplicate.
    assert methods == ['GetUser', 'GetAccounts', 'CreateUser', 'CreateAccount', 'GetSettings']
