"""Import the collection tarball with galaxy-importer, as Galaxy does on upload, and fail on any error or warning.

    .venvs/galaxy-importer/bin/python -m tests.galaxy.check_import build/galaxy/afterlogic-aurora-X.Y.Z.tar.gz

galaxy-importer is configured by tests/galaxy/galaxy-importer.cfg (no container, no network). Besides its own
verdict, this checks what it found: every module and role of the collection, with its documentation, and the
requires_ansible of meta/runtime.yml.
"""

import json
import os
import re
import subprocess
import sys

import yaml

from tests.helpers.collection import REPO_ROOT, module_names, role_names

CONFIG = os.path.join(REPO_ROOT, 'tests', 'galaxy', 'galaxy-importer.cfg')
PROBLEM = re.compile(r'^(WARNING|ERROR|CRITICAL)\b|Traceback', re.MULTILINE)


def main(tarball):
    tarball = os.path.abspath(tarball)
    work_dir = os.path.dirname(tarball)
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=CONFIG)
    # The importer runs ansible-lint and ansible-doc by name: those of its own virtualenv.
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    finished = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', '--print-result', tarball], cwd=work_dir,
                              env=env, capture_output=True, text=True, check=False)
    output = finished.stdout + finished.stderr
    log, _brace, result_text = output.partition('\n{')
    print(log)
    problems = [line for line in log.splitlines() if PROBLEM.search(line)]
    if finished.returncode != 0 or problems or 'Importer processing completed successfully' not in log:
        sys.exit('galaxy-importer: exit code %d, %d error(s)/warning(s)' % (finished.returncode, len(problems)))

    result = json.loads('{' + result_text)
    with open(os.path.join(REPO_ROOT, 'meta', 'runtime.yml')) as handle:
        requires_ansible = yaml.safe_load(handle)['requires_ansible']
    modules, roles = module_names(), role_names()
    found = sorted((item['content_type'], item['name']) for item in result['contents'])
    wanted = sorted([('module', name) for name in modules] + [('role', name) for name in roles])
    missing = sorted(set(wanted) - set(found))
    docs = dict(((item['content_type'], item['content_name']), item) for item in result['docs_blob']['contents'])
    undocumented = [name for name in modules if not (docs.get(('module', name)) or {}).get('doc_strings')]
    mistakes = []
    if missing:
        mistakes.append('galaxy-importer did not find: %s' % ', '.join('%s %s' % item for item in missing))
    if undocumented:
        mistakes.append('galaxy-importer found no documentation for: %s' % ', '.join(undocumented))
    if result['requires_ansible'] != requires_ansible:
        mistakes.append('requires_ansible is %r, meta/runtime.yml says %r' % (result['requires_ansible'], requires_ansible))
    if mistakes:
        sys.exit('\n'.join(mistakes))
    print('galaxy-importer: no error, no warning; found %s; requires_ansible %s'
          % (', '.join('%s %s' % item for item in found), result['requires_ansible']))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
