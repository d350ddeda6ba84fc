"""The tutorial's user as a real ansible-playbook task: changed, then ok; and no password in -vvv output."""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from tests.helpers.collection import ensure_collection_on_path

PASSWORD = 'passwordhere'
TUTORIAL_SERVER = {
    'Name': 'mydomain',
    'IncomingServer': 'mail.mydomain.com', 'IncomingPort': 143, 'IncomingUseSsl': False,
    'OutgoingServer': 'mail.mydomain.com', 'OutgoingPort': 25, 'OutgoingUseSsl': False,
    'SmtpAuthType': '2', 'Domains': 'mydomain.com',
}

TUTORIAL_USER_PLAYBOOK = textwrap.dedent('''\
    - hosts: localhost
      connection: local
      gather_facts: false
      module_defaults:
        group/afterlogic.aurora.aurora:
          api_url: "{{ aurora_url }}"
          api_username: "{{ aurora_login }}"
          api_password: "{{ aurora_password }}"
      tasks:
        - name: Add the tutorial's user with its mail account
          afterlogic.aurora.aurora_user_account:
            email: user@mydomain.com
            password: "{{ user_password }}"
            server: mydomain
            update_password: "{{ update_password }}"
          register: user

        - name: Show what the module returned
          ansible.builtin.debug:
            var: user
''')


@pytest.fixture
def tutorial_server(emulator):
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    answer = emulator.api('Mail', 'CreateServer', TUTORIAL_SERVER)
    assert answer.get('Result') == 1, answer
    return emulator


def run_playbook(tmp_path, emulator, *options, update_password='on_create'):
    playbook = tmp_path / 'tutorial_user.yml'
    playbook.write_text(TUTORIAL_USER_PLAYBOOK)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'))
    extra_vars = dict(ansible_python_interpreter=sys.executable, aurora_url=emulator.url,
                      aurora_login=emulator.admin_login, aurora_password=emulator.admin_password,
                      user_password=PASSWORD, update_password=update_password)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,',
               '-e', json.dumps(extra_vars)] + list(options) + [str(playbook)]
    finished = subprocess.run(command, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
                              check=False)
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output
    return output


def recap(output):
    """(ok, changed) of the PLAY RECAP line for localhost."""
    found = re.search(r'localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=0', output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def test_tutorial_user_playbook_is_changed_then_ok(tmp_path, tutorial_server):
    first = run_playbook(tmp_path, tutorial_server)
    assert recap(first) == (2, 1), first
    assert '"msg": "created"' in first
    second = run_playbook(tmp_path, tutorial_server)
    assert recap(second) == (2, 0), second
    assert '"msg": "unchanged"' in second
    state = tutorial_server.state()
    assert [user['PublicId'] for user in state['users']] == ['user@mydomain.com']
    assert [(account['Email'], account['ServerId']) for account in state['accounts']] == [('user@mydomain.com', 1)]


def test_password_is_not_in_the_verbose_output(tmp_path, tutorial_server):
    output = run_playbook(tmp_path, tutorial_server, '-vvv', '--diff', update_password='always')
    assert recap(output) == (2, 1), output
    assert 'aurora_user_account' in output and '<hidden, changed>' in output
    assert PASSWORD not in output
    assert tutorial_server.state()['accounts'][0]['IncomingPassword'] == PASSWORD
