"""The collection as a user gets it: the tarball installed with ansible-galaxy, its modules run from that copy.

    COLLECTION_TARBALL=build/galaxy/afterlogic-aurora-X.Y.Z.tar.gz .venv/bin/python -m pytest tests/galaxy

(`make galaxy` runs it after building the tarball.) Ansible is given the temporary install path as its only
collections path, with sys.path scanning off and no collections/ folder beside the playbooks, so it cannot reach the
checkout: ansible-doc shows where each module was found, and the playbooks run the tutorial against the emulator.
"""

import json
import os
import subprocess
import sys
import tarfile
import textwrap

import pytest
import yaml

from tests.helpers.collection import REPO_ROOT

BIN = os.path.dirname(sys.executable)
TARBALL = os.environ.get('COLLECTION_TARBALL', '')


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """(collections path, collection folder) of the tarball installed with ansible-galaxy into a temporary folder."""
    assert TARBALL and os.path.isfile(TARBALL), 'set COLLECTION_TARBALL to the built tarball (make galaxy does)'
    root = tmp_path_factory.mktemp('installed')
    collections = root / 'collections'
    finished = subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline',
                               '--collections-path', str(collections), os.path.abspath(TARBALL)],
                              env=isolated_env(root, collections), cwd=str(root), capture_output=True, text=True,
                              check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    folder = collections / 'ansible_collections' / 'afterlogic' / 'aurora'
    assert (folder / 'MANIFEST.json').is_file(), finished.stdout
    return collections, folder


def isolated_env(root, collections):
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(('ANSIBLE_', 'AURORA_')))
    env.update(ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False',
               ANSIBLE_ROLES_PATH=str(root / 'roles'), ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCAL_TEMP=str(root / 'ansible-tmp'), ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return env


def run_apart(installed_copy, *command, env=None):
    """(exit code, stdout, stderr) of a command of .venv's ansible-core run on the installed copy."""
    collections, _folder = installed_copy
    root = collections.parent
    full_env = isolated_env(root, collections)
    full_env.update(env or {})
    finished = subprocess.run([os.path.join(BIN, command[0])] + list(command[1:]), env=full_env, cwd=str(root),
                              capture_output=True, text=True, timeout=300, check=False)
    return finished.returncode, finished.stdout, finished.stderr


def run(installed_copy, *command, env=None):
    code, stdout, stderr = run_apart(installed_copy, *command, env=env)
    return code, stdout + stderr


def run_json(installed_copy, *command):
    """The JSON that ``command`` prints (what a library warns on stderr aside)."""
    code, stdout, stderr = run_apart(installed_copy, *command)
    assert code == 0, stdout + stderr
    return json.loads(stdout)


def tarball_modules():
    with tarfile.open(TARBALL) as archive:
        return sorted(os.path.basename(name)[:-3] for name in archive.getnames()
                      if name.startswith('plugins/modules/') and name.endswith('.py'))


def test_every_module_and_the_role_resolve_to_the_installed_copy(installed):
    _collections, folder = installed
    listed = run_json(installed, 'ansible-doc', '--list', '--json', 'afterlogic.aurora')
    modules = sorted(name.split('.')[-1] for name in listed)
    assert modules == tarball_modules() and modules
    for module in modules:
        found = run_json(installed, 'ansible-doc', '--json', 'afterlogic.aurora.' + module)[
            'afterlogic.aurora.' + module]['doc']['filename']
        assert found.startswith(str(folder) + os.sep), found
        assert not found.startswith(REPO_ROOT + os.sep)
    code, output = run(installed, 'ansible-doc', '--type', 'role', '--json', 'afterlogic.aurora.provision')
    assert code == 0 and '"main"' in output, output


MODULES_PLAYBOOK = textwrap.dedent('''\
    - name: The tutorial with the modules of the installed collection
      hosts: localhost
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

        - name: The tutorial's mail server
          afterlogic.aurora.aurora_mail_server:
            api_token: "{{ session.token }}"
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

        - name: The tutorial's user
          afterlogic.aurora.aurora_user_account:
            api_token: "{{ session.token }}"
            email: user@mydomain.com
            password: passwordhere
            server: mydomain
''')


@pytest.fixture
def aurora(emulator):
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    return emulator


def test_the_tutorial_runs_from_the_installed_copy(installed, aurora, tmp_path):
    playbook = tmp_path / 'tutorial.yml'
    playbook.write_text(MODULES_PLAYBOOK)
    extra = json.dumps({'aurora_url': aurora.url, 'aurora_password': aurora.admin_password})
    for changed in ('changed=2', 'changed=0'):
        code, output = run(installed, 'ansible-playbook', '-i', 'localhost,', '-e', extra, str(playbook))
        assert code == 0, output
        assert changed in output, output
    state = aurora.state()
    assert [server['Name'] for server in state['servers']] == ['mydomain']
    assert [user['PublicId'] for user in state['users']] == ['user@mydomain.com']


def test_the_provision_playbook_runs_from_the_installed_copy(installed, aurora):
    _collections, folder = installed
    example = folder / 'playbooks' / 'vars' / 'example.yml'
    env = {'AURORA_URL': aurora.url, 'AURORA_PASSWORD': aurora.admin_password}
    code, output = run(installed, 'ansible-playbook', 'afterlogic.aurora.provision', '-e', '@%s' % example, env=env)
    assert code == 0, output
    code, again = run(installed, 'ansible-playbook', 'afterlogic.aurora.provision', '-e', '@%s' % example, env=env)
    assert code == 0 and 'changed=0' in again, again
    data = yaml.safe_load(example.read_text())
    state = aurora.state()
    assert sorted(server['Name'] for server in state['servers']) == \
        sorted(server['name'] for server in data['aurora_mail_servers'])
    assert sorted(user['PublicId'] for user in state['users']) == \
        sorted(account['email'] for account in data['aurora_user_accounts'])
