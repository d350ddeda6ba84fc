# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Aurora's settings files on the Aurora host (``api_transport: php``): found, checked, and locked while written.

Aurora rewrites a settings file whole on every save, with no lock, so two writers at once lose one's values; and it
silently replaces a missing or unreadable file with its defaults, which loses every setting in it (docs/aurora-api-
notes.md, "Settings"). So before anything else the file must be there and hold JSON, and this collection's writes of
one file take turns: each holds an exclusive lock on the file (opened read-only) across its read, change and save.
This module never creates, deletes or writes a settings file itself: Aurora's PHP API does the writing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import fcntl
import json
import os

from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import ResourceError, listed
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings_catalog import SYSTEM

SETTINGS_FOLDER = os.path.join('data', 'settings')
MODULE_FILE = '.config.json'


def settings_folder(aurora_path):
    return os.path.join(aurora_path, SETTINGS_FOLDER)


def _listed(folder, keep):
    try:
        return [name for name in os.listdir(folder) if keep(name)]
    except OSError:
        return []


def installed_modules(aurora_path):
    """The modules of the install: those with a folder in ``modules/`` or a settings file."""
    folder = os.path.join(aurora_path, 'modules')
    found = _listed(folder, lambda name: os.path.isdir(os.path.join(folder, name))) + modules_with_files(aurora_path)
    return sorted(set(found), key=str.lower)


def modules_with_files(aurora_path):
    """The modules that have a settings file (a module that never saved a setting has none)."""
    files = os.path.join(settings_folder(aurora_path), 'modules')
    found = [name[:-len(MODULE_FILE)] for name in _listed(files, lambda name: name.endswith(MODULE_FILE))]
    return sorted(found, key=str.lower)


def settings_file(aurora_path, module):
    """``(the module's name as Aurora spells it, the path of its settings file)``, the file checked to be there and
    to hold JSON; ResourceError naming what is wrong. ``module`` is ``system`` or a module's name, in any case."""
    if module.lower() == SYSTEM:
        return SYSTEM, _checked(os.path.join(settings_folder(aurora_path), 'config.json'), 'the system settings')
    modules = installed_modules(aurora_path)
    spelled = dict((name.lower(), name) for name in modules)
    name = spelled.get(module.lower())
    if name is None:
        raise ResourceError('module %r is not installed in %s; installed: %s (or system, for data/settings/'
                            'config.json)' % (module, aurora_path, listed(modules) or 'none'))
    return name, _checked(os.path.join(settings_folder(aurora_path), 'modules', name + MODULE_FILE),
                          'the settings of module %s' % name)


def _checked(path, what):
    try:
        with open(path, 'rb') as handle:
            json.loads(handle.read().decode('utf-8'))
    except (OSError, IOError) as exc:
        raise ResourceError('%s cannot be read in %s (%s): Aurora would replace it with its defaults, losing every '
                            'setting in it; restore it (Aurora keeps the previous copy as %s.bak) before managing '
                            'settings' % (what, path, exc.strerror or exc, os.path.basename(path)))
    except ValueError as exc:
        raise ResourceError('%s in %s is not valid JSON (%s): Aurora would read its .bak copy or replace it with its '
                            'defaults; repair it before managing settings' % (what, path, exc))
    return path


def same_file(reported, path):
    """Whether the path Aurora reports for a settings file is ``path``."""
    return bool(reported) and os.path.realpath(reported) == os.path.realpath(path)


@contextlib.contextmanager
def write_lock(path):
    """An exclusive lock on the settings file ``path`` for this collection's writers, held while the block runs."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
