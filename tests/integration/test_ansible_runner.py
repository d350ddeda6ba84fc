"""A job as AWX and Automation Controller run it: ansible-runner runs playbooks/provision.yml against the emulator.

AWX hands each job to ansible-runner (``ansible_runner.run``) with a private data directory holding the project, the
environment that the job's credentials inject, the job template's variables as extra variables, and ``--check --diff``
for a Check job that shows changes. Each test runs the project playbook of docs/docsite/rst/awx.rst, which imports
afterlogic.aurora.provision (playbooks/provision.yml), on the Demo Inventory's localhost, with the variables of
playbooks/vars/example.yml, once: with the connection only in the credential's environment variables, only in extra
variables, and as a Check job. Each checks the play recap that ansible-runner reports, and reads back from the emulator
what Aurora then holds.

They also prove what docs/docsite/rst/awx.rst says about ansible-runner's files: it writes the environment variables
and extra variables it is given into env/envvars and env/extravars of the private data directory, and the command
with its whole environment into artifacts/<ident>/command, in clear text, while the job's output and events hold no
password.
"""

import json
import os
import re
import shutil
import sys

import ansible_runner
import pytest

from tests.helpers import awx
from tests.helpers.collection import ensure_collection_on_path
from tests.helpers.rst import code_block
from tests.integration.test_role_provision import example, example_passwords

RECAP = re.compile(r'^localhost\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)',
                   re.MULTILINE)
# AWX's Demo Inventory: localhost, run by the Python that runs ansible-playbook.
LOCALHOST = {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}
DEMO_INVENTORY = {'all': {'hosts': {'localhost': LOCALHOST}}}
# The tasks of the role that change Aurora when it lacks the example's servers and users.
CHANGING_ACTIONS = ['afterlogic.aurora.aurora_mail_servers', 'afterlogic.aurora.aurora_user_accounts']


@pytest.fixture
def aurora(emulator):
    # The example's mail hosts do not exist: Aurora's IMAP check on account creation is turned off.
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    return emulator


@pytest.fixture
def private_data_dir(tmp_path, monkeypatch):
    """The job's private data directory, with the project of awx.rst; removed after the test with all that it holds.

    The process environment is the execution environment's: ansible-playbook on PATH, the collection installed, and no
    AURORA_* variable but those a test gives as the credential's.
    """
    for name in [name for name in os.environ if name.startswith('AURORA_')]:
        monkeypatch.delenv(name)
    monkeypatch.setenv('PATH', os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    monkeypatch.setenv('ANSIBLE_COLLECTIONS_PATH', ensure_collection_on_path())
    monkeypatch.setenv('ANSIBLE_LOCAL_TEMP', str(tmp_path / 'ansible-tmp'))
    monkeypatch.setenv('ANSIBLE_NOCOLOR', '1')
    directory = tmp_path / 'job'
    (directory / 'project').mkdir(parents=True)
    (directory / 'project' / 'provision.yml').write_text(code_block('awx.rst', 'provision.yml'))
    yield directory
    for path in tmp_path.iterdir():
        shutil.rmtree(str(path))


def run_job(private_data_dir, **options):
    runner = ansible_runner.run(private_data_dir=str(private_data_dir), playbook='provision.yml',
                                inventory=DEMO_INVENTORY, quiet=True, **options)
    with open(os.path.join(runner.config.artifact_dir, 'stdout')) as handle:
        stdout = handle.read()
    assert runner.status == 'successful' and runner.rc == 0, stdout
    return runner, stdout


def recap(runner, stdout):
    """The counts of the PLAY RECAP line, which must be those of runner.stats (what AWX keeps as host summaries)."""
    found = RECAP.search(stdout)
    assert found, stdout
    printed = dict(zip(('ok', 'changed', 'unreachable', 'failed', 'skipped'), (int(n) for n in found.groups())))
    stats = runner.stats
    assert printed == dict(ok=stats['ok'].get('localhost', 0), changed=stats['changed'].get('localhost', 0),
                           unreachable=stats['dark'].get('localhost', 0), failed=stats['failures'].get('localhost', 0),
                           skipped=stats['skipped'].get('localhost', 0))
    return printed


def task_results(runner):
    return [event['event_data'] for event in runner.events if event['event'] == 'runner_on_ok']


def assert_recap_of_a_fresh_aurora(runner, stdout):
    """No task failed, the recap counts every task that ran, and exactly the tasks of the servers and the users changed
    something."""
    counts = recap(runner, stdout)
    results = task_results(runner)
    changed = sorted(result['task_action'] for result in results if result['res'].get('changed'))
    assert changed == CHANGING_ACTIONS, stdout
    assert counts['changed'] == len(changed) and counts['ok'] == len(results), (counts, stdout)
    assert counts['failed'] == counts['unreachable'] == 0
    return results


def assert_aurora_holds_the_example(aurora):
    data = example()
    state = aurora.state()
    assert sorted(server['Name'] for server in state['servers']) == \
        sorted(server['name'] for server in data['aurora_mail_servers'])
    assert sorted(user['PublicId'] for user in state['users']) == \
        sorted(account['email'] for account in data['aurora_user_accounts'])


def assert_no_password_in_the_output(runner, stdout, aurora):
    """Neither the job's output nor its events (what AWX shows and keeps of a job) hold a password."""
    events = json.dumps(list(runner.events))
    for secret in [aurora.admin_password] + example_passwords():
        assert secret not in stdout and secret not in events


def files_holding(directory, secret):
    """The files under ``directory`` (relative paths) whose text holds ``secret``."""
    found = []
    for folder, _folders, names in os.walk(str(directory)):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, errors='replace') as handle:
                if secret in handle.read():
                    found.append(os.path.relpath(path, str(directory)))
    return sorted(found)


def read_json(*parts):
    with open(os.path.join(*parts)) as handle:
        return json.load(handle)


def command_file(runner):
    """artifacts/<ident>/command: ansible-runner's record of the command it ran, its folder and its environment."""
    return os.path.join(runner.config.artifact_dir, 'command')


def test_a_run_job_with_the_connection_only_in_the_credentials_environment(private_data_dir, aurora):
    credential_env = awx.job_environment({'url': aurora.url, 'username': aurora.admin_login,
                                          'password': aurora.admin_password})
    runner, stdout = run_job(private_data_dir, envvars=credential_env, extravars=example())

    assert_recap_of_a_fresh_aurora(runner, stdout)
    assert_aurora_holds_the_example(aurora)
    # ansible-runner keeps the password in clear text in two files: the environment it was given, and the record of the
    # command it ran, with its whole environment.
    assert files_holding(private_data_dir, aurora.admin_password) == \
        sorted(['env/envvars', os.path.relpath(command_file(runner), str(private_data_dir))])
    assert read_json(str(private_data_dir), 'env', 'envvars') == credential_env
    assert read_json(command_file(runner))['env']['AURORA_PASSWORD'] == aurora.admin_password
    assert_no_password_in_the_output(runner, stdout, aurora)


def test_a_run_job_with_the_connection_only_in_extra_variables(private_data_dir, aurora):
    variables = dict(example(), aurora_api_url=aurora.url, aurora_api_username=aurora.admin_login,
                     aurora_api_password=aurora.admin_password)
    runner, stdout = run_job(private_data_dir, extravars=variables)

    assert_recap_of_a_fresh_aurora(runner, stdout)
    assert_aurora_holds_the_example(aurora)
    assert not any(name.startswith('AURORA_') for name in read_json(command_file(runner))['env'])
    # The extra variables, the password among them, are kept in clear text in env/extravars.
    assert files_holding(private_data_dir, aurora.admin_password) == ['env/extravars']
    assert read_json(str(private_data_dir), 'env', 'extravars')['aurora_api_password'] == aurora.admin_password
    assert_no_password_in_the_output(runner, stdout, aurora)


def test_a_check_job_with_show_changes_predicts_the_run_and_writes_nothing(private_data_dir, aurora):
    credential_env = awx.job_environment({'url': aurora.url, 'password': aurora.admin_password})
    runner, stdout = run_job(private_data_dir, envvars=credential_env, extravars=example(), cmdline='--check --diff')

    results = assert_recap_of_a_fresh_aurora(runner, stdout)
    state = aurora.state()
    assert state['servers'] == [] and state['users'] == [] and state['accounts'] == []
    # The diff shows each user to create, without its password.
    users = [result for result in results if result['task_action'] == 'afterlogic.aurora.aurora_user_accounts']
    diff = users[0]['res']['diff']
    assert sorted(item['after']['email'] for item in diff) == \
        sorted(account['email'] for account in example()['aurora_user_accounts'])
    assert all(item['before'] == {} and item['after']['password'] == '<hidden, changed>' for item in diff)
    assert '+++ after' in stdout
    assert_no_password_in_the_output(runner, stdout, aurora)
