"""The PHP transport (module_utils/_php_bridge.py): the real PhpBridge, real php and the fake Aurora framework of
tests/php/fake-aurora, whose modules forward every call to the real emulator over its socket."""

import json
import os
import stat
import subprocess
import threading
import time

import pytest

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraTransportError
from ansible_collections.afterlogic.aurora.plugins.module_utils._php_bridge import (
    BRIDGE_SOURCE,
    MASK,
    PhpBridge,
    PhpBridges,
)

# Timing and push data of the web envelope, which the bridge leaves out.
WEB_ONLY = ('@Time', '@TimeApiInit', 'SubscriptionsResult')
# Values that differ from one creation to the next.
VOLATILE = ('UUID', 'CreatedAt', 'UpdatedAt')
SERVER = dict(Name='one', IncomingServer='mail.one.example', IncomingPort=143, IncomingUseSsl=False,
              OutgoingServer='mail.one.example', OutgoingPort=25, OutgoingUseSsl=False, SmtpAuthType='2',
              Domains='one.example')
# A password with characters that JSON escapes (PHP also escapes "/").
PASSWORD = 'pa55/w\u00f6rd"\\x-7q'


@pytest.fixture
def aurora_path(emulator, fake_aurora):
    return str(fake_aurora(emulator))


@pytest.fixture
def bridge(aurora_path):
    with PhpBridge(aurora_path, timeout=20) as php_bridge:
        yield php_bridge


def without_volatile(value):
    if isinstance(value, dict):
        return {k: ('<volatile>' if k in VOLATILE else without_volatile(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def web(emulator, module, method, params):
    answer = emulator.api(module, method, params)
    return without_volatile({k: v for k, v in answer.items() if k not in WEB_ONLY})


def php_calls(emulator):
    return [c for c in emulator.calls() if c.get('Transport') == 'php']


def assert_one_sentence(error):
    text = str(error)
    assert '\n' not in text and 'Traceback' not in text and 'Stack trace' not in text, text


def php_version():
    return subprocess.run(['php', '-r', 'echo PHP_VERSION;'], capture_output=True, text=True, check=True).stdout


# ---- start-up --------------------------------------------------------------------------------

def test_ready_handshake_reports_php_and_aurora_and_keeps_one_process(emulator, fake_aurora):
    with PhpBridge(str(fake_aurora(emulator, version='9.8.5.bridge-test')), timeout=20) as php_bridge:
        assert php_bridge.pid is None
        first = php_bridge.send('Core', 'GetUsers', {})
        pid = php_bridge.pid
        second = php_bridge.send('Mail', 'GetServers', {})
        assert first['Result'] == {'Items': [], 'Count': 0} and second['Result'] == {'Items': [], 'Count': 0}
        assert php_bridge.php_version == php_version()
        assert php_bridge.aurora_version == '9.8.5.bridge-test'
        assert php_bridge.pid == pid and php_bridge.starts == 1 and php_bridge.calls == 2
    assert php_bridge.pid is None


def test_a_missing_autoload_php_is_one_sentence_naming_the_path(tmp_path):
    with PhpBridge(str(tmp_path), timeout=20) as php_bridge:
        with pytest.raises(AuroraTransportError) as caught:
            php_bridge.send('Core', 'GetUsers', {})
    error = caught.value
    assert '%s/system/autoload.php does not exist' % tmp_path in str(error)
    assert 'aurora_path' in str(error)
    assert (error.sent, error.retryable) == (False, False)
    assert_one_sentence(error)


def test_a_php_executable_that_does_not_exist_is_one_clear_sentence(aurora_path):
    with PhpBridge(aurora_path, php_executable='/nonexistent/bin/php-none') as php_bridge:
        with pytest.raises(AuroraTransportError) as caught:
            php_bridge.send('Core', 'GetUsers', {})
    error = caught.value
    assert "'/nonexistent/bin/php-none'" in str(error)
    assert 'php_executable (AURORA_PHP)' in str(error) and 'php-cli' in str(error)
    assert (error.sent, error.retryable) == (False, False)
    assert_one_sentence(error)


@pytest.mark.parametrize('source, php_message', [
    ('<?php\nfunction broken( {\n', 'ParseError: syntax error'),  # caught by the bridge
    ('<?php\nfunction twice() {}\nfunction twice() {}\n', 'Cannot redeclare'),  # an engine fatal: the shutdown function
])
def test_a_php_error_in_autoload_php_is_one_sentence_naming_the_path(aurora_path, source, php_message):
    autoload = os.path.join(aurora_path, 'system', 'autoload.php')
    with open(autoload, 'w') as handle:
        handle.write(source)
    with PhpBridge(aurora_path, timeout=20) as php_bridge:
        with pytest.raises(AuroraTransportError) as caught:
            php_bridge.send('Core', 'GetUsers', {})
    text = str(caught.value)
    assert 'while including %s' % autoload in text and php_message in text
    assert (caught.value.sent, caught.value.retryable) == (False, False)
    assert_one_sentence(caught.value)


def test_a_php_older_than_aurora_needs_is_refused(emulator, aurora_path):
    with PhpBridge(aurora_path, timeout=20) as php_bridge:
        php_bridge.min_php_version = '99.0.0'
        with pytest.raises(AuroraTransportError) as caught:
            php_bridge.send('Core', 'GetUsers', {})
    assert 'is PHP %s but Aurora needs PHP 99.0.0 or later' % php_version() in str(caught.value)
    assert caught.value.sent is False
    assert php_calls(emulator) == []


def test_the_script_is_private_and_removed_on_close(aurora_path, tmp_path):
    with PhpBridge(aurora_path, timeout=20, workdir=str(tmp_path)) as php_bridge:
        php_bridge.send('Core', 'GetUsers', {})
        script = php_bridge.script_path
        assert os.path.dirname(script) == str(tmp_path)
        assert stat.S_IMODE(os.stat(script).st_mode) == 0o600
        with open(script) as handle:
            assert handle.read() == BRIDGE_SOURCE
    assert os.listdir(str(tmp_path)) == []
    with PhpBridge(aurora_path, timeout=20) as php_bridge:
        php_bridge.send('Core', 'GetUsers', {})
        own_folder = os.path.dirname(php_bridge.script_path)
    assert not os.path.exists(own_folder)


# ---- the envelopes of the web API ---------------------------------------------------------------

ENVELOPE_STEPS = [
    ('Mail', 'CreateServer', SERVER),
    ('Mail', 'CreateServer', dict(SERVER, Name='two', IncomingUseSsl='yes')),  # MariaDB refuses: QueryException
    ('Mail', 'GetServers', {}),
    ('Core', 'CreateUser', {'PublicId': 'alice@one.example'}),
    ('Core', 'CreateUser', {'PublicId': 'ALICE@one.example'}),  # 111 UserAlreadyExists
    ('Core', 'CreateUser', {'PublicId': 'bob@one.example', 'Role': 7}),  # 103
    ('Core', 'GetUsers', {}),
    ('core', 'getusers', {'Search': 'ALI'}),  # looked up case-insensitively, Method echoed as sent
    ('Core', 'GetUsers', {'OrderBy': 'NoSuchColumn'}),  # an SQL error in a read
    ('Core', 'GetUser', {'Id': 1}),
    ('Core', 'GetUser', {'Id': 999}),  # not found: Result false
    ('Core', 'NoSuchMethod', {}),  # 114
    ('NoSuchModule', 'GetUsers', {}),  # 113
]


def test_reads_writes_and_refusals_give_the_web_api_envelopes(emulator, bridge):
    web_answers = [web(emulator, *step) for step in ENVELOPE_STEPS]
    web_state = without_volatile(emulator.state())
    emulator.reset()
    php_answers = [without_volatile(bridge.send(*step)) for step in ENVELOPE_STEPS]
    for step, web_answer, php_answer in zip(ENVELOPE_STEPS, web_answers, php_answers):
        assert php_answer == web_answer, step
    assert without_volatile(emulator.state()) == web_state
    # the steps show what they are meant to: a write, a silent refusal, error codes
    assert [a.get('Result', a.get('ErrorCode')) for a in web_answers[:2]] == [1, False]
    assert 'ErrorCode' not in web_answers[1]
    assert [a.get('ErrorCode') for a in web_answers[4:6]] == [111, 103]
    assert [a.get('ErrorCode') for a in web_answers[-2:]] == [114, 113]
    # every call that reached Aurora's modules was an in-process call: no token, the super-administrator
    calls = php_calls(emulator)
    assert [(c['Module'] + '.' + c['Method']).lower() for c in calls] == [
        ('%s.%s' % step[:2]).lower() for step in ENVELOPE_STEPS[:-2]]
    assert {c['Token'] for c in calls} == {'none'}


def test_a_database_error_is_result_false_through_a_query_exception(emulator, bridge):
    answer = bridge.send('Mail', 'CreateServer', dict(SERVER, IncomingUseSsl='yes'))
    assert answer == {'AuthenticatedUserId': -1, 'Module': 'Mail', 'Method': 'CreateServer', 'Result': False}
    assert emulator.state()['servers'] == []
    assert php_calls(emulator)[-1]['Method'] == 'CreateServer'


def test_get_user_by_public_id_works_in_process_but_not_on_the_web_api(emulator, bridge):
    user_id = emulator.api('Core', 'CreateUser', {'PublicId': 'Alice@One.example'})['Result']
    assert emulator.api('Core', 'GetUserByPublicId', {'PublicId': 'Alice@One.example'})['ErrorCode'] == 116
    found = bridge.send('Core', 'GetUserByPublicId', {'PublicId': 'alice@one.EXAMPLE'})['Result']
    assert (found['Id'], found['PublicId'], found['@Object']) == (user_id, 'Alice@One.example', 'Object/Aurora\\Modules\\Core\\Models\\User')
    assert bridge.send('Core', 'GetUserByPublicId', {'PublicId': 'alice@one'})['Result'] is False
    assert bridge.send('Core', 'GetUserByPublicId', {})['Result'] is False


def test_parameters_map_by_name_with_defaults_and_user_id_and_stray_output_stays_off_stdout(bridge):
    answer = bridge.send('BridgeTest', 'Noise', {'Number': 7, 'Unknown': 'ignored'})
    assert answer['Result'] == {'Text': '', 'Number': 7, 'Flag': None, 'UserId': -1, 'Missing': None}
    assert bridge.send('BridgeTest', 'Noise', {'Text': 'x', 'UserId': 12})['Result']['UserId'] == 12
    assert bridge.starts == 1


def test_calls_from_many_threads_share_one_php(emulator, bridge):
    emulator.add_server('one')
    answers, errors = [], []

    def reader():
        try:
            for dummy in range(5):
                answers.append(bridge.send('Mail', 'GetServers', {})['Result']['Count'])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for dummy in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and answers == [1] * 30
    assert bridge.starts == 1 and bridge.calls == 30


# ---- php failing mid-run ---------------------------------------------------------------------

def test_a_php_killed_mid_write_is_sent_and_the_next_call_gets_a_fresh_php(emulator, bridge):
    bridge.send('Mail', 'GetServers', {})
    first_pid = bridge.pid
    emulator.faults({'call': 'Mail.CreateServer', 'fault': 'php-kill', 'when': 'after'})
    with pytest.raises(AuroraTransportError) as caught:
        bridge.send('Mail', 'CreateServer', SERVER)
    error = caught.value
    assert (error.sent, error.retryable, error.timed_out) == (True, True, False)
    assert 'php ended before it answered (exit status -9)' in str(error)
    assert [s['Name'] for s in emulator.state()['servers']] == ['one']  # the write happened
    assert bridge.pid is None
    assert bridge.send('Mail', 'GetServers', {})['Result']['Count'] == 1
    assert bridge.pid not in (None, first_pid) and bridge.starts == 2


def test_an_engine_fatal_mid_call_is_one_sentence_and_the_next_call_works(bridge):
    bridge.send('Core', 'GetUsers', {})
    with pytest.raises(AuroraTransportError) as caught:
        bridge.send('BridgeTest', 'CompileError', {})
    text = str(caught.value)
    assert text.startswith('No usable answer from Aurora to BridgeTest.CompileError: PHP fatal error while running '
                           'BridgeTest.CompileError: Cannot redeclare')
    assert caught.value.sent is True
    assert_one_sentence(caught.value)
    assert bridge.send('Core', 'GetUsers', {})['Result']['Count'] == 0 and bridge.starts == 2


def test_an_uncaught_php_error_of_a_module_is_one_sentence(emulator, bridge):
    assert emulator.call('Core', 'DeleteUser', {'UserId': 999}).status == 500  # the web API: HTTP 500, empty body
    with pytest.raises(AuroraTransportError) as caught:
        bridge.send('Core', 'DeleteUser', {'UserId': 999})
    assert ('PHP error while running Core.DeleteUser: Error: Call to a member function delete() on null'
            in str(caught.value))
    assert caught.value.sent is True
    assert_one_sentence(caught.value)


def test_exit_in_the_code_is_reported(bridge):
    with pytest.raises(AuroraTransportError) as caught:
        bridge.send('BridgeTest', 'Quit', {})
    assert 'php stopped while running BridgeTest.Quit (exit or die in the code it ran)' in str(caught.value)


def test_a_line_that_is_not_json_is_an_error_naming_an_excerpt(bridge):
    with pytest.raises(AuroraTransportError) as caught:
        bridge.send('BridgeTest', 'WriteStdout', {'Text': 'secret-' + PASSWORD}, secrets=[PASSWORD])
    text = str(caught.value)
    assert "not a JSON object (php was stopped): 'not JSON: secret-%s'" % MASK in text
    assert PASSWORD not in text
    assert bridge.send('Core', 'GetUsers', {})['Result']['Count'] == 0 and bridge.starts == 2


def test_no_answer_in_time_stops_php(emulator, bridge):
    bridge.send('Core', 'GetUsers', {})
    stuck_pid = bridge.pid
    emulator.faults({'call': 'Core.GetUsers', 'fault': 'hold'})
    try:
        with pytest.raises(AuroraTransportError) as caught:
            bridge.send('Core', 'GetUsers', {}, wait=0.5)
    finally:
        emulator.release(drop=True)
    assert caught.value.timed_out is True and caught.value.sent is True
    assert 'no answer from the PHP bridge within 0.5 s (timeout); php was stopped' in str(caught.value)
    with pytest.raises(ProcessLookupError):
        os.kill(stuck_pid, 0)
    assert bridge.send('Core', 'GetUsers', {})['Result']['Count'] == 0


# ---- secrets ----------------------------------------------------------------------------------

def test_a_password_is_never_in_argv_or_the_environment(bridge):
    bridge.send('Core', 'CreateUser', {'PublicId': 'carol@one.example', 'Password': PASSWORD})
    pid = bridge.pid
    with open('/proc/%d/cmdline' % pid, 'rb') as handle:
        argv = handle.read().split(b'\0')
    with open('/proc/%d/environ' % pid, 'rb') as handle:
        environment = handle.read()
    assert argv[:-1] == [b'php', b'-d', b'display_errors=stderr', bridge.script_path.encode()]
    for form in (PASSWORD, json.dumps(PASSWORD)[1:-1]):
        assert form.encode('utf-8') not in b''.join(argv) + environment


@pytest.mark.parametrize('params, secrets', [
    ({'Echo': PASSWORD}, [PASSWORD]),  # a secret the caller names
    ({'Password': PASSWORD}, []),  # a parameter named as a password
])
def test_a_password_echoed_on_stderr_is_masked_in_the_error(bridge, params, secrets):
    with pytest.raises(AuroraTransportError) as caught:
        bridge.send('BridgeTest', 'CompileError', params, secrets=secrets)
    text = str(caught.value)
    assert "php's stderr ends with: BridgeTest was given %s" % MASK in text  # php did echo it
    assert PASSWORD not in text


def test_a_password_of_an_earlier_call_is_masked_too(bridge):
    bridge.send('Core', 'CreateUser', {'PublicId': 'dave@one.example', 'Password': PASSWORD})
    with pytest.raises(AuroraTransportError) as caught:
        bridge.send('BridgeTest', 'UncaughtError', {'Echo': 'it was ' + PASSWORD})
    text = str(caught.value)
    assert 'BridgeTest was given it was %s' % MASK in text and PASSWORD not in text


def test_bridges_make_as_many_calls_at_once_as_they_have_php(emulator, aurora_path):
    """Two calls held until both arrive meet at once through two php; through one, the second would wait for the
    first, which the gate holds until its bound."""
    bound = 10
    emulator.gate('Core.GetSettings', 2, bound)
    answers = []
    with PhpBridges(aurora_path, timeout=20, size=2) as bridges:
        threads = [threading.Thread(target=lambda: answers.append(bridges.send('Core', 'GetSettings', None)))
                   for dummy in range(2)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        waited = time.monotonic() - started
    assert ['Result' in answer for answer in answers] == [True, True]
    assert waited < bound / 2, waited
