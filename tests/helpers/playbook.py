"""Run a real ansible-playbook subprocess against the collection in this checkout."""

import json
import os
import re
import subprocess
import sys
import textwrap

from tests.helpers.collection import ensure_collection_on_path

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


CONNECTED_PLAY = """\
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: "{{ aurora_url }}"
      api_username: "{{ aurora_login }}"
      api_password: "{{ aurora_password }}"
"""


def connected_play(body):
    """A play on localhost whose collection modules connect with ``connection_vars()``; ``body`` is the rest of
    the play (``vars:``, ``tasks:``), written at the play's own indentation."""
    return CONNECTED_PLAY + textwrap.indent(textwrap.dedent(body), '  ')


class PlaybookRun:
    def __init__(self, finished):
        self.returncode = finished.returncode
        self.output = finished.stdout + finished.stderr

    def recap(self, host='localhost'):
        """(ok, changed, failed) of the PLAY RECAP line for ``host``."""
        found = re.search(r'^%s\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)' % re.escape(host),
                          self.output, re.MULTILINE)
        assert found, self.output
        return tuple(int(number) for number in found.groups())


# Every task result echoes its module's arguments (`invocation`), as before ansible-core 2.21, which does it only when
# asked: -vvv then shows them, and the secret scans read them.
ECHO_ARGUMENTS = {'ANSIBLE_INJECT_INVOCATION': '1'}


def run_playbook(tmp_path, playbook_text, extra_vars=None, options=(), inventory='localhost,'):
    """Write ``playbook_text`` into ``tmp_path`` and run it with the venv's ansible-playbook."""
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(playbook_text)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'), **ECHO_ARGUMENTS)
    all_vars = dict(ansible_python_interpreter=sys.executable)
    all_vars.update(extra_vars or {})
    command = [ANSIBLE_PLAYBOOK, '-i', inventory, '-e', json.dumps(all_vars)] + list(options) + [str(playbook)]
    finished = subprocess.run(command, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
                              check=False)
    return PlaybookRun(finished)


def connection_vars(emulator):
    """Extra vars the test playbooks use for module_defaults."""
    return dict(aurora_url=emulator.url, aurora_login=emulator.admin_login, aurora_password=emulator.admin_password)
