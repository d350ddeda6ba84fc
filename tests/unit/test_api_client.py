"""The shared API client against the emulator (and a scripted stub where raw HTTP matters), over real sockets."""

import json
import time

import pytest

from ansible_collections.afterlogic.aurora.plugins.module_utils import _api
from ansible_collections.afterlogic.aurora.plugins.module_utils._api import AuroraClient
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import (
    AuroraApiError,
    AuroraError,
    AuroraOutage,
    AuroraSilentRefusal,
    AuroraTransportError,
)
from tests.helpers.stub_http import StubServer, aurora_answer, self_signed_certificate
from tests.helpers.tutorial import TUTORIAL_SERVER_FIELDS


def client_for(emulator, **kwargs):
    options = dict(username=emulator.admin_login, password=emulator.admin_password, timeout=5)
    options.update(kwargs)
    return AuroraClient(emulator.url, **options)


def calls_of(emulator, name):
    return [c for c in emulator.calls() if '%s.%s' % (c['Module'], c['Method']) == name]


# ---- login ---------------------------------------------------------------------------------

def test_login_as_superadmin_once_per_client(emulator):
    client = client_for(emulator)
    client.call('Mail', 'GetServers', {'TenantId': 0})
    client.call('Core', 'GetUsers', {'TenantId': 0})
    assert client.logins == 1
    assert len(calls_of(emulator, 'AdminAuth.LoginAsSuperadmin')) == 1
    assert all(c['Token'] == 'present' for c in emulator.calls()[1:])


def test_login_falls_back_to_core_login_on_aurora_8(emulator):
    emulator.settings({'System': {'AuroraMajor': 8}})
    client = client_for(emulator)
    assert client.call('Mail', 'GetServers', {'TenantId': 0}) == {'Items': [], 'Count': 0}
    names = ['%s.%s' % (c['Module'], c['Method']) for c in emulator.calls()]
    assert names[:3] == ['AdminAuth.LoginAsSuperadmin', 'Core.Login', 'Mail.GetServers']
    assert client.major_version == 8


def test_wrong_password_is_one_attempt_and_a_clear_sentence(emulator):
    client = client_for(emulator, password='not-the-password-xyz')
    with pytest.raises(AuroraApiError) as caught:
        client.call('Core', 'GetUsers', {'TenantId': 0})
    message = str(caught.value)
    assert caught.value.code == 102
    assert message.startswith('Aurora refused AdminAuth.LoginAsSuperadmin for %s (102 AuthError)' % emulator.admin_login)
    assert 'api_password' in message
    assert 'not-the-password-xyz' not in message
    assert len(calls_of(emulator, 'AdminAuth.LoginAsSuperadmin')) == 1
    assert calls_of(emulator, 'Core.GetUsers') == []


def test_given_token_is_used_as_is(emulator):
    token = client_for(emulator).login()
    emulator.api('Mail', 'CreateServer', TUTORIAL_SERVER_FIELDS)  # a listing that is not empty: nothing to probe
    emulator.calls_clear()
    client = AuroraClient(emulator.url, token=token, timeout=5)
    client.call('Mail', 'GetServers', {'TenantId': 0})
    assert client.logins == 0
    assert [(c['Module'], c['Method'], c['Token']) for c in emulator.calls()] == [('Mail', 'GetServers', 'present')]


def test_refused_token_leads_to_one_new_login_and_the_call_repeated(emulator):
    token = client_for(emulator).login()
    emulator.revoke_tokens()
    emulator.calls_clear()
    client = AuroraClient(emulator.url, token=token, username=emulator.admin_login,
                          password=emulator.admin_password, timeout=5)
    assert client.call('Mail', 'CreateServer', TUTORIAL_SERVER_FIELDS) == 1
    names = ['%s.%s' % (c['Module'], c['Method']) for c in emulator.calls()]
    assert names == ['Mail.CreateServer', 'AdminAuth.LoginAsSuperadmin', 'Mail.CreateServer']
    assert client.logins == 1
    assert len(emulator.state()['servers']) == 1


def test_refused_token_without_password_fails_with_code(emulator):
    token = client_for(emulator).login()
    emulator.revoke_tokens()
    client = AuroraClient(emulator.url, token=token, timeout=5)
    with pytest.raises(AuroraApiError) as caught:
        client.call('Mail', 'GetServers', {'TenantId': 0})
    assert caught.value.code == 101
    assert token not in str(caught.value)


def test_no_credentials_at_all_is_refused_before_any_request(emulator):
    client = AuroraClient(emulator.url, timeout=5)
    with pytest.raises(AuroraError, match='api_password'):
        client.call('Core', 'GetUsers', {'TenantId': 0})
    assert emulator.calls() == []


# ---- error envelopes -----------------------------------------------------------------------

def test_error_code_with_message(emulator):
    client = client_for(emulator)
    client.call('Core', 'CreateUser', {'TenantId': 0, 'PublicId': 'user@mydomain.com'}, target='user@mydomain.com')
    with pytest.raises(AuroraApiError) as caught:
        client.call('Core', 'CreateUser', {'TenantId': 0, 'PublicId': 'user@mydomain.com'}, target='user@mydomain.com')
    error = caught.value
    assert (error.code, error.name, error.module, error.method) == (111, 'UserAlreadyExists', 'Core', 'CreateUser')
    assert str(error) == ('Aurora refused Core.CreateUser for user@mydomain.com (111 UserAlreadyExists): '
                          'UserAlreadyExists')


def test_error_code_without_message(emulator):
    client = client_for(emulator)
    with pytest.raises(AuroraApiError) as caught:
        client.call('Core', 'GetUserByPublicId', {'PublicId': 'user@mydomain.com'})
    assert str(caught.value) == 'Aurora refused Core.GetUserByPublicId (116 MethodAccessDenied)'


def test_result_false_from_a_write_is_a_silent_refusal(emulator):
    client = client_for(emulator)
    with pytest.raises(AuroraSilentRefusal) as caught:
        client.call('Mail', 'DeleteServer', {'ServerId': 42, 'TenantId': 0}, target='server 42')
    assert str(caught.value).startswith(
        'Aurora refused Mail.DeleteServer for server 42 silently (Result: false, no error code); this usually means')


def test_result_false_from_a_read_means_not_found(emulator):
    assert client_for(emulator).call('Mail', 'GetServer', {'ServerId': 42}) is False


def test_http_500_with_empty_body_is_a_transport_error(emulator):
    client = client_for(emulator)
    with pytest.raises(AuroraTransportError) as caught:
        client.call('Core', 'DeleteUser', {'UserId': 999}, target='user 999')
    assert caught.value.status == 500
    assert str(caught.value) == 'No usable answer from Aurora to Core.DeleteUser for user 999: HTTP 500 with body (empty)'
    assert len(calls_of(emulator, 'Core.DeleteUser')) == 1, 'a write is never repeated blindly'


def test_body_that_is_not_json_is_quoted(emulator):
    client = client_for(emulator)
    client.login()
    emulator.faults({'call': 'Mail.GetServers', 'fault': 'html', 'when': 'before', 'times': 10})
    with pytest.raises(AuroraTransportError) as caught:
        client.call('Mail', 'GetServers', {'TenantId': 0})
    assert 'HTTP 200 with a body that is not JSON' in str(caught.value)
    assert '<' in str(caught.value)


def test_reads_are_retried_after_a_transport_error(emulator):
    client = client_for(emulator)
    client.login()
    emulator.faults({'call': 'Mail.GetServers', 'fault': 'http500', 'when': 'before', 'times': 2})
    assert client.call('Mail', 'GetServers', {'TenantId': 0}) == {'Items': [], 'Count': 0}
    assert len(calls_of(emulator, 'Mail.GetServers')) == 3


def test_writes_are_not_retried_after_the_request_was_sent(emulator):
    client = client_for(emulator)
    client.login()
    emulator.faults({'call': 'Mail.CreateServer', 'fault': 'reset', 'when': 'after'})
    with pytest.raises(AuroraTransportError) as caught:
        client.call('Mail', 'CreateServer', TUTORIAL_SERVER_FIELDS, target='mydomain')
    assert caught.value.sent is True
    assert len(calls_of(emulator, 'Mail.CreateServer')) == 1
    assert len(emulator.state()['servers']) == 1


def test_writes_are_tried_until_timeout_when_the_connection_is_never_made(emulator):
    client = AuroraClient('http://127.0.0.1:9/', password='x', timeout=3)
    started = time.monotonic()
    with pytest.raises(AuroraOutage) as caught:
        client.call('Mail', 'CreateServer', TUTORIAL_SERVER_FIELDS)
    assert str(caught.value).startswith('Aurora could not be reached for 3 s (could not connect to '
                                        'http://127.0.0.1:9/?/Api/ ')
    assert 3 <= time.monotonic() - started < 3 + 1, 'the retries stay within timeout'


def test_timeout_bounds_the_wait_including_retries(emulator):
    client = client_for(emulator, timeout=1)
    client.login()
    emulator.faults({'call': 'Mail.GetServers', 'fault': 'delay', 'seconds': 3, 'when': 'before'})
    started = time.monotonic()
    with pytest.raises(AuroraTransportError, match=r'no answer within 1 s \(timeout\)'):
        client.call('Mail', 'GetServers', {'TenantId': 0})
    assert time.monotonic() - started < 2.5
    assert len(calls_of(emulator, 'Mail.GetServers')) == 1, 'no retry once the next wait would pass timeout'


# ---- wire format, TLS, secrets -----------------------------------------------------------

def test_wire_format_form_fields_bearer_header_and_no_cookie():
    def responder(request):
        if request['form'].get('Method') == 'LoginAsSuperadmin':
            return aurora_answer({'AuthToken': 'tok_en-1'}, set_cookie=True)
        return aurora_answer(True, set_cookie=True)

    with StubServer(responder) as stub:
        client = AuroraClient(stub.url.rstrip('/'), password='pw', timeout=5)
        client.call('Mail', 'UpdateAccount', {'AccountID': 3, 'UseToAuthorize': True, 'IncomingPort': 993})
        client.call('Mail', 'UpdateAccount', {'AccountID': 3, 'UseToAuthorize': True})
    login, first, second = stub.requests
    assert login['path'] == '/?/Api/'
    assert login['headers']['Content-Type'] == 'application/x-www-form-urlencoded'
    assert 'Authorization' not in login['headers']
    assert login['form'] == {'Module': 'AdminAuth', 'Method': 'LoginAsSuperadmin',
                             'Parameters': json.dumps({'Login': 'superadmin', 'Password': 'pw'})}
    assert json.loads(first['form']['Parameters']) == {'AccountID': 3, 'UseToAuthorize': True, 'IncomingPort': 993}
    for request in (first, second):
        assert request['headers']['Authorization'] == 'Bearer tok_en-1'
        assert 'Cookie' not in request['headers']
        assert 'X-Client' not in request['headers']


def test_secrets_are_scrubbed_from_quoted_bodies():
    def echo(request):
        return 500, {'Content-Type': 'text/html'}, json.dumps(request['form']).encode()

    with StubServer(echo) as stub:
        client = AuroraClient(stub.url, token='token-abc-123', password='admin-secret-456', timeout=5)
        with pytest.raises(AuroraTransportError) as caught:
            client.call('Mail', 'UpdateAccount', {'AccountID': 1, 'IncomingPassword': 'mailbox-secret-789'})
    message = str(caught.value)
    assert 'HTTP 500' in message
    for secret in ('token-abc-123', 'admin-secret-456', 'mailbox-secret-789'):
        assert secret not in message


@pytest.fixture(scope='module')
def tls_certificate(tmp_path_factory):
    return self_signed_certificate(str(tmp_path_factory.mktemp('tls')))


def test_tls_self_signed_is_refused_when_validating(tls_certificate):
    with StubServer(lambda request: aurora_answer({'AuthToken': 't'}), tls_cert=tls_certificate) as stub:
        client = AuroraClient(stub.url, password='pw', timeout=5)
        with pytest.raises(AuroraTransportError) as caught:
            client.login()
    assert 'TLS handshake' in str(caught.value)
    assert 'ca_path' in str(caught.value)
    assert caught.value.attempts == 1
    assert stub.requests == []


def test_tls_accepted_with_ca_path_or_without_validation(tls_certificate):
    with StubServer(lambda request: aurora_answer({'AuthToken': 't'}), tls_cert=tls_certificate) as stub:
        assert AuroraClient(stub.url, password='pw', ca_path=tls_certificate[0], timeout=5).login() == 't'
        assert AuroraClient(stub.url, password='pw', validate_certs=False, timeout=5).login() == 't'


# ---- helpers the modules use ---------------------------------------------------------------

def test_paged_listing_and_exact_name_match(emulator, monkeypatch):
    monkeypatch.setattr(_api, 'PAGE_SIZE', 2)
    client = client_for(emulator)
    for name in ('mydomain', 'mydomain-old', 'mydomain', 'other', 'xmydomain'):
        client.call('Mail', 'CreateServer', dict(TUTORIAL_SERVER_FIELDS, Name=name))
    assert len(list(client.list_servers())) == 5
    assert [s['Id'] for s in client.find_servers('mydomain')] == [1, 3]
    assert len(calls_of(emulator, 'Mail.GetServers')) == 3 + 2


def test_find_users_is_exact_and_ignores_case(emulator):
    client = client_for(emulator)
    for public_id in ('user@mydomain.com', 'user@mydomain.com.au', 'xuser@mydomain.com'):
        client.call('Core', 'CreateUser', {'TenantId': 0, 'PublicId': public_id})
    assert [u['PublicId'] for u in client.find_users('USER@mydomain.com')] == ['user@mydomain.com']


def test_capabilities_from_settings(emulator):
    client = client_for(emulator)
    assert client.major_version == 9
    assert client.has_backend_module('Mail')
    assert not client.has_backend_module('MailMultiAccountsPlugin')
    emulator.settings({'MailMultiAccountsPlugin': {'Enabled': True}})
    assert client_for(emulator).has_backend_module('MailMultiAccountsPlugin')
    assert len(calls_of(emulator, 'Core.GetSettings')) == 2
