"""Outages of Aurora during real ansible-playbook runs: the role rides through a short one, says when one lasts longer
than timeout (and a rerun converges), and the export never writes what an Aurora without its database shows.

The emulator's "db-down" and "web-down" faults (tests/emulator/aurora/outage.py) take Aurora's database, or its web
server, away for a window of seconds from a chosen API call on.
"""

import pytest
import yaml

from tests.emulator.fixtures import Emulator
from tests.helpers.figures import figures_fixture
from tests.helpers.reliability import (
    SERVERS_TASK,
    USERS_TASK,
    differences,
    finish,
    fresh,
    half_made_users,
    provision,
    provisioning,
    recorded,
    start_provision,
    write_vars,
    writes_done,
)
from tests.integration.test_export_roundtrip import collection_playbook, connection_env

USERS = 100

figures = figures_fixture('outages')


@pytest.fixture(scope='module')
def aurora():
    """An emulator of its own: these tests reset it and take it down."""
    with Emulator(admin_password='outages-pw') as emulator:
        yield emulator


def outage(emulator, kind, seconds, at_call):
    emulator.faults({'call': '*', 'fault': kind, 'seconds': seconds, 'skip': at_call - 1})


def item_outcomes(results, task):
    """(changed, failed) counts of the items of a bulk task's recorded result."""
    items = results[task]['results']
    return sum(1 for item in items if item.get('changed')), sum(1 for item in items if item.get('failed'))


@pytest.mark.parametrize('kind', ['db-down', 'web-down'])
def test_the_first_run_rides_through_a_two_second_outage_at_its_30th_call(aurora, tmp_path, figures, kind):
    fresh(aurora)
    data = dict(provisioning(USERS), aurora_parallel=4)
    vars_file = write_vars(tmp_path, data)
    aurora.calls_clear()
    outage(aurora, kind, 2, at_call=30)
    code, output = finish(start_provision(aurora, vars_file, tmp_path, record=True), tmp_path)
    assert code == 0, output
    results = recorded(tmp_path)
    assert item_outcomes(results, SERVERS_TASK) == (3, 0)
    assert item_outcomes(results, USERS_TASK) == (USERS, 0)
    state = aurora.state()
    assert differences(state, data) == [] and half_made_users(state) == []
    assert [write for write, times in writes_done(aurora).items() if times != 1] == []  # none sent again once done
    assert aurora.fault_rules() == []  # the outage struck
    figures.add('%s of 2 s: runs' % kind)
    figures.add('%s of 2 s: failed items' % kind, 0)
    figures.add('%s of 2 s: writes sent during the outage' % kind,
                sum(1 for call in aurora.calls() if call.get('DatabaseDown') and call['Method'].startswith(
                    ('Create', 'Update', 'Delete'))))


def test_an_outage_longer_than_timeout_fails_each_item_clearly_and_a_rerun_converges(aurora, tmp_path, figures):
    fresh(aurora)
    data = dict(provisioning(12), aurora_parallel=4, aurora_timeout=2)
    vars_file = write_vars(tmp_path, data)
    outage(aurora, 'db-down', 5, at_call=10)
    code, output = finish(start_provision(aurora, vars_file, tmp_path / 'first', record=True), tmp_path / 'first')
    assert code != 0
    failures = [item['msg'] for task in recorded(tmp_path / 'first').values() for item in task['results'] or []
                if item.get('failed')]
    assert failures
    for message in failures:
        assert 'Aurora could not reach its database for ' in message and 'longer than timeout 2 s' in message, message
    assert half_made_users(aurora.state()) == []
    aurora.wait_outages_over()
    code, output = provision(aurora, vars_file, tmp_path / 'rerun')
    assert code == 0, output
    assert differences(aurora.state(), data) == []
    figures.add('outage longer than timeout: failed items, each saying so', len(failures))


def test_the_export_fails_during_an_outage_and_leaves_its_earlier_file_alone(aurora, tmp_path):
    fresh(aurora)
    data = provisioning(6)
    assert provision(aurora, write_vars(tmp_path, data), tmp_path / 'provision')[0] == 0
    path = tmp_path / 'exported.yml'
    export = ('-e', 'aurora_export_path=%s' % path, '-e', 'aurora_timeout=2')
    code, output, _recap = collection_playbook(tmp_path, 'export', *export, env=connection_env(aurora))
    assert code == 0, output
    earlier = path.read_bytes()
    assert len(yaml.safe_load(earlier)['aurora_user_accounts']) == 6

    outage(aurora, 'db-down', 6, at_call=3)
    code, output, _recap = collection_playbook(tmp_path, 'export', *export, env=connection_env(aurora))
    assert code != 0
    assert 'Aurora could not reach its database for 2 s, longer than timeout 2 s' in output, output
    assert path.read_bytes() == earlier
    aurora.wait_outages_over()

    outage(aurora, 'db-down', 1, at_call=3)  # a short one is waited out
    code, output, _recap = collection_playbook(tmp_path, 'export', *export, env=connection_env(aurora))
    assert code == 0, output
    assert path.read_bytes() == earlier
