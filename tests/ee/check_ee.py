"""Check the execution-environment metadata with ansible-builder, without a container engine.

    .venv/bin/python tests/ee/check_ee.py COLLECTIONS_PATH

1. meta/execution-environment.yml is a version 3 definition whose Python and system requirements are the files
   requirements.txt and bindep.txt at the collection root.
2. ``ansible-builder create`` makes a build context from it (a copy beside those two files, since ansible-builder
   resolves a definition's paths from its own folder): the context holds our requirements.txt, bindep.txt and the
   collection in its Galaxy requirements, and the Containerfile installs them.
3. ``ansible-builder introspect`` on COLLECTIONS_PATH (the collection installed from the tarball) finds our Python
   requirements, as ansible-builder does when an execution environment includes this collection.
"""

import os
import re
import shutil
import subprocess
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK_DIR = os.path.join(REPO_ROOT, 'build', 'ee')
BUILDER = os.path.join(os.path.dirname(sys.executable), 'ansible-builder')


def requirement_lines(path):
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip() and not line.strip().startswith('#')]


def fail(message):
    sys.exit('execution environment: ' + message)


def check_definition():
    with open(os.path.join(REPO_ROOT, 'meta', 'execution-environment.yml')) as handle:
        definition = yaml.safe_load(handle)
    if definition.get('version') != 3:
        fail('meta/execution-environment.yml must use version 3 of the definition format')
    dependencies = definition.get('dependencies') or {}
    if dependencies.get('python') != 'requirements.txt' or dependencies.get('system') != 'bindep.txt':
        fail('dependencies.python/system must be requirements.txt and bindep.txt (relative to the collection root)')
    collections = [item.get('name') for item in (dependencies.get('galaxy') or {}).get('collections', [])]
    if 'afterlogic.aurora' not in collections:
        fail('dependencies.galaxy must install afterlogic.aurora')
    python = requirement_lines(os.path.join(REPO_ROOT, 'requirements.txt'))
    if not any(re.match(r'requests\b', line) for line in python):
        fail('requirements.txt must list requests, which plugins/module_utils/_api.py imports')
    return python, requirement_lines(os.path.join(REPO_ROOT, 'bindep.txt'))


def check_create(python, system):
    source = os.path.join(WORK_DIR, 'definition')
    context = os.path.join(WORK_DIR, 'context')
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    os.makedirs(source)
    for name in ('meta/execution-environment.yml', 'requirements.txt', 'bindep.txt'):
        shutil.copy(os.path.join(REPO_ROOT, name), source)
    subprocess.run([BUILDER, 'create', '--file', os.path.join(source, 'execution-environment.yml'), '--context', context,
                    '--output-filename', 'Containerfile'], check=True)
    built = os.path.join(context, '_build')
    if requirement_lines(os.path.join(built, 'requirements.txt')) != python:
        fail('the build context does not hold the Python requirements of requirements.txt')
    if os.path.exists(os.path.join(built, 'bindep.txt')) and requirement_lines(os.path.join(built, 'bindep.txt')) != system:
        fail('the build context does not hold the system requirements of bindep.txt')
    if system and not os.path.exists(os.path.join(built, 'bindep.txt')):
        fail('the build context lacks bindep.txt')
    with open(os.path.join(built, 'requirements.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    if 'afterlogic.aurora' not in [item.get('name') for item in galaxy.get('collections', [])]:
        fail('the build context does not install afterlogic.aurora')
    with open(os.path.join(context, 'Containerfile')) as handle:
        containerfile = handle.read()
    for step in ('COPY _build/requirements.txt requirements.txt', 'ansible-galaxy collection install',
                 'introspect.py introspect --user-pip=requirements.txt'):
        if step not in containerfile:
            fail('the Containerfile lacks: %s' % step)
    print('ansible-builder create: %s holds %s, bindep.txt (%s) and afterlogic.aurora'
          % (context, ', '.join(python), ', '.join(system) or 'no system package'))


def check_introspect(collections_path, python):
    output = subprocess.run([BUILDER, 'introspect', '--sanitize', collections_path], check=True, capture_output=True,
                            text=True).stdout
    found = yaml.safe_load(output.split('\n', 1)[1] if output.startswith('#') else output) or {}
    ours = [line for line in found.get('python') or [] if line.endswith('# from collection afterlogic.aurora')]
    if [line.split('#')[0].strip() for line in ours] != python:
        fail('ansible-builder introspect found %r for afterlogic.aurora in %s, not %r' % (ours, collections_path, python))
    print('ansible-builder introspect: an execution environment with afterlogic.aurora gets %s' % ', '.join(ours))


def main(collections_path):
    python, system = check_definition()
    check_create(python, system)
    check_introspect(collections_path, python)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
