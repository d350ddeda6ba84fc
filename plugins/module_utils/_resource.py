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
MAIL_DOMAINS_MODULE = 'MailDomains'  # Aurora's module of mail domains, which then owns the domains of mail servers
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


MAX_LISTED = 5  # how many objects a message names


def listed(items):
    """``a, b, c, d, e and 2 more``: the first MAX_LISTED of ``items``, and how many more there are."""
    more = ' and %d more' % (len(items) - MAX_LISTED) if len(items) > MAX_LISTED else ''
    return ', '.join(items[:MAX_LISTED]) + more


def named(items, name):
    """The items (tenants, domains, groups) whose Name is ``name`` ignoring case, as Aurora compares these names."""
    return [item for item in items if same_ignoring_case(item.get('Name', ''), name)]


# ---- the field table ---------------------------------------------------------------------------

class Field:
    """One option of a kind: its name and Ansible type, the Aurora key it maps to, conversions, comparison and defaults.

    ``from_aurora`` reads a stored value as the option's value; ``to_aurora`` writes it back as Aurora needs it;
    ``same(stored, wanted)`` tells whether they agree (exact by default). ``default`` is what Aurora stores when a
    creation leaves the option out. A ``secret`` is never shown, and never compared: Aurora does not return it.
    An option with no ``aurora`` key (the object's name, its state, its tenant...) is not one of the stored settings
    the views and comparisons below are made of. ``required`` and ``option_default`` are the option's in a task.
    """

    def __init__(self, key, aurora=None, type='str', choices=None, from_aurora=None, to_aurora=None, same=None,
                 default=None, secret=False, required=False, option_default=None):
        self.key = key
        self.aurora = aurora
        self.type = type
        self.choices = choices
        self.from_aurora = from_aurora or CONVERSIONS.get(type)
        self.to_aurora = to_aurora or TO_AURORA.get(type)
        self.same = same or (lambda stored, wanted: stored == wanted)
        self.default = default
        self.secret = secret
        self.required = required
        self.option_default = option_default

    def option(self):
        """The option's argument spec: a task that leaves it out does not manage it (unless it has a default)."""
        spec = dict(type=self.type)
        if self.required:
            spec['required'] = True
        if self.option_default is not None:
            spec['default'] = self.option_default
        if self.type == 'list':
            spec['elements'] = 'str'
        if self.choices:
            spec['choices'] = sorted(self.choices) if isinstance(self.choices, dict) else list(self.choices)
        if self.secret:
            spec['no_log'] = True
        elif 'password' in self.key:
            spec['no_log'] = False  # named like a secret, but not one (Ansible asks to say so)
        return spec


CONVERSIONS = {'str': text, 'int': integer, 'bool': boolean}
TO_AURORA = {'str': text, 'int': integer, 'bool': bool}

# The options several kinds take, alike.
NAME = Field('name', required=True)
STATE = Field('state', choices=('present', 'absent'), option_default='present')
FORCE = Field('force', type='bool', option_default=False)
TENANT = [Field('tenant'), Field('tenant_id', type='int')]
SERVER = [Field('server'), Field('server_id', type='int')]


def argument_spec(fields):
    """The options of a field table, in its order; a dotted key (``a.b.c``) is a sub-option of the dict options
    ``a`` and ``a.b``."""
    spec = {}
    for field in fields:
        path = field.key.split('.')
        options = spec
        for parent in path[:-1]:
            options = options.setdefault(parent, dict(type='dict', options={}))['options']
        options[path[-1]] = field.option()
    return spec


def stored(fields):
    """The fields of a table that are settings Aurora stores."""
    return [field for field in fields if field.aurora is not None]


def field_view(fields, obj):
    """An Aurora object as option values, by option name."""
    return dict((field.key, field.from_aurora(obj.get(field.aurora))) for field in stored(fields) if not field.secret)


def field_changes(fields, current, wanted):
    """``{key: (current, wanted)}`` for each option the task sets (not None) that differs from ``current``.

    ``current`` and ``wanted`` are views (option values); secrets are left to the caller.
    """
    found = {}
    for field in stored(fields):
        value = wanted.get(field.key)
        if value is None or field.secret:
            continue
        if not field.same(current.get(field.key), value):
            found[field.key] = (current.get(field.key), value)
    return found


def aurora_values(fields, values):
    """Option values -> the Aurora keys of a write, typed as Aurora needs them (only the options present)."""
    return dict((field.aurora, field.to_aurora(values[field.key])) for field in stored(fields) if field.key in values)


# ---- option checks several kinds make (pure) ---------------------------------------------------

# What Core.CreateUser accepts as PublicId (Aurora 9), with exactly one "@" between non-empty parts.
EMAIL_PATTERN = re.compile(r'^[a-zA-Z0-9._+-]+@[a-zA-Z0-9._+-]+$')
DOMAIN_LABEL = r'(?!-)[a-z0-9-]{1,63}(?<!-)'
DOMAIN_NAME = re.compile(r'^%s(?:\.%s)*$' % (DOMAIN_LABEL, DOMAIN_LABEL))
MAX_DOMAIN_LENGTH = 253
WILDCARD_DOMAIN = '*'


def tenant_option_errors(params):
    """The problems of the options ``tenant`` and ``tenant_id`` that other kinds take to name a tenant."""
    tenant, tenant_id = params.get('tenant'), params.get('tenant_id')
    if tenant is not None and tenant_id is not None:
        return ['tenant and tenant_id are mutually exclusive; give the name or the id of the tenant']
    if tenant is not None and (not tenant.strip() or CONTROL.search(tenant)):
        return ['tenant must be the name of a tenant, got %r' % tenant]
    if tenant_id is not None and tenant_id < 1:
        return ['tenant_id must be a positive tenant id, got %s' % tenant_id]
    return []


def server_option_errors(params):
    """The problems of the options ``server`` and ``server_id`` of a mail account task."""
    server, server_id = params.get('server'), params.get('server_id')
    if server is not None and server_id is not None:
        return ['server and server_id are mutually exclusive; give the name or the id of the mail server']
    if server is not None and not server.strip():
        return ['server must not be empty; give the name of a mail server or leave server out']
    if server_id is not None and server_id < 1:
        return ['server_id must be a positive mail server id, got %s' % server_id]
    return []


def email_error(value, option='email'):
    email = (value or '').strip()
    if not EMAIL_PATTERN.match(email):
        return ('%s %r is not an address Aurora accepts: it needs exactly one "@" between a non-empty local part '
                'and domain, and only the characters a-z A-Z 0-9 . _ - +' % (option, email))
    return None


def domain_error(domain, option='domains'):
    """Why ``domain`` is not a domain name (nor the catch-all ``*``), naming ``option``; None when it is one."""
    if domain == WILDCARD_DOMAIN:
        return None
    candidate = domain.strip().lower()
    if not candidate or len(candidate) > MAX_DOMAIN_LENGTH or not DOMAIN_NAME.match(candidate):
        return ('%s: %r is not a domain name (labels of letters, digits and hyphens joined by dots, '
                'or * alone for a catch-all server)' % (option, domain))
    return None


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


class Found:
    """What a kind's find() read from Aurora: ``current``, the object (None when there is none), and the kind's own
    parts (what else its plan needs) as further keyword attributes."""

    def __init__(self, current=None, **parts):
        self.current = current
        self.__dict__.update(parts)


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
