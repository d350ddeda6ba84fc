"""The PHP bridge script is checked as PHP: ``php -l`` on the file that holds it, wherever php is installed.

The file is Python for Ansible (which ships it with the modules) and PHP for php (the lines before ``<?php`` are
text to it), so the file linted is the file shipped; the script the bridge runs is its text from ``<?php`` to ``?>``.
"""

import os
import shutil
import subprocess

import pytest

from ansible_collections.afterlogic.aurora.plugins.module_utils import _php_bridge_script
from tests.helpers.collection import REPO_ROOT

SCRIPT_FILE = os.path.join(REPO_ROOT, 'plugins', 'module_utils', '_php_bridge_script.py')
PHP = shutil.which('php')
needs_php = pytest.mark.skipif(PHP is None, reason='php is not installed (Debian: php-cli)')


def php_lint(path):
    return subprocess.run([PHP, '-l', path], capture_output=True, text=True, check=False)


@needs_php
def test_php_lint_finds_no_syntax_error_in_the_bridge_script():
    linted = php_lint(SCRIPT_FILE)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert 'No syntax errors detected' in linted.stdout


@needs_php
def test_php_lint_of_the_file_fails_on_a_syntax_error(tmp_path):
    with open(SCRIPT_FILE, encoding='utf-8') as handle:
        text = handle.read()
    broken = tmp_path / 'broken.py'
    broken.write_text(text.replace('private static function plain($mValue, array $aContext)',
                                   'private static function plain($mValue array $aContext)'), encoding='utf-8')
    assert broken.read_text(encoding='utf-8') != text
    linted = php_lint(str(broken))
    assert linted.returncode != 0
    assert 'syntax error' in linted.stdout + linted.stderr


def test_the_file_holds_the_script_and_nothing_else():
    script = _php_bridge_script.BRIDGE_SOURCE
    assert script.startswith('<?php\n') and script.endswith('\nAuroraAnsibleBridge::main();\n?>')
    names = [name for name in vars(_php_bridge_script) if not name.startswith('__')]
    assert sorted(names) == ['BRIDGE_SOURCE', 'absolute_import', 'division', 'print_function']
