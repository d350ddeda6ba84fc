"""Check the execution environment of meta/execution-environment.yml with ansible-builder, without a container engine.

    .venv/bin/python tests/ee/check_ee.py CONTEXT COLLECTIONS_PATH

`make ee` runs ``ansible-builder create -f meta/execution-environment.yml`` from the repository root, which writes the
build context CONTEXT, and installs the collection from its tarball into COLLECTIONS_PATH. This script checks:

1. the definition: version 3; its Python requirements resolve to the same list both ways ansible-builder reads the file
   (as a definition, relative to meta/; as a collection's metadata, relative to the collection root), and that list
   names requests; it installs afterlogic.aurora; and its Python can run the newest tested ansible-core (the one of
   this interpreter), which its ansible-core requirement allows;
2. CONTEXT: it holds those Python requirements and the collection, and its Containerfile installs them with that Python;
3. ``ansible-builder introspect`` on COLLECTIONS_PATH finds those requirements for afterlogic.aurora, as ansible-builder
   does when an execution environment includes this collection.
"""

import importlib.metadata
import os
import re
import subprocess
import sys

import yaml
from ansible_builder._target_scripts.introspect import bindep_file_data, pip_file_data
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFINITION = os.path.join(REPO_ROOT, 'meta', 'execution-environment.yml')
BUILDER = os.path.join(os.path.dirname(sys.executable), 'ansible-builder')


def fail(message):
    sys.exit('execution environment: ' + message)


def check_definition():
    """The Python requirements (ansible-builder's reading of the file), and the interpreter path, of the definition."""
    with open(DEFINITION) as handle:
        definition = yaml.safe_load(handle)
    if definition.get('version') != 3:
        fail('meta/execution-environment.yml must use version 3 of the definition format')
    dependencies = definition.get('dependencies') or {}
    collections = [item.get('name') for item in (dependencies.get('galaxy') or {}).get('collections', [])]
    if 'afterlogic.aurora' not in collections:
        fail('dependencies.galaxy must install afterlogic.aurora')

    readings = {}
    for entry in ('python', 'system'):
        relative = dependencies.get(entry)
        if relative is None:
            continue
        if not isinstance(relative, str):
            fail('dependencies.%s must name a file: a collection cannot list its requirements inline' % entry)
        for base in ('meta', '.'):
            path = os.path.normpath(os.path.join(REPO_ROOT, base, relative))
            if not os.path.isfile(path):
                fail('dependencies.%s: %s does not exist, so the reading relative to %s fails'
                     % (entry, os.path.relpath(path, REPO_ROOT), 'meta/' if base == 'meta' else 'the collection root'))
            readings.setdefault(entry, []).append((pip_file_data if entry == 'python' else bindep_file_data)(path))
    if 'python' not in readings:
        fail('dependencies.python must name the Python requirements')
    python = readings['python'][0]
    if readings['python'][1] != python:
        fail('the Python requirements differ between the two readings: %r (meta/) and %r (the collection root)'
             % tuple(readings['python']))
    if 'system' in readings and readings['system'][0] != readings['system'][1]:
        fail('the system requirements differ between the two readings')
    if not any(Requirement(line).name == 'requests' for line in python):
        fail('the Python requirements must name requests, which plugins/module_utils/_api.py imports')

    interpreter = dependencies.get('python_interpreter') or {}
    found = re.search(r'python(\d+)\.(\d+)$', interpreter.get('python_path') or '')
    if not found:
        fail('dependencies.python_interpreter.python_path must name a versioned python, like /usr/bin/python3.12')
    python_version = '%s.%s' % found.groups()
    core = importlib.metadata.version('ansible-core')
    needs = importlib.metadata.metadata('ansible-core')['Requires-Python']
    if not SpecifierSet(needs).contains(python_version):
        fail('ansible-core %s, the newest tested, needs Python %s: the definition has Python %s'
             % (core, needs, python_version))
    wanted = Requirement((dependencies.get('ansible_core') or {}).get('package_pip') or 'none')
    if wanted.name != 'ansible-core' or not wanted.specifier.contains(core):
        fail('dependencies.ansible_core (%s) must allow ansible-core %s, the newest tested' % (wanted, core))
    print('definition: Python %s, which ansible-core %s (%s) runs on; %s from meta/ and from the collection root'
          % (python_version, core, wanted, ', '.join(python)))
    return python, interpreter['python_path']


def check_context(context, python, python_path):
    built = os.path.join(context, '_build')
    if pip_file_data(os.path.join(built, 'requirements.txt')) != python:
        fail('%s does not hold the Python requirements %r' % (built, python))
    with open(os.path.join(built, 'requirements.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    if 'afterlogic.aurora' not in [item.get('name') for item in galaxy.get('collections', [])]:
        fail('the build context does not install afterlogic.aurora')
    # ansible-builder names the file after the container engine it finds: podman's or docker's.
    names = [name for name in ('Containerfile', 'Dockerfile') if os.path.isfile(os.path.join(context, name))]
    if len(names) != 1:
        fail('%s must hold one Containerfile or Dockerfile, not %r' % (context, names))
    with open(os.path.join(context, names[0])) as handle:
        containerfile = handle.read()
    for step in ('ARG PYCMD="%s"' % python_path, 'COPY _build/requirements.txt requirements.txt',
                 'ansible-galaxy collection install', 'introspect.py introspect --user-pip=requirements.txt'):
        if step not in containerfile:
            fail('the %s lacks: %s' % (names[0], step))
    print('ansible-builder create: %s installs %s and afterlogic.aurora with %s' % (context, ', '.join(python), python_path))


def check_introspect(collections_path, python):
    output = subprocess.run([BUILDER, 'introspect', '--sanitize', collections_path], check=True, capture_output=True,
                            text=True).stdout
    found = yaml.safe_load(output.split('\n', 1)[1] if output.startswith('#') else output) or {}
    ours = [line for line in found.get('python') or [] if line.endswith('# from collection afterlogic.aurora')]
    if [line.split('#')[0].strip() for line in ours] != python:
        fail('ansible-builder introspect found %r for afterlogic.aurora in %s, not %r' % (ours, collections_path, python))
    print('ansible-builder introspect: an execution environment with afterlogic.aurora gets %s' % ', '.join(ours))


def main(context, collections_path):
    python, python_path = check_definition()
    check_context(context, python, python_path)
    check_introspect(collections_path, python)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
