"""tests/docs/lint_collection_docs.py: the docs lint passes or fails on the docs alone, not on a temporary name."""

import os
import subprocess
import sys

import pytest

from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path

pytest.importorskip('antsibull_docs')

# Every random name drawn from characters that include "_" ends in "_", as one in 37 does by chance; then the lint runs.
UNLUCKY = '''
import sys, tempfile
class Unlucky(tempfile._RandomNameSequence):
    def __next__(self):
        name = super().__next__()
        return name[:-1] + "_" if "_" in self.characters else name
tempfile._RandomNameSequence, tempfile._name_sequence = Unlucky, None
{call}
'''
PLAIN = 'from tests.docs.lint_collection_docs import lint; sys.exit(lint())'
WRAPPED = 'from tests.docs.lint_collection_docs import main; sys.exit(main())'


def lint_with_unlucky_names(call):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    return subprocess.run([sys.executable, '-c', UNLUCKY.format(call=call)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_plain_lint_fails_on_a_temporary_name_ending_in_underscore():
    """The reason for the wrapper: when this test fails, antsibull-docs no longer needs it."""
    result = lint_with_unlucky_names(PLAIN)
    assert result.returncode != 0
    assert 'Unknown target name: "antsibull-docs-' in result.stdout + result.stderr


def test_the_wrapped_lint_passes_whatever_names_python_would_draw():
    result = lint_with_unlucky_names(WRAPPED)
    assert result.returncode == 0, result.stdout + result.stderr
