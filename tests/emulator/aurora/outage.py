"""Outages of the Aurora host: its database gone, or its web server refusing connections, each for a window of time.

A "db-down" or "web-down" fault rule (faults.py) opens its window when it strikes, at the n-th API call from the
rule's addition ("skip": n - 1), and the window lasts "seconds" on the monotonic clock, whatever calls come
meanwhile.  DELETE /_emulator/faults and a reset end every window at once; GET /_emulator/outages shows them.

The database gone (docs/aurora-api-notes.md, "Database down"; observed on WebMail Lite 9.8.5 with MariaDB stopped):
every query fails with MariaDB's 2002 "Connection refused", and Aurora still answers HTTP 200.  An API call that
starts in the window runs against an UnreachableDatabase instead of the store, so nothing it does changes the store:
  - where Aurora catches the failed query, the method answers ``Result: false`` without ErrorCode, like for any
    query error it catches (errors.DbUnreachable), unless the manager that caught it has a fallback of its own:
    the users and tenants lists are empty (Core.GetUsers, Core.GetTenants: Managers/Users.php getUserList and
    getUsersCount catch it), Core.CreateUser finds no tenant (103);
  - where nothing catches it, EntryApi answers ErrorCode 2002 with the SQL error text (errors.EscapedDbError):
    Eloquent's find() of Core.DeleteUser (the users manager's deleteUserById), and every query of MailDomains, whose
    manager catches none (afterlogic/aurora-module-mail-domains Managers/Domains/Manager.php);
  - what needs no query answers as usual: AdminAuth.LoginAsSuperadmin (the super-admin's credentials are in the
    settings file), the settings of the super-admin and of anonymous callers, Core.Logout, the 116 denials;
  - a user's token names a user that cannot be read: the call answers as for an invalid token.  # inferred
A call that started before the window ends as it started, on the store.

The web server down: its listening socket is closed, so every new connection is refused (ECONNREFUSED), and it
listens again on the same port when the window ends.  When the window opens, idle keep-alive connections are
closed, and a request being served is answered before its connection closes (a graceful stop).  The rule strikes
"after" its call: that call is answered, then the window opens.  Only the web API's port goes: the host side
(server.py: the control endpoints and the in-process entry of the PHP bridge) stays, as Aurora's PHP API runs on
the host without the web server.
"""
import math
import threading
import time

from .errors import DbUnreachable, EscapedDbError
from .store import Database


OUTAGE_KINDS = ("db-down", "web-down")
CONNECTION_REFUSED = "SQLSTATE[HY000] [2002] Connection refused"
# The tables of a module whose manager catches no query error.
UNCAUGHT_TABLES = {"au_mail_domains"}


def refused(sql):
    return f"{CONNECTION_REFUSED} (SQL: {sql})"  # inferred: the statement as Laravel's QueryException quotes it


class UnreachableTable:
    """A table of the unreachable database: every query on it fails."""

    def __init__(self, name, _columns, indexes=None):
        self.name = name

    def failure(self, sql):
        if self.name in UNCAUGHT_TABLES:
            return EscapedDbError(2002, refused(sql))
        return DbUnreachable(refused(sql))

    def find(self, value):
        sql = f"select * from `{self.name}` where `{self.name}`.`Id` = {value} limit 1"
        raise EscapedDbError(2002, refused(sql))

    def __getattr__(self, attribute):  # rows, get, all, where, insert, update, delete, coerce, columns
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        raise self.failure(f"select * from `{self.name}`")


class UnreachableDatabase(Database):
    """The database as Aurora sees it while it is gone: its tables exist, every query on them fails."""

    table_class = UnreachableTable
    reachable = False

    def __init__(self, mail_domains=False):
        self.create_tables(mail_domains)  # no seed rows: nothing can be written


class OutageWindows:
    """The open outage windows, by kind, on the monotonic clock.

    A "db-down" window is over when its time is.  A "web-down" window is over once its time is and the web side
    listens again: server.py reopens the port, then calls end(), so that a test that sees it over can connect.
    """

    KEPT = ("web-down",)  # windows that their keeper ends (end()) once the service is back

    def __init__(self):
        self._condition = threading.Condition()
        self._ends = {}  # kind -> time.monotonic() at which its window ends
        self._openers = {kind: [] for kind in OUTAGE_KINDS}

    def on_open(self, kind, listener):
        """Call ``listener()`` whenever a window of ``kind`` opens, before the call that opened it is answered."""
        self._openers[kind].append(listener)

    def open(self, kind, seconds):
        with self._condition:
            self._ends[kind] = max(self._ends.get(kind, 0.0), time.monotonic() + seconds)
            self._condition.notify_all()
        for listener in self._openers[kind]:
            listener()

    def remaining(self, kind):
        """Seconds left in the window of ``kind`` by the clock; 0 when none is open or its time is up."""
        with self._condition:
            end = self._ends.get(kind)
        return max(0.0, end - time.monotonic()) if end else 0.0

    def active(self, kind):
        with self._condition:
            end = self._ends.get(kind)
        return end is not None and (kind in self.KEPT or end > time.monotonic())

    def wait_due(self, kind):
        """Return once no window of ``kind`` is open or its time is up (by the clock, or because of clear())."""
        with self._condition:
            while True:
                end = self._ends.get(kind)
                left = end - time.monotonic() if end else 0.0
                if left <= 0:
                    return
                self._condition.wait(left)

    def due(self, kind):
        return self.remaining(kind) == 0

    def end(self, kind):
        """The keeper of a KEPT window brought the service back: the window is over, unless a new one began."""
        with self._condition:
            if kind in self._ends and self._ends[kind] <= time.monotonic():
                del self._ends[kind]

    def clear(self):
        """End every window now (a KEPT one once its keeper has brought the service back)."""
        with self._condition:
            now = time.monotonic()
            self._ends = {kind: now for kind in self._ends if kind in self.KEPT}
            self._condition.notify_all()

    def state(self):
        """{kind: {"active": bool, "remaining_ms": int}} for GET /_emulator/outages."""
        return {kind: {"active": self.active(kind), "remaining_ms": math.ceil(self.remaining(kind) * 1000)}
                for kind in OUTAGE_KINDS}
