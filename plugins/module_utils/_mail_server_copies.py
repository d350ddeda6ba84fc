# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The copies of one mail server that runs racing to create it leave behind, and how a creation settles them.

Aurora refuses no duplicate server name, so two runs creating one server at once may each create a copy. Every run
keeps the copy with the lowest id and deletes its own other copy, unless a mail account already uses it (deleting a
server deletes its accounts). Used by the writes of ``_mail_server``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.afterlogic.aurora.plugins.module_utils._lookups import account_emails_by_server, named_servers
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import MAX_LISTED, ResourceError, server_id_of
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import ADOPTED, NOT_DONE


def lowest_id_server(servers):
    return min(servers, key=server_id_of)


def reread_server(client, server_id, name):
    found = client.call('Mail', 'GetServer', {'ServerId': server_id}, 'mail server %r' % name)
    return found or None


def settle_creation(client, plan, created_id):
    """Re-list the servers of this name after a create: adopt the lowest id, delete ours if another run won.

    Returns (server, notes). Aurora cannot refuse duplicate names, so two runs may create one each at once;
    both keep the lowest id and the other one is deleted by the run that made it.
    """
    servers = named_servers(client, plan.name, plan.tenant_id)
    if not servers:
        return dict(plan.server, Id=created_id, ServerId=created_id, EntityId=created_id), []
    kept = lowest_id_server(servers)
    kept_id = server_id_of(kept)
    if kept_id == created_id:
        return kept, []
    delete_own_duplicate(client, plan, kept_id, created_id)
    return kept, ['another run created mail server %r at the same time: kept id %s, deleted the duplicate id %s'
                  % (plan.name, kept_id, created_id)]


def delete_unknown_copies(client, plan, kept):
    """After a lost answer, the copies beside the kept one came from runs racing this one, this one's among them.

    Every run keeps the lowest id, so any other copy no account uses is deleted; one that is already gone was
    deleted by the run that made it.
    """
    notes = []
    name = plan.name
    servers = named_servers(client, name, plan.tenant_id)
    if len(servers) < 2:
        return notes
    used = account_emails_by_server(client)
    for copy_id in sorted(server_id_of(server) for server in servers if server_id_of(server) != server_id_of(kept)):
        if used.get(copy_id):
            notes.append('mail server %r also exists as id %s, which mail accounts use, so it was left alone'
                         % (name, copy_id))
        elif delete_duplicate(client, name, copy_id, plan.tenant_id):
            notes.append('another run created mail server %r at the same time: kept id %s, deleted the duplicate id '
                         '%s' % (name, server_id_of(kept), copy_id))
    return notes


def delete_duplicate(client, name, copy_id, tenant_id):
    """DeleteServer of a raced copy; False when it was already deleted (by the run that created it).

    ``tenant_id`` is the copy's own: with another one Aurora deletes the users of the server and keeps the server.
    """
    dummy, how = client.write('Mail', 'DeleteServer', {'ServerId': copy_id, 'TenantId': tenant_id},
                              'duplicate mail server %r' % name,
                              lambda answer_lost: gone_or_not_done(client, copy_id, name))
    return how != ADOPTED


def gone_or_not_done(client, server_id, name):
    """None when the server is gone (deleted), NOT_DONE while it is still there."""
    return None if reread_server(client, server_id, name) is None else NOT_DONE


def delete_own_duplicate(client, plan, kept_id, created_id):
    """Delete the copy this run created, unless an account already uses it (DeleteServer would delete that too)."""
    name = plan.name
    emails = sorted(account_emails_by_server(client).get(created_id) or [])
    if emails:
        raise ResourceError(
            'another run created mail server %r at the same time (id %s), and the duplicate this run created (id %s) '
            'is already used by %d mail account(s) (%s), which deleting it would delete too; move them to id %s, '
            'then delete id %s' % (name, kept_id, created_id, len(emails), ', '.join(emails[:MAX_LISTED]),
                                   kept_id, created_id))
    delete_duplicate(client, name, created_id, plan.tenant_id)


def lowest_named(client, name, tenant_id):
    """The server of this name and owner with the lowest id, or NOT_DONE when there is none."""
    servers = named_servers(client, name, tenant_id)
    return lowest_id_server(servers) if servers else NOT_DONE
