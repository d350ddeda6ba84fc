"""Outages of Aurora met by the modules: never taken for data, waited out within timeout, and said when too long.

Every run goes through a module's real main() and a real socket to the emulator, whose "db-down" and "web-down"
faults (tests/emulator/aurora/outage.py) take Aurora's database or its web server away for a window of time, from a
chosen call on, with the answers docs/aurora-api-notes.md "Database down" records.
"""

import pytest

from tests.helpers.module_runner import module_task
from tests.helpers.reliability import writes_done

IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}
SERVER = dict(name='local', incoming_server='mail.local.test', domains=['local.test'])


def outage(emulator, kind, seconds, at_call, call='*'):
    """The outage ``kind`` from the ``at_call``-th matching API call on (web-down: after it is answered)."""
    emulator.faults({'call': call, 'fault': kind, 'seconds': seconds, 'skip': at_call - 1})


@pytest.fixture
def aurora(emulator):
    emulator.settings(IMAP_CHECK_OFF)
    return emulator


@pytest.mark.parametrize('kind, transport', [('db-down', 'web'), ('web-down', 'web'), ('db-down', 'php')])
def test_a_short_outage_in_the_middle_of_a_bulk_run_fails_no_item(aurora, fake_aurora, kind, transport):
    """Aurora's PHP API runs on the host without the web server: over it, only the database can go."""
    aurora_path = fake_aurora(aurora) if transport == 'php' else None
    accounts = module_task(aurora, 'aurora_user_accounts', aurora_path)
    assert not module_task(aurora, 'aurora_mail_server', aurora_path)(**SERVER).failed
    aurora.calls_clear()
    outage(aurora, kind, 2, at_call=12)
    items = [dict(email='user%02d@local.test' % number, password='Secret-%02d' % number, server='local')
             for number in range(24)]
    result = accounts(accounts=items, parallel=4, timeout=20)
    assert not result.failed, result['msg']
    assert [item['changed'] for item in result['results']] == [True] * 24
    assert not any(window['active'] for window in aurora.outages().values())
    state = aurora.state()
    assert sorted(user['PublicId'] for user in state['users']) == [item['email'] for item in items]
    assert len(state['accounts']) == 24
    assert [about for about, times in writes_done(aurora).items() if times != 1] == []  # none sent again once done
    assert any(call.get('DatabaseDown') for call in aurora.calls()) == (kind == 'db-down')
    assert aurora.fault_rules() == []  # the outage struck


def test_an_empty_listing_during_an_outage_is_read_again_not_taken_for_nothing(aurora):
    info = module_task(aurora, 'aurora_info')
    assert not module_task(aurora, 'aurora_mail_server')(**SERVER).failed
    assert not module_task(aurora, 'aurora_user_account')(email='ann@local.test', password='Ann-Secret-1',
                                                          server='local').failed
    outage(aurora, 'db-down', 1.5, at_call=1, call='Core.GetUsers')
    result = info(gather=['servers', 'users'])
    assert not result.failed, result['msg']
    assert [user['email'] for user in result['users']] == ['ann@local.test']
    assert [server['name'] for server in result['servers']] == ['local']


def test_an_outage_longer_than_timeout_fails_with_one_sentence_then_a_rerun_converges(aurora):
    account = module_task(aurora, 'aurora_user_account')
    assert not module_task(aurora, 'aurora_mail_server')(**SERVER).failed
    outage(aurora, 'db-down', 6, at_call=1, call='Core.CreateUser')
    task = dict(email='bob@local.test', password='Bob-Secret-1', server='local', timeout=2)
    failed = account(**task)
    assert failed.failed
    assert 'Aurora could not reach its database for 2 s, longer than timeout 2 s, so Core.CreateUser for ' \
           'user bob@local.test did not go through; run the task again once Aurora is back' in failed['msg'], failed['msg']
    assert 'Bob-Secret-1' not in failed.printed
    assert aurora.state()['users'] == []  # nothing half-made
    aurora.wait_outages_over()
    again = account(**task)
    assert not again.failed and again['changed'], again['msg']
    assert [user['PublicId'] for user in aurora.state()['users']] == ['bob@local.test']


def test_a_web_server_gone_longer_than_timeout_says_so(aurora):
    server = module_task(aurora, 'aurora_mail_server')
    outage(aurora, 'web-down', 5, at_call=1)  # after the login
    failed = server(timeout=2, **SERVER)
    assert failed.failed
    assert 'Aurora could not be reached for 2 s (could not connect to %s' % aurora.url in failed['msg'], failed['msg']
    assert 'longer than timeout 2 s' in failed['msg'] and 'run the task again once Aurora is back' in failed['msg']
    assert aurora.state()['servers'] == []


def test_while_aurora_is_down_one_worker_probes_and_the_others_wait(aurora):
    servers = module_task(aurora, 'aurora_mail_servers')
    items = [dict(name='s%02d' % number, incoming_server='mail%02d.test' % number, domains=['s%02d.test' % number])
             for number in range(16)]
    outage(aurora, 'db-down', 2, at_call=4)
    result = servers(servers=items, parallel=8, timeout=20)
    assert not result.failed, result['msg']
    assert len(aurora.state()['servers']) == 16
    during = [call['Method'] for call in aurora.calls() if call.get('DatabaseDown')]
    # pauses from 0.1 s doubling up to 1 s over a 2 s outage: a handful of probes, not 8 workers' worth
    assert 3 <= during.count('GetTenants') <= 8, during
    writes = [method for method in during if method.startswith(('Create', 'Update', 'Delete'))]
    assert len(writes) <= 8, during  # what each worker had sent when it struck, none sent again while waiting
    # Core.GetSettings, read before the workers start, is answered from the settings files and may fall in the window
    reads = [method for method in during if method != 'GetTenants' and method not in writes]
    assert len(reads) == len(set(reads)), during


def test_aurora_info_fails_rather_than_report_an_aurora_without_its_database_as_empty(aurora):
    assert not module_task(aurora, 'aurora_mail_server')(**SERVER).failed
    outage(aurora, 'db-down', 5, at_call=1, call='Core.GetUsers')
    result = module_task(aurora, 'aurora_info')(gather=['servers', 'users'], timeout=1)
    assert result.failed
    assert 'Aurora could not reach its database for 1 s, longer than timeout 1 s, so Core.GetUsers' in result['msg']
    assert 'users' not in result and 'servers' not in result
