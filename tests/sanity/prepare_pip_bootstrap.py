"""Let ansible-test bootstrap pip in its virtualenvs without fetching its bootstrap script from the internet.

ansible-test downloads a get-pip script into ~/.ansible/test/cache/ unless one is cached there. This writes a
cached stand-in that installs pip with the standard library's ensurepip, then hands its arguments to that pip
(which installs the exact pip version ansible-test asks for from the package index).
"""

import os
import re
import sys

import ansible_test

STAND_IN = '''import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')

# In a child process: ensurepip turns off pip's configuration files for the process that runs it.
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
arguments = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY_OPTIONS]
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + arguments))
'''


def wanted_pip_version():
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source) as handle:
        match = re.search(r"\bpip='([0-9.]+)'", handle.read())
    if not match:
        sys.exit('cannot find the pip version ansible-test wants in %s' % source)
    return match.group(1)


def main():
    version = wanted_pip_version()
    path = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % version.replace('.', '_'))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        handle.write(STAND_IN)
    print('pip %s bootstrap for ansible-test: %s' % (version, path))


if __name__ == '__main__':
    main()
