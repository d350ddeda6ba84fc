# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every kind of Aurora object shares: its declared fields, its error, and how Aurora stores its values.

A kind declares a table of ``Field``s, one per option it manages: the option's name and Ansible type, the Aurora key
it maps to, how a stored value reads as an option value and back, how two values compare, and whether it is secret.
``argument_spec()`` makes the options of a table; ``field_view()`` reads an Aurora object as option values;
``field_changes()`` compares it with what a task asks for, only on the options the task sets.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import diff_of
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError

STORED_SECRET = '*****'  # what Aurora returns for every stored password
CONTROL = re.compile(r'[\x00-\x1f\x7f]')
CONTROL_OR_SPACE = re.compile(r'[\s\x00-\x1f\x7f]')


class ResourceError(AuroraError):
    """A reason not to go on that is not an Aurora error: bad input, duplicates, data at risk, an object gone.

    Like every AuroraError it carries ``changed``: whether the run had already written when it stopped.
    """


# ---- stored values -----------------------------------------------------------------------------

def text(value):
    return '' if value is None else str(value)


def integer(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def boolean(value):
    if isinstance(value, str):
        return value.strip().lower() in ('1', 'true', 'yes', 'on')
    return bool(value)


def first_id(obj, *keys):
    """The first of ``keys`` that ``obj`` holds, as an int (Aurora 9 objects carry Id, Aurora 8 ones EntityId)."""
    for key in keys:
        if obj.get(key) is not None:
            return integer(obj[key])
    return None


def server_id_of(server):
    return first_id(server, 'ServerId', 'Id', 'EntityId')


def same_ignoring_case(stored, wanted):
    return text(stored).lower() == text(wanted).lower()


# ---- the field table ---------------------------------------------------------------------------

class Field:
    """One managed option: its name and Ansible type, its Aurora key, conversions, comparison and create default.

    ``from_aurora`` reads a stored value as the option's value; ``to_aurora`` writes it back as Aurora needs it;
    ``same(stored, wanted)`` tells whether they agree (exact by default). ``default`` is what Aurora stores when a
    creation leaves the option out. A ``secret`` is never shown, and never compared: Aurora does not return it.
    """

    def __init__(self, key, aurora, type='str', choices=None, from_aurora=None, to_aurora=None, same=None,
                 default=None, secret=False):
        self.key = key
        self.aurora = aurora
        self.type = type
        self.choices = choices
        self.from_aurora = from_aurora or CONVERSIONS[type]
        self.to_aurora = to_aurora or TO_AURORA[type]
        self.same = same or (lambda stored, wanted: stored == wanted)
        self.default = default
        self.secret = secret

    def option(self):
        """The option's argument spec: a task that leaves it out does not manage it (no default)."""
        spec = dict(type=self.type)
        if self.type == 'list':
            spec['elements'] = 'str'
        if self.choices:
            spec['choices'] = sorted(self.choices)
        if self.secret:
            spec['no_log'] = True
        return spec


CONVERSIONS = {'str': text, 'int': integer, 'bool': boolean}
TO_AURORA = {'str': text, 'int': integer, 'bool': bool}


def argument_spec(fields):
    """The options of a field table; fields under a dotted key (``a.b``) belong to nested options declared by hand."""
    return dict((field.key, field.option()) for field in fields if '.' not in field.key)


def named_argument_spec(fields, **options):
    """The options of a kind that a task names by ``name``: ``name``, ``state``, its fields, and ``options``."""
    spec = argument_spec(fields)
    spec.update(name=dict(type='str', required=True),
                state=dict(type='str', default='present', choices=['present', 'absent']), **options)
    return spec


def field_view(fields, obj):
    """An Aurora object as option values, by option name."""
    return dict((field.key, field.from_aurora(obj.get(field.aurora))) for field in fields if not field.secret)


def field_changes(fields, current, wanted):
    """``{key: (current, wanted)}`` for each option the task sets (not None) that differs from ``current``.

    ``current`` and ``wanted`` are views (option values); secrets are left to the caller.
    """
    found = {}
    for field in fields:
        value = wanted.get(field.key)
        if value is None or field.secret:
            continue
        if not field.same(current.get(field.key), value):
            found[field.key] = (current.get(field.key), value)
    return found


def aurora_values(fields, values):
    """Option values -> the Aurora keys of a write, typed as Aurora needs them (only the options present)."""
    return dict((field.aurora, field.to_aurora(values[field.key])) for field in fields if field.key in values)


# ---- plans and results -------------------------------------------------------------------------

class Plan:
    """What a task does to one object, decided before any write (check mode returns it as it is).

    ``actions``: the writes, in order (none: nothing to do); ``current``: what Aurora holds; ``before``/``after``:
    the object in the words of the options, for the diff (secrets as placeholders); ``changes``:
    ``{option: (old, new)}``; ``msg``: what the run does, in words; ``password_changed``: whether a secret is sent.
    A kind keeps its own parts (the predicted object, the parameters of its writes) as further keyword attributes.
    """

    def __init__(self, actions=(), current=None, before=None, after=None, changes=None, msg='unchanged',
                 password_changed=False, **parts):
        self.actions = tuple(actions)
        self.current = current
        self.before = before
        self.after = after
        self.changes = changes or {}
        self.msg = msg
        self.password_changed = password_changed
        self.__dict__.update(parts)

    @property
    def changed(self):
        return bool(self.actions)

    @property
    def action(self):
        """The first write, or ``none``."""
        return self.actions[0] if self.actions else 'none'


def result_of(plan, returned, notes=(), wrote=None, retries=0, diff=True):
    """A module's result for a plan, the same for a real run and for check mode (where ``returned`` is predicted).

    ``returned``: the kind's own keys (the object after the run, its id), which may override the common ones;
    ``notes``: what happened beside the plan (races, lost answers); ``wrote``: whether the run's own writes changed
    Aurora, when another actor did some of the plan first (None: as planned).
    """
    changed = plan.changed if wrote is None else wrote
    result = dict(changed=changed, retries=retries, password_changed=plan.password_changed and changed,
                  msg='; '.join([plan.msg if changed or not plan.changed else 'unchanged'] + list(notes)))
    if diff:
        result['diff'] = diff_of(plan.before, plan.after)
    result.update(returned)
    return result
