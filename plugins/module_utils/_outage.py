# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Aurora's outages: told apart from data, and waited out within ``timeout``.

With its database down, Aurora still answers HTTP 200 (docs/aurora-api-notes.md, "Database down"): a listing comes
back empty, a lookup ``false``, a write ``false`` or 103, a few calls 2002 with the SQL error; with its web server
down, no connection is accepted. So an answer that says "absent" or "refused" may be an outage, and a probe tells:
a healthy Aurora always lists at least one tenant (``Default``), so ``Core.GetTenants`` with no filter lists one
exactly when Aurora reaches its database.

One ``Availability`` per task, shared by its parallel workers. The first worker that meets a suspect answer probes;
the others wait for its verdict, and send nothing while Aurora is out. Once Aurora is healthy again, each worker whose
call was in doubt sends it again (a read, or a write that never reached Aurora) or settles it (a refused write: the
caller reads Aurora back, and sends it again only when it was not done). After ``timeout`` seconds of outage the task
gives up, with one sentence saying for how long Aurora was out; its later calls probe once, and fail at once while
the outage lasts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import threading
import time

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraOutage

PROBE = ('Core', 'GetTenants', {'Search': '', 'Offset': 0, 'Limit': 1})
DATABASE, WEB_SERVER = 'database', 'web server'
FIRST_PAUSE = 0.1  # seconds between probes, doubling up to MAX_PAUSE, each jittered
MAX_PAUSE = 1.0
SQL_ERROR_CODE = 2002  # MariaDB's "can't connect", which Aurora passes on where nothing catches it
SQL_ERROR_MARK = 'SQLSTATE['
UNREACHABLE_STATUSES = (502, 503)  # a proxy in front of Aurora found no web server (or PHP) to pass the call to


def looks_absent(result):
    """An answer of a read that says "nothing there", as every read answers while Aurora has no database."""
    if isinstance(result, dict) and 'Items' in result:
        return not result.get('Items')
    return result is None or result is False or result == [] or result == {}


def is_database_error(code, message):
    """An error only a failed database gives: MariaDB's 2002, or an SQL error text."""
    return code == SQL_ERROR_CODE or SQL_ERROR_MARK in (message or '')


def unreachable(exc):
    """A transport error that says Aurora's web server is not there: no connection, or a proxy that found none."""
    return exc.status is None or exc.status in UNREACHABLE_STATUSES


def lists_a_tenant(result):
    return isinstance(result, dict) and bool(result.get('Items'))


class Availability:
    """Whether Aurora is up, as the workers of one task learn it together.

    ``probe()`` returns DATABASE or WEB_SERVER when that is down, else None; ``detail()`` the last transport error
    seen, for the message.
    """

    def __init__(self, probe, timeout, clock=time.monotonic, pause=time.sleep):
        self._probe = probe
        self._timeout = timeout
        self._clock = clock
        self._pause = pause
        self._state = threading.Condition()
        self._probing = False
        self._outages = 0  # outages met so far: an answer to a call sent before the last one is in doubt
        self._given_up = None  # (what, since, detail) of the outage the task gave up on
        self.seconds_out = 0.0  # waited out, all outages together

    def mark(self):
        """Taken before a call; ``confirm(mark, ...)`` then knows whether an outage came since."""
        with self._state:
            return self._outages

    def before_call(self, module, method, target=None):
        """Wait while another worker probes; while the outage the task gave up on lasts, fail at once."""
        with self._state:
            self._wait_turn()
            if self._given_up is None:
                return
            self._probing = True
        try:
            what = self._probe()
            if what is not None:
                raise self._error(what, module, method, target)
            with self._state:
                self._given_up = None
        finally:
            self._done_probing()

    def confirm(self, mark, module, method, target=None, suspect=None, detail=None):
        """After an answer an outage could explain: True when Aurora was healthy all along and the answer stands;
        False when an outage came since ``mark`` and is over: send the call again, or settle it. ``suspect``: what the
        answer itself shows down (DATABASE or WEB_SERVER), with the transport's ``detail``. AuroraOutage when Aurora
        is not back within ``timeout``."""
        with self._state:
            self._wait_turn()
            in_doubt = self._outages != mark
            if in_doubt and self._given_up is None:
                return False
            self._probing = True
        try:
            what = suspect or self._probe()
            if what is None:
                with self._state:
                    self._given_up = None
                return not in_doubt
            if self._given_up is not None:
                raise self._error(what, module, method, target)
            self._wait_out(what, module, method, target, detail)
            return False
        finally:
            self._done_probing()

    def _wait_turn(self):
        while self._probing:
            self._state.wait()

    def _done_probing(self):
        with self._state:
            self._probing = False
            self._state.notify_all()

    def _wait_out(self, what, module, method, target, detail):
        """Probe after jittered pauses until Aurora is healthy; AuroraOutage once ``timeout`` would pass."""
        since = self._clock()
        with self._state:
            self._outages += 1
        pause = FIRST_PAUSE
        while True:
            left = self._timeout - (self._clock() - since)
            if left <= 0:
                with self._state:
                    self._given_up = (what, since, detail)
                raise self._error(what, module, method, target)
            self._pause(min(random.uniform(pause / 2, pause), left))
            pause = min(pause * 2, MAX_PAUSE)
            what = self._probe()
            if what is None:
                break
        with self._state:
            self.seconds_out += self._clock() - since

    def _error(self, what, module, method, target):
        _what, since, detail = self._given_up
        return AuroraOutage(what, self._clock() - since, self._timeout, module, method, target,
                            detail if what != DATABASE else None)
