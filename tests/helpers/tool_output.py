"""Tell the warnings and errors a tool prints about this collection from those a dependency prints about itself.

Checks of the tools' output (the galaxy build log, ansible-doc) fail on the first kind only:
- a Python warning (`FILE:LINE: CategoryWarning: ...`, then the line of source it points at) raised in a file outside
  this checkout is a library's, for instance cryptography's when ansible-core imports it;
- an Ansible warning (`[WARNING]: ...`) whose every path lies inside ansible-core's own package is about ansible-core
  itself, for instance ansible-doc 2.21 on an internal collection of its own.
Any other line that speaks of a warning, an error or a traceback is the collection's.
"""

import os
import re

import ansible

from tests.helpers.collection import REPO_ROOT

PYTHON_WARNING = re.compile(r'^(?P<path>\S.*?):(?P<line>\d+): (?P<category>\w*Warning): ')
ANSIBLE_WARNING = re.compile(r'^\[WARNING\]: ')
ABSOLUTE_PATH = re.compile(r"(/[^\s'\"]+)")
PROBLEM = re.compile(r'warning|error|traceback', re.IGNORECASE)
ANSIBLE_PACKAGE = os.path.dirname(os.path.realpath(ansible.__file__))


def inside(path, folder):
    return os.path.commonpath([os.path.realpath(path), folder]) == folder


def is_ours(path):
    """A file of this checkout, not of a virtualenv in it."""
    relative = os.path.relpath(os.path.realpath(path), REPO_ROOT)
    return not relative.startswith('..') and relative.partition(os.sep)[0] not in ('.venv', '.venvs')


def about_ansible_core_only(line):
    paths = ABSOLUTE_PATH.findall(line)
    return bool(paths) and all(inside(path, ANSIBLE_PACKAGE) for path in paths)


def sort_out(lines):
    """(problems, foreign): the lines about this collection, and the dependencies' warnings about themselves."""
    problems, foreign = [], []
    after_python_warning = False
    for line in lines:
        if after_python_warning and line.startswith(' '):
            after_python_warning = False
            continue
        after_python_warning = False
        match = PYTHON_WARNING.match(line)
        if match and not is_ours(match.group('path')):
            foreign.append(line)
            after_python_warning = True
        elif ANSIBLE_WARNING.match(line) and about_ansible_core_only(line):
            foreign.append(line)
        elif PROBLEM.search(line):
            problems.append(line)
    return problems, foreign
