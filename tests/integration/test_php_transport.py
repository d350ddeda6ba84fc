"""api_transport php through real ansible-playbook runs: the role and a module call Aurora's PHP API through the
bridge, in-process in a fake Aurora (tests/php/fake-aurora) whose calls reach the emulator, with no URL and no
password; and what they make is what the web API makes."""

import os

import yaml

from tests.helpers.collection import REPO_ROOT
from tests.helpers.playbook import run_playbook
from tests.integration.test_role_corporate import writes
from tests.integration.test_role_provision import connection_of, provision, recap

EXAMPLE = os.path.join(REPO_ROOT, 'playbooks', 'vars', 'example.yml')
LOGINS = ('LoginAsSuperadmin', 'Login')
VOLATILE = ('UUID', 'CreatedAt', 'UpdatedAt', 'LastLogin', 'TokensValidFromTimestamp')


def php_connection(path):
    return dict(aurora_api_transport='php', aurora_path=str(path))


def held(emulator):
    """What Aurora holds, without what differs from one run to another (UUIDs, times)."""
    return dict((kind, [dict((key, value) for key, value in row.items() if key not in VOLATILE) for row in rows])
                for kind, rows in emulator.state().items() if isinstance(rows, list))


def test_the_example_through_php_makes_what_the_web_api_makes_then_nothing_to_change(tmp_path, emulator, fake_aurora):
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    one_at_a_time = ('-e', 'aurora_parallel=1')  # the same ids in both runs
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE, *one_at_a_time, connection=connection_of(emulator))
    assert code == 0, output
    by_web = held(emulator)

    emulator.reset()
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    path = fake_aurora(emulator)
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE, *one_at_a_time, connection=php_connection(path))
    assert code == 0 and recap(output)['localhost'][2] == 0, output
    assert held(emulator) == by_web
    calls = emulator.calls()
    assert [call for call in calls if call['Method'] in LOGINS] == []
    assert set(call.get('Transport') for call in calls) == {'php'}

    for options in ((), ('--check', '--diff')):
        start = len(emulator.calls())
        code, output = provision(tmp_path, '-e', '@' + EXAMPLE, *options, connection=php_connection(path))
        assert code == 0 and recap(output)['localhost'][1] == 0, (options, output)
        assert writes(emulator, start) == []
    assert held(emulator) == by_web


def account_play(path, password):
    return yaml.safe_dump([{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'module_defaults': {
        'group/afterlogic.aurora.aurora': {'api_transport': 'php', 'aurora_path': str(path)}}, 'tasks': [
        {'afterlogic.aurora.aurora_mail_server': {'name': 'mydomain', 'incoming_server': 'mail.mydomain.com',
                                                  'outgoing_server': 'mail.mydomain.com', 'domains': ['mydomain.com']}},
        {'afterlogic.aurora.aurora_user_account': {'email': 'user@mydomain.com', 'password': password,
                                                   'server': 'mydomain'}, 'register': 'made'},
        {'ansible.builtin.assert': {'that': ['made.created']}},
    ]}])


def test_a_php_that_dies_mid_write_leaves_nothing_half_made_shows_no_secret_and_a_rerun_converges(
        tmp_path, emulator, fake_aurora):
    """php dies during Mail.CreateAccount, its stderr quoting the password as a PHP stack trace does: before Aurora
    wrote it, the run deletes the user it created and fails, naming php's stderr with the password masked; after,
    the next run reads the account back and adopts it. At -vvv no output shows the password."""
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    path = fake_aurora(emulator)
    password = 'Php-Bridge-Secret-91'
    emulator.faults([{'call': 'Mail.CreateAccount', 'fault': 'php-kill', 'when': 'before'}])
    failed = run_playbook(tmp_path, account_play(path, password), options=('-vvv',))
    assert failed.returncode != 0 and 'PHP Stack trace' in failed.output, failed.output
    assert password not in failed.output
    assert (emulator.state()['users'], emulator.state()['accounts']) == ([], [])

    emulator.faults([{'call': 'Mail.CreateAccount', 'fault': 'php-kill', 'when': 'after'}])
    adopted = run_playbook(tmp_path, account_play(path, password), options=('-vvv',))
    assert adopted.returncode == 0, adopted.output
    assert password not in adopted.output and emulator.fault_rules() == []
    assert [account['Email'] for account in emulator.state()['accounts']] == ['user@mydomain.com']
    assert len(emulator.state()['users']) == 1


def test_with_php_the_api_tasks_run_once_on_the_first_aurora_host_of_the_play(tmp_path, emulator, fake_aurora):
    """Not delegated to the controller: on the play's first host, once, for every host of the play."""
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    hosts = ['aurora-web-1', 'aurora-web-2', 'aurora-web-3']
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE, hosts=hosts,
                             connection=php_connection(fake_aurora(emulator)))
    assert code == 0, output
    assert 'aurora-web-1 -> localhost' not in output and '[aurora-web-1]' in output
    assert recap(output)['aurora-web-1'][1] > 0 and all(recap(output)[host][1] == 0 for host in hosts[1:])
    assert set(call.get('Transport') for call in emulator.calls()) == {'php'}
    data = yaml.safe_load(open(EXAMPLE))
    assert len(emulator.state()['users']) == len(data['aurora_user_accounts'])
