"""The tutorial's user as a real ansible-playbook task: changed, then ok; and no password in -vvv output."""

import pytest

from tests.helpers.playbook import connected_play, connection_vars, run_playbook
from tests.helpers.tutorial import TUTORIAL_SERVER_FIELDS

PASSWORD = 'passwordhere'

TUTORIAL_USER_PLAYBOOK = connected_play('''\
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
    answer = emulator.api('Mail', 'CreateServer', TUTORIAL_SERVER_FIELDS)
    assert answer.get('Result') == 1, answer
    return emulator


def run_tutorial_user(tmp_path, emulator, *options, update_password='on_create'):
    extra_vars = dict(connection_vars(emulator), user_password=PASSWORD, update_password=update_password)
    run = run_playbook(tmp_path, TUTORIAL_USER_PLAYBOOK, extra_vars, options)
    assert run.returncode == 0, run.output
    return run


def test_tutorial_user_playbook_is_changed_then_ok(tmp_path, tutorial_server):
    first = run_tutorial_user(tmp_path, tutorial_server)
    assert first.recap() == (2, 1, 0), first.output
    assert '"msg": "created"' in first.output
    second = run_tutorial_user(tmp_path, tutorial_server)
    assert second.recap() == (2, 0, 0), second.output
    assert '"msg": "unchanged"' in second.output
    state = tutorial_server.state()
    assert [user['PublicId'] for user in state['users']] == ['user@mydomain.com']
    assert [(account['Email'], account['ServerId']) for account in state['accounts']] == [('user@mydomain.com', 1)]


def test_password_is_not_in_the_verbose_output(tmp_path, tutorial_server):
    run = run_tutorial_user(tmp_path, tutorial_server, '-vvv', '--diff', update_password='always')
    assert run.recap() == (2, 1, 0), run.output
    assert 'aurora_user_account' in run.output and '<hidden, changed>' in run.output
    assert PASSWORD not in run.output
    assert tutorial_server.state()['accounts'][0]['IncomingPassword'] == PASSWORD
