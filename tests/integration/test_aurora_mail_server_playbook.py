"""The tutorial's mail server as a real ansible-playbook task, run twice: changed, then ok."""

from tests.helpers.playbook import connected_play, connection_vars, run_playbook

PLAYBOOK = connected_play('''\
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


def test_tutorial_server_playbook_is_changed_then_ok(tmp_path, emulator):
    run = run_playbook(tmp_path, PLAYBOOK, connection_vars(emulator))
    assert run.returncode == 0, run.output
    assert run.recap() == (3, 1, 0), run.output
    servers = emulator.state()['servers']
    assert len(servers) == 1
