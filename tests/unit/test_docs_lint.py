"""tests/docs/lint_collection_docs.py: the docs lint passes or fails on the docs alone, not on where it runs."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path, filter_names, module_names, role_names

pytest.importorskip('antsibull_docs')

# The lint as `make docs` runs it (this collection on ANSIBLE_COLLECTIONS_PATH), with every random temporary name ending
# in "_", as one in 37 does by chance; each plugin page's edit link is printed as the lint checks the page.
LINT = '''
import json, sys, tempfile
import antsibull_docs.lint_plugin_docs as lint_plugin_docs

class Unlucky(tempfile._RandomNameSequence):
    def __next__(self):
        return super().__next__()[:-1] + "_"
tempfile._RandomNameSequence, tempfile._name_sequence = Unlucky, None

check_rst_content = lint_plugin_docs.check_rst_content
def print_edit_link(content, **kwargs):
    print(json.dumps([line for line in content.splitlines() if line.startswith(":github_url:")]))
    return check_rst_content(content, **kwargs)
lint_plugin_docs.check_rst_content = print_edit_link

from tests.docs.lint_collection_docs import main
sys.exit(main())
'''
EDIT_URL = 'https://github.com/afterlogic/ansible-collection-aurora/edit/main/'


@pytest.fixture(scope='module')
def lint():
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    return subprocess.run([sys.executable, '-c', LINT], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def edit_links(stdout):
    return [link for line in stdout.splitlines() if line.startswith('[') for link in json.loads(line)]


def test_the_lint_passes_whatever_temporary_names_python_draws(lint):
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_every_edit_link_is_the_plugins_file_in_the_repository(lint):
    paths = sorted(re.match(r':github_url: (\S+?)\?', link).group(1) for link in edit_links(lint.stdout))
    assert paths == sorted([EDIT_URL + 'plugins/modules/%s.py' % name for name in module_names()]
                           + [EDIT_URL + 'plugins/filter/%s.py' % name for name in filter_names()]
                           + [EDIT_URL + 'roles/%s/meta/argument_specs.yml' % name for name in role_names()])
