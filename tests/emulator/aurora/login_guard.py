"""Core's failed-login block."""
import math
import time

from .errors import ApiError


class LoginGuard:
    """Core's failed-login block (IsBlockedUser / BlockUser), per login and client IP."""

    def __init__(self):
        self._failures = {}  # (login, ip) -> [count, time of the last failure]

    def check(self, settings, login, ip, module):
        """Raise 1000 while the login is blocked; each blocked attempt counts and renews the block."""
        entry = self._failures.get((login, ip))
        tries = settings("Core", "LoginBlockAvailableTriesCount")
        if not settings("Core", "EnableFailedLoginBlock") or not entry or entry[0] < tries:
            return
        minutes = settings("Core", "LoginBlockDurationMinutes")
        elapsed = (time.time() - entry[1]) / 60
        if elapsed > minutes:
            del self._failures[(login, ip)]
            return
        entry[0] += 1
        entry[1] = time.time()
        # inferred: like every exception inside a module call, it carries the called module.
        raise ApiError(
            1000,
            f"Your account is blocked due to {tries} failed login attempts "
            f"and will be unblocked in {math.ceil(minutes - elapsed)} minutes.",
            module,
        )

    def record_failure(self, settings, login, ip):
        if settings("Core", "EnableFailedLoginBlock"):
            entry = self._failures.setdefault((login, ip), [0, 0.0])
            entry[0] += 1
            entry[1] = time.time()

    def clear(self, login, ip):
        self._failures.pop((login, ip), None)
