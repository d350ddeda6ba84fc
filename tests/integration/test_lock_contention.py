"""Writes that overlap inside Aurora: deadlocks and check-then-insert races, as a real Aurora on MariaDB has them.

The emulator is started with lock contention on: when two writes into one table overlap, one of them may be the
deadlock victim (``Result: false``, no error code, nothing written), as overlapping ``Mail.CreateAccount`` calls are
on a real Aurora. The role must treat such an answer as a question: read Aurora back, send the write again when
nothing explains it, adopt what another run wrote, and never delete a user that another run completed.

* One first run of the role at ``aurora_parallel: 8``: no failure, the right counts, and every deadlock the emulator
  caused was read back and sent again (the runs' ``retries`` add up to the emulator's deadlock count).
* Eight runs of the same provisioning at once: no failure, no user deleted, and no user id changes between the end
  of the first run and the end of the last.
"""

import time

import pytest

from tests.emulator.fixtures import Emulator
from tests.helpers.figures import figures_fixture
from tests.helpers.reliability import (
    SERVERS_TASK,
    USERS_TASK,
    differences,
    finish,
    fresh,
    provisioning,
    recorded,
    start_provision,
    write_vars,
)

pytestmark = pytest.mark.slow

DEADLOCK_PROBABILITY = 0.5  # of an overlapping write being the victim: far more often than a real Aurora
SEED = 12
WRITE_WINDOW_MS = 5
PARALLEL = 8
USERS = 120
RUNS = 8
CONCURRENT_USERS = 40
CONCURRENT_PARALLEL = 4
POLL_SECONDS = 0.05


figures = figures_fixture('lock-contention')


@pytest.fixture(scope='module')
def aurora():
    with Emulator(admin_password='lock-contention-pw', deadlock_probability=DEADLOCK_PROBABILITY, seed=SEED,
                  write_window_ms=WRITE_WINDOW_MS) as emulator:
        yield emulator


def retries_of(run):
    """The writes a run sent again, from its recorded per-item results."""
    return sum(item.get('retries') or 0 for task in (SERVERS_TASK, USERS_TASK) for item in run[task]['results'])


def user_ids(state):
    return dict((user['PublicId'].lower(), user['Id']) for user in state['users'])


def test_a_first_run_at_parallel_8_survives_deadlocks(aurora, tmp_path, figures):
    data = provisioning(USERS)
    fresh(aurora)
    vars_file = write_vars(tmp_path, dict(data, aurora_parallel=PARALLEL))

    returncode, output = finish(start_provision(aurora, vars_file, tmp_path, record=True), tmp_path)

    assert returncode == 0, output
    assert differences(aurora.state(), data) == []
    contention = aurora.contention_state()
    run = recorded(tmp_path)
    figures.add('overlapping writes in one run at parallel 8', contention['overlaps'])
    figures.add('deadlocks in it', contention['deadlocks'])
    figures.add('writes sent again by it', retries_of(run))
    assert contention['deadlocks'] > 0, contention  # the run really met deadlocks ...
    assert retries_of(run) == contention['deadlocks'], (run, contention)  # ... and sent each victim's write again
    deletions = [call for call in aurora.calls() if call['Method'].startswith('Delete')]
    assert deletions == []


def test_concurrent_runs_survive_deadlocks_and_never_replace_a_user(aurora, tmp_path, figures):
    data = provisioning(CONCURRENT_USERS)
    fresh(aurora)
    vars_file = write_vars(tmp_path, dict(data, aurora_parallel=CONCURRENT_PARALLEL))
    runs = [tmp_path / ('run-%d' % number) for number in range(RUNS)]

    processes = [start_provision(aurora, vars_file, run, record=True) for run in runs]
    while all(process.poll() is None for process in processes):
        time.sleep(POLL_SECONDS)
    at_first_end = user_ids(aurora.state())
    outcomes = [finish(process, run) for process, run in zip(processes, runs)]

    failed = [(number, output) for number, (returncode, output) in enumerate(outcomes) if returncode != 0]
    figures.add('concurrent runs', RUNS)
    figures.add('failures', len(failed))
    assert not failed, 'run %d of %d failed:\n%s' % (failed[0][0], RUNS, failed[0][1])
    state = aurora.state()
    assert differences(state, data) == []
    at_last_end = user_ids(state)
    replaced = sorted(email for email, user_id in at_first_end.items() if at_last_end.get(email) != user_id)
    assert replaced == [], 'users deleted and created again after the first run ended: %s' % replaced
    calls = aurora.calls()
    assert [call for call in calls if call['Method'] == 'DeleteUser'] == []
    contention = aurora.contention_state()
    assert contention['deadlocks'] > 0, contention
    figures.add('deadlocks in them', contention['deadlocks'])
    figures.add('writes sent again by them', sum(retries_of(recorded(run)) for run in runs))
    figures.add('users deleted and created again', len(replaced))
