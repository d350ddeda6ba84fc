"""Every virtualenv installs from a complete lock that is not older than its input (tests/requirements/)."""

import hashlib
import os
import re

import pytest

from tests.helpers.collection import REPO_ROOT

LOCKS_DIR = os.path.join(REPO_ROOT, 'tests', 'requirements')
INPUTS = sorted(name[:-3] for name in os.listdir(LOCKS_DIR) if name.endswith('.in'))
PIN = re.compile(r'^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?:\s*;.*?)?\s*(?:\\|#.*)?$')


def read(name):
    with open(os.path.join(LOCKS_DIR, name)) as handle:
        return handle.read()


def normalized(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def pins(text):
    """{package: {versions}} of the requirement lines of ``text`` (a lock may pin a package per Python version)."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found.setdefault(normalized(match.group(1)), set()).add(match.group(2))
    return found


def test_every_input_has_a_lock_and_every_lock_an_input():
    locks = sorted(name[:-5] for name in os.listdir(LOCKS_DIR) if name.endswith('.lock'))
    assert locks == INPUTS


@pytest.mark.parametrize('name', INPUTS)
def test_the_lock_was_written_from_its_input_as_it_is_now(name):
    digest = hashlib.sha256(read(name + '.in').encode()).hexdigest()
    recorded = re.search(r'^# input sha256: (\w+)$', read(name + '.lock'), re.MULTILINE)
    assert recorded, '%s.lock was not written by `make lock`' % name
    assert recorded.group(1) == digest, '%s.lock is stale: %s.in changed since; run `make lock`' % (name, name)


@pytest.mark.parametrize('name', INPUTS)
def test_the_lock_pins_every_package_with_its_hashes(name):
    lock, wanted = read(name + '.lock'), pins(read(name + '.in'))
    locked = pins(lock)
    for package, versions in wanted.items():
        assert locked.get(package) == versions, '%s.lock: %s is %s, %s.in asks for %s' % (
            name, package, locked.get(package), name, versions)
    requirements = re.split(r'\n(?=[A-Za-z0-9])', lock.split('\n', 2)[2].strip())
    assert requirements and all(PIN.match(entry.split('\n')[0].strip()) for entry in requirements), name
    unhashed = [entry.split()[0] for entry in requirements if '--hash=sha256:' not in entry]
    assert not unhashed, '%s.lock: no hash for %s' % (name, unhashed)


@pytest.mark.parametrize('name', INPUTS)
def test_every_input_names_the_pythons_of_its_leg(name):
    assert re.search(r'^# python: 3\.\d+( 3\.\d+)*$', read(name + '.in'), re.MULTILINE), name
