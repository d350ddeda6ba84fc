# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""User groups of Aurora's Core (setting ``AllowGroups``), and their members.

Facts relied on (docs/aurora-api-notes.md, "Core groups"): Aurora checks almost nothing here. A group's name is not
trimmed and a duplicate is refused ignoring case (1003, also for a change of case only), a group's tenant is not
checked against its members', ``AddUsersToGroup`` with a missing user adds nobody (``Result: false``), and
``GetGroups`` with a Search containing ``_`` or ``%`` finds nothing. So groups are listed whole and the members are
validated here, before any write.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraApiError
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import text_length_errors
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import Kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import require_setting, resolve_tenant
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    NAME,
    STATE,
    TENANT,
    Field,
    Found,
    Plan,
    ResourceError,
    argument_spec,
    first_id,
    listed,
    named,
    result_of,
    tenant_option_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import ADOPTED, NOT_DONE, carry_out

GROUP_EXISTS = 1003


OPTIONS = [NAME, STATE] + TENANT + [Field('members', type='list'), Field('append', type='bool', option_default=False)]
SPEC = argument_spec(OPTIONS)  # read only: for the checks of the options


# ---- validation (pure) ---------------------------------------------------------------------------

def validation_errors(params):
    """Every problem in a task's options, each naming its option; [] when the task is valid."""
    errors = text_length_errors(SPEC, params) + tenant_option_errors(params)
    name = params.get('name') or ''
    if not name.strip() or name != name.strip() or CONTROL.search(name):
        errors.append('name must be a group name without surrounding spaces or control characters, got %r' % name)
    if params.get('tenant') is None and params.get('tenant_id') is None:
        errors.append('tenant (or tenant_id) is required: a group belongs to a tenant')
    for member in params.get('members') or []:
        if not isinstance(member, str) or member.count('@') != 1 or member != member.strip() or CONTROL.search(member):
            errors.append('members: %r is not the e-mail address of a user' % (member,))
    return errors


# ---- lookup (reads only) -------------------------------------------------------------------------

def require_groups(client):
    require_setting(client, 'AllowGroups', 'Core', 'groups', 'groups', 'them')


def group_id_of(group):
    return first_id(group, 'Id', 'EntityId')


def find_group(client, tenant_id, name):
    """The tenant's group named ``name`` ignoring case, as Aurora compares group names; None when there is none.

    A stored name that differs in case fails: Aurora refuses both a second group and a rename by case only.
    """
    found = named(client.list_groups(tenant_id), name)
    if not found:
        return None
    if found[0].get('Name') != name:
        raise ResourceError('tenant %s holds this group as %r (id %s), and Aurora cannot change a group name by case only; '
                            'give the name as %r' % (tenant_id, found[0].get('Name'), group_id_of(found[0]),
                                                     found[0].get('Name')))
    return found[0]


def group_members(client, tenant_id, group):
    """``{e-mail in lower case: user id}`` of the group's members."""
    members = client.call('Core', 'GetGroupUsers', {'TenantId': tenant_id, 'GroupId': group_id_of(group)},
                          'the members of group %r' % group.get('Name')) or []
    return dict((str(member.get('PublicId', '')).lower(), first_id(member, 'UserId', 'Id')) for member in members)


def wanted_members(client, tenant_id, emails):
    """``{e-mail in lower case: user id}`` of the users ``emails`` names; fails naming every one that is not a user
    of the tenant (Aurora would add another tenant's user, and silently drop a missing one)."""
    users = dict((str(user.get('PublicId', '')).lower(), first_id(user, 'Id', 'EntityId'))
                 for user in client.list_users(tenant_id=tenant_id))
    wanted = dict((email.lower(), users.get(email.lower())) for email in emails)
    missing = sorted(email for email, user_id in wanted.items() if user_id is None)
    if missing:
        elsewhere = [email for email in missing if client.find_users(email)]
        nowhere = [email for email in missing if email not in elsewhere]
        reasons = []
        if elsewhere:
            reasons.append('in another tenant: %s' % listed(elsewhere))
        if nowhere:
            reasons.append('no such user: %s' % listed(nowhere))
        raise ResourceError('members must be users of tenant %s (%s); nothing was changed'
                            % (tenant_id, '; '.join(reasons)))
    return wanted


# ---- planning (pure) -----------------------------------------------------------------------------

def group_state(name, tenant_id, members):
    return {'name': name, 'tenant_id': tenant_id, 'members': sorted(members)}


def plan_group(params, tenant_id, current, members, wanted):
    """What the task does, given the group Aurora holds (None: none), its ``members`` and the ``wanted`` members
    (``{e-mail: user id}``; None: the task does not manage them)."""
    name = params['name']
    before = group_state(current.get('Name'), tenant_id, members) if current is not None else None
    if params['state'] == 'absent':
        if current is None:
            return Plan(msg='absent', name=name, group=None, tenant_id=tenant_id, added=[], removed=[])
        return Plan(actions=('delete',), current=current, before=before, msg='deleted', name=name, group=None,
                    tenant_id=tenant_id, added=[], removed=[])
    wanted = members if wanted is None else wanted
    added = sorted(email for email in wanted if email not in members)
    removed = [] if params.get('append') or params.get('members') is None else sorted(
        email for email in members if email not in wanted)
    after_members = dict((email, user_id) for email, user_id in list(members.items()) + list(wanted.items())
                         if email not in removed)
    after = group_state(name, tenant_id, after_members)
    actions = (() if current is not None else ('create',)) + (('add',) if added else ()) + (('remove',) if removed else ())
    group = current if current is not None else {'Id': None, 'Name': name, 'IsAll': False}
    msg = 'created' if current is None else 'updated' if actions else 'unchanged'
    if current is not None and actions:
        msg = 'updated: %s' % '; '.join(part for part in (
            'added %s' % ', '.join(added) if added else '', 'removed %s' % ', '.join(removed) if removed else '')
            if part)
    return Plan(actions=actions, current=current, before=before, after=after, msg=msg, name=name, group=group,
                tenant_id=tenant_id, added=added, removed=removed, members=after_members,
                add_ids=[after_members[email] for email in added], remove_ids=[members[email] for email in removed])


# ---- applying ------------------------------------------------------------------------------------

def _write(client, plan):
    """The plan's writes; returns (the group after the run, notes, whether this run's writes changed Aurora)."""
    target = 'group %r' % plan.name
    notes, wrote, group = [], False, plan.group
    if plan.action == 'delete':
        group_id = group_id_of(plan.current)
        dummy, how = client.write('Core', 'DeleteGroups', {'IdList': [group_id]}, target,
                                  lambda answer_lost: NOT_DONE if _group_by_id(client, plan, group_id) else None)
        if how == ADOPTED:
            notes.append('another actor had already deleted group %r' % plan.name)
        return None, notes, how != ADOPTED
    if 'create' in plan.actions:
        group, adopted = _create(client, plan, target)
        wrote = not adopted
        if adopted:
            notes.append('another run created group %r at the same time; adopted it (id %s)'
                         % (plan.name, group_id_of(group)))
    group_id = group_id_of(group)
    if 'add' in plan.actions:
        dummy, how = client.write('Core', 'AddUsersToGroup', {'GroupId': group_id, 'UserIds': plan.add_ids}, target,
                                  lambda answer_lost: _members_hold(client, plan, group, plan.added, True))
        wrote = wrote or how != ADOPTED
    if 'remove' in plan.actions:
        dummy, how = client.write('Core', 'RemoveUsersFromGroup', {'GroupId': group_id, 'UserIds': plan.remove_ids},
                                  target, lambda answer_lost: _members_hold(client, plan, group, plan.removed, False))
        wrote = wrote or how != ADOPTED
    return group, notes, wrote


def _create(client, plan, target):
    request = {'TenantId': plan.tenant_id, 'Name': plan.name}
    try:
        answer, how = client.write('Core', 'CreateGroup', request, target,
                                   lambda answer_lost: find_group(client, plan.tenant_id, plan.name) or NOT_DONE)
    except AuroraApiError as refused:
        found = find_group(client, plan.tenant_id, plan.name) if refused.code == GROUP_EXISTS else None
        if found is None:
            raise
        return found, True
    if how == ADOPTED:
        return answer, True
    return (answer if isinstance(answer, dict) else dict(plan.group, Id=int(answer))), False


def _group_by_id(client, plan, group_id):
    return next((group for group in client.list_groups(plan.tenant_id) if group_id_of(group) == group_id), None)


def _members_hold(client, plan, group, emails, present):
    """What the members read back say of an add (``present``) or a remove: done (the group), or NOT_DONE."""
    members = group_members(client, plan.tenant_id, group)
    return group if all((email in members) == present for email in emails) else NOT_DONE


def group_view(group, tenant_id, members):
    if group is None:
        return None
    return {'id': group_id_of(group), 'name': group.get('Name'), 'tenant_id': tenant_id, 'members': sorted(members)}


# ---- the kind ------------------------------------------------------------------------------------

class Group(Kind):
    """A user group with its members: afterlogic.aurora.aurora_group, and each item of aurora_groups."""

    fields = OPTIONS
    mutually_exclusive = [['tenant', 'tenant_id']]
    option = noun = 'groups'
    key = 'name'
    item = 'group'
    errors = staticmethod(validation_errors)

    def identity(self, item):
        """A group's name is its tenant's, compared ignoring case as Aurora compares both names."""
        return (str(item.get('name') or '').lower(), str(item.get('tenant') or '').lower() or None,
                item.get('tenant_id'))

    def described(self, item):
        return 'group %s (tenant %s)' % (item.get('name'), item.get('tenant') or item.get('tenant_id') or '')

    def find(self, client, wanted):
        """The capability, the tenant, the group and its members, and the users the task names."""
        require_groups(client)
        tenant_id, dummy = resolve_tenant(client, wanted.get('tenant'), wanted.get('tenant_id'))
        current = find_group(client, tenant_id, wanted['name'])
        members = group_members(client, tenant_id, current) if current is not None else {}
        named_members = None
        if wanted['state'] == 'present' and wanted.get('members') is not None:
            named_members = wanted_members(client, tenant_id, wanted['members'])
        return Found(current, tenant_id=tenant_id, members=members, wanted_members=named_members)

    def plan(self, wanted, found):
        return plan_group(wanted, found.tenant_id, found.current, found.members, found.wanted_members)

    def apply(self, client, plan):
        group, notes, wrote, retries = carry_out(client, plan, _write, plan.group, self.check_mode)
        returned = dict(group=group_view(group, plan.tenant_id, plan.members if group is not None else ()),
                        group_id=group_id_of(group) if group else group_id_of(plan.current or {}),
                        added=plan.added, removed=plan.removed)
        return result_of(plan, returned, notes, wrote, retries)
