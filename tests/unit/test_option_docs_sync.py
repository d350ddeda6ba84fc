"""The bulk modules' and the role's copies of the item options are the ones generated from the single modules.

The generator is tools/sync_option_docs.py (`make docs-sync` rewrites the copies).
"""

import os
import shutil

from tests.helpers.collection import REPO_ROOT
from tools import sync_option_docs as sync

SINGLE = sync.module_path('aurora_mail_server')
BULK = sync.module_path('aurora_mail_servers')
CHANGED_DESCRIPTION = ('Port of the ManageSieve service.', 'Port of the ManageSieve service, usually V(4190).')


def copy_of_the_docs(root):
    """The single and bulk modules and the role spec under ``root``, as in the checkout."""
    paths = [sync.ROLE_SPEC] + [sync.module_path(name) for item in sync.ITEMS for name in (item.single, item.bulk) if name]
    for path in paths:
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        shutil.copyfile(os.path.join(REPO_ROOT, path), os.path.join(root, path))


def changed_single_module(root):
    path = os.path.join(root, SINGLE)
    with open(path, encoding='utf-8') as source:
        text = source.read()
    assert text.count(CHANGED_DESCRIPTION[0]) == 1
    with open(path, 'w', encoding='utf-8') as target:
        target.write(text.replace(*CHANGED_DESCRIPTION))


def test_the_copies_in_the_checkout_are_up_to_date(capsys):
    assert sync.main(['--check']) == 0, 'run make docs-sync:\n' + capsys.readouterr().err


def test_a_changed_option_of_a_single_module_makes_the_bulk_module_and_the_role_spec_stale(tmp_path, capsys):
    copy_of_the_docs(tmp_path)
    changed_single_module(tmp_path)

    assert sync.check(tmp_path) == 1
    assert sync.stale_files(tmp_path) == [BULK, sync.ROLE_SPEC]
    reported = capsys.readouterr().err
    assert BULK in reported and sync.ROLE_SPEC in reported, reported


def test_rewriting_puts_the_change_in_both_copies_and_nothing_else(tmp_path):
    copy_of_the_docs(tmp_path)
    changed_single_module(tmp_path)
    sync.stale_files(tmp_path, write=True)

    assert sync.stale_files(tmp_path) == []
    for path in (BULK, sync.ROLE_SPEC):
        with open(os.path.join(REPO_ROOT, path), encoding='utf-8') as before, \
                open(os.path.join(tmp_path, path), encoding='utf-8') as after:
            assert after.read() == before.read().replace(*CHANGED_DESCRIPTION), path
