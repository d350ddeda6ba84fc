"""The settings writers of the web API (../shared/aurora-settings.md §3), and the PHP API's reads and saves of the
settings files for the fake Aurora of the PHP transport (§4, tests/php/fake-aurora).

Every writer loads the files it writes when it starts, changes the loaded objects as Aurora's SetValue casts
(settings_values.py) and saves them whole (settings_files.py): overlapping writers of one file lose updates.  All answer
``Result: true`` whatever they changed.  What each web writer accepts, as the super-administrator:
  Core.UpdateSettings         Core file: SiteName, Language, AutodetectLanguage, TimeFormat (saved only when one of
                              them is given); config.json (always saved): DbLogin, DbPassword, DbName, DbHost (as
                              DBLogin, ...), AdminLogin, AdminLanguage, EnableLogging, EnableEventLogging,
                              LoggingLevel, and NewPassword with Password (the admin password); DateFormat is ignored.
                              CoreWebclient's subscriber then saves its file, with Theme when given (from the
                              CoreWebclient source; not observed).
  Core.UpdateLoggingSettings  config.json: EnableLogging, EnableEventLogging, LoggingLevel
  Core.UpdateConfig           every file: the keys missing from it added (pre-config values for a module's keys)
  Mail.UpdateSettings         Mail file: AutocreateMailAccountOnNewUserFirstLogin, AllowAddAccounts
Anything else is ignored.  A normal or tenant user changes only its own Language, TimeFormat and DateFormat
(Core.UpdateSettings) and, as the emulator has no per-user Mail settings, nothing with Mail.UpdateSettings.
"""
from .admin_password import password_hash, password_verify
from .errors import ApiError
from .php import php_int, php_str, php_trim, php_truthy
from .registry import api_method, in_process_handler
from .roles import ROLE_NORMAL, ROLE_SUPERADMIN
from .settings_schema import DECLARED, PRE_CONFIG, SYSTEM_FILE
from .settings_values import Prop, set_value

ACCOUNT_OLD_PASSWORD_NOT_CORRECT = 503  # Notifications::AccountOldPasswordNotCorrect
CORE_FILE_KEYS = ("SiteName", "AutodetectLanguage", "Language")
SYSTEM_KEYS = {"DbLogin": "DBLogin", "DbPassword": "DBPassword", "DbName": "DBName", "DbHost": "DBHost"}
LOGGING_KEYS = ("EnableLogging", "EnableEventLogging", "LoggingLevel")


def set_given(loaded, values):
    """SetValue for each (name, value) whose value is not null."""
    for name, value in values:
        if value is not None:
            set_value(loaded.container, name, value)


@api_method("Core", "UpdateSettings")
def core_update_settings(call, DbLogin=None, DbPassword=None, DbName=None, DbHost=None, AdminLogin=None,
                         Password=None, NewPassword=None, AdminLanguage=None, SiteName=None, Language=None,
                         AutodetectLanguage=None, TimeFormat=None, DateFormat=None, EnableLogging=None,
                         EnableEventLogging=None, LoggingLevel=None, Theme=None):
    """``Theme`` is no Core argument: CoreWebclient's Core::UpdateSettings::after subscriber reads it."""
    call.require_role(ROLE_NORMAL)
    if not call.caller.is_superadmin:
        return update_own_formats(call, Language, TimeFormat, DateFormat)
    core, system = call.loaded_settings("Core"), call.loaded_settings(SYSTEM_FILE)
    if any(value is not None for value in (SiteName, Language, TimeFormat, AutodetectLanguage)):
        set_given(core, zip(CORE_FILE_KEYS, (SiteName, AutodetectLanguage, Language)))
        set_given(core, [("TimeFormat", None if TimeFormat is None else php_int(TimeFormat))])
        call.save_settings(core)
    set_given(system, ((key, value) for key, value in
                       zip(SYSTEM_KEYS.values(), (DbLogin, DbPassword, DbName, DbHost))))
    if AdminLogin is not None and AdminLogin != system["AdminLogin"]:
        set_value(system.container, "AdminLogin", AdminLogin)
    change_admin_password(system, Password, NewPassword)  # may refuse: the Core file is saved already
    set_given(system, [("AdminLanguage", AdminLanguage)])
    set_given(system, zip(LOGGING_KEYS, (EnableLogging, EnableEventLogging, LoggingLevel)))
    result = call.save_settings(system)
    if call.emulator.module_enabled("CoreWebclient"):
        webclient = call.loaded_settings("CoreWebclient")
        set_given(webclient, [("Theme", Theme)])
        result = call.save_settings(webclient)
    return result


def change_admin_password(system, password, new_password):
    """A new hash of the trimmed NewPassword when NewPassword is given and Password is the current one (any Password,
    or none, while the stored password is empty); a Password that is not the current one: 503."""
    stored = system["AdminPassword"]
    if not php_truthy(new_password):
        return
    if not php_truthy(password) and php_truthy(stored):
        return
    if php_truthy(stored) and not password_verify(php_str(password), stored):
        raise ApiError(ACCOUNT_OLD_PASSWORD_NOT_CORRECT)
    set_value(system.container, "AdminPassword", password_hash(php_trim(new_password)))


def update_own_formats(call, language, time_format, date_format):
    """A normal or tenant user's own settings (the users manager's UpdateUserObject)."""
    if call.caller.role > ROLE_NORMAL or not call.caller.user:
        return False
    changes = {name: value for name, value in (("Language", language), ("TimeFormat", time_format),
                                               ("DateFormat", date_format)) if value is not None}
    with call.transaction(call.db.users):
        user = call.db.users.rows.get(call.caller.user["Id"])
        if user:
            call.db.users.update(user, changes)
    return True


@api_method("Core", "UpdateLoggingSettings")
def core_update_logging_settings(call, EnableLogging=None, EnableEventLogging=None, LoggingLevel=None):
    call.require_role(ROLE_SUPERADMIN)
    system = call.loaded_settings(SYSTEM_FILE)
    set_given(system, zip(LOGGING_KEYS, (EnableLogging, EnableEventLogging, LoggingLevel)))
    return call.save_settings(system)


@api_method("Core", "UpdateConfig")
def core_update_config(call):
    """Api::UpdateSettings: each file saved with every declared key, a module key missing from its file taking the
    pre-config value (or the default); keys the file has keep their values, unknown keys stay."""
    call.require_role(ROLE_SUPERADMIN)
    for name in call.emulator.settings.files:
        loaded = call.loaded_settings(name)
        if name != SYSTEM_FILE:
            for key, value in PRE_CONFIG.get(name, {}).items():
                if loaded.container.get(key, Prop(None, "")).is_default:
                    set_value(loaded.container, key, value)
        call.save_settings(loaded)
    return True


@api_method("Mail", "UpdateSettings")
def mail_update_settings(call, AutocreateMailAccountOnNewUserFirstLogin=None, AllowAddAccounts=None,
                         AllowAutosaveInDrafts=None):
    call.require_role(ROLE_NORMAL)
    if not call.caller.is_superadmin:
        return True  # inferred: a user's own AllowAutosaveInDrafts is not modelled
    mail = call.loaded_settings("Mail")
    set_given(mail, (("AutocreateMailAccountOnNewUserFirstLogin", AutocreateMailAccountOnNewUserFirstLogin),
                     ("AllowAddAccounts", AllowAddAccounts)))
    return call.save_settings(mail)


# ---- the PHP API's settings objects (in-process only: Emulator.find_handler)

def in_process_read_settings(call, Name=None):
    """A settings object's load for the fake Aurora: every key as [value, type, spec, description, is_default] (a
    spec value as the enum's value).  A file Aurora cannot read is saved with the defaults first, as Load() does; the
    answer's "Files" then holds what that save left (saved_texts), for the fake's copy of the files."""
    name = php_str(Name)
    settings = call.emulator.settings
    loaded = settings.load(name)
    answer = {"Path": loaded.path, "Known": name in DECLARED}
    if loaded.source is None and loaded.container:
        settings.save(loaded)
        answer["Files"] = saved_texts(settings, loaded.path)
    answer["Values"] = {key: [prop.value, prop.type, prop.spec, prop.description, prop.is_default]
                        for key, prop in loaded.container.items()}
    answer["Exists"] = settings.disk.read(loaded.path) is not None
    return answer


def in_process_write_settings(call, Name=None, Values=None):
    """A settings object's Save() for the fake Aurora: ``Values`` is its whole container, {key: [value, type, spec,
    description]} as the PHP object holds it; written whole like any save (backup, window or race gate, rewrite).
    The answer: false when nothing was written, else what the save left (saved_texts), for the fake's copy."""
    settings = call.emulator.settings
    loaded = settings.load(php_str(Name))
    loaded.container = {}
    for key, slots in (Values if isinstance(Values, dict) else {}).items():
        slots = list(slots) + [None] * 4 if isinstance(slots, list) else [slots, None, None, None]
        loaded.container[key] = Prop(slots[0], php_str(slots[1]), slots[2], php_str(slots[3]))
    if not call.save_settings(loaded):
        return False
    return saved_texts(settings, loaded.path)


def saved_texts(settings, path):
    """{path of the .bak: text, path: text} as a save of ``path`` left them (None: no such file), in the order a save
    writes them."""
    return {name: settings.disk.read(name) for name in (path + ".bak", path)}


# Core.@ReadSettings and Core.@WriteSettings: reachable in-process only, and no PHP method of the fake's modules.
IN_PROCESS_HANDLERS = {("core", "@readsettings"): in_process_handler(in_process_read_settings),
                       ("core", "@writesettings"): in_process_handler(in_process_write_settings)}
