"""The settings store: Aurora's settings files on the host, and the settings objects Aurora loads from them.

Each installed module has data/settings/modules/<Module>.config.json, the system data/settings/config.json
("System" here and in the control API), all in the 4-slot format (settings_values.py), seeded as a fresh install
(settings_schema.py) in the emulator's profile (profiles.py).  Aurora loads a file (the module's defaults, then the
file over them; a file that is missing, or not JSON, is read from its .bak; with neither, the defaults are saved as
the file) at the start of every request, so an edit shows at once; a writer changes its loaded object and saves it
whole (settings_files.py).  A module whose file says ``Disabled`` is not loaded (Core ignores it).

Two switches are the emulator's own, not Aurora settings: System AuroraMajor (which Aurora generation it answers as)
and MailMultiAccountsPlugin Enabled (the plugin's licence, profiles.py).
"""
import copy
import re
import time

from .php import is_php_int, php_truthy
from .settings_files import SettingsDisk, file_path
from .settings_schema import DECLARED, ENUMS, FRESH_INSTALL, PRE_CONFIG, SYSTEM_FILE
from .settings_values import Prop, aurora_json, decode_file, enum_value, file_data, parse_file_data

VERSIONS = {9: "9.8.5.build2\n", 8: "8.8.3.rc2"}  # 9: the VERSION file of the recorded installs, line end included
SWITCHES = {SYSTEM_FILE: {"AuroraMajor": 9}, "MailMultiAccountsPlugin": {"Enabled": False}}
LOG_PREFIXES = ("", "event-", "error-")
LOG_PLACEHOLDER = re.compile(r"\{([\w|-]*)\}")
DATE_CODES = {"Y": "%Y", "y": "%y", "m": "%m", "n": "%-m", "d": "%d", "j": "%-d", "H": "%H", "i": "%M", "s": "%S"}


class SettingsError(ValueError):
    pass


class SettingsObject:
    """One loaded settings file: {name: Prop}, the declared defaults overlaid with what the file holds."""

    def __init__(self, name, declared):
        self.name = name
        self.path = file_path(name, SYSTEM_FILE)
        self.container = {key: Prop(copy.deepcopy(d.default), d.type, d.spec) for key, d in declared.items()}
        self.source = None  # "file" or ".bak": what the load read; None: nothing usable

    def overlay(self, data, source):
        for key, prop in parse_file_data(data).items():
            if key in self.container:
                prop.description = self.container[key].description
            self.container[key] = prop
        self.source = source

    def __getitem__(self, name):
        return self.container[name].value

    def values(self):
        return {key: copy.deepcopy(prop.value) for key, prop in self.container.items()}


class Settings:
    """The settings files of one emulated install, and Aurora's view of them."""

    def __init__(self, lock, profile, admin_login, admin_hash):
        self.disk = SettingsDisk(lock)
        self.profile = profile
        self.admin = {"AdminLogin": admin_login, "AdminPassword": admin_hash}
        self.reset()

    @property
    def files(self):
        """The names of the installed settings files: "System" and the modules."""
        return (SYSTEM_FILE,) + self.profile.installed_modules

    def reset(self):
        """The files of a fresh install of the profile; no race gate, empty logs, the switches as started."""
        with self.disk.lock:
            self.disk.clear()
            self._views = {}
            self.switches = copy.deepcopy(SWITCHES)
            self.logs = dict.fromkeys(LOG_PREFIXES, 0)
            fresh = {SYSTEM_FILE: self.admin}
            for name in self.files:
                changes = {**PRE_CONFIG.get(name, {}), **FRESH_INSTALL.get(name, {}), **fresh.get(name, {})}
                self.disk.files[file_path(name, SYSTEM_FILE)] = self._defaults_text(name, changes)
            self.update(self.profile.settings)

    @staticmethod
    def _defaults_text(name, changes=None):
        loaded = SettingsObject(name, DECLARED[name])
        for key, value in (changes or {}).items():
            loaded.container[key].value = copy.deepcopy(value)
        return aurora_json(file_data(loaded.container))

    # ---- Aurora's view

    def load(self, name):
        """A settings object loaded from the files now (a new one: the caller may change and save it)."""
        loaded = SettingsObject(name, DECLARED.get(name, {}))
        path = loaded.path
        for source, text in (("file", self.disk.read(path)), (".bak", self.disk.read(path + ".bak"))):
            data = decode_file(text)
            if data:  # PHP: an empty or unreadable file is falsy
                loaded.overlay(data, source)
                break
        return loaded

    def view(self, name):
        """The loaded object of ``name`` for reading (cached until its file or .bak changes)."""
        path = file_path(name, SYSTEM_FILE)
        with self.disk.lock:
            key = (self.disk.read(path), self.disk.read(path + ".bak"))
            cached = self._views.get(name)
            if cached is None or cached[0] != key:
                cached = (key, self.load(name))
                self._views[name] = cached
            return cached[1]

    def boot(self):
        """What every request's start does: a file Aurora cannot read (nor its .bak) is saved with the defaults."""
        for name in self.files:
            if self.view(name).source is None:
                self.disk.save(file_path(name, SYSTEM_FILE), self._defaults_text(name))

    def save(self, loaded, window=None):
        """Save a loaded object whole (backup, truncate, write); False when it holds nothing, as Aurora's Save()."""
        if not loaded.container:
            return False
        self.disk.save(loaded.path, aurora_json(file_data(loaded.container)), window)
        return True

    def __call__(self, module, name):
        if name in self.switches.get(module, {}):
            return self.switches[module][name]
        return self.view(module)[name]

    def module_enabled(self, name):
        """Whether Aurora loads module ``name``: installed, and not Disabled in its file (Core always loads)."""
        if name not in self.profile.installed_modules:
            return False
        return name == "Core" or not php_truthy(self.view(name).container.get("Disabled", Prop(False, "bool")).value)

    @property
    def values(self):
        """{file: {name: value}} as Aurora holds them (a spec value as the enum's value), and the switches."""
        values = {name: self.view(name).values() for name in self.files}
        for module, switches in self.switches.items():
            values.setdefault(module, {}).update(switches)
        return values

    # ---- an operator editing the files (the control API)

    def update(self, changes):
        """Set ``{"File": {"Name": value}}`` in the files as an operator editing them would, after checking every
        entry (all or nothing).  A value has the key's type; a spec key takes the enum name or its value."""
        if not isinstance(changes, dict):
            raise SettingsError("settings must be a JSON object of modules")
        edits, switches = {}, []
        for module, names in changes.items():
            if not isinstance(names, dict) or (module not in self.files and module not in self.switches):
                raise SettingsError(f"unknown settings module {module!r} (installed: {', '.join(self.files)})")
            for name, value in names.items():
                if name in self.switches.get(module, {}):
                    switches.append((module, name, check_switch(module, name, value)))
                else:
                    edits.setdefault(module, {})[name] = self._checked_entry(module, name, value)
        for module, entries in edits.items():
            path = file_path(module, SYSTEM_FILE)
            data = decode_file(self.disk.read(path))
            if not isinstance(data, dict):
                raise SettingsError(f"{path} is not a JSON object: write it whole through /_emulator/settings/files")
            data.update(entries)
            self.disk.files[path] = aurora_json(data)
        for module, name, value in switches:
            self.switches[module][name] = value

    def _checked_entry(self, module, name, value):
        """The 4 slots an operator writes for ``module``.``name`` = ``value``."""
        declared = DECLARED[module].get(name)
        stored = self.view(module).container.get(name)
        if declared is None and stored is None:
            raise SettingsError(f"unknown setting {module}.{name}")
        kind, spec = (declared.type, declared.spec) if declared else (stored.type, stored.spec)
        if kind == "spec":
            names = ENUMS[spec]
            if isinstance(value, str) and value in names:
                return [value, kind, spec, ""]
            if enum_value(value, spec) is None:
                raise SettingsError(f"{module}.{name} must be one of {sorted(names)}")
            return [next(n for n, v in names.items() if v == value), kind, spec, ""]
        checks = {"bool": lambda v: isinstance(v, bool), "int": is_php_int, "string": lambda v: isinstance(v, str),
                  "array": lambda v: isinstance(v, (list, dict))}
        if kind in checks and not checks[kind](value):
            raise SettingsError(f"{module}.{name} must be a JSON value of type {kind}")
        return [value, kind, None, ""]

    # ---- the log files of Core.GetSettings LogFilesData

    def log(self, prefix, size):
        """Note ``size`` bytes written to the log with ``prefix`` ("" the request log, "event-" the user events)."""
        switch = "EnableEventLogging" if prefix == "event-" else "EnableLogging"
        if php_truthy(self(SYSTEM_FILE, switch)):
            self.logs[prefix] += size

    def log_files_data(self):
        pattern = self(SYSTEM_FILE, "LogFileName")
        name = LOG_PLACEHOLDER.sub(lambda match: php_date(match.group(1)), pattern) if pattern else "log.txt"
        data = {}
        for prefix, label in zip(LOG_PREFIXES, ("Log", "EventLog", "ErrorLog")):
            data[f"{label}FileName"] = prefix + name
            data[f"{label}SizeBytes"] = self.logs[prefix]
        return data


def php_date(form):
    """PHP date() of ``form`` now (the letters Aurora's log names use)."""
    return "".join(time.strftime(DATE_CODES[c]) if c in DATE_CODES else c for c in form)


def check_switch(module, name, value):
    if name == "AuroraMajor":
        if value not in VERSIONS or not is_php_int(value):
            raise SettingsError("System.AuroraMajor must be 8 or 9")
    elif not isinstance(value, bool):
        raise SettingsError(f"{module}.{name} must be a boolean")
    return value
