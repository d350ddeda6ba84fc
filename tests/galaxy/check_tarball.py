"""Check the file list of the collection tarball that `ansible-galaxy collection build` made.

    python tests/galaxy/check_tarball.py build/galaxy/afterlogic-aurora-X.Y.Z.tar.gz

Fails when the tarball holds a file that git ignores (virtualenvs, caches, build or test output: nothing a user should
get), a developer-only path, or a symlink; or when it lacks a file of the collection's content (plugins, roles,
playbooks, meta, docs, changelogs, the AWX credential type, the execution-environment requirements).
"""

import json
import os
import subprocess
import sys
import tarfile

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Written by ansible-galaxy itself.
GENERATED = {'MANIFEST.json', 'FILES.json'}
# Developer tooling that is in git but not for users (galaxy.yml build_ignore).
DEVELOPER_ONLY = ('.ci/', 'Makefile', 'benchmarks/', 'tools/', '.gitignore')
# Never in a tarball, whatever git says.
FORBIDDEN_PARTS = ('.venv', '.venvs', 'build', '__pycache__', '.pytest_cache', '.hypothesis', '.ansible', '.cache',
                   '.tox', '.nox', '.mypy_cache', '.ruff_cache', 'output', 'context')
FORBIDDEN_SUFFIXES = ('.pyc', '.tar.gz', '.retry', '.plugin-cache.yaml', 'importer_result.json')
# Everything git knows under these is collection content and must be shipped.
CONTENT = ('plugins/', 'roles/', 'playbooks/', 'meta/', 'docs/', 'changelogs/', 'extensions/awx/')
REQUIRED = ('README.md', 'requirements.txt', 'bindep.txt', 'meta/runtime.yml', 'meta/execution-environment.yml',
            'changelogs/changelog.yaml', 'changelogs/config.yaml', 'docs/docsite/extra-docs.yml',
            'docs/docsite/links.yml', 'extensions/awx/credential_type_aurora.yml', 'playbooks/awx_credential_type.yml')


def git_files():
    """Files git tracks or would track (untracked but not ignored), relative to the repository root."""
    listed = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '-z'], cwd=REPO_ROOT,
                            capture_output=True, check=True).stdout.decode()
    return set(path for path in listed.split('\0') if path and os.path.isfile(os.path.join(REPO_ROOT, path)))


def problems_of(members, known):
    problems = []
    files = set()
    for member in members:
        name = member.name[2:] if member.name.startswith('./') else member.name
        if member.isdir():
            continue
        if not member.isfile():
            problems.append('%s: not a regular file (symlinks and special files break some installers)' % name)
            continue
        files.add(name)
        if name in GENERATED:
            continue
        parts = name.split('/')
        if any(part in FORBIDDEN_PARTS for part in parts[:-1]) or name.endswith(FORBIDDEN_SUFFIXES):
            problems.append('%s: build, cache or test output' % name)
        elif name.startswith(DEVELOPER_ONLY):
            problems.append('%s: developer-only, add it to build_ignore in galaxy.yml' % name)
        elif name not in known:
            problems.append('%s: git ignores it (or it is not in the checkout), so it is no part of the collection' % name)
    missing = sorted(set(REQUIRED) - files)
    missing += sorted(path for path in known - files if path.startswith(CONTENT) and path not in missing)
    problems += ['%s: missing from the tarball' % path for path in missing]
    return files, problems


def main(tarball):
    with open(os.path.join(REPO_ROOT, 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    expected_name = '%s-%s-%s.tar.gz' % (galaxy['namespace'], galaxy['name'], galaxy['version'])
    if os.path.basename(tarball) != expected_name:
        sys.exit('%s: expected a tarball named %s' % (tarball, expected_name))
    with tarfile.open(tarball) as archive:
        members = archive.getmembers()
        manifest = json.load(archive.extractfile('MANIFEST.json'))['collection_info']
    files, problems = problems_of(members, git_files())
    for key in ('namespace', 'name', 'version'):
        if manifest[key] != galaxy[key]:
            problems.append('MANIFEST.json: %s is %r, galaxy.yml says %r' % (key, manifest[key], galaxy[key]))
    if problems:
        print('%s: %d problem(s):' % (tarball, len(problems)))
        for problem in problems:
            print('  ' + problem)
        sys.exit(1)
    print('%s: %d files, %d bytes, nothing stray, nothing missing' % (tarball, len(files), os.path.getsize(tarball)))
    for name in sorted(files):
        print('  ' + name)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
