"""Concurrent runs: eight ``ansible-playbook afterlogic.aurora.provision`` of the same vars at once, against one Aurora.

Every run must succeed, and Aurora must then hold each server once and each user once with exactly its login account.

The race is made, not hoped for: a "hold" gate of the emulator keeps the chosen creation calls waiting until all of
them have arrived, then lets them go together. No run can see another run's creation before the gate opens (they are
all held), so every live run sends its creations: the gate fills with exactly ``RUNS`` x (creations each run has in
flight at once). Fewer arrive only if a run died before its calls; then the watcher (open_gates) lets the held calls
go at once and the test fails on that run. The gate's ``seconds`` only bounds a gate that never fills; the test
asserts that each gate opened by count, before that bound.

* Servers: the 3 x 8 ``Mail.CreateServer`` calls are released together. Aurora cannot refuse duplicates, so each
  name is created 8 times; the run that got the lowest id keeps it, the 7 others delete their own copy.
* Users and accounts: 4 users exist without their account (what an interrupted run leaves); the 4 x 8
  ``Mail.CreateAccount`` calls for them are released together (one is created per user, the others are refused:
  704), then the 4 x 8 ``Core.CreateUser`` calls of the next 4 users (one per user, 111 for the others). A run that
  loses adopts the winner's object and goes on.

``changed`` must be truthful: a run reports changed for an object only if one of its own writes was committed. The
call log tells how many creations were refused (each must be reported by the run that lost it) and bounds how many
runs may report a change.
"""

import collections
import re
import time

import pytest

from tests.emulator.fixtures import Emulator
from tests.helpers.figures import figures_fixture
from tests.helpers.reliability import (
    ROLES,
    SERVER_COUNT,
    SERVERS_TASK,
    USERS_TASK,
    differences,
    finish,
    fresh,
    open_gates,
    provision,
    provisioning,
    recorded,
    start_provision,
    write_vars,
)

pytestmark = pytest.mark.slow

RUNS = 8
USERS = 40
PARALLEL = 4  # aurora_parallel: the creations each run has in flight at once (one per worker)
GATE_BOUND = 45  # seconds: only bounds a gate that never fills
CLIENT_TIMEOUT = 90  # aurora_timeout: longer than the bound, so that no held call times out in its client
HALF_MADE = PARALLEL  # users created without their account: the first item of each worker of each run

SERVER_RACE_NOTE = 'another run created mail server %r at the same time'
USER_RACE_NOTE = 'another run created the user %s at the same time'
ACCOUNT_RACE_NOTE = 'another run created the mail account %s at the same time'
DELETED_DUPLICATE = re.compile(r'deleted the duplicate id (\d+)')

figures = figures_fixture('concurrent-runs')


@pytest.fixture(scope='module')
def aurora():
    """An emulator of its own: these tests hold its calls and read its whole call log."""
    with Emulator(admin_password='concurrent-runs-pw') as emulator:
        yield emulator


def run_at_once(emulator, data, directory, gates, figures):
    """RUNS runs of ``data`` started together behind ``gates`` ([(call, count)]); each run's recorded results.

    Fails unless every run succeeded and every gate opened because all its calls had arrived.
    """
    directory.mkdir(parents=True, exist_ok=True)
    vars_file = write_vars(directory, dict(data, aurora_parallel=PARALLEL, aurora_timeout=CLIENT_TIMEOUT))
    started = time.monotonic()
    gate_ids = [emulator.gate(call, count, GATE_BOUND) for call, count in gates]
    runs = [directory / ('run-%d' % number) for number in range(RUNS)]
    processes = [start_provision(emulator, vars_file, run, record=True) for run in runs]
    opened = open_gates(emulator, gate_ids, processes, GATE_BOUND)
    outcomes = [finish(process, run) for process, run in zip(processes, runs)]
    failed = [(number, output) for number, (returncode, output) in enumerate(outcomes) if returncode != 0]
    figures.add('runs', RUNS)
    figures.add('failures', len(failed))
    figures.add('seconds of wall time', int(round(time.monotonic() - started)))
    assert not failed, 'run %d of %d failed:\n%s' % (failed[0][0], RUNS, failed[0][1])
    for (call, count), gate in zip(gates, gate_ids):
        assert gate in opened, 'the %s gate never had its %d calls' % (call, count)
        assert opened[gate] < GATE_BOUND
    return [recorded(run) for run in runs]


def created(calls, method, key):
    """{object: how many times its creation was sent} from the call log."""
    return collections.Counter(str(call['Parameters'][key]).lower() for call in calls
                               if (call['Module'], call['Method']) == method)


def items_of(results, task, key, value):
    """The item ``value`` of ``task`` in each run's results, after checking that the task's changed is theirs."""
    items = []
    for run in results:
        outcome = run[task]
        assert not outcome['failed']
        assert outcome['changed'] == any(item['changed'] for item in outcome['results'])
        items.extend(item for item in outcome['results'] if item[key] == value)
    assert len(items) == len(results)
    return items


def check_user_reports(results, calls, data):
    """Each run reports truthfully what it did for each user; returns the (user, account) creations refused.

    Exactly one creation of each user and of each account was committed (one of each exists, nothing was deleted),
    so every other one sent was refused, and the run that sent it must say so and report no change for it.
    """
    assert not [call for call in calls if call['Method'] in ('DeleteUser', 'DeleteAccount')]
    users_sent = created(calls, ('Core', 'CreateUser'), 'PublicId')
    accounts_sent = created(calls, ('Mail', 'CreateAccount'), 'Email')
    refused_users = refused_accounts = 0
    for email in (user['email'] for user in data['aurora_user_accounts']):
        items = items_of(results, USERS_TASK, 'email', email)
        assert all(item['msg'].startswith('unchanged') != item['changed'] for item in items), items
        user_notes = sum(USER_RACE_NOTE % email in item['msg'] for item in items)
        account_notes = sum(ACCOUNT_RACE_NOTE % email in item['msg'] for item in items)
        assert user_notes == max(users_sent[email] - 1, 0), (email, users_sent[email], items)
        assert account_notes == accounts_sent[email] - 1, (email, accounts_sent[email], items)
        writers = sum(item['changed'] for item in items)
        assert 1 <= writers <= (2 if users_sent[email] else 1), (email, items)  # the user's creator, the account's
        refused_users += user_notes
        refused_accounts += account_notes
    return refused_users, refused_accounts


def test_runs_racing_to_create_the_same_servers_keep_each_once(aurora, tmp_path, figures):
    data = provisioning(USERS)
    names = [server['name'] for server in data['aurora_mail_servers']]
    fresh(aurora)

    results = run_at_once(aurora, data, tmp_path, [('Mail.CreateServer', RUNS * SERVER_COUNT)], figures)

    state = aurora.state()
    assert differences(state, data) == []
    calls = aurora.calls()
    # Each run created its own copy of each server (Aurora refuses no duplicate) ...
    servers_sent = created(calls, ('Mail', 'CreateServer'), 'Name')
    assert servers_sent == dict((name, RUNS) for name in names)
    # ... and all but the lowest id of each were deleted again, each by the run that created it.
    deleted = [call['Parameters']['ServerId'] for call in calls if call['Method'] == 'DeleteServer']
    kept = dict((server['Name'], server['Id']) for server in state['servers'])
    assert len(set(deleted)) == len(deleted) == (RUNS - 1) * SERVER_COUNT
    assert not set(deleted) & set(kept.values())
    reported = []
    for name in names:
        items = items_of(results, SERVERS_TASK, 'name', name)
        assert all(item['changed'] and item['server_id'] == kept[name] for item in items), items
        losers = [item for item in items if SERVER_RACE_NOTE % name in item['msg']]
        assert len(losers) == RUNS - 1 and [item['msg'] for item in items if item not in losers] == ['created']
        reported.extend(int(DELETED_DUPLICATE.search(item['msg']).group(1)) for item in losers)
    assert sorted(reported) == sorted(deleted)
    figures.add('duplicate servers raced into', sum(servers_sent.values()) - SERVER_COUNT)
    figures.add('duplicate servers removed', len(deleted))
    refused_users, refused_accounts = check_user_reports(results, calls, data)
    figures.add('user creations refused and adopted', refused_users)
    figures.add('account creations refused and adopted', refused_accounts)


def test_runs_racing_to_create_the_same_users_and_accounts_adopt_the_winners(aurora, tmp_path, figures):
    data = provisioning(USERS)
    fresh(aurora)
    servers_only = dict(data, aurora_user_accounts=[])
    returncode, output = provision(aurora, write_vars(tmp_path, servers_only), tmp_path / 'servers')
    assert returncode == 0, output
    half_made = data['aurora_user_accounts'][:HALF_MADE]
    for user in half_made:
        answer = aurora.api('Core', 'CreateUser', {'TenantId': 0, 'PublicId': user['email'],
                                                   'Role': ROLES[user.get('role', 'user')]})
        assert isinstance(answer.get('Result'), int), answer
    aurora.calls_clear()
    racing = data['aurora_user_accounts'][HALF_MADE:HALF_MADE + PARALLEL]

    results = run_at_once(aurora, data, tmp_path / 'race', [('Mail.CreateAccount', RUNS * PARALLEL),
                                                            ('Core.CreateUser', RUNS * PARALLEL)], figures)

    assert differences(aurora.state(), data) == []
    calls = aurora.calls()
    users_sent = created(calls, ('Core', 'CreateUser'), 'PublicId')
    accounts_sent = created(calls, ('Mail', 'CreateAccount'), 'Email')
    # The gates made the runs create the same objects at once: every run sent each of these creations.
    assert [accounts_sent[user['email']] for user in half_made] == [RUNS] * HALF_MADE
    assert [users_sent[user['email']] for user in racing] == [RUNS] * PARALLEL
    refused_users, refused_accounts = check_user_reports(results, calls, data)
    # Of each gate's creations one per object was committed; every other one was refused, adopted and reported.
    assert refused_users >= (RUNS - 1) * PARALLEL and refused_accounts >= (RUNS - 1) * HALF_MADE
    for user in half_made:
        items = items_of(results, USERS_TASK, 'email', user['email'])
        assert sum(item['changed'] for item in items) == 1, items  # only the run whose account was created
    figures.add('user creations refused and adopted', refused_users)
    figures.add('account creations refused and adopted', refused_accounts)
