"""The data/settings/ folder of the Aurora host: the settings files as text, and how a save rewrites one.

Paths are relative to data/settings/: "config.json" (the system settings) and "modules/<Module>.config.json", each
possibly with a ".bak" beside it.  A save (../shared/aurora-settings.md §1 and §6) copies the file to "<file>.bak",
then truncates the file and writes the whole new text at its start: no lock, not atomic.  So two saves of one file that
overlap lose one writer's values (the last writer wins for the whole file), and two that truncate before either writes
leave the later text followed by the rest of the longer earlier one (a file that is no longer JSON).

Races are made deterministic by race gates (POST /_emulator/settings/race): a gate holds the next N saves of one file
until all N have arrived, at "save" (each writer has read the file and not yet backed it up: a lost update) or at
"write" (each has backed the file up, then each truncates it, and none has written yet: a torn file, and .bak the
file as it was), then lets them write one at a time in their order of arrival, so the last to arrive writes last.
Without a gate a save first waits the contention's write window (W ms, contention.py) with the emulator's lock
released, so overlapping calls interleave as on the real server.
"""
import re
import threading
import time

from .php import is_php_int

MODULE_FILE = re.compile(r"^modules/([A-Za-z0-9-]+)\.config\.json$")
SYSTEM_PATH = "config.json"
RACE_POINTS = ("save", "write")


def file_path(name, system_name):
    """The path of the settings file of module ``name`` (``system_name``: config.json)."""
    return SYSTEM_PATH if name == system_name else f"modules/{name}.config.json"


def check_path(path):
    """``path`` when it is a settings file (or its .bak) of the layout; ValueError otherwise."""
    base = path[:-4] if isinstance(path, str) and path.endswith(".bak") else path
    if base != SYSTEM_PATH and not (isinstance(base, str) and MODULE_FILE.match(base)):
        raise ValueError(f"{path!r} is no settings file: config.json or modules/<Module>.config.json, "
                         "optionally with .bak")
    return path


class RaceGate:
    """The next ``writers`` saves of one file meet at ``at``, then write one by one in their order of arrival."""

    def __init__(self, path, writers, at, seconds):
        self.path = path
        self.writers = writers
        self.at = at
        self.deadline = time.monotonic() + seconds
        self.arrived = 0  # saves that took a place at the gate
        self.truncated = 0  # saves of a "write" gate that truncated the file
        self.waiting = 0  # saves waiting at the gate now
        self.turn = 0  # the place whose save may go on

    def state(self):
        return {"file": self.path, "writers": self.writers, "at": self.at, "arrived": self.arrived,
                "waiting": self.waiting, "done": self.turn}


def check_race(payload):
    if not isinstance(payload, dict) or set(payload) - {"file", "writers", "at", "seconds"}:
        raise ValueError("a race is {\"file\": path, \"writers\": N >= 2, \"at\": \"save\" | \"write\", "
                         "\"seconds\": bound}")
    writers, at, seconds = payload.get("writers", 2), payload.get("at", "save"), payload.get("seconds", 10)
    if not is_php_int(writers) or writers < 2:
        raise ValueError("writers must be an integer of at least 2")
    if at not in RACE_POINTS:
        raise ValueError(f"at must be one of {RACE_POINTS}")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        raise ValueError("seconds (the bound of a gate that never fills) must be a number above 0")
    path = check_path(payload.get("file"))
    if path.endswith(".bak"):
        raise ValueError("a race is on a settings file, not on its .bak")
    return path, writers, at, seconds


class SettingsDisk:
    """The files' texts, and the saves that rewrite them (all under the emulator's lock)."""

    def __init__(self, lock):
        self.lock = lock
        self.changed = threading.Condition(lock)
        self.files = {}
        self.gates = []
        self.generation = 0  # a reset starts a new one: a save still waiting from before it writes nothing

    def read(self, path):
        return self.files.get(path)

    def write_files(self, texts):
        """Write or, for None, delete files as an operator does: no backup."""
        checked = {check_path(path): text for path, text in texts.items()}
        for path, text in checked.items():
            if text is not None and not isinstance(text, str):
                raise ValueError(f"the text of {path} must be a string, or null to delete the file")
        for path, text in checked.items():
            if text is None:
                self.files.pop(path, None)
            else:
                self.files[path] = text

    def arm(self, payload):
        path, writers, at, seconds = check_race(payload)
        self.gates.append(RaceGate(path, writers, at, seconds))

    def races(self):
        return [gate.state() for gate in self.gates]

    def clear(self):
        """No file, no race gate; saves still waiting write nothing."""
        self.generation += 1
        self.files = {}
        self.clear_races()

    def clear_races(self):
        self.gates = []
        self.changed.notify_all()

    def save(self, path, text, window=None):
        """Back up, truncate and write ``path``; ``window()`` (a call's write window) runs first, unless a race gate
        takes this save.  Enter holding the lock."""
        generation = self.generation
        gate = next((g for g in self.gates if g.path == path and g.arrived < g.writers), None)
        if gate:
            place = gate.arrived
            gate.arrived += 1
            self.changed.notify_all()
            if gate.at == "save":
                self._wait(gate, lambda: gate.turn == place)
        elif window:
            window()
        if generation != self.generation:
            return
        if path in self.files:
            self.files[path + ".bak"] = self.files[path]
        if gate and gate.at == "write":
            self._wait(gate, lambda: True)  # every writer has backed the file up
            self.files[path] = ""
            gate.truncated += 1
            self.changed.notify_all()
            self._wait(gate, lambda: gate.truncated >= gate.writers and gate.turn == place)
            if generation != self.generation:
                return
        else:
            self.files[path] = ""
        old = self.files.get(path, "")
        self.files[path] = text + old[len(text):]  # the write lands at the start of what the file holds now
        if gate:
            gate.turn += 1
            if gate.turn >= gate.writers and gate in self.gates:
                self.gates.remove(gate)
            self.changed.notify_all()

    def _wait(self, gate, ready):
        """Wait until every writer of ``gate`` has arrived and ``ready()``; go on anyway at the gate's deadline."""
        gate.waiting += 1
        try:
            while (gate.arrived < gate.writers or not ready()) and gate in self.gates:
                left = gate.deadline - time.monotonic()
                if left <= 0:
                    return  # the gate never filled: go on
                self.changed.wait(left)
        finally:
            gate.waiting -= 1
