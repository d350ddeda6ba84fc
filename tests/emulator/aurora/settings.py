"""Module and system settings, as the control API shows and changes them."""
import copy

from .php import is_php_int


VERSIONS = {9: "9.8.5.build2", 8: "8.8.3.rc2"}


DEFAULT_SETTINGS = {
    "Core": {"AllowGroups": False, "EnableFailedLoginBlock": True,
             "LoginBlockAvailableTriesCount": 10, "LoginBlockDurationMinutes": 3},
    # WebMail Lite's pre-config turns auto-provisioning on; AllowAddAccounts: as recorded (corporate.json step 2).
    "Mail": {"DoImapLoginOnAccountCreate": True, "AutocreateMailAccountOnNewUserFirstLogin": True,
             "AllowAddAccounts": True},
    "AdminAuth": {"AllowLoginFromCoreModule": False},
    "MailMultiAccountsPlugin": {"Enabled": False},
    # data/settings/config.json; AuroraMajor is the emulator's own: which Aurora generation it answers as.
    "System": {"AuroraMajor": 9, "EnableMultiTenant": False},
}


class SettingsError(ValueError):
    pass


class Settings:
    def __init__(self, changes=None):
        """The default settings, with a profile's ``{"Module": {"Name": value}}`` changes applied."""
        self.values = copy.deepcopy(DEFAULT_SETTINGS)
        if changes:
            self.update(changes)

    def __call__(self, module, name):
        return self.values[module][name]

    def update(self, changes):
        """Apply ``{"Module": {"Name": value}}`` after checking every entry (all or nothing)."""
        if not isinstance(changes, dict):
            raise SettingsError("settings must be a JSON object of modules")
        checked = []
        for module, names in changes.items():
            if module not in self.values or not isinstance(names, dict):
                raise SettingsError(f"unknown settings module {module!r}")
            for name, value in names.items():
                checked.append((module, name, self._check(module, name, value)))
        for module, name, value in checked:
            self.values[module][name] = value

    def _check(self, module, name, value):
        if name not in self.values[module]:
            raise SettingsError(f"unknown setting {module}.{name}")
        default = DEFAULT_SETTINGS[module][name]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise SettingsError(f"{module}.{name} must be a boolean")
        elif not is_php_int(value) or value < 1:
            raise SettingsError(f"{module}.{name} must be a positive integer")
        if (module, name) == ("System", "AuroraMajor") and value not in VERSIONS:
            raise SettingsError("System.AuroraMajor must be 8 or 9")
        return value
