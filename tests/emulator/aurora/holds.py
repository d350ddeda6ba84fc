"""The API calls that "hold" faults keep waiting, and their release."""
import threading
import time


class HoldRoom:
    """The API calls that "hold" faults keep waiting, and their release."""

    def __init__(self):
        self._condition = threading.Condition()
        self._releases = 0  # POST /_emulator/release calls so far; a held call waits for the next one
        self._drop = False
        self._gates = {}  # rule id -> calls held by it so far (release_at)
        self.held = 0

    def hold(self, rule):
        """Wait as the rule says; True when the call is to be dropped (no answer)."""
        with self._condition:
            releases = self._releases
            self.held += 1
            gate = rule.get("release_at")
            if gate:
                self._gates[rule["id"]] = self._gates.get(rule["id"], 0) + 1
                self._condition.notify_all()
            deadline = time.monotonic() + rule["seconds"] if rule["seconds"] else None
            try:
                while True:
                    if gate and self._gates[rule["id"]] >= gate:
                        return False
                    if self._releases != releases:
                        return self._drop
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._condition.wait(left)
            finally:
                self.held -= 1

    def release(self, drop):
        with self._condition:
            self._releases += 1
            self._drop = drop
            self._condition.notify_all()
