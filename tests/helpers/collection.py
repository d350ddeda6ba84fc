"""Make this checkout importable and installable as the collection afterlogic.aurora, without copying it."""

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_ROOT = os.path.join(REPO_ROOT, 'build', 'collections')
COLLECTION_LINK = os.path.join(COLLECTIONS_ROOT, 'ansible_collections', 'afterlogic', 'aurora')


def module_names():
    """The collection's modules, by short name (plugins/modules/*.py; a leading '_' marks no module)."""
    modules_dir = os.path.join(REPO_ROOT, 'plugins', 'modules')
    return sorted(name[:-3] for name in os.listdir(modules_dir) if name.endswith('.py') and not name.startswith('_'))


def filter_names():
    """The collection's filter plugins, by name (plugins/filter/*.py, one filter per file, named as its file)."""
    filter_dir = os.path.join(REPO_ROOT, 'plugins', 'filter')
    return sorted(name[:-3] for name in os.listdir(filter_dir) if name.endswith('.py') and not name.startswith('_'))


def role_names():
    return sorted(os.listdir(os.path.join(REPO_ROOT, 'roles')))


def ensure_collection_on_path():
    """Create build/collections/ansible_collections/afterlogic/aurora -> the checkout, and put it on sys.path.

    Returns the path to use as ANSIBLE_COLLECTIONS_PATH for ansible-playbook subprocesses.
    """
    if not os.path.islink(COLLECTION_LINK):
        os.makedirs(os.path.dirname(COLLECTION_LINK), exist_ok=True)
        try:
            os.symlink(REPO_ROOT, COLLECTION_LINK)
        except FileExistsError:
            pass
    if COLLECTIONS_ROOT not in sys.path:
        sys.path.insert(0, COLLECTIONS_ROOT)
    return COLLECTIONS_ROOT
