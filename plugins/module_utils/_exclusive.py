# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What Aurora holds that a description does not name: the deletions of the provision role's exclusive mode.

``unlisted(held, listed)`` compares the items ``aurora_info`` gathered (``held``, by kind) with the items a vars file
lists (``listed``, by the same kinds, in the modules' option names). Each kind is compared on what identifies its
objects, the way Aurora compares them: tenants, domains, users and groups ignoring case, servers exactly. Only the
tenants the description names are in scope (every tenant when it names none); tenants themselves, and the
super-administrator's servers, are compared everywhere. Each unlisted object comes back as the item that deletes
it: its identifying options and ``state: absent``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

KINDS = ('tenants', 'servers', 'domains', 'users', 'accounts', 'groups')


def _lower(value):
    return None if value is None else str(value).lower()


# kind: (the options that identify an object, whether names compare ignoring case)
IDENTITY = {
    'tenants': (('name',), True),
    'servers': (('name', 'tenant'), False),
    'domains': (('name',), True),
    'users': (('email',), True),
    'accounts': (('user', 'email'), True),
    'groups': (('name', 'tenant'), True),
}


def key_of(kind, item, tenant_names=None):
    """What identifies ``item`` of ``kind``; a ``tenant_id`` is read as its tenant's name (``tenant_names``)."""
    options, ignore_case = IDENTITY[kind]
    values = []
    for option in options:
        value = item.get(option)
        if option == 'tenant':
            if value is None and item.get('tenant_id') is not None:
                value = (tenant_names or {}).get(item['tenant_id'])
            value = _lower(value)
        elif ignore_case:
            value = _lower(value)
        values.append(value)
    return tuple(values)


def scope_of(listed):
    """The tenants (lower case) a description names, in its tenants and in its items' ``tenant``."""
    names = set(_lower(item.get('name')) for item in listed.get('tenants') or [])
    for kind in KINDS:
        names.update(_lower(item.get('tenant')) for item in listed.get(kind) or [] if item.get('tenant') is not None)
    return names


def in_scope(kind, item, scope, owners):
    """Whether ``item`` is in the tenants of ``scope``; an account is where its owner is (``owners``)."""
    tenant = owners.get(_lower(item.get('user'))) if kind == 'accounts' else item.get('tenant')
    if kind == 'tenants' or not scope or tenant is None:
        return True
    return _lower(tenant) in scope


def unlisted(held, listed, tenant_names=None, owners=None):
    """``{kind: [deleting items]}`` for each kind of ``held``; ``owners``: ``{user e-mail: its tenant's name}``, for
    the accounts."""
    scope = scope_of(listed)
    owners = dict((_lower(email), tenant) for email, tenant in (owners or {}).items())
    found = {}
    for kind, items in held.items():
        names = set(key_of(kind, item, tenant_names) for item in listed.get(kind) or []
                    if item.get('state', 'present') != 'absent')
        options = IDENTITY[kind][0]
        found[kind] = [dict([(option, item[option]) for option in options if item.get(option) is not None],
                            state='absent')
                       for item in items
                       if in_scope(kind, item, scope, owners) and key_of(kind, item) not in names]
    return found
