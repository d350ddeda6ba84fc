"""Figures of the reliability tests (faults injected and survived, bad inputs tried, secrets found).

A test module gets them from a fixture made by ``figures_fixture(name)``; at the end of the module they are written to
build/reliability/ansible-<version>/<name>.json (each ansible-core release's test run its own, as they may run at
the same time) and printed on the terminal, e.g. ``fault-matrix: 130 injected, 130 survived``.
"""

import json
import os

import pytest
from ansible.release import __version__ as ansible_core_version

from tests.helpers.collection import REPO_ROOT

FIGURES_DIR = os.path.join(REPO_ROOT, 'build', 'reliability',
                           'ansible-' + '.'.join(ansible_core_version.split('.')[:2]))


class Figures(dict):
    """Named counters, in the order they were first counted."""

    def add(self, key, count=1):
        self[key] = self.get(key, 0) + count


def figures_fixture(name):
    """A module-scoped fixture yielding a Figures that is recorded once the module's tests are done."""

    @pytest.fixture(scope='module')
    def figures(request):
        counted = Figures()
        yield counted
        os.makedirs(FIGURES_DIR, exist_ok=True)
        with open(os.path.join(FIGURES_DIR, name + '.json'), 'w') as handle:
            json.dump(counted, handle, indent=2)
        line = '%s: %s' % (name, ', '.join('%d %s' % (count, key) for key, count in counted.items()))
        capture = request.config.pluginmanager.get_plugin('capturemanager')
        with capture.global_and_fixture_disabled():
            print('\n' + line)

    return figures
