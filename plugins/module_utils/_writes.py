# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Writes that Aurora refuses silently (``Result: false``, no error code): read back, then retry, adopt or fail.

Aurora's writes check, then write, with no lock, and a database error (a MariaDB deadlock when calls overlap, a
unique key another call filled first) is answered ``Result: false`` with no error code and nothing written. Such
an answer is a question, not a verdict: the caller's ``read_back`` looks at what Aurora holds now and says either
that what the write wanted already exists (another actor wrote it: adopt it), or ``NOT_DONE`` (nothing explains
the refusal: it was transient, so the write is sent again after a jittered pause, within ``timeout``), or raises
the error of a real limit. A write whose answer was lost (a transport error) is never repeated here: it is raised
to the caller, which reads back before anything else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraSilentRefusal

NOT_DONE = object()
RETRY_FIRST_DELAY = 0.05  # seconds; a deadlock clears in milliseconds, a lock wait in a little more
RETRY_MAX_DELAY = 2.0
MAX_ATTEMPTS = 10


class SettledWrites:
    """The client as one task (or one item of a bulk task) sees it, with ``write()`` and its ``retries`` count.

    Every other attribute is the client's own, so it goes wherever a client goes.
    """

    def __init__(self, client):
        self._client = client
        self.retries = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def write(self, module, method, params, target, read_back):
        """Send the write; returns ``(Aurora's result, False)``, or ``(what read_back found, True)`` when another
        actor had already done what it wanted. Raises the last refusal once ``timeout`` or the attempts run out."""
        started = time.monotonic()
        delay = RETRY_FIRST_DELAY
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._client.call(module, method, params, target), False
            except AuroraSilentRefusal as refusal:
                found = read_back(refusal)
                if found is not NOT_DONE:
                    return found, True
                pause = random.uniform(delay / 2, delay)
                elapsed = time.monotonic() - started
                if attempt >= MAX_ATTEMPTS or elapsed + pause >= self._client.timeout:
                    refusal.message += ('; it was sent %d time(s) over %.1f s (timeout %s s) and reading Aurora back '
                                        'showed nothing written each time, as after a database deadlock that did not '
                                        'clear' % (attempt, elapsed, self._client.timeout))
                    raise refusal
            time.sleep(pause)
            delay = min(delay * 2, RETRY_MAX_DELAY)
            self.retries += 1


def settled(client):
    """``client`` with write(); a client that already has it is returned as it is."""
    return client if isinstance(client, SettledWrites) else SettledWrites(client)
