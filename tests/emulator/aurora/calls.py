"""Who calls, and one API call being executed: role checks, access checks, the write window."""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from .contention import DEADLOCK_MESSAGE
from .errors import DbError, access_denied
from .php import lookup_id
from .roles import ROLE_ANONYMOUS, ROLE_SUPERADMIN, ROLE_TENANTADMIN


@dataclass(frozen=True)
class Caller:
    envelope_id: object  # AuthenticatedUserId: False (no token), 0 (invalid token), -1 (super-admin), user id
    role: int
    user: dict | None = None

    @property
    def is_superadmin(self):
        return self.role == ROLE_SUPERADMIN

    @property
    def tenant_id(self):
        return self.user["IdTenant"] if self.user else None


ANONYMOUS = Caller(False, ROLE_ANONYMOUS)
INVALID_TOKEN = Caller(0, ROLE_ANONYMOUS)
SUPERADMIN = Caller(-1, ROLE_SUPERADMIN)


class Call:
    """One API call being executed: who calls, which module, and the emulator's state."""

    def __init__(self, emulator, db, caller, client_ip, deadlock_pending=False, in_process=False, base_url=""):
        self.emulator = emulator
        self.base_url = base_url  # the URL the request reached (CoreWebclient's BaseUrl)
        self._settings = {}  # the settings objects this call loaded (settings.py)
        self.in_process = in_process  # Aurora's PHP API called on the host (the PHP bridge), not the web API
        self.module = ""
        self.caller = caller
        self.client_ip = client_ip
        self.deadlock_pending = deadlock_pending  # a "deadlock" fault: the first write fails
        self.issued_token = None
        # The database the call reaches, all along: a call still in its write window at a reset writes into the
        # discarded database, not the fresh one; one that started in a "db-down" outage reaches none (outage.py).
        self.db = db

    @property
    def lock(self):
        return self.emulator.lock

    @contextlib.contextmanager
    def transaction(self, table):
        """Aurora's write to ``table`` after its checks, which have no lock: the write window comes first.

        Enter holding the lock (once), checks done; the window leaves the lock, so that overlapping calls
        interleave there, and re-takes it.  Inside, re-read what the write depends on: a row dict read before
        the window is Aurora's loaded model, and updating it after another call deleted the row changes no
        stored row, like an UPDATE of a missing row.  A deadlock victim gets DbError before anything is written.
        """
        # inferred: Eloquent's save()/delete() of a row deleted meanwhile affects no row and still succeeds.
        contention = self.emulator.contention
        transaction = contention.open(table.name)
        try:
            self.wait_write_window(contention.window_ms)
            if contention.is_victim(transaction, self.deadlock_pending):
                raise DbError(DEADLOCK_MESSAGE)
            yield
        finally:
            contention.close(transaction)

    def wait_write_window(self, window_ms):
        if window_ms:
            self.lock.release()
            try:
                time.sleep(window_ms / 1000)
            finally:
                self.lock.acquire()

    def setting(self, module, name):
        return self.emulator.settings(module, name)

    def loaded_settings(self, name):
        """The settings object of ``name`` ("System" or a module) as this call loaded it, once, when it first asked:
        a writer changes it and saves it whole (settings.py)."""
        if name not in self._settings:
            self._settings[name] = self.emulator.settings.load(name)
        return self._settings[name]

    def save_settings(self, loaded):
        """Save a loaded settings object after the write window (or at a race gate): Result true, as Aurora's Save()."""
        window_ms = self.emulator.contention.window_ms
        return self.emulator.settings.save(loaded, lambda: self.wait_write_window(window_ms))

    @property
    def aurora_major(self):
        return self.setting("System", "AuroraMajor")

    def require_role(self, min_role):
        if self.caller.role > min_role:
            raise access_denied()

    def require_user_access(self, user_id):
        """Api::CheckAccess: super-admin any user, tenant admin its tenant's users, a user itself."""
        if self.caller.is_superadmin:
            return
        user = self.db.users.get(user_id)
        if self.caller.role == ROLE_TENANTADMIN and user and user["IdTenant"] == self.caller.tenant_id:
            return
        if self.caller.user and lookup_id(user_id) == self.caller.user["Id"]:
            return
        raise access_denied()

    def require_tenant_access(self, tenant_id):
        if not self.caller.is_superadmin and tenant_id != self.caller.tenant_id:
            raise access_denied()

    def sign_in(self, auth_data):
        """Issue a token for ``auth_data``; the response already reports the new identity."""
        token = self.emulator.tokens.issue(auth_data)
        self.caller = self.emulator.caller_for(auth_data, self.db)
        self.issued_token = token
        return {"AuthToken": token}
