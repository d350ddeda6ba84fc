"""Write contention: overlapping writes interleave as Aurora's do, and MariaDB picks deadlock victims among them.

Aurora checks, then writes, with no lock in between (e.g. CreateAccount's 704 check, CreateUser's 111 check).
Every write handler does its checks under the emulator's lock, then leaves the lock for the write window (W ms,
default 2; 0 = none: writes stay serialized), then re-takes it, re-reads and writes (calls.Call.transaction):
overlapping calls interleave in the window.  While in its window a call is an open transaction on its table
(au_core_users, au_core_tenants, au_mail_servers, au_mail_accounts).  Each pair of overlapping transactions on one
table gets one draw when the first of the two reaches its write: with probability P (default 0) that one is
MariaDB's deadlock victim (1213 Deadlock found): nothing written, ``Result: false`` without ErrorCode; the other
goes on.  Draws come from ``random.Random(seed)``.  Reads and sequential calls are unchanged.

P, the seed and W come from the command line (--deadlock-probability, --seed, --write-window-ms) and can be
changed through POST /_emulator/faults/contention (control.py); a reset and DELETE /_emulator/faults return to the
command-line values and zero the counts.
"""
import random

from .php import is_php_int


DEADLOCK_MESSAGE = ("SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock; "
                    "try restarting transaction")


def check_contention(values):
    """The contention settings given in ``values`` (a dict), checked; ValueError names the bad one."""
    if not isinstance(values, dict):
        raise ValueError("contention must be a JSON object with probability, seed and/or window_ms")
    unknown = set(values) - {"probability", "seed", "window_ms"}
    if unknown:
        raise ValueError(f"unknown contention keys: {sorted(unknown)}")
    checked = dict(values)
    if "probability" in values:
        probability = values["probability"]
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) \
                or not 0 <= probability <= 1:
            raise ValueError("probability must be a number from 0 to 1")
        checked["probability"] = float(probability)
    if "seed" in values and not is_php_int(values["seed"]):
        raise ValueError("seed must be an integer")
    if "window_ms" in values and (not is_php_int(values["window_ms"]) or values["window_ms"] < 0):
        raise ValueError("window_ms must be a non-negative integer (milliseconds)")
    return checked


class WriteTransaction:
    """One call's open write on a table: from the end of its checks until its write is done."""

    def __init__(self, open_on_table):
        self.open_on_table = open_on_table  # the set of transactions open on its table (it joins it)
        self.peers = set(open_on_table)  # the transactions it overlaps with
        self.settled = set()  # peers whose pair has had its deadlock draw


class Contention:
    """Overlapping writes to one table, and the deadlock victims MariaDB picks among them.

    A pair of overlapping transactions gets one draw, when the first of the two reaches its write: with
    ``probability`` that one is the victim; the other then goes on, so at most one of a pair fails.
    """

    def __init__(self, probability=0.0, seed=0, window_ms=2):
        self.started_with = check_contention({"probability": probability, "seed": seed, "window_ms": window_ms})
        self.restore()

    def restore(self):
        """The settings the process was started with, no counts and no open transactions."""
        self.configure(self.started_with)
        self.deadlocks = 0
        self.overlaps = 0
        self._open = {}  # table name -> its open WriteTransactions

    def configure(self, checked):
        """Apply settings checked by check_contention; a seed re-seeds the generator."""
        for name in ("probability", "seed", "window_ms"):
            if name in checked:
                setattr(self, name, checked[name])
        if "seed" in checked:
            self.random = random.Random(self.seed)

    def state(self):
        return {"probability": self.probability, "seed": self.seed, "window_ms": self.window_ms,
                "deadlocks": self.deadlocks, "overlaps": self.overlaps}

    def open(self, table_name):
        open_on_table = self._open.setdefault(table_name, set())
        transaction = WriteTransaction(open_on_table)
        for peer in open_on_table:
            peer.peers.add(transaction)
        open_on_table.add(transaction)
        return transaction

    @staticmethod
    def close(transaction):
        transaction.open_on_table.discard(transaction)

    def is_victim(self, transaction, doomed):
        """At the write: draw for each pair not settled yet; True when ``transaction`` is to fail.

        ``doomed`` (a "deadlock" fault) makes it the victim whatever the draws.
        """
        pairs = transaction.peers - transaction.settled
        for peer in pairs:
            peer.settled.add(transaction)
        transaction.settled |= pairs
        self.overlaps += len(pairs)
        victim = doomed or any(self.random.random() < self.probability for dummy in pairs)
        if victim:
            self.deadlocks += 1
        return victim
