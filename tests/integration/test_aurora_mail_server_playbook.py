"""The tutorial's mail server as a real ansible-playbook task, run twice: changed, then ok."""

import json
import os
import re
import subprocess
import sys
import textwrap

from tests.helpers.collection import ensure_collection_on_path

PLAYBOOK = textwrap.dedent('''\
    - hosts: localhost
      connection: local
      gather_facts: false
      module_defaults:
        group/afterlogic.aurora.aurora:
          api_url: "{{ aurora_url }}"
          api_username: "{{ aurora_login }}"
          api_password: "{{ aurora_password }}"
      tasks:
        - name: Add the tutorial's mail server
          afterlogic.aurora.aurora_mail_server: &tutorial_server
            name: mydomain
            incoming_server: mail.mydomain.com
            incoming_port: 143
            incoming_use_ssl: false
            outgoing_server: mail.mydomain.com
            outgoing_port: 25
            outgoing_use_ssl: false
            smtp_auth_type: user_credentials
            domains:
              - mydomain.com
          register: first

        - name: Add it again
          afterlogic.aurora.aurora_mail_server: *tutorial_server
          register: second

        - name: The first run created it, the second changed nothing
          ansible.builtin.assert:
            that:
              - first is changed
              - first.msg == 'created'
              - second is not changed
              - second.msg == 'unchanged'
              - second.server_id == first.server_id
''')


def run_playbook(tmp_path, emulator):
    playbook = tmp_path / 'tutorial_server.yml'
    playbook.write_text(PLAYBOOK)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'))
    extra_vars = dict(ansible_python_interpreter=sys.executable, aurora_url=emulator.url,
                      aurora_login=emulator.admin_login, aurora_password=emulator.admin_password)
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,',
               '-e', json.dumps(extra_vars), str(playbook)]
    return subprocess.run(command, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
                          check=False)


def test_tutorial_server_playbook_is_changed_then_ok(tmp_path, emulator):
    finished = run_playbook(tmp_path, emulator)
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output
    recap = re.search(r'localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=0', output)
    assert recap, output
    assert recap.groups() == ('3', '1'), output
    servers = emulator.state()['servers']
    assert len(servers) == 1
