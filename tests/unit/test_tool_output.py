"""The checks of the tools' output fail on what concerns the collection, not on what a dependency says of itself."""

import os

from tests.helpers.collection import REPO_ROOT
from tests.helpers.tool_output import ANSIBLE_PACKAGE, sort_out

LIBRARY_WARNING = [
    '/opt/venv/lib/python3.13/site-packages/ansible/_internal/_ssh/_ssh_agent.py:18: CryptographyDeprecationWarning: '
    'DSA is deprecated and support will be removed in a future release.',
    '  from cryptography.hazmat.primitives.asymmetric.dsa import (',
]
CORE_ABOUT_ITSELF = ("[WARNING]: Collection at '%s/_internal/ansible_collections/ansible/_protomatter' does not have a "
                     "MANIFEST.json file, nor has it galaxy.yml: cannot detect version." % ANSIBLE_PACKAGE)


def test_a_library_warning_on_import_and_core_speaking_of_its_own_files_are_not_the_collections():
    problems, foreign = sort_out(LIBRARY_WARNING + [CORE_ABOUT_ITSELF, 'Created collection for afterlogic.aurora'])
    assert problems == []
    assert foreign == [LIBRARY_WARNING[0], CORE_ABOUT_ITSELF]


def test_a_warning_about_the_collection_or_raised_in_it_fails_the_check():
    ours = os.path.join(REPO_ROOT, 'plugins', 'module_utils', '_api.py')
    lines = [
        '%s:10: DeprecationWarning: something of ours' % ours,
        '    import thing',
        "[WARNING]: Ignoring invalid path provided to plugin path: '%s/plugins/nothing'" % REPO_ROOT,
        '[WARNING]: Found variable using reserved name: action',
        "[WARNING]: Collection at '%s' and '%s/x' differ" % (ANSIBLE_PACKAGE, REPO_ROOT),
        'ERROR! the collection is broken',
    ]
    problems, foreign = sort_out(lines)
    assert problems == [lines[0], lines[2], lines[3], lines[4], lines[5]]
    assert foreign == []
