# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Comparing what a task wants with what Aurora holds, and describing the difference."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

SECRET_PLACEHOLDER = '<hidden>'
SECRET_CHANGED = '<hidden, changed>'


def changes_between(current, wanted):
    """``{key: (current, wanted)}`` for each key the task sets (not None) whose value differs.

    Both sides must already be normalised (same types, lists sorted).
    """
    return dict(
        (key, (current.get(key), value))
        for key, value in wanted.items()
        if value is not None and current.get(key) != value
    )


def _show(value):
    if isinstance(value, (list, tuple)):
        return '[%s]' % ', '.join(str(item) for item in value)
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if value is None:
        return 'none'
    if isinstance(value, str):
        return "'%s'" % value
    return str(value)


def describe_changes(changes, secret_keys=()):
    """``incoming_port 143→993, domains [a]→[a, b]``; secrets are named, never shown."""
    parts = []
    for key in sorted(changes):
        if key in secret_keys:
            parts.append('%s (new value)' % key)
        else:
            before, after = changes[key]
            parts.append('%s %s\u2192%s' % (key, _show(before), _show(after)))
    return ', '.join(parts)


def diff_of(before, after):
    """The ``diff`` return value: ``{'before': ..., 'after': ...}``, ``{}`` for a side that does not exist.

    Secrets must already be replaced by SECRET_PLACEHOLDER or SECRET_CHANGED in both views.
    """
    return {'before': before or {}, 'after': after or {}}
