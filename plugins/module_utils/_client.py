# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client a task talks to Aurora through, assembled here and nowhere else, in this order (each layer wraps the
one before it and passes on what it does not change):

1. the transport: ``_api.AuroraClient`` over the web API, or over Aurora's PHP API (``_php_bridge``);
2. shared reads (a bulk task only): the reads no item can change, made once for all the items (``SharedReads``);
3. check-run plans (a check run given ``planned``): what earlier tasks would create, added to what is read
   (``_planned.PlannedAurora``);
4. settled writes, one per item: ``write()``, which reads Aurora back after a refused or lost write
   (``_writes.SettledWrites``), with the item's own count of writes sent again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import json
import threading

from ansible_collections.afterlogic.aurora.plugins.module_utils._api import AuroraClient
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import Once
from ansible_collections.afterlogic.aurora.plugins.module_utils._php_bridge import PhpBridges
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import PlannedAurora
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import SettledWrites


def client_stack(module, connections=None, shared=False):
    """The client of one task (layers 1 to 3); ``connections``: the calls it makes at once; ``shared``: a bulk task,
    whose items share reads. Layer 4 is item_client()."""
    client = transport(module, connections)
    if shared:
        client = SharedReads(client)
    if module.check_mode and module.params.get('planned'):
        client = PlannedAurora(client, module.params['planned'])
    return client


def item_client(client):
    """The client of one item (or of a single module's task): the task's, with settled writes."""
    return SettledWrites(client)


# ---- 1. the transport ------------------------------------------------------------------------------

def transport(module, connections=None):
    """The client for the module's connection options; ``connections``: HTTP connections to keep (thread pools).

    With api_transport php, one php process per call made at once (``connections``), each started on first need and
    stopped when the module exits.
    """
    params = module.params
    if params['api_transport'] == 'php':
        bridge = PhpBridges(params['aurora_path'], params['php_executable'], params['timeout'], workdir=module.tmpdir,
                            size=connections or 1)
        with _BRIDGES_LOCK:
            if not _BRIDGES:
                atexit.register(close_bridges)
            _BRIDGES.append(bridge)
        return AuroraClient(timeout=params['timeout'], bridge=bridge)
    extra = {'connections': connections} if connections else {}
    return AuroraClient(
        api_url=params['api_url'],
        username=params['api_username'],
        password=params['api_password'],
        token=params['api_token'],
        validate_certs=params['validate_certs'],
        ca_path=params['ca_path'],
        timeout=params['timeout'],
        **extra
    )


_BRIDGES = []
_BRIDGES_LOCK = threading.Lock()


def close_bridges():
    """Stop the php of every transport() of this process; at exit, or when a module ran in a longer process."""
    with _BRIDGES_LOCK:
        bridges = list(_BRIDGES)
        del _BRIDGES[:]
    for bridge in bridges:
        bridge.close()


# ---- 2. shared reads -------------------------------------------------------------------------------

class SharedReads:
    """The client as the items of one bulk task see it: the reads whose answers no item of the task changes are
    made once for all of them.

    ``Mail.GetMailServerByDomain`` and ``Mail.GetSettings`` (read by the account items, which change neither servers
    nor settings), and the tenants and mail domains read with ``call()``; every other call goes to the client as it
    is. The answers are shared, so they must not be changed.
    """

    SHARED = frozenset((('Mail', 'GetMailServerByDomain'), ('Mail', 'GetSettings'), ('Core', 'GetTenants'),
                        ('MailDomains', 'GetDomains')))

    def __init__(self, client):
        self._client = client
        self._answers = Once.each()

    def __getattr__(self, name):
        return getattr(self._client, name)

    def call(self, module, method, params=None, target=None):
        if (module, method) not in self.SHARED:
            return self._client.call(module, method, params, target)
        key = (module, method, json.dumps(params, sort_keys=True))
        return self._answers(key, lambda: self._client.call(module, method, params, target))
