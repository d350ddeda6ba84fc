"""No secret in the output of ansible-playbook -vvv, whatever the module, the mode and the outcome.

Every module (one playbook holds all five) and the role run through a real ansible-playbook at -vvv, in normal, check
and diff mode, when they succeed and when they fail (a write Aurora refuses, through the emulator's fault injection;
wrong admin credentials). The whole output (stdout and stderr) is searched for every secret involved: the admin
password, the users' passwords, the SMTP passwords of the servers, and the tokens Aurora issued: the one the play's
login returned (written to a file by a no_log task) and any other token the emulator signed (found by checking each
token-like word of the output against the emulator's signature). The counts are recorded as the figures "secrets"
(build/reliability/secrets.json); the secrets found must be 0.

aurora_settings runs in a playbook of its own, with the super-administrator's password as it is and a new one, over
the web API (normal, check, diff, check and diff) and on the host (diff, check and diff); the database password stored
in the system settings is searched for too.

tests/integration/test_role_provision.py already runs the role at -vvv in a real run with a given token, with a refused
token and with a refused login; here the role also runs in check and diff mode with its own login, and with refused
writes.
"""

import json
import re

import pytest

from tests.emulator.aurora.tokens import TokenService
from tests.helpers.figures import Figures, figures_fixture
from tests.helpers.playbook import run_playbook
from tests.integration.test_role_provision import EXAMPLE_VARS, connection_of, example_passwords, provision

LOGINS = ('LoginAsSuperadmin', 'Login')
MODULES = ('aurora_api_token', 'aurora_mail_server', 'aurora_user_account', 'aurora_mail_servers', 'aurora_user_accounts')
SMTP_PASSWORDS = ['Smtp-Relay-Secret-4711', 'Smtp-Bulk-Secret-4712']
USER_PASSWORDS = ['User-Mailbox-Secret-4721', 'User-Bulk-Secret-4722', 'User-Bulk-Secret-4723']
WRONG_ADMIN_PASSWORD = 'Wrong-Admin-Secret-4731'
TOKEN_LIKE = re.compile(r'[A-Za-z0-9_-]{40,}')
FAILED_TASK = 'fatal: [localhost]: FAILED! => '

figures = figures_fixture('secrets')

ALL_MODULES_PLAYBOOK = '''
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: "{{ aurora_url }}"
      api_password: "{{ aurora_password }}"
  tasks:
    - name: Log in once
      afterlogic.aurora.aurora_api_token:
      register: session
      no_log: true
      ignore_errors: true

    - name: Keep the token the login returned, for the scan
      ansible.builtin.copy:
        content: "{{ session.token | default('', true) }}"
        dest: "{{ token_file }}"
        mode: "0600"
      no_log: true
      check_mode: false
      when: session.token | default('', true) | length > 0

    - name: A token given (and reused)
      afterlogic.aurora.aurora_api_token:
        api_token: "{{ session.token | default(omit, true) }}"
      ignore_errors: true

    - name: A server with SMTP credentials, its password sent on every run
      afterlogic.aurora.aurora_mail_server:
        api_token: "{{ session.token | default(omit, true) }}"
        name: relay
        incoming_server: imap.relay.example
        domains: [relay.example]
        smtp_auth_type: specified_credentials
        smtp_login: relay
        smtp_password: "{{ smtp_passwords[0] }}"
        update_password: always
      ignore_errors: true

    - name: A user with its mailbox password, sent on every run
      afterlogic.aurora.aurora_user_account:
        api_token: "{{ session.token | default(omit, true) }}"
        email: ann@relay.example
        password: "{{ user_passwords[0] }}"
        friendly_name: Ann
        update_password: always
      ignore_errors: true

    - name: Servers in bulk (this task logs in by itself)
      afterlogic.aurora.aurora_mail_servers:
        servers:
          - name: bulk
            incoming_server: imap.bulk.example
            domains: [bulk.example]
            smtp_auth_type: specified_credentials
            smtp_login: bulk
            smtp_password: "{{ smtp_passwords[1] }}"
            update_password: always
      ignore_errors: true

    - name: Users in bulk
      afterlogic.aurora.aurora_user_accounts:
        api_token: "{{ session.token | default(omit, true) }}"
        accounts:
          - email: bob@bulk.example
            password: "{{ user_passwords[1] }}"
            update_password: always
          - email: eve@bulk.example
            password: "{{ user_passwords[2] }}"
            server: bulk
            update_password: always
      ignore_errors: true
'''


@pytest.fixture
def aurora(emulator):
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    emulator.calls_clear()
    return emulator


def signed_tokens(output):
    """Every word of the output that is a token the emulator signed (whatever run or login issued it)."""
    tokens = TokenService()
    return sorted(set(word for word in TOKEN_LIKE.findall(output) if _decodes(tokens, word)))


def _decodes(tokens, word):
    try:
        return tokens.decode(word) is not None
    except (ValueError, KeyError, TypeError):
        return False


def scan(figures, output, secrets):
    """The secrets found in the output (none expected), counted in the figures."""
    secrets = [secret for secret in secrets if secret]
    found = [secret for secret in secrets if secret in output] + signed_tokens(output)
    figures.add('runs scanned')
    figures.add('secrets searched', len(secrets) + 1)  # + 1: any token the emulator signed
    figures.add('secrets found', len(found))
    return found


def run_all_modules(tmp_path, aurora, options, password=None):
    token_file = tmp_path / 'token'
    extra = dict(aurora_url=aurora.url, aurora_password=password or aurora.admin_password, token_file=str(token_file),
                 smtp_passwords=SMTP_PASSWORDS, user_passwords=USER_PASSWORDS)
    run = run_playbook(tmp_path, ALL_MODULES_PLAYBOOK, extra_vars=extra, options=['-vvv'] + list(options))
    token = token_file.read_text() if token_file.exists() else None
    return run, token


def failed_results(output):
    """The results of the failed tasks (-vvv prints each as indented JSON)."""
    decoder = json.JSONDecoder()
    results = []
    start = output.find(FAILED_TASK)
    while start >= 0:
        result, end = decoder.raw_decode(output, start + len(FAILED_TASK))
        results.append(result)
        start = output.find(FAILED_TASK, end)
    return results


def logins(aurora):
    return [call for call in aurora.calls() if call['Method'] in LOGINS]


def writes(aurora):
    return [call for call in aurora.calls() if not call['Method'].startswith('Get') and call['Method'] not in LOGINS]


MODES = [pytest.param([], id='normal'), pytest.param(['--check'], id='check'), pytest.param(['--diff'], id='diff'),
         pytest.param(['--check', '--diff'], id='check-diff')]


@pytest.mark.parametrize('mode', MODES)
def test_every_module_succeeds_without_printing_a_secret(tmp_path, aurora, figures, mode):
    if '--check' not in mode:  # a second run too: the passwords are sent again (update_password: always)
        first, first_token = run_all_modules(tmp_path, aurora, [])
        assert first.recap()[2] == 0, first.output
        assert scan(figures, first.output, [aurora.admin_password, first_token] + SMTP_PASSWORDS + USER_PASSWORDS) == []
    run, token = run_all_modules(tmp_path, aurora, mode)
    assert run.returncode == 0 and run.recap()[2] == 0, run.output
    assert token and len(logins(aurora)) >= 2  # the play's login, and the bulk task's own
    assert ('--check' in mode) == (writes(aurora) == [])
    found = scan(figures, run.output, [aurora.admin_password, token] + SMTP_PASSWORDS + USER_PASSWORDS)
    assert found == [], found
    assert 'relay.example' in run.output  # what is not secret is shown


@pytest.mark.parametrize('mode', [pytest.param([], id='normal'), pytest.param(['--diff'], id='diff')])
def test_every_module_fails_on_refused_writes_without_printing_a_secret(tmp_path, aurora, figures, mode):
    first, dummy = run_all_modules(tmp_path, aurora, [])
    assert first.recap()[2] == 0, first.output
    before = aurora.state()
    # The passwords are sent again (update_password: always), in writes that Aurora refuses or whose answer is lost.
    aurora.faults([{'call': 'Mail.UpdateServer', 'fault': 'http500', 'when': 'before', 'times': 1000},
                   {'call': 'Mail.UpdateAccount', 'fault': 'html', 'when': 'before', 'times': 1000}])
    run, token = run_all_modules(tmp_path, aurora, mode)
    failures = failed_results(run.output)
    assert len(failures) == 4, run.output  # the four tasks that write; the two token tasks succeed
    assert [failure['error']['call'] for failure in failures[:2]] == ['Mail.UpdateServer', 'Mail.UpdateAccount']
    assert 'Mail.UpdateServer' in failures[2]['msg'] and 'Mail.UpdateAccount' in failures[3]['msg'], failures
    assert all('exception' not in failure for failure in failures)
    assert aurora.state() == before
    found = scan(figures, run.output, [aurora.admin_password, token] + SMTP_PASSWORDS + USER_PASSWORDS)
    assert found == [], found


def test_wrong_admin_credentials_fail_each_module_with_one_login_and_aurora_code(tmp_path, aurora, figures):
    run, token = run_all_modules(tmp_path, aurora, [], password=WRONG_ADMIN_PASSWORD)
    assert token is None
    failures = failed_results(run.output)
    # The two aurora_api_token tasks, the four others: each logs in once, is refused, and does not try again.
    assert len(failures) == len(MODULES) + 1, run.output
    assert len(logins(aurora)) == len(failures) and writes(aurora) == []
    shown = [failure for failure in failures if 'censored' not in failure]  # the no_log login shows no message
    assert len(shown) == len(MODULES), failures
    for failure in shown:
        message = failure['msg']
        assert '\n' not in message and message.startswith('Aurora refused AdminAuth.LoginAsSuperadmin'), message
        assert '(102 AuthError)' in message and 'api_password' in message, message
        assert failure['error'] == {'call': 'AdminAuth.LoginAsSuperadmin', 'code': 102, 'name': 'AuthError'}
    found = scan(figures, run.output, [WRONG_ADMIN_PASSWORD, aurora.admin_password] + SMTP_PASSWORDS + USER_PASSWORDS)
    assert found == [], found


def test_the_role_in_check_and_diff_mode_with_its_own_login_prints_no_secret(tmp_path, aurora, figures):
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, '-vvv', '--check', '--diff',
                             connection=connection_of(aurora))
    assert code == 0, output
    assert len(logins(aurora)) == 1 and writes(aurora) == []
    found = scan(figures, output, example_passwords() + [aurora.admin_password])
    assert found == [], found


def test_the_role_with_refused_writes_prints_no_secret(tmp_path, aurora, figures):
    aurora.faults([{'call': 'Mail.CreateServer', 'fault': 'http500', 'when': 'after', 'times': 1},
                   {'call': 'Core.CreateUser', 'fault': 'html', 'when': 'before', 'times': 1000}])
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, '-vvv', '--diff', connection=connection_of(aurora))
    assert code != 0 and 'Core.CreateUser' in output, output
    assert aurora.state()['users'] == []
    found = scan(figures, output, example_passwords() + [aurora.admin_password])
    assert found == [], found


SETTINGS_PLAYBOOK = '''
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: "{{ aurora_url | default(omit) }}"
      api_password: "{{ aurora_password | default(omit) }}"
      api_transport: "{{ aurora_transport | default(omit) }}"
      aurora_path: "{{ aurora_path | default(omit) }}"
  tasks:
    - name: The admin password it already is, beside a setting
      afterlogic.aurora.aurora_settings:
        module: system
        admin_password: "{{ admin_passwords[0] }}"
        settings: {LoggingLevel: Warning}

    - name: A new admin password (the last task over the web API, whose login it changes)
      afterlogic.aurora.aurora_settings:
        module: system
        admin_password: "{{ admin_passwords[1] }}"
        settings: {EnableEventLogging: true}
'''
NEW_ADMIN_PASSWORD = 'New-Admin-Secret-4741'
STORED_DB_PASSWORD = 'Stored-Database-Secret-4742'  # in the system settings: aurora_settings never reads it
SETTINGS_MODES = [pytest.param(transport, mode, id='%s-%s' % (transport, '-'.join(word[2:] for word in mode) or 'normal'))
                  for transport, modes in (('web', ([], ['--check'], ['--diff'], ['--check', '--diff'])),
                                           ('php', (['--diff'], ['--check', '--diff'])))
                  for mode in modes]


@pytest.mark.parametrize('transport, mode', SETTINGS_MODES)
def test_aurora_settings_with_the_admin_password_prints_no_secret(tmp_path, aurora, figures, fake_aurora, transport,
                                                                  mode):
    system = json.loads(aurora.settings_files()['config.json'])
    system['DBPassword'][0] = STORED_DB_PASSWORD
    aurora.settings_files({'config.json': json.dumps(system)})
    passwords = [aurora.admin_password, NEW_ADMIN_PASSWORD]
    connection = dict(aurora_transport='php', aurora_path=str(fake_aurora(aurora))) if transport == 'php' else \
        dict(aurora_url=aurora.url, aurora_password=aurora.admin_password)
    run = run_playbook(tmp_path, SETTINGS_PLAYBOOK, extra_vars=dict(connection, admin_passwords=passwords),
                       options=['-vvv'] + mode)
    assert run.returncode == 0 and run.recap()[1:] == (2, 0), run.output  # both change a setting, one the password
    assert run.output.count('"password_changed": true') == 1, run.output  # predicted in check mode
    assert aurora.login(password=aurora.admin_password if '--check' in mode else NEW_ADMIN_PASSWORD)
    found = scan(figures, run.output, passwords + [STORED_DB_PASSWORD])
    assert found == [], found
    assert 'LoggingLevel' in run.output  # what is not secret is shown


def test_the_scan_finds_a_password_and_any_token_the_emulator_signed(aurora):
    """The scan itself can fail: a planted password and a token issued outside the play are both found."""
    token = aurora.login()
    planted = 'ok: [localhost] => {"msg": "%s", "other": "%s"}' % (USER_PASSWORDS[0], token)
    assert scan(Figures(), planted, USER_PASSWORDS) == [USER_PASSWORDS[0], token]


def test_runs_were_scanned_and_no_secret_found(figures):
    """Runs last: the figures are counted run by run."""
    assert figures.get('runs scanned', 0) >= 9 and figures.get('secrets searched', 0) > 0, figures
    assert figures.get('secrets found') == 0, figures
