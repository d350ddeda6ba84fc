"""The supported versions said in one place are the ones tested and declared in the others."""

import os
import re

import yaml

from tests.helpers.collection import REPO_ROOT, module_names

LOCKS_DIR = os.path.join(REPO_ROOT, 'tests', 'requirements')


def read(*parts):
    with open(os.path.join(REPO_ROOT, *parts)) as handle:
        return handle.read()


def makefile_versions():
    found = re.search(r'^ANSIBLE_VERSIONS := (.+)$', read('Makefile'), re.MULTILINE)
    assert found, 'ANSIBLE_VERSIONS is not set in the Makefile'
    return found.group(1).split()


def pinned(requirements, package):
    found = re.search(r'^%s==(\S+)' % re.escape(package), requirements, re.MULTILINE)
    assert found, 'no %s== pin' % package
    return found.group(1)


def as_tuple(version):
    return tuple(int(part) for part in version.split('.'))


def test_every_tested_version_has_its_pins_and_the_oldest_is_requires_ansible():
    versions = makefile_versions()
    assert versions == sorted(versions, key=as_tuple), 'ANSIBLE_VERSIONS must be oldest first'
    files = sorted(name for name in os.listdir(LOCKS_DIR) if re.match(r'ansible-.*\.in$', name))
    assert files == sorted('ansible-%s.in' % version for version in versions)
    for version in versions:
        core = pinned(read('tests', 'requirements', 'ansible-%s.in' % version), 'ansible-core')
        assert core.startswith(version + '.'), (version, core)
    runtime = yaml.safe_load(read('meta', 'runtime.yml'))
    assert runtime['requires_ansible'] == '>=%s.0' % versions[0]
    role_meta = yaml.safe_load(read('roles', 'provision', 'meta', 'main.yml'))
    assert role_meta['galaxy_info']['min_ansible_version'] == versions[0]
    # The newest supported version is also the one of .venv, which runs everything else.
    assert pinned(read('tests', 'requirements', 'tools.in'), 'ansible-core') == \
        pinned(read('tests', 'requirements', 'ansible-%s.in' % versions[-1]), 'ansible-core')


def test_the_oldest_version_runs_with_the_oldest_requests_that_requirements_txt_allows():
    floor = re.search(r'^requests>=(\S+)', read('meta', 'requirements.txt'), re.MULTILINE)
    assert floor, 'meta/requirements.txt must give the lowest requests version'
    assert pinned(read('tests', 'requirements', 'ansible-%s.in' % makefile_versions()[0]), 'requests') == floor.group(1)


def test_every_module_says_since_when_it_exists():
    modules_dir = os.path.join(REPO_ROOT, 'plugins', 'modules')
    for name in sorted(os.listdir(modules_dir)):
        if name.endswith('.py'):
            documentation = re.search(r"DOCUMENTATION = r'''(.*?)'''", read('plugins', 'modules', name), re.DOTALL)
            assert documentation and yaml.safe_load(documentation.group(1)).get('version_added'), name


def test_every_module_is_in_the_action_group():
    """module_defaults on group/afterlogic.aurora.aurora reaches every module, as the docs promise."""
    runtime = yaml.safe_load(read('meta', 'runtime.yml'))
    assert sorted(runtime['action_groups']['aurora']) == module_names()
