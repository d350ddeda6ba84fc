"""Write every lock of tests/requirements/ from its input: `make lock`.

    python tools/lock.py UV [NAME ...]

For each tests/requirements/NAME.in, uv resolves the complete set of packages, direct and transitive, at exact
versions with the hash of every file PyPI has for them, into NAME.lock: one resolution that holds on every Python
the input's `# python:` line names (uv's universal mode, from the oldest of them up). An input line
`# lock: OPTION ...` adds uv options (awx.in locks its one package without dependencies).

Each lock starts with the digest of its input, which tests/unit/test_locks.py compares: a lock older than its input
fails the tests until `make lock` writes it again.
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCK_DIR = os.path.join(REPO_ROOT, 'tests', 'requirements')
DIGEST_LINE = '# input sha256: '


def input_digest(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def header_values(path, key):
    """The words of the input's `# key: ...` line, or []."""
    pattern = re.compile(r'#\s*%s:\s*(.*)$' % re.escape(key))
    with open(path) as handle:
        for line in handle:
            match = pattern.match(line.strip())
            if match:
                return match.group(1).split()
    return []


def pythons(path):
    """The Python versions a leg runs on, preferred first (its `# python:` line)."""
    versions = header_values(path, 'python')
    if not versions:
        sys.exit('%s has no "# python: X.Y ..." line' % os.path.relpath(path, REPO_ROOT))
    return versions


def oldest(versions):
    return min(versions, key=lambda version: tuple(int(part) for part in version.split('.')))


def lock(uv, name):
    source = os.path.join(LOCK_DIR, name + '.in')
    target = os.path.join(LOCK_DIR, name + '.lock')
    with tempfile.TemporaryDirectory() as work:
        output = os.path.join(work, name + '.lock')
        command = [uv, 'pip', 'compile', '--quiet', '--universal', '--generate-hashes', '--no-header',
                   '--python-version', oldest(pythons(source)), '--output-file', output, source]
        command[3:3] = header_values(source, 'lock')
        subprocess.run(command, check=True, cwd=REPO_ROOT)
        with open(output) as handle:
            body = handle.read()
    header = ('# Written by `make lock` (tools/lock.py) from %s.in with uv; do not edit.\n%s%s\n'
              % (name, DIGEST_LINE, input_digest(source)))
    with open(target, 'w') as handle:
        handle.write(header + body)
    print('%s.lock: %d packages' % (name, body.count('==')))


def main(uv, names):
    names = names or sorted(entry[:-3] for entry in os.listdir(LOCK_DIR) if entry.endswith('.in'))
    for name in names:
        lock(uv, name)


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
