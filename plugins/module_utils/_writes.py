# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Writes whose answer is a refusal without a reason, or no answer at all: read back, then decide.

Aurora's writes check, then write, with no lock, and a database error (a MariaDB deadlock when calls overlap, a
unique key another call filled first) is answered ``Result: false`` with no error code and nothing written. A write
whose answer was lost (a transport error after the request was sent) may or may not have been done. Both are
questions, and one caller-given ``read_back()`` answers them by looking at what Aurora holds now:

* what the write wanted is there: after a refusal another actor wrote it (ADOPTED); after a lost answer it was done,
  perhaps by this very write (READ_BACK);
* ``NOT_DONE``: after a refusal nothing explains it, so it was transient (a deadlock, or an outage of Aurora's
  database that the client waited out, _outage.py) and the write is sent again after a jittered pause, within
  ``timeout``; after a lost answer the write was not done, and the error says so (a lost write is never
  sent again: reading back cannot prove that Aurora will not still do it);
* ``REFUSED``: a real limit explains the refusal; the refusal stands;
* ``UNKNOWN``: what Aurora shows cannot tell (a password is never shown): sent again after a refusal; after a lost
  answer the error says that the outcome is unknown.

``read_back(answer_lost)`` is told which question it answers; it may also raise the error of what it found (the
object is gone).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import (
    AuroraError,
    AuroraSilentRefusal,
    AuroraTransportError,
)

NOT_DONE = object()
REFUSED = object()
UNKNOWN = object()
SENT, ADOPTED, READ_BACK = 'sent', 'adopted', 'read back'
RETRY_FIRST_DELAY = 0.05  # seconds; a deadlock clears in milliseconds, a lock wait in a little more
RETRY_MAX_DELAY = 2.0
MAX_ATTEMPTS = 10
DONE_WORDS = {'Create': 'created', 'Update': 'updated', 'Delete': 'deleted'}


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
        """Send the write; returns ``(result, how)``: Aurora's result and SENT, or what ``read_back()`` found and
        ADOPTED or READ_BACK. Raises the last refusal once ``timeout`` or the attempts run out."""
        started = time.monotonic()
        delay = RETRY_FIRST_DELAY
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._client.call(module, method, params, target), SENT
            except AuroraSilentRefusal as refusal:
                found = read_back(False)
                if found is REFUSED:
                    raise
                if found is not NOT_DONE and found is not UNKNOWN:
                    return found, ADOPTED
                if refusal.outage:  # refused while Aurora had no database, now back: not a try that counts
                    started, attempt = time.monotonic(), attempt - 1
                pause = random.uniform(delay / 2, delay)
                elapsed = time.monotonic() - started
                if attempt >= MAX_ATTEMPTS or elapsed + pause >= self._client.timeout:
                    refusal.message += ('; it was sent %d time(s) over %.1f s (timeout %s s) and reading Aurora back '
                                        'showed nothing written each time, as after a database deadlock that did not '
                                        'clear' % (attempt, elapsed, self._client.timeout))
                    raise
            except AuroraTransportError as lost:
                if not lost.sent:
                    raise
                found = _settled_lost_answer(lost, method, read_back)
                if found is not NOT_DONE:
                    return found, READ_BACK
                pause = 0  # its connection broke as Aurora went out, and reading back proves it was not done
                attempt -= 1
            time.sleep(pause)
            delay = min(delay * 2, RETRY_MAX_DELAY)
            self.retries += 1


def _settled_lost_answer(lost, method, read_back):
    """What read_back() finds after a lost answer (NOT_DONE only after an outage that was waited out); else
    ``lost``, completed with what is known, is raised."""
    try:
        found = read_back(True)
    except AuroraError as reread:
        lost.message += '; reading again to learn whether it was done failed too (%s)' % reread
        lost.changed = True
        raise lost
    if found is UNKNOWN:
        lost.message += '; what Aurora shows cannot tell whether it was done: run the task again'
        lost.changed = True
        raise lost
    if found is not NOT_DONE and found is not REFUSED:
        return found
    if found is NOT_DONE and lost.outage:
        return NOT_DONE
    if lost.timed_out:
        lost.message += ('; Aurora may still be doing it, so reading back cannot tell whether it happens: run the '
                         'task again once Aurora answers')
        lost.changed = True
    else:
        lost.message += '; reading Aurora back shows it was not %s' % DONE_WORDS.get(method[:6], 'done')
        lost.sent = False
    raise lost


def update_seen(found, holds_visible_changes, secret_sent, visible_changes, answer_lost):
    """What an object read back says of an update that was refused or whose answer was lost: ``found`` when it holds
    the update, NOT_DONE when it does not, UNKNOWN when only a secret, which Aurora never shows, could tell.

    Aurora writes an update in one statement, so after a lost answer visible changes that hold prove that the secret
    was written too; after a refusal they only show that another actor made them, and the secret is still to send.
    """
    if not holds_visible_changes:
        return NOT_DONE
    if secret_sent and not (answer_lost and visible_changes):
        return UNKNOWN
    return found


def carry_out(client, plan, write, predicted, check_mode=False):
    """``(the object after the run, notes, wrote, retries)`` of a plan.

    In check mode, or with nothing to do, that is the ``predicted`` object and no write; else what
    ``write(client, plan)`` returns as ``(object, notes, wrote)``. ``client`` has settled writes (SettledWrites). An
    error raised on the way carries the retries made before it (``details['retries']``).
    """
    if check_mode or not plan.changed:
        return predicted, [], None, 0
    try:
        done, notes, wrote = write(client, plan)
    except AuroraError as error:
        error.details.setdefault('retries', client.retries)
        raise
    return done, notes, wrote, client.retries


SETTLE_LIMIT = 3.0  # seconds: racing runs delete their own copy within a few calls


def read_until_settled(read, settled, timeout):
    """``read()``, and again after short jittered pauses while ``settled(result)`` is false, for at most
    ``SETTLE_LIMIT`` seconds or ``timeout``; returns the last result.

    Several objects of one name may be the copies of runs that raced to create it, which those runs delete at once
    (every run keeps the lowest id). Objects that are still there after the pauses are real duplicates.
    """
    started = time.monotonic()
    delay = RETRY_FIRST_DELAY
    result = read()
    while not settled(result):
        pause = random.uniform(delay / 2, delay)
        if time.monotonic() - started + pause >= min(SETTLE_LIMIT, timeout):
            return result
        time.sleep(pause)
        delay = min(delay * 2, RETRY_MAX_DELAY)
        result = read()
    return result
