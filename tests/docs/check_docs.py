"""Check that the documentation renders, beside `antsibull-docs lint-collection-docs` (see `make docs`).

    .venv/bin/python -m tests.docs.check_docs     (from the root of the checkout)

1. ``ansible-doc`` renders every module, filter and role of the collection, as text and as JSON, with no warning.
2. Every YAML and JSON code block of the user guide (docs/docsite/rst/*.rst) parses, the guide's copy of the
   credential type's inputs and injectors is the one the collection ships, and its execution environment has the base
   image, Python, ansible-core, ansible-runner and collection of meta/execution-environment.yml.
"""

import json
import os
import subprocess
import sys

import yaml

from tests.helpers.awx import credential_type
from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path, filter_names, module_names, role_names
from tests.helpers.rst import DOCS_DIR, code_block, code_blocks
from tests.helpers.tool_output import sort_out

BIN = os.path.dirname(sys.executable)
CREDENTIAL_TYPE_CAPTION = 'inputs and injectors of the credential type "Afterlogic Aurora"'
EE_CAPTION = 'execution-environment.yml'
EE_SHOWN = ('python_interpreter', 'ansible_core', 'ansible_runner', 'galaxy')


def ansible_doc(*args):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1')
    finished = subprocess.run([os.path.join(BIN, 'ansible-doc')] + list(args), env=env, capture_output=True, text=True,
                              check=False)
    problems, _foreign = sort_out(finished.stderr.splitlines())
    if finished.returncode != 0 or problems:
        sys.exit('ansible-doc %s failed:\n%s%s' % (' '.join(args), finished.stdout, finished.stderr))
    return finished.stdout


def check_ansible_doc():
    modules = module_names()
    listed = sorted(name.split('.')[-1] for name in json.loads(ansible_doc('--list', '--json', 'afterlogic.aurora')))
    if listed != modules:
        sys.exit('ansible-doc --list shows %s, plugins/modules/ holds %s' % (listed, modules))
    for module in modules:
        text = ansible_doc('afterlogic.aurora.' + module)
        if 'EXAMPLES:' not in text or 'RETURN VALUES:' not in text:
            sys.exit('ansible-doc afterlogic.aurora.%s renders no examples or return values' % module)
        ansible_doc('--json', 'afterlogic.aurora.' + module)
    filters = filter_names()
    for name in filters:
        if 'EXAMPLES:' not in ansible_doc('--type', 'filter', 'afterlogic.aurora.' + name):
            sys.exit('ansible-doc --type filter afterlogic.aurora.%s renders no examples' % name)
        ansible_doc('--type', 'filter', '--json', 'afterlogic.aurora.' + name)
    roles = role_names()
    for role in roles:
        ansible_doc('--type', 'role', 'afterlogic.aurora.' + role)
    print('ansible-doc: %s, the filter(s) %s and the role(s) %s render'
          % (', '.join(modules), ', '.join(filters), ', '.join(roles)))


def check_code_blocks():
    count = 0
    for name in sorted(os.listdir(DOCS_DIR)):
        for language, caption, text in code_blocks(os.path.join(DOCS_DIR, name)):
            where = 'docs/docsite/rst/%s, code block %s' % (name, caption or count + 1)
            try:
                if language == 'yaml':
                    yaml.safe_load(text)
                elif language == 'json':
                    json.loads(text)
            except (ValueError, yaml.YAMLError) as exc:
                sys.exit('%s does not parse: %s' % (where, exc))
            count += 1
    shown = yaml.safe_load(code_block('awx.rst', CREDENTIAL_TYPE_CAPTION))
    shipped = credential_type()
    if shown != dict(inputs=shipped['inputs'], injectors=shipped['injectors']):
        sys.exit('docs/docsite/rst/awx.rst shows other inputs or injectors than extensions/awx/credential_type_aurora.yml')
    shown = yaml.safe_load(code_block('awx.rst', EE_CAPTION))
    with open(os.path.join(REPO_ROOT, 'meta', 'execution-environment.yml')) as handle:
        shipped = yaml.safe_load(handle)
    if shown['images'] != shipped['images'] or any(
            shown['dependencies'].get(key) != shipped['dependencies'].get(key) for key in EE_SHOWN):
        sys.exit('docs/docsite/rst/awx.rst shows another execution environment than meta/execution-environment.yml')
    print('user guide: %d code blocks parse; the credential type and the execution environment it shows are the ones '
          'shipped' % count)


if __name__ == '__main__':
    check_ansible_doc()
    check_code_blocks()
