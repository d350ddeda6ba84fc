"""aurora_api_token, run through its real main() against the Aurora emulator: one login, a token that works."""

import pytest

from tests.helpers.module_runner import run_module

LOGIN_METHODS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def run(emulator):
    """run(check_mode=False, **options) -> the module's result; the connection comes from the emulator."""
    def run_token_task(check_mode=False, **options):
        args = dict(api_url=emulator.url, api_username=emulator.admin_login, api_password=emulator.admin_password)
        args.update(options)
        args = dict((key, value) for key, value in args.items() if value is not None)
        return run_module('aurora_api_token', args, check_mode=check_mode)
    return run_token_task


def logins(emulator):
    return [call for call in emulator.calls() if call['Method'] in LOGIN_METHODS]


def writes(emulator):
    return [call for call in emulator.calls()
            if not call['Method'].startswith('Get') and call['Method'] not in LOGIN_METHODS]


def test_logs_in_once_and_returns_a_token_aurora_accepts(emulator, run):
    emulator.calls_clear()
    result = run()
    assert not result.failed, result
    assert (result['changed'], result['logged_in'], result['msg']) == (False, True, 'logged in as superadmin')
    assert len(logins(emulator)) == 1 and len(emulator.calls()) == 1
    answer = emulator.api('Mail', 'GetServers', {'TenantId': 0, 'Offset': 0, 'Limit': 10}, token=result['token'])
    assert 'Result' in answer, answer


def test_the_token_lets_the_next_module_work_without_logging_in(emulator, run):
    token = run()['token']
    emulator.calls_clear()
    created = run_module('aurora_mail_server', dict(
        api_url=emulator.url, api_token=token, api_password=emulator.admin_password,
        name='mydomain', incoming_server='mail.mydomain.com', domains=['mydomain.com']))
    assert created['changed'], created
    assert logins(emulator) == []


def test_check_mode_logs_in_and_writes_nothing(emulator, run):
    before = emulator.state()
    emulator.calls_clear()
    result = run(check_mode=True)
    assert not result.failed and result['token'] and not result['changed']
    assert writes(emulator) == []
    assert emulator.state() == before


def test_an_accepted_token_is_not_returned_again_and_no_login_happens(emulator, run):
    token = emulator.login()
    emulator.calls_clear()
    result = run(api_token=token)
    assert (result['changed'], result['logged_in'], result['token']) == (False, False, None)
    assert result['msg'] == 'Aurora accepted the api_token given'
    assert logins(emulator) == []
    assert len(emulator.calls()) == 1


def test_a_refused_token_leads_to_one_new_login(emulator, run):
    stale = emulator.login()
    emulator.revoke_tokens()
    emulator.calls_clear()
    result = run(api_token=stale)
    assert not result.failed, result
    assert result['logged_in'] and result['token'] and result['token'] != stale
    assert result['msg'] == 'Aurora refused the api_token given; logged in again as superadmin'
    assert len(logins(emulator)) == 1


def test_a_refused_token_without_password_fails_with_aurora_error(emulator, run):
    stale = emulator.login()
    emulator.revoke_tokens()
    result = run(api_token=stale, api_password=None)
    assert result.failed
    assert result['error']['code'] == 101, result
    assert stale not in result.printed


def test_wrong_password_fails_once_and_never_shows_the_password(emulator, run):
    emulator.calls_clear()
    result = run(api_password='Wrong-Secret-42')
    assert result.failed and not result['changed']
    assert result['error'] == {'call': 'AdminAuth.LoginAsSuperadmin', 'code': 102, 'name': 'AuthError'}
    assert 'check api_username and api_password' in result['msg']
    assert 'Wrong-Secret-42' not in result.printed
    assert len(logins(emulator)) == 1


def test_no_credentials_fail_before_any_call(emulator, run, monkeypatch):
    monkeypatch.delenv('AURORA_PASSWORD', raising=False)
    monkeypatch.delenv('AURORA_TOKEN', raising=False)
    emulator.calls_clear()
    result = run(api_password=None)
    assert result.failed
    assert 'Aurora needs credentials' in result['msg']
    assert emulator.calls() == []


def test_connection_comes_from_the_environment(emulator, monkeypatch):
    monkeypatch.setenv('AURORA_URL', emulator.url)
    monkeypatch.setenv('AURORA_USERNAME', emulator.admin_login)
    monkeypatch.setenv('AURORA_PASSWORD', emulator.admin_password)
    result = run_module('aurora_api_token', {})
    assert not result.failed, result
    assert result['logged_in'] and result['token']
