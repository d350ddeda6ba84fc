"""Behaviour of aurora_mail_server, run through its real main() against the Aurora emulator over a socket."""

import pytest

from ansible_collections.afterlogic.aurora.plugins.module_utils._api import AuroraClient
from tests.helpers.module_runner import module_task, web_api_only

TUTORIAL_SERVER = dict(
    name='mydomain',
    incoming_server='mail.mydomain.com', incoming_port=143, incoming_use_ssl=False,
    outgoing_server='mail.mydomain.com', outgoing_port=25, outgoing_use_ssl=False,
    smtp_auth_type='user_credentials',
    domains=['mydomain.com'],
)
RELAY_SERVER = dict(
    name='corp',
    incoming_server='imap.corp.example', incoming_port=993, incoming_use_ssl=True,
    outgoing_server='smtp.corp.example', outgoing_port=465, outgoing_use_ssl=True,
    smtp_auth_type='specified_credentials', smtp_login='relay', smtp_password='relay-Secret-1',
    domains=['corp.example'],
)
READ_METHODS = ('LoginAsSuperadmin', 'Login')
VOLATILE_KEYS = ('Id', 'ServerId', 'EntityId', 'CreatedAt', 'UpdatedAt', 'UUID')


@pytest.fixture
def run(emulator, through):
    """run(check_mode=False, diff=False, **options) -> the module's result, through each transport."""
    return module_task(emulator, 'aurora_mail_server', through(emulator))


def stored(emulator, kind='servers'):
    objects = emulator.state()[kind]
    return list(objects.values()) if isinstance(objects, dict) else list(objects)


def only_server(emulator):
    servers = stored(emulator)
    assert len(servers) == 1, servers
    return servers[0]


def writes_since(emulator, start):
    return [call for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READ_METHODS]


def call_count(emulator):
    return len(emulator.calls())


def comparable(result):
    """What check mode must predict exactly: everything but the ids and timestamps Aurora assigns."""
    server = dict((key, value) for key, value in (result['server'] or {}).items() if key not in VOLATILE_KEYS)
    return dict(changed=result['changed'], msg=result['msg'], diff=result.get('diff'),
                password_changed=result['password_changed'], server=server)


def assert_check_mode_predicts(emulator, run, options):
    before = emulator.state()
    predicted = run(check_mode=True, diff=True, **options)
    assert emulator.state() == before
    real = run(diff=True, **options)
    assert not predicted.failed and not real.failed, (predicted, real)
    expected, got = comparable(predicted), comparable(real)
    assert set(expected['server']) <= set(got['server'])
    got['server'] = dict((key, got['server'][key]) for key in expected['server'])
    assert expected == got
    return predicted, real


def create_account(emulator, server_id, email):
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    user_id = emulator.api('Core', 'CreateUser', {'TenantId': 0, 'PublicId': email})['Result']
    account = emulator.api('Mail', 'CreateAccount', {
        'UserId': user_id, 'FriendlyName': '', 'Email': email, 'IncomingLogin': email,
        'IncomingPassword': 'account-secret', 'Server': {'ServerId': server_id}})
    assert account['Result'], account
    return user_id


# ---- idempotence -----------------------------------------------------------------------------

def test_tutorial_server_is_created_then_left_alone_then_changed_then_left_alone(emulator, run):
    created = run(**TUTORIAL_SERVER)
    assert (created['changed'], created['msg']) == (True, 'created')
    server = only_server(emulator)
    assert created['server_id'] == created['server']['ServerId'] == server['Id']
    assert (server['IncomingServer'], server['IncomingPort'], server['IncomingUseSsl']) == ('mail.mydomain.com', 143, False)
    assert (server['OutgoingServer'], server['OutgoingPort'], server['OutgoingUseSsl']) == ('mail.mydomain.com', 25, False)
    assert (server['SmtpAuthType'], server['Domains']) == ('2', 'mydomain.com')

    start = call_count(emulator)
    again = run(**TUTORIAL_SERVER)
    assert (again['changed'], again['msg']) == (False, 'unchanged')
    assert writes_since(emulator, start) == []

    changed = run(**dict(TUTORIAL_SERVER, incoming_port=993))
    assert (changed['changed'], changed['msg']) == (True, 'updated: incoming_port 143\u2192993')
    assert only_server(emulator)['IncomingPort'] == 993

    start = call_count(emulator)
    settled = run(**dict(TUTORIAL_SERVER, incoming_port=993))
    assert (settled['changed'], settled['msg']) == (False, 'unchanged')
    assert writes_since(emulator, start) == []


def test_create_sends_one_full_create_with_aurora_types(emulator, run):
    web_api_only(run)
    start = call_count(emulator)
    run(**TUTORIAL_SERVER)
    creates = [call for call in writes_since(emulator, start) if call['Method'] == 'CreateServer']
    assert len(creates) == 1
    sent = creates[0]['Parameters']
    assert (sent['SmtpAuthType'], sent['IncomingPort'], sent['IncomingUseSsl'], sent['TenantId']) == ('2', 143, False, 0)
    assert (sent['EnableThreading'], sent['EnableSieve'], sent['SievePort']) == (True, False, 4190)


def test_defaults_apply_on_create_only(emulator, run):
    result = run(name='minimal', incoming_server='imap.min.example', domains=['min.example'])
    assert result['changed']
    server = only_server(emulator)
    assert (server['OutgoingServer'], server['IncomingPort'], server['OutgoingPort']) == ('imap.min.example', 143, 25)
    assert (server['SmtpAuthType'], server['EnableThreading'], server['UseFullEmailAddressAsLogin']) == ('2', True, True)


def test_setting_only_domains_keeps_every_other_setting(emulator, run):
    run(**RELAY_SERVER)
    before = only_server(emulator)
    result = run(name='corp', domains=['corp.example', 'new.example'], diff=True)
    assert result['msg'] == 'updated: domains [corp.example]\u2192[corp.example, new.example]'
    after = only_server(emulator)
    assert after['Domains'].split('\n') == ['corp.example', 'new.example']
    untouched = [key for key in before if key not in ('Domains', 'UpdatedAt')]
    assert dict((key, after[key]) for key in untouched) == dict((key, before[key]) for key in untouched)
    changed_keys = [key for key in result['diff']['before'] if result['diff']['before'][key] != result['diff']['after'][key]]
    assert changed_keys == ['domains']


def test_domains_compare_as_a_set_in_lower_case(emulator, run):
    run(**dict(TUTORIAL_SERVER, domains=['b.example', 'a.example']))
    start = call_count(emulator)
    result = run(**dict(TUTORIAL_SERVER, domains=['A.example', 'b.example', 'a.example']))
    assert (result['changed'], result['msg']) == (False, 'unchanged')
    assert writes_since(emulator, start) == []


def test_external_access_is_enabled_and_compared(emulator, run):
    options = dict(TUTORIAL_SERVER, external_access=dict(imap=dict(server='imap.mydomain.com', port=993, use_ssl=True)))
    run(**options)
    server = only_server(emulator)
    assert server['SetExternalAccessServers'] is True
    assert (server['ExternalAccessImapServer'], server['ExternalAccessImapPort']) == ('imap.mydomain.com', 993)
    assert server['ExternalAccessSmtpPort'] == 25 and server['ExternalAccessPop3Port'] == 110
    again = run(**options)
    assert (again['changed'], again['msg']) == (False, 'unchanged')
    moved = run(name='mydomain', external_access=dict(smtp=dict(server='smtp.mydomain.com', port=587)))
    assert moved['msg'] == ('updated: external_access.smtp.port 25\u2192587, '
                            "external_access.smtp.server ''\u2192'smtp.mydomain.com'")
    assert only_server(emulator)['ExternalAccessImapPort'] == 993


OAUTH = dict(oauth_enable=True, oauth_name='Google', oauth_type='gmail', oauth_icon_url='https://mydomain.com/g.png')


def test_oauth_settings_are_created_compared_and_updated(emulator, run):
    created = run(**dict(TUTORIAL_SERVER, **OAUTH))
    server = only_server(emulator)
    assert created['changed'] and (server['OAuthEnable'], server['OAuthName'], server['OAuthType'],
                                   server['OAuthIconUrl']) == (True, 'Google', 'gmail', 'https://mydomain.com/g.png')
    again = run(**dict(TUTORIAL_SERVER, **OAUTH))
    assert (again['changed'], again['msg']) == (False, 'unchanged')
    renamed = run(name='mydomain', oauth_name='Sign in with Google')
    assert renamed['msg'] == "updated: oauth_name 'Google'\u2192'Sign in with Google'"
    assert (only_server(emulator)['OAuthName'], only_server(emulator)['OAuthType']) == ('Sign in with Google', 'gmail')
    off = run(name='mydomain', oauth_enable=False)
    assert off['msg'] == 'updated: oauth_enable true\u2192false' and only_server(emulator)['OAuthEnable'] is False


def test_oauth_settings_while_oauth_is_off_fail_before_any_write(emulator, run):
    """Aurora stores them only while OAuthEnable is true: a task that set them while it is off would never converge."""
    run(**TUTORIAL_SERVER)
    start = call_count(emulator)
    refused = run(name='mydomain', oauth_name='Google')
    assert refused.failed and 'oauth_name cannot be set while oauth_enable is false' in refused['msg'], refused
    assert writes_since(emulator, start) == []
    created = run(**dict(TUTORIAL_SERVER, name='other', oauth_type='gmail'))
    assert created.failed and 'oauth_type cannot be set while oauth_enable is false' in created['msg'], created
    assert writes_since(emulator, start) == []


# ---- check mode and diff -----------------------------------------------------------------------

def test_check_mode_create_writes_nothing_and_predicts_the_real_run(emulator, run):
    predicted, real = assert_check_mode_predicts(emulator, run, TUTORIAL_SERVER)
    assert predicted['server_id'] is None and real['server_id'] == only_server(emulator)['Id']
    assert predicted['diff']['before'] == {}
    assert predicted['diff']['after']['incoming_server'] == 'mail.mydomain.com'


def test_check_mode_update_writes_nothing_and_predicts_the_real_run(emulator, run):
    run(**TUTORIAL_SERVER)
    predicted, dummy = assert_check_mode_predicts(
        emulator, run, dict(TUTORIAL_SERVER, incoming_port=993, incoming_use_ssl=True, domains=['mydomain.org']))
    assert predicted['msg'] == ('updated: domains [mydomain.com]\u2192[mydomain.org], '
                                'incoming_port 143\u2192993, incoming_use_ssl false\u2192true')
    assert predicted['server']['IncomingPort'] == 993


def test_check_mode_delete_writes_nothing_and_predicts_the_real_run(emulator, run):
    run(**TUTORIAL_SERVER)
    predicted, dummy = assert_check_mode_predicts(emulator, run, dict(name='mydomain', state='absent'))
    assert (predicted['msg'], predicted['server']) == ('deleted', None)
    assert predicted['diff']['after'] == {} and predicted['diff']['before']['domains'] == ['mydomain.com']
    assert stored(emulator) == []


def test_check_mode_on_unchanged_server_predicts_unchanged(emulator, run):
    run(**TUTORIAL_SERVER)
    assert_check_mode_predicts(emulator, run, TUTORIAL_SERVER)


def test_diff_only_in_diff_mode(emulator, run):
    assert 'diff' not in run(**TUTORIAL_SERVER)
    assert 'diff' in run(diff=True, **TUTORIAL_SERVER)


# ---- duplicates ----------------------------------------------------------------------------------

def test_duplicate_names_fail_listing_the_ids_and_write_nothing(emulator, run):
    params = {'Name': 'mydomain', 'IncomingServer': 'mail.mydomain.com', 'IncomingPort': 143, 'IncomingUseSsl': False,
              'OutgoingServer': 'mail.mydomain.com', 'OutgoingPort': 25, 'OutgoingUseSsl': False,
              'SmtpAuthType': '2', 'Domains': 'mydomain.com'}
    ids = [emulator.api('Mail', 'CreateServer', params)['Result'] for dummy in range(2)]
    emulator.api('Mail', 'CreateServer', dict(params, Name='mydomain-other'))
    start = call_count(emulator)
    result = run(**dict(TUTORIAL_SERVER, incoming_port=993))
    assert result.failed
    assert 'ids %d, %d' % tuple(ids) in result['msg']
    assert 'Mail.DeleteServer' in result['msg'] and 'rename' in result['msg']
    assert writes_since(emulator, start) == []


def test_name_matches_exactly_not_as_substring(emulator, run):
    run(**dict(TUTORIAL_SERVER, name='mydomain-old'))
    result = run(**TUTORIAL_SERVER)
    assert result['msg'] == 'created'
    assert sorted(server['Name'] for server in stored(emulator)) == ['mydomain', 'mydomain-old']


# ---- deletion ------------------------------------------------------------------------------------

def test_absent_server_is_ok(emulator, run):
    result = run(name='mydomain', state='absent')
    assert (result['changed'], result['msg'], result['server'], result['server_id']) == (False, 'absent', None, None)


def test_unused_server_is_deleted(emulator, run):
    server_id = run(**TUTORIAL_SERVER)['server_id']
    result = run(name='mydomain', state='absent')
    assert (result['changed'], result['msg'], result['server_id']) == (True, 'deleted', server_id)
    assert stored(emulator) == []


def test_deletion_is_refused_while_accounts_use_the_server(emulator, run):
    server_id = run(**TUTORIAL_SERVER)['server_id']
    create_account(emulator, server_id, 'user@mydomain.com')
    before = emulator.state()
    start = call_count(emulator)
    result = run(name='mydomain', state='absent')
    assert result.failed
    assert '1 mail account(s)' in result['msg'] and 'user@mydomain.com' in result['msg']
    assert 'force' in result['msg']
    assert result['blocking_accounts'] == ['user@mydomain.com']
    assert writes_since(emulator, start) == []
    assert emulator.state() == before


def test_refusal_lists_at_most_five_accounts(emulator, run):
    server_id = run(**TUTORIAL_SERVER)['server_id']
    for number in range(7):
        create_account(emulator, server_id, 'user%d@mydomain.com' % number)
    result = run(name='mydomain', state='absent', check_mode=True)
    assert result.failed and '7 mail account(s)' in result['msg'] and 'and 2 more' in result['msg']
    assert 'user4@mydomain.com' in result['msg'] and 'user5@mydomain.com' not in result['msg']
    assert result['blocking_accounts'] == ['user%d@mydomain.com' % number for number in range(7)]


def test_forced_deletion_cascades_to_accounts_and_their_users(emulator, run):
    server_id = run(**TUTORIAL_SERVER)['server_id']
    create_account(emulator, server_id, 'user@mydomain.com')
    result = run(name='mydomain', state='absent', force=True)
    assert (result['changed'], result['msg']) == (True, 'deleted')
    assert stored(emulator) == [] and stored(emulator, 'accounts') == [] and stored(emulator, 'users') == []


def test_lost_answer_to_delete_is_confirmed_by_reading_back(emulator, run):
    run(**TUTORIAL_SERVER)
    emulator.faults([{'call': 'Mail.DeleteServer', 'fault': 'http500', 'when': 'after'}])
    result = run(name='mydomain', state='absent')
    assert not result.failed, result
    assert (result['changed'], result['msg']) == (True, 'deleted')
    assert stored(emulator) == []


# ---- SMTP password -------------------------------------------------------------------------------

def test_smtp_password_is_kept_across_an_update_of_another_field(emulator, run):
    run(**RELAY_SERVER)
    result = run(**dict(RELAY_SERVER, incoming_port=143, incoming_use_ssl=False))
    assert (result['msg'], result['password_changed']) == (
        'updated: incoming_port 993\u2192143, incoming_use_ssl true\u2192false', False)
    assert only_server(emulator)['SmtpPassword'] == 'relay-Secret-1'


def test_on_create_does_not_send_a_changed_password(emulator, run):
    run(**RELAY_SERVER)
    result = run(**dict(RELAY_SERVER, smtp_password='another-Secret-2'))
    assert (result['changed'], result['password_changed']) == (False, False)
    assert only_server(emulator)['SmtpPassword'] == 'relay-Secret-1'


def test_update_password_always_sends_it_on_every_run(emulator, run):
    created = run(**RELAY_SERVER)
    assert created['password_changed'] is True
    options = dict(RELAY_SERVER, smtp_password='rotated-Secret-3', update_password='always')
    for dummy in range(2):
        result = run(diff=True, **options)
        assert (result['changed'], result['password_changed'], result['msg']) == (
            True, True, 'updated: smtp_password (new value)')
        assert only_server(emulator)['SmtpPassword'] == 'rotated-Secret-3'
    assert result['diff']['after']['smtp_password'] == '<hidden, changed>'
    assert 'rotated-Secret-3' not in result.printed and result['server']['SmtpPassword'] == '*****'


def test_secrets_never_appear_in_output(emulator, run):
    outputs = [run(diff=True, **RELAY_SERVER), run(check_mode=True, diff=True, **dict(RELAY_SERVER, update_password='always'))]
    emulator.faults([{'call': 'Mail.UpdateServer', 'fault': 'http500', 'when': 'before'}])
    outputs.append(run(diff=True, **dict(RELAY_SERVER, update_password='always')))
    assert outputs[-1].failed
    for output in outputs:
        assert 'relay-Secret-1' not in output.printed and emulator.admin_password not in output.printed


# ---- validation ------------------------------------------------------------------------------------

INVALID = [
    ('incoming_port', dict(incoming_port=0)),
    ('incoming_port', dict(incoming_port=65536)),
    ('incoming_port', dict(incoming_port='imap')),
    ('outgoing_port', dict(outgoing_port=-25)),
    ('sieve_port', dict(sieve_port=70000)),
    ('incoming_server', dict(incoming_server='')),
    ('incoming_server', dict(incoming_server='mail mydomain.com')),
    ('outgoing_server', dict(outgoing_server='mail.mydomain.com\n')),
    ('domains', dict(domains=[])),
    ('domains', dict(domains=[''])),
    ('domains', dict(domains=['my domain.com'])),
    ('domains', dict(domains=['a.com,b.com'])),
    ('domains', dict(domains=['a.com\nb.com'])),
    ('domains', dict(domains=['*.mydomain.com'])),
    ('domains', dict(domains=['-mydomain.com'])),
    ('domains', dict(domains=['mydomain..com'])),
    ('name', dict(name='')),
    ('name', dict(name=' mydomain')),
    ('smtp_auth_type', dict(smtp_auth_type='2')),
    ('smtp_login', dict(smtp_login='relay\r\n')),
    ('update_password', dict(update_password='sometimes')),
    ('external_access.imap.port', dict(external_access=dict(imap=dict(port=0)))),
    ('external_access.pop3.alter_port', dict(external_access=dict(pop3=dict(alter_port=65536)))),
    ('external_access.smtp.server', dict(external_access=dict(smtp=dict(server='smtp host')))),
    ('external_access.enabled', dict(external_access=dict(enabled=False, imap=dict(port=993)))),
]


@pytest.mark.parametrize('option, invalid', INVALID, ids=['%s=%r' % (option, bad) for option, bad in INVALID])
def test_invalid_input_fails_naming_the_option_before_any_call(emulator, run, option, invalid):
    result = run(**dict(TUTORIAL_SERVER, **invalid))
    assert result.failed
    assert option in result['msg']
    assert emulator.calls() == []


CREATE_ONLY_REQUIREMENTS = [
    ('incoming_server', dict(name='new', domains=['new.example'])),
    ('domains', dict(name='new', incoming_server='mail.new.example')),
    ('smtp_login', dict(TUTORIAL_SERVER, smtp_auth_type='specified_credentials', smtp_password='x-Secret')),
    ('smtp_password', dict(TUTORIAL_SERVER, smtp_auth_type='specified_credentials', smtp_login='relay')),
]


@pytest.mark.parametrize('option, options', CREATE_ONLY_REQUIREMENTS, ids=[o for o, dummy in CREATE_ONLY_REQUIREMENTS])
def test_create_requirements_fail_before_any_write(emulator, run, option, options):
    result = run(**options)
    assert result.failed and option in result['msg']
    assert writes_since(emulator, 0) == [] and stored(emulator) == []


def test_switching_to_specified_credentials_needs_a_login(emulator, run):
    run(**TUTORIAL_SERVER)
    result = run(name='mydomain', smtp_auth_type='specified_credentials')
    assert result.failed and 'smtp_login' in result['msg']
    assert only_server(emulator)['SmtpAuthType'] == '2'


# ---- lost answers and races --------------------------------------------------------------------------

def test_lost_answer_to_create_adopts_the_new_server_without_creating_twice(emulator, run):
    emulator.faults([{'call': 'Mail.CreateServer', 'fault': 'http500', 'when': 'after'}])
    result = run(**TUTORIAL_SERVER)
    assert not result.failed, result
    assert result['changed'] and result['msg'].startswith('created')
    server = only_server(emulator)
    assert result['server_id'] == server['Id']
    assert len([call for call in emulator.calls() if call['Method'] == 'CreateServer']) == 1


def test_lost_answer_to_a_create_that_did_not_happen_fails_without_a_second_create(emulator, run):
    emulator.faults([{'call': 'Mail.CreateServer', 'fault': 'http500', 'when': 'before'}])
    result = run(**TUTORIAL_SERVER)
    assert result.failed and 'not created' in result['msg']
    assert result['error']['call'] == 'Mail.CreateServer'
    assert stored(emulator) == []
    assert len([call for call in emulator.calls() if call['Method'] == 'CreateServer']) == 1


def test_lost_answer_to_update_is_confirmed_by_reading_back(emulator, run):
    run(**TUTORIAL_SERVER)
    emulator.faults([{'call': 'Mail.UpdateServer', 'fault': 'http500', 'when': 'after'}])
    result = run(**dict(TUTORIAL_SERVER, incoming_port=993))
    assert not result.failed, result
    assert (result['changed'], result['msg']) == (True, 'updated: incoming_port 143\u2192993')
    assert result['server']['IncomingPort'] == 993


def test_concurrent_create_keeps_the_lowest_id_and_deletes_ours(emulator, run, monkeypatch):
    racer_ids = []
    send = AuroraClient.call

    def call_after_a_racing_create(client, module, method, params=None, target=None):
        if method == 'CreateServer' and not racer_ids:
            racer_ids.append(emulator.api('Mail', 'CreateServer', dict(params, IncomingPort=110))['Result'])
        return send(client, module, method, params, target)

    monkeypatch.setattr(AuroraClient, 'call', call_after_a_racing_create)
    result = run(**TUTORIAL_SERVER)
    server = only_server(emulator)
    assert server['Id'] == racer_ids[0] == result['server_id']
    assert result['changed'] and 'kept id %d' % racer_ids[0] in result['msg']
    assert server['IncomingPort'] == 143 and 'incoming_port 110\u2192143' in result['msg']
