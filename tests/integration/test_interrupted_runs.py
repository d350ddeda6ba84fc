"""Interrupted runs: the provisioning playbook killed with SIGKILL at many points, each time followed by a rerun.

Each round starts from an empty Aurora, runs ``ansible-playbook afterlogic.aurora.provision`` and kills it (the playbook
and every process it started) at a chosen API call, then runs it again: the rerun must succeed and leave Aurora holding
exactly the vars file (each server once, each user once with exactly its account, nothing stray).

The kill points are counted in API calls, not in seconds: a "hold" fault of the emulator stops the run at its k-th call,
either before Aurora executes it (the run died before sending it) or after (Aurora committed the write and the answer
never arrived). The k are spread over the whole run: one drawn at random among the calls before the last server
creation, one in each of ROUNDS - 1 equal slices of the calls a complete run makes after it.

CI size: 40 users, 20 kills. The issue's size (300 users, 20 kills): AURORA_FULL_RELIABILITY=1.
"""

import os
import random

import pytest

from tests.emulator.fixtures import Emulator
from tests.helpers.figures import figures_fixture
from tests.helpers.reliability import (
    fresh,
    differences,
    half_made_users,
    kill_tree,
    provision,
    provisioning,
    start_provision,
    write_vars,
)

FULL = os.environ.get('AURORA_FULL_RELIABILITY') == '1'
USERS = 300 if FULL else 40
ROUNDS = 20
SEED = int(os.environ.get('AURORA_RELIABILITY_SEED', '8'))
HOLD_EVERYTHING = 10 ** 9  # "times" of the hold: every call from the kill point on

figures = figures_fixture('interrupted-runs')
pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def aurora():
    """An emulator of its own: these tests reset it many times and must not share it."""
    with Emulator(admin_password='interrupted-runs-pw') as emulator:
        yield emulator


def kill_points(calls, rounds, rng):
    """One call number (1-based) drawn in each of ``rounds`` slices of a complete run's ``calls``, with before/after.

    The first slice ends before the run's last Mail.CreateServer, so that one kill leaves some servers to create
    whatever the size; the other slices share the rest of the calls equally.
    """
    creations = [number for number, call in enumerate(calls, 1)
                 if (call['Module'], call['Method']) == ('Mail', 'CreateServer')]
    first_end = creations[-1] - 1
    points = [(rng.randint(1, first_end), rng.choice(('before', 'after')))]
    rest = len(calls) - first_end
    for index in range(rounds - 1):
        low = first_end + 1 + index * rest // (rounds - 1)
        high = max(low, first_end + (index + 1) * rest // (rounds - 1))
        points.append((rng.randint(low, high), rng.choice(('before', 'after'))))
    return points


def interrupted_run(emulator, vars_file, directory, call_number, when):
    """Start the playbook and kill it at its ``call_number``-th API call; True if the kill happened."""
    emulator.faults({'call': '*', 'fault': 'hold', 'when': when, 'skip': call_number - 1, 'times': HOLD_EVERYTHING})
    process = start_provision(emulator, vars_file, directory)
    try:
        reached = emulator.wait_held(1, limit=120, alive=lambda: process.poll() is None)
    finally:
        if process.poll() is None:
            kill_tree(process)
        emulator.faults_clear()
        emulator.release(drop=True)  # the held calls get no answer; their client is dead anyway
        emulator.wait_idle()
    return reached


def test_every_rerun_after_a_kill_converges_to_exactly_the_vars(aurora, tmp_path, figures):
    data = provisioning(USERS)
    vars_file = write_vars(tmp_path, data)

    fresh(aurora)
    returncode, output = provision(aurora, vars_file, tmp_path / 'reference')
    assert returncode == 0, output
    assert differences(aurora.state(), data) == []
    calls = aurora.calls()
    total_calls = len(calls)

    rounds = []
    for number, (call_number, when) in enumerate(kill_points(calls, ROUNDS, random.Random(SEED))):
        fresh(aurora)
        directory = tmp_path / ('round-%02d' % number)
        assert interrupted_run(aurora, vars_file, directory / 'killed', call_number, when), \
            'the run ended before its call %d' % call_number
        left = aurora.state()
        returncode, output = provision(aurora, vars_file, directory / 'rerun')
        assert returncode == 0, 'rerun after a kill at call %d (%s):\n%s' % (call_number, when, output)
        assert differences(aurora.state(), data) == [], 'after a kill at call %d (%s)' % (call_number, when)
        rounds.append((call_number, when, len(left['servers']), len(left['users']), len(half_made_users(left))))

    print('\n%d users, %d API calls per complete run, seed %d; kills survived: %d'
          % (USERS, total_calls, SEED, len(rounds)))
    for call_number, when, servers, users, half_made in rounds:
        print('  killed at call %4d (%s): it left %d servers, %d users (%d without account); the rerun converged'
              % (call_number, when, servers, users, half_made))
    assert len(rounds) == ROUNDS
    # The kills reached every phase: before any server existed, between servers and users, among the users.
    assert rounds[0][2] < len(data['aurora_mail_servers']) and rounds[-1][3] > 0
    figures.add('users provisioned', USERS)
    figures.add('kills (SIGKILL) survived by the rerun', len(rounds))
