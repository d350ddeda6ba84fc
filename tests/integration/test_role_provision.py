"""The role afterlogic.aurora.provision through the playbook afterlogic.aurora.provision, against the emulator.

What an operator relies on: one login and one copy of everything per play however many hosts it targets, a check run
on a fresh Aurora that predicts exactly what the real run then does, no secret in the output even at -vvv, the
connection from AURORA_* variables (AWX/Tower), and bad input refused before any API call.
"""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path
from tests.helpers.playbook import ECHO_ARGUMENTS

EXAMPLE_VARS = os.path.join(REPO_ROOT, 'playbooks', 'vars', 'example.yml')
LOGINS = ('LoginAsSuperadmin', 'Login')
TASK_RESULT_LINE = re.compile(r'^(?:ok|changed|fatal): \[[^\]]+\]:?(?: FAILED!)? => (\{.*\})$', re.MULTILINE)
RECAP_LINE = re.compile(r'^(\S+)\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.MULTILINE)


def example():
    with open(EXAMPLE_VARS) as handle:
        return yaml.safe_load(handle)


def example_passwords():
    data = example()
    return [server['smtp_password'] for server in data['aurora_mail_servers'] if server.get('smtp_password')] + \
        [account['password'] for account in data['aurora_user_accounts'] if account.get('password')]


@pytest.fixture
def aurora(emulator):
    """A fresh emulator with Aurora's IMAP check on account creation turned off (the example hosts do not exist)."""
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    emulator.calls_clear()
    return emulator


def provision(tmp_path, *args, env=None, hosts=None, connection=None):
    """ansible-playbook afterlogic.aurora.provision ARGS; returns (returncode, output).

    ``connection``: extra vars with the connection (None: none, it comes from ``env``).
    ``hosts``: inventory host names for the play (aurora_hosts=aurora), else the implicit localhost.
    """
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), 'afterlogic.aurora.provision']
    extra = dict(connection or {})
    if hosts:
        inventory = tmp_path / 'inventory.yml'
        inventory.write_text(yaml.safe_dump({'aurora': {'hosts': dict((name, None) for name in hosts), 'vars': {
            'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}))
        command += ['-i', str(inventory)]
        extra['aurora_hosts'] = 'aurora'
    if extra:
        command += ['-e', json.dumps(extra)]
    verbose = [] if any(arg.startswith('-v') for arg in args) else ['-v']  # each task's result, for item_statuses()
    command += verbose + list(args)
    full_env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1',
                    ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
                    ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', **ECHO_ARGUMENTS)
    for name in [name for name in full_env if name.startswith('AURORA_')]:
        del full_env[name]
    full_env.update(env or {})
    finished = subprocess.run(command, env=full_env, cwd=str(tmp_path), capture_output=True, text=True,
                              timeout=300, check=False)
    return finished.returncode, finished.stdout + finished.stderr


def connection_of(emulator):
    return dict(aurora_api_url=emulator.url, aurora_api_username=emulator.admin_login,
                aurora_api_password=emulator.admin_password)


def item_statuses(output):
    """{item: status} of every item of the bulk tasks, e.g. {'mydomain': 'changed', 'user@mydomain.com': 'ok'}."""
    statuses = {}
    for line in TASK_RESULT_LINE.findall(output):
        task = json.loads(line)
        for item in task.get('results', []):
            status = 'failed' if item.get('failed') else 'changed' if item.get('changed') else 'ok'
            statuses[item.get('name', item.get('email'))] = status
    return statuses


def recap(output):
    return dict((host, tuple(int(n) for n in numbers)) for host, *numbers in RECAP_LINE.findall(output))


def logins(emulator):
    return [call for call in emulator.calls() if call['Method'] in LOGINS]


def writes(emulator):
    return [call['Module'] + '.' + call['Method'] for call in emulator.calls()
            if not call['Method'].startswith('Get') and call['Method'] not in LOGINS]


def names(objects, key):
    return sorted(item[key] for item in objects)


def test_check_run_on_a_fresh_aurora_predicts_the_real_run_and_writes_nothing(tmp_path, aurora):
    code, checked = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, '--check', '--diff', connection=connection_of(aurora))
    assert code == 0, checked
    assert writes(aurora) == [] and len(logins(aurora)) == 1
    state = aurora.state()
    assert state['servers'] == [] and state['users'] == [] and state['accounts'] == []

    code, real = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, connection=connection_of(aurora))
    assert code == 0, real
    predicted, done = item_statuses(checked), item_statuses(real)
    data = example()
    everything = [server['name'] for server in data['aurora_mail_servers']] + \
        [account['email'] for account in data['aurora_user_accounts']]
    assert sorted(done) == sorted(everything)
    assert predicted == done == dict((item, 'changed') for item in everything)


def test_one_login_and_one_copy_per_play_however_many_hosts(tmp_path, aurora):
    hosts = ['aurora-web-%d' % number for number in range(1, 6)]
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, hosts=hosts, connection=connection_of(aurora))
    assert code == 0, output
    assert len(logins(aurora)) == 1
    creates = [call for call in writes(aurora) if '.Create' in call]
    data = example()
    assert len(creates) == len(data['aurora_mail_servers']) + 2 * len(data['aurora_user_accounts'])
    state = aurora.state()
    assert names(state['servers'], 'Name') == sorted(server['name'] for server in data['aurora_mail_servers'])
    assert names(state['users'], 'PublicId') == sorted(account['email'] for account in data['aurora_user_accounts'])
    assert len(state['accounts']) == len(data['aurora_user_accounts'])
    # Every host went through the play; only the first one ran the API tasks.
    assert sorted(recap(output)) == hosts
    assert recap(output)['aurora-web-1'][1] > 0
    assert all(recap(output)[host][1] == 0 for host in hosts[1:])

    aurora.calls_clear()
    code, again = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, hosts=hosts, connection=connection_of(aurora))
    assert code == 0, again
    assert writes(aurora) == [] and len(logins(aurora)) == 1
    assert all(counts[1] == 0 for counts in recap(again).values())


def test_no_secret_in_the_output_even_at_vvv(tmp_path, aurora):
    token = aurora.login()
    aurora.calls_clear()
    connection = dict(connection_of(aurora), aurora_api_token=token)
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, '-vvv', '--diff', connection=connection)
    assert code == 0, output
    assert logins(aurora) == []  # the token given was accepted: no login at all
    assert len(aurora.state()['accounts']) == len(example()['aurora_user_accounts'])
    for secret in example_passwords() + [aurora.admin_password, token]:
        assert secret not in output, secret
    assert '"email": "user@mydomain.com"' in output  # the items are shown, without their secrets


def test_connection_from_aurora_environment_variables_as_awx_sets_them(tmp_path, aurora):
    env = dict(AURORA_URL=aurora.url, AURORA_USERNAME=aurora.admin_login, AURORA_PASSWORD=aurora.admin_password)
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, env=env)
    assert code == 0, output
    assert len(logins(aurora)) == 1
    assert len(aurora.state()['servers']) == len(example()['aurora_mail_servers'])

    aurora.calls_clear()
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS,
                             env=dict(AURORA_URL=aurora.url, AURORA_TOKEN=aurora.login()))
    assert code == 0, output
    assert recap(output)['localhost'][1] == 0
    assert len(logins(aurora)) == 1  # the one made here to get the token; the play made none


def test_a_refused_token_leads_to_one_login_for_the_whole_play_and_no_token_is_shown(tmp_path, aurora):
    stale = aurora.login()
    aurora.revoke_tokens()
    aurora.calls_clear()
    connection = dict(connection_of(aurora), aurora_api_token=stale)
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, '-vvv', connection=connection)
    assert code == 0, output
    assert len(logins(aurora)) == 1
    assert "the output has been hidden due to the fact that 'no_log: true'" in output  # the new token
    for secret in example_passwords() + [aurora.admin_password, stale]:
        assert secret not in output, secret


SMALL = {
    'aurora_mail_servers': [{'name': 'mydomain', 'incoming_server': 'mail.mydomain.com', 'domains': ['mydomain.com']},
                            {'name': 'legacy', 'incoming_server': 'mail.legacy.example', 'domains': ['legacy.example']}],
    'aurora_user_accounts': [{'email': 'stays@legacy.example', 'password': 'Fake-Secret-1', 'server': 'legacy'},
                             {'email': 'moves@legacy.example', 'password': 'Fake-Secret-2', 'server': 'legacy'},
                             {'email': 'goes@legacy.example', 'password': 'Fake-Secret-3', 'server': 'legacy'}],
}


def write_vars(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return '@' + str(path)


def test_a_server_is_deleted_after_the_accounts_the_run_moves_or_deletes_and_check_mode_predicts_it(tmp_path, aurora):
    code, output = provision(tmp_path, '-e', write_vars(tmp_path, 'small.yml', SMALL), connection=connection_of(aurora))
    assert code == 0, output
    moves = {'email': 'moves@legacy.example', 'server': 'mydomain'}
    goes = {'email': 'goes@legacy.example', 'state': 'absent'}
    stays = {'email': 'stays@legacy.example', 'state': 'absent'}

    # One account the run leaves on it: the deletion is refused, in check mode as in the real run.
    blocked = write_vars(tmp_path, 'blocked.yml', {'aurora_mail_servers': [{'name': 'legacy', 'state': 'absent'}],
                                                   'aurora_user_accounts': [moves, goes]})
    legacy_id = next(server['Id'] for server in aurora.state()['servers'] if server['Name'] == 'legacy')
    refused = f"refusing to delete mail server 'legacy' (id {legacy_id}): 1 mail account(s) use it (stays@legacy.example)"
    code, output = provision(tmp_path, '-e', blocked, '--check', connection=connection_of(aurora))
    assert code != 0
    assert refused in output, output
    code, output = provision(tmp_path, '-e', blocked, connection=connection_of(aurora))
    assert code != 0
    assert refused in output, output
    state = aurora.state()
    assert names(state['servers'], 'Name') == ['legacy', 'mydomain']
    assert names(state['accounts'], 'Email') == ['moves@legacy.example', 'stays@legacy.example']

    # Every account on it leaves in the same run: check mode predicts the deletion, the real run makes it.
    cleared = write_vars(tmp_path, 'cleared.yml', {'aurora_mail_servers': [{'name': 'legacy', 'state': 'absent'}],
                                                   'aurora_user_accounts': [stays]})
    code, checked = provision(tmp_path, '-e', cleared, '--check', connection=connection_of(aurora))
    assert code == 0, checked
    code, real = provision(tmp_path, '-e', cleared, connection=connection_of(aurora))
    assert code == 0, real
    assert item_statuses(checked) == item_statuses(real) == {'stays@legacy.example': 'changed', 'legacy': 'changed'}
    state = aurora.state()
    assert names(state['servers'], 'Name') == ['mydomain']
    assert names(state['accounts'], 'Email') == ['moves@legacy.example']


@pytest.mark.parametrize('bad, message', [
    ({'aurora_mail_servers': [{'name': 'x', 'incoming_prot': 143}]}, 'incoming_prot'),
    ({'aurora_mail_servers': [{'name': 'x', 'smtp_auth_type': 'login'}]}, 'smtp_auth_type'),
    ({'aurora_user_accounts': [{'password': 'Fake-Secret-9'}]}, 'email'),
    ({'aurora_user_accounts': [{'email': 'a@b.example', 'server': 's', 'server_id': 1}]}, 'mutually exclusive'),
    ({'aurora_mail_servers': [{'name': 'twice'}, {'name': 'twice'}, {'name': 'Twice'}],
      'aurora_user_accounts': [{'email': 'A@b.example'}, {'email': 'a@b.example'}]},
     'listed more than once: mail server twice, user A@b.example'),
    ({'aurora_mail_servers': [{'name': 'm', 'tenant': 'acme'}, {'name': 'm', 'tenant': 'beta'},
                              {'name': 'm', 'tenant': 'acme'}],
      'aurora_groups': [{'name': 'Sales', 'tenant': 'acme'}, {'name': 'sales', 'tenant': 'acme'}]},
     'listed more than once: mail server m (tenant acme), group Sales (tenant acme)'),
])
def test_bad_input_is_refused_before_any_api_call(tmp_path, aurora, bad, message):
    vars_file = tmp_path / 'bad.yml'
    vars_file.write_text(yaml.safe_dump(bad))
    code, output = provision(tmp_path, '-e', '@' + str(vars_file), connection=connection_of(aurora))
    assert code != 0
    assert message in output, output
    assert aurora.calls() == []
    assert 'Fake-Secret-9' not in output


def test_a_refused_login_stops_the_play_with_aurora_reason_and_no_password(tmp_path, aurora):
    connection = dict(connection_of(aurora), aurora_api_password='Wrong-Admin-Secret-7')
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE_VARS, '-vvv', connection=connection)
    assert code != 0
    assert 'AdminAuth.LoginAsSuperadmin' in output and 'check api_username and api_password' in output, output
    assert 'Wrong-Admin-Secret-7' not in output
    assert len(logins(aurora)) == 1 and writes(aurora) == []


def test_empty_lists_make_no_api_call(tmp_path, aurora):
    code, output = provision(tmp_path, '-e', write_vars(tmp_path, 'empty.yml', {
        'aurora_mail_servers': [], 'aurora_user_accounts': []}), connection=connection_of(aurora))
    assert code == 0, output
    assert aurora.calls() == []
