"""Install the collection awx.awx into this Python's site-packages, taken from the pinned Ansible community package.

playbooks/awx_credential_type.yml uses awx.awx.credential_type, so ansible-lint (and galaxy-importer, which runs
ansible-lint) must find awx.awx. Galaxy is not reachable from CI, but PyPI is, and the community package ``ansible``
on PyPI contains awx.awx. This downloads that package's wheel (the version and hashes locked in
tests/requirements/awx.lock, no dependencies), takes out ansible_collections/awx/awx, and installs it with ``ansible-galaxy collection install`` into
``<site-packages>/ansible_collections``, where ansible-core finds collections installed by pip. Nothing else of the
community package is installed.

Run it with the Python of the virtualenv to install into:  .venv/bin/python tests/awx/install_awx_collection.py
"""

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
LOCK_FILE = os.path.join(REPO_ROOT, 'tests', 'requirements', 'awx.lock')
WORK_DIR = os.path.join(REPO_ROOT, 'build', 'awx')
PREFIX = 'ansible_collections/awx/awx/'


def pinned_version():
    with open(LOCK_FILE) as handle:
        for line in handle:
            match = re.match(r'ansible==([0-9][0-9a-z.]*)[\s\\]*$', line)
            if match:
                return match.group(1)
    sys.exit('no "ansible==VERSION" line in %s' % LOCK_FILE)


def installed_version(collections_dir):
    manifest = os.path.join(collections_dir, 'ansible_collections', 'awx', 'awx', 'MANIFEST.json')
    try:
        with open(manifest) as handle:
            return json.load(handle)['collection_info']['version']
    except (OSError, ValueError, KeyError):
        return None


def download_wheel(version):
    wheels = os.path.join(WORK_DIR, 'wheels')
    wheel = os.path.join(wheels, 'ansible-%s-py3-none-any.whl' % version)
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary', ':all:',
                        '--require-hashes', '--dest', wheels, '-r', LOCK_FILE], check=True)
    if not os.path.exists(wheel):
        sys.exit('pip did not download %s' % wheel)
    return wheel


def extract_awx(wheel, version):
    source_root = os.path.join(WORK_DIR, 'ansible-%s' % version)
    source = os.path.join(source_root, *PREFIX.split('/'))
    if not os.path.exists(os.path.join(source, 'MANIFEST.json')):
        with zipfile.ZipFile(wheel) as archive:
            members = [name for name in archive.namelist() if name.startswith(PREFIX)]
            if not members:
                sys.exit('%s holds no awx.awx collection' % wheel)
            archive.extractall(source_root, members)
    with open(os.path.join(source, 'MANIFEST.json')) as handle:
        return source, json.load(handle)['collection_info']['version']


def main():
    version = pinned_version()
    collections_dir = sysconfig.get_paths()['purelib']
    wheel = download_wheel(version)
    source, awx_version = extract_awx(wheel, version)
    if installed_version(collections_dir) == awx_version:
        print('awx.awx %s (from ansible %s) is installed in %s' % (awx_version, version, collections_dir))
        return
    ansible_galaxy = os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy')
    subprocess.run([ansible_galaxy, 'collection', 'install', '--offline', '--force', '--collections-path',
                    collections_dir, source], check=True)
    if installed_version(collections_dir) != awx_version:
        sys.exit('awx.awx %s was not installed in %s' % (awx_version, collections_dir))
    print('awx.awx %s (from ansible %s) installed in %s' % (awx_version, version, collections_dir))


if __name__ == '__main__':
    main()
