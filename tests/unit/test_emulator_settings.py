"""Aurora's settings in the emulator (tests/emulator/aurora/settings*.py): the 4-slot files, the casts, what each
GetSettings shows, the writers, Disabled, the admin password, the lost updates of overlapping saves, and the PHP API of
the fake Aurora (tests/php/fake-aurora) on the same files.

Every test talks to a real emulator process over a socket; the ``emulator`` fixture resets it first.
"""
import json
import shutil
import subprocess
import threading
import time

import pytest

from tests.emulator.aurora.settings_schema import ENUMS
from tests.emulator.fake_aurora import make_fake_aurora, sync_settings_files
from tests.emulator.fixtures import Emulator

CORE_FILE = "modules/Core.config.json"
MAIL_FILE = "modules/Mail.config.json"
SYSTEM_FILE = "config.json"
ANONYMOUS_CORE_KEYS = {
    "AutodetectLanguage", "UserSelectsDateFormat", "DateFormat", "DateFormatList", "EUserRole", "Language",
    "ShortLanguage", "LanguageList", "LastErrorCode", "SiteName", "SocialName", "TenantName", "EnableMultiTenant",
    "TimeFormat", "UserId", "IsSystemConfigured", "Version", "ProductName", "PasswordMinLength",
    "PasswordMustBeComplex", "CookiePath", "CookieSecure", "AuthTokenCookieExpireTime", "StoreAuthTokenInDB",
    "AvailableClientModules", "AvailableBackendModules", "AllowGroups"}
ADMIN_CORE_KEYS = {"DBHost", "DBName", "DBLogin", "AdminLogin", "AdminHasPassword", "AdminLanguage", "CommonLanguage",
                   "EncryptionKeyNotEmpty", "EnableLogging", "EnableEventLogging", "LoggingLevel", "LogFilesData",
                   "ELogLevel"}
NEVER_SHOWN = {"Disabled", "AllowCapa", "CsrfTokenProtection", "EnableFailedLoginBlock", "CookieSameSite",
               "AdminPassword", "DBPassword", "DBType", "DBPrefix", "LicenseKey", "XFrameOptions",
               "DoImapLoginOnAccountCreate", "SieveGeneralPassword", "AllowFilters", "ContentSecurityPolicy",
               "LanguageNames"}
GATE_SECONDS = 10
NEW_PASSWORD = "N3w-Adm1n-pass"
needs_php = pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed (make php-cli)")


def result(answer):
    assert "ErrorCode" not in answer, answer
    return answer["Result"]


def assert_error(answer, code, module, message=None):
    assert "Result" not in answer, answer
    assert (answer["ErrorCode"], answer["Module"], answer.get("ErrorMessage")) == (code, module, message), answer


def stored(emulator, path):
    """The decoded settings file ``path`` as the emulator holds it."""
    return json.loads(emulator.settings_files()[path])


def edit(emulator, path, **entries):
    """An operator's edit of ``path``: the given keys set to the given raw JSON (None: the key removed)."""
    data = stored(emulator, path)
    for name, raw in entries.items():
        if raw is None:
            data.pop(name, None)
        else:
            data[name] = raw
    emulator.settings_files({path: json.dumps(data)})


def core(emulator, token=None):
    return result(emulator.api("Core", "GetSettings", token=token))


def admin_core(emulator):
    return result(emulator.api("Core", "GetSettings"))


def mail(emulator):
    return result(emulator.api("Mail", "GetSettings", token=None))


def login(emulator, login_name=None, password=None):
    return emulator.api("AdminAuth", "LoginAsSuperadmin", {
        "Login": emulator.admin_login if login_name is None else login_name,
        "Password": emulator.admin_password if password is None else password}, token=None)


def wait_until(condition, what, limit=GATE_SECONDS):
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {limit} s"
        time.sleep(0.01)


def in_background(function):
    """Run ``function`` in a thread; returns (thread, answers) where answers gets its answer."""
    answers = []
    thread = threading.Thread(target=lambda: answers.append(function()))
    thread.start()
    return thread, answers


# ---- the files ---------------------------------------------------------------------------------


def test_a_fresh_install_has_one_4_slot_file_per_module_and_config_json(emulator, corporate_emulator):
    files = emulator.settings_files()
    assert set(files) == {SYSTEM_FILE, CORE_FILE, MAIL_FILE, "modules/AdminAuth.config.json",
                          "modules/CoreWebclient.config.json", "modules/Min.config.json"}
    sizes = {path: len(json.loads(text)) for path, text in files.items()}
    assert sizes == {SYSTEM_FILE: 49, CORE_FILE: 26, MAIL_FILE: 52, "modules/AdminAuth.config.json": 3,
                     "modules/CoreWebclient.config.json": 26, "modules/Min.config.json": 1}
    assert all(len(slots) == 4 for text in files.values() for slots in json.loads(text).values())
    date_format = '"DateFormat": [\n        "DD\\/MM\\/YYYY",\n        "spec",\n        "Aurora\\\\System\\\\Enums'
    assert date_format in files[CORE_FILE]  # pretty-printed, "/" escaped, the enum stored by name
    assert stored(emulator, CORE_FILE)["LoginBlockIpReputationThreshold "][0] == 0
    admin_password = stored(emulator, SYSTEM_FILE)["AdminPassword"]
    assert admin_password[0].startswith("$2y$") and admin_password[1] == "string"
    corporate = corporate_emulator.settings_files()
    assert json.loads(corporate["modules/MailDomains.config.json"]) == {"Disabled": [False, "bool", None, ""]}
    assert stored(corporate_emulator, SYSTEM_FILE)["EnableMultiTenant"][0] is True
    assert stored(corporate_emulator, CORE_FILE)["AllowGroups"][0] is True


def test_spec_values_are_stored_by_name_and_reported_as_numbers(emulator):
    edit(emulator, CORE_FILE, TimeFormat=["F12", "spec", "Aurora\\System\\Enums\\TimeFormat", ""])
    edit(emulator, SYSTEM_FILE, LoggingLevel=["Warning", "spec", "Aurora\\System\\Enums\\LogLevel", ""])
    assert core(emulator)["TimeFormat"] == 1 and admin_core(emulator)["LoggingLevel"] == 50
    # A number where the name belongs: the key is dropped on load and the default applies.
    edit(emulator, CORE_FILE, TimeFormat=[1, "spec", "Aurora\\System\\Enums\\TimeFormat", ""])
    edit(emulator, SYSTEM_FILE, LoggingLevel=[50, "spec", "Aurora\\System\\Enums\\LogLevel", ""])
    assert core(emulator)["TimeFormat"] == 0 and admin_core(emulator)["LoggingLevel"] == 100
    assert emulator.settings()["Core"]["TimeFormat"] == 0


def test_the_type_slot_of_the_file_wins(emulator):
    edit(emulator, MAIL_FILE, AllowAddAccounts=["no", "string", None, ""], AllowIdentities=["false", "bool", None, ""],
         AutoSaveIntervalSeconds=["abc", "int", None, ""], AllowInsertImage=[False, "double", None, ""])
    settings = mail(emulator)
    assert settings["AllowAddAccounts"] == "no" and settings["AllowIdentities"] is True
    assert settings["AutoSaveIntervalSeconds"] == 0
    assert settings["AllowInsertImage"] is True  # an unknown type drops the key: the default
    assert result(emulator.api("Mail", "UpdateSettings", {"AllowAddAccounts": False})) is True
    assert stored(emulator, MAIL_FILE)["AllowAddAccounts"] == ["", "string", None, ""]
    assert mail(emulator)["AllowAddAccounts"] == ""


def test_bare_values_missing_keys_and_unknown_keys(emulator):
    edit(emulator, MAIL_FILE, AllowIdentities=None, ImageUploadSizeLimit=7, ZzUnknown=["kept", "string", None, ""])
    assert "AllowIdentities" not in stored(emulator, MAIL_FILE)
    assert mail(emulator)["AllowIdentities"] is True and mail(emulator)["ImageUploadSizeLimit"] == 7
    assert result(emulator.api("Mail", "UpdateSettings", {"AllowAddAccounts": True})) is True
    data = stored(emulator, MAIL_FILE)
    assert data["ImageUploadSizeLimit"] == [7, "int", None, ""]  # rewritten as a 4-slot array
    assert data["AllowIdentities"] == [True, "bool", None, ""]  # the save writes the whole loaded object
    assert data["ZzUnknown"] == ["kept", "string", None, ""]


def test_update_config_adds_missing_keys_with_the_pre_config_values(emulator):
    edit(emulator, MAIL_FILE, AllowDefaultAccountForUser=None, ZzUnknown=["kept", "string", None, ""])
    edit(emulator, SYSTEM_FILE, PasswordMinLength=None)
    assert mail(emulator)["AllowDefaultAccountForUser"] is False  # the module's own default
    assert result(emulator.api("Core", "UpdateConfig")) is True
    assert stored(emulator, MAIL_FILE)["AllowDefaultAccountForUser"][0] is True  # WebMail Lite's pre-config
    assert stored(emulator, MAIL_FILE)["ZzUnknown"][0] == "kept"
    assert stored(emulator, SYSTEM_FILE)["PasswordMinLength"] == [0, "int", None, ""]
    assert_error(emulator.api("Core", "UpdateConfig", token=None), 108, "Core", "AccessDenied")


def test_a_missing_module_file_comes_back_with_the_module_defaults(emulator):
    emulator.settings_files({MAIL_FILE: None})
    assert MAIL_FILE not in emulator.settings_files()
    assert mail(emulator)["AutocreateMailAccountOnNewUserFirstLogin"] is False  # the default, not the pre-config
    assert len(stored(emulator, MAIL_FILE)) == 52


def test_a_missing_config_json_comes_back_with_an_empty_admin_password(emulator):
    emulator.settings_files({SYSTEM_FILE: None})
    assert_error(login(emulator, password="wrong"), 102, "", "AuthError")
    assert "AdminHasPassword" in admin_core(emulator) and not admin_core(emulator)["AdminHasPassword"]
    assert result(login(emulator, password=""))["AuthToken"]


def test_a_corrupt_file_is_read_from_its_bak_or_reset_to_the_defaults(emulator):
    edit(emulator, MAIL_FILE, AllowIdentities=[False, "bool", None, ""])
    good = emulator.settings_files()[MAIL_FILE]
    emulator.settings_files({MAIL_FILE: good + "trailing garbage", MAIL_FILE + ".bak": good})
    assert mail(emulator)["AllowIdentities"] is False  # from the .bak
    assert emulator.settings_files()[MAIL_FILE].endswith("trailing garbage")  # until the next save
    assert result(emulator.api("Mail", "UpdateSettings", {"AllowAddAccounts": False})) is True
    assert stored(emulator, MAIL_FILE)["AllowIdentities"][0] is False
    emulator.settings_files({MAIL_FILE: "{not json", MAIL_FILE + ".bak": None})
    assert mail(emulator)["AllowIdentities"] is True  # no .bak: the defaults were saved over it
    assert emulator.settings_files()[MAIL_FILE + ".bak"] == "{not json"


def test_every_save_copies_the_old_file_to_bak_and_writes_it_as_php_does(emulator):
    before = emulator.settings_files()[CORE_FILE]
    assert CORE_FILE + ".bak" not in emulator.settings_files()
    assert result(emulator.api("Core", "UpdateSettings", {"SiteName": "\u00dcn\u00ef/x"})) is True
    files = emulator.settings_files()
    assert files[CORE_FILE + ".bak"] == before
    assert '"SiteName": [\n        "\\u00dcn\\u00ef\\/x",' in files[CORE_FILE]
    assert core(emulator)["SiteName"] == "\u00dcn\u00ef/x"


# ---- what GetSettings shows ---------------------------------------------------------------------------------


def test_core_get_settings_shows_public_keys_to_anyone_and_more_to_the_super_admin(emulator):
    anonymous, admin = core(emulator), admin_core(emulator)
    assert set(anonymous) == ANONYMOUS_CORE_KEYS
    assert set(admin) == ANONYMOUS_CORE_KEYS | ADMIN_CORE_KEYS
    assert not NEVER_SHOWN & set(admin)
    assert admin["AdminLogin"] == "superadmin" and admin["AdminHasPassword"] is True
    assert admin["ELogLevel"] == {"Full": 100, "Warning": 50, "Error": 20}
    assert admin["CommonLanguage"] == "" and admin["Language"] == "English"
    assert anonymous["AvailableBackendModules"] == ["AdminAuth", "Core", "CoreWebclient", "Mail", "Min"]


def test_log_files_data_grows_from_one_call_to_the_next_while_logging_is_on(emulator):
    first, second = admin_core(emulator)["LogFilesData"], admin_core(emulator)["LogFilesData"]
    assert set(first) == {"LogFileName", "LogSizeBytes", "EventLogFileName", "EventLogSizeBytes", "ErrorLogFileName",
                          "ErrorLogSizeBytes"}
    assert first["LogFileName"].startswith("log-") and first["EventLogFileName"].startswith("event-log-")
    assert second["LogSizeBytes"] > first["LogSizeBytes"]
    result(emulator.api("Core", "UpdateLoggingSettings", {"EnableLogging": False}))
    assert admin_core(emulator)["LogFilesData"]["LogSizeBytes"] == admin_core(emulator)["LogFilesData"][
        "LogSizeBytes"]


def test_mail_and_core_webclient_show_their_public_keys_and_others_answer_result_false(emulator):
    assert set(mail(emulator)) == {
        "Accounts", "AllowAddAccounts", "AllowAutosaveInDrafts", "AllowChangeMailQuotaOnMailServer",
        "AllowDefaultAccountForUser", "AllowIdentities", "OnlyUserEmailsInIdentities", "AllowInsertImage",
        "AutoSaveIntervalSeconds", "AllowTemplateFolders", "AllowInsertTemplateOnCompose", "MaxTemplatesCountOnCompose",
        "AllowAlwaysRefreshFolders", "AutocreateMailAccountOnNewUserFirstLogin", "IgnoreImapSubscription",
        "ImageUploadSizeLimit", "AllowUnifiedInbox", "SmtpAuthType", "MessagesSortBy", "AllowScheduledAutoresponder"}
    webclient = result(emulator.api("CoreWebclient", "GetSettings", token=None))
    assert len(webclient) == 23 and not NEVER_SHOWN & set(webclient)
    assert webclient["BaseUrl"] == emulator.url
    assert {"name": "Deutsch", "value": "German"} in webclient["LanguageListWithNames"]
    assert webclient["ThemeList"] == ["Default", "DefaultDark", "DeepForest", "Funny", "Sand"]
    for module in ("AdminAuth", "Min"):
        assert result(emulator.api(module, "GetSettings")) is False
        assert_error(emulator.api(module, "UpdateSettings", {"Disabled": True}), 114, module)


# ---- the writers ---------------------------------------------------------------------------------


def test_core_update_settings_casts_to_the_stored_types(emulator):
    assert result(emulator.api("Core", "UpdateSettings", {
        "SiteName": ["a"], "EnableLogging": "no", "TimeFormat": "1", "LoggingLevel": 999, "Language": "Klingon",
        "AdminLanguage": None, "DbLogin": "aurora", "NoSuchSetting": "x"})) is True
    core_file, system = stored(emulator, CORE_FILE), stored(emulator, SYSTEM_FILE)
    assert core_file["SiteName"][0] == "Array" and core_file["TimeFormat"][0] == "F12"
    assert core_file["Language"][0] == "Klingon"
    assert system["EnableLogging"][0] is True and system["LoggingLevel"][0] == "" and system["DBLogin"][0] == "aurora"
    assert system["AdminLanguage"][0] == "English" and "NoSuchSetting" not in system
    assert admin_core(emulator)["LoggingLevel"] == 100 and admin_core(emulator)["DBLogin"] == "aurora"
    assert result(emulator.api("Core", "UpdateSettings", {"TimeFormat": 5, "LoggingLevel": "Error"})) is True
    assert stored(emulator, CORE_FILE)["TimeFormat"][0] == "" and core(emulator)["TimeFormat"] == 0
    assert stored(emulator, SYSTEM_FILE)["LoggingLevel"][0] == ""


def test_core_update_settings_ignores_date_format_and_saves_the_core_file_only_for_its_keys(emulator):
    before = emulator.settings_files()[CORE_FILE]
    assert result(emulator.api("Core", "UpdateSettings", {"DateFormat": "MM/DD/YYYY", "AdminLanguage": "German"}))
    assert emulator.settings_files()[CORE_FILE] == before and CORE_FILE + ".bak" not in emulator.settings_files()
    assert admin_core(emulator)["AdminLanguage"] == "German" and core(emulator)["DateFormat"] == "DD/MM/YYYY"


def test_core_update_settings_sets_core_webclient_theme(emulator):
    # From CoreWebclient's source (its Core::UpdateSettings::after subscriber), not observed.
    assert result(emulator.api("Core", "UpdateSettings", {"Theme": "Funny"})) is True
    assert result(emulator.api("CoreWebclient", "GetSettings"))["Theme"] == "Funny"


def test_update_logging_settings_writes_config_json_for_the_super_admin_only(emulator):
    assert result(emulator.api("Core", "UpdateLoggingSettings", {"EnableEventLogging": True, "LoggingLevel": 20}))
    admin = admin_core(emulator)
    assert (admin["EnableEventLogging"], admin["LoggingLevel"]) == (True, 20)
    assert stored(emulator, SYSTEM_FILE)["LoggingLevel"][0] == "Error"
    assert_error(emulator.api("Core", "UpdateLoggingSettings", {"EnableLogging": False}, token=None), 108, "Core",
                 "AccessDenied")


def test_mail_update_settings_sets_two_keys_and_ignores_the_rest(emulator):
    assert result(emulator.api("Mail", "UpdateSettings", {
        "AllowAddAccounts": "false", "AutocreateMailAccountOnNewUserFirstLogin": False,
        "DoImapLoginOnAccountCreate": False, "AllowAutosaveInDrafts": False})) is True
    settings = mail(emulator)
    assert settings["AllowAddAccounts"] is True  # "false" is a true string
    assert settings["AutocreateMailAccountOnNewUserFirstLogin"] is False
    assert settings["AllowAutosaveInDrafts"] is True and emulator.settings()["Mail"]["DoImapLoginOnAccountCreate"]
    assert_error(emulator.api("Mail", "UpdateSettings", {"AllowAddAccounts": False}, token=None), 108, "Mail",
                 "AccessDenied")


def test_writers_answer_true_whatever_they_changed(emulator):
    for module, method, params in (("Core", "UpdateSettings", {}), ("Core", "UpdateSettings", {"Nothing": 1}),
                                   ("Core", "UpdateLoggingSettings", {}), ("Mail", "UpdateSettings", {})):
        assert result(emulator.api(module, method, params)) is True


# ---- the admin password and login ---------------------------------------------------------------------------


def test_a_wrong_password_answers_503_after_the_core_file_is_saved(emulator):
    answer = emulator.api("Core", "UpdateSettings", {
        "SiteName": "Half", "AdminLanguage": "German", "EnableLogging": False, "Password": "wrong",
        "NewPassword": NEW_PASSWORD})
    assert_error(answer, 503, "Core")
    assert core(emulator)["SiteName"] == "Half"  # the Core file was saved before the check
    admin = admin_core(emulator)
    assert (admin["AdminLanguage"], admin["EnableLogging"]) == ("English", True)  # config.json was not
    assert result(login(emulator))["AuthToken"]


def test_new_password_without_the_current_one_or_empty_changes_nothing(emulator):
    before = stored(emulator, SYSTEM_FILE)["AdminPassword"]
    for params in ({"NewPassword": NEW_PASSWORD}, {"Password": emulator.admin_password, "NewPassword": ""}):
        assert result(emulator.api("Core", "UpdateSettings", params)) is True
        assert stored(emulator, SYSTEM_FILE)["AdminPassword"] == before


def test_a_password_change_hashes_the_trimmed_password_and_keeps_old_tokens(emulator):
    token = result(login(emulator))["AuthToken"]
    assert result(emulator.api("Core", "UpdateSettings", {
        "Password": emulator.admin_password, "NewPassword": f" {NEW_PASSWORD} "})) is True
    stored_hash = stored(emulator, SYSTEM_FILE)["AdminPassword"][0]
    assert stored_hash.startswith("$2y$10$") and len(stored_hash) == 60 and NEW_PASSWORD not in stored_hash
    assert_error(login(emulator), 102, "", "AuthError")
    assert result(login(emulator, password=NEW_PASSWORD))["AuthToken"]
    assert result(login(emulator, password=f"  {NEW_PASSWORD}\n"))["AuthToken"]
    assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}, token=token))["Count"] == 0


def test_with_no_stored_password_any_new_password_is_set(emulator):
    edit(emulator, SYSTEM_FILE, AdminPassword=["", "string", None, ""])
    assert result(login(emulator, password=""))["AuthToken"]
    assert result(emulator.api("Core", "UpdateSettings", {"NewPassword": NEW_PASSWORD})) is True
    assert_error(login(emulator, password=""), 102, "", "AuthError")
    assert result(login(emulator, password=NEW_PASSWORD))["AuthToken"]


def test_an_empty_admin_login_is_accepted_and_then_logs_in(emulator):
    assert result(emulator.api("Core", "UpdateSettings", {"AdminLogin": ""})) is True
    assert stored(emulator, SYSTEM_FILE)["AdminLogin"][0] == ""
    assert_error(login(emulator, login_name="superadmin"), 102, "", "AuthError")
    assert result(login(emulator, login_name=""))["AuthToken"]


def test_the_login_whitelist_of_admin_auth(emulator):
    emulator.settings({"AdminAuth": {"SuperadminWhitelistIp": ["192.0.2.1"]}})
    assert_error(login(emulator), 102, "", "AuthError")
    emulator.settings({"AdminAuth": {"SuperadminWhitelistIp": ["127.0.0.1"]}})
    assert result(login(emulator))["AuthToken"]


# ---- Disabled ---------------------------------------------------------------------------------------------


def test_a_disabled_module_vanishes_and_its_calls_answer_113(emulator):
    emulator.settings({"Mail": {"Disabled": True}})
    assert "Mail" not in core(emulator)["AvailableBackendModules"]
    for method in ("GetSettings", "GetServers", "UpdateSettings"):
        assert_error(emulator.api("Mail", method, {}), 113, "", "Module not found")
    emulator.settings({"Mail": {"Disabled": False}})
    assert result(emulator.api("Mail", "GetServers", {}))["Count"] == 0


def test_admin_auth_disabled_refuses_logins_but_keeps_tokens(emulator):
    token = result(login(emulator))["AuthToken"]
    emulator.settings({"AdminAuth": {"Disabled": True, "AllowLoginFromCoreModule": True}})
    assert_error(login(emulator), 113, "", "Module not found")
    core_login = emulator.api("Core", "Login", {"Login": "superadmin", "Password": emulator.admin_password},
                              token=None)
    assert_error(core_login, 102, "", "AuthError")
    assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}, token=token))["Count"] == 0


def test_core_webclient_disabled_kills_core_get_settings_only(emulator):
    emulator.settings({"CoreWebclient": {"Disabled": True}})
    answer = emulator.call("Core", "GetSettings", token=None)
    assert (answer.status, answer.body) == (500, b"")
    assert result(emulator.api("Mail", "GetSettings"))["AllowIdentities"] is True
    emulator.settings({"CoreWebclient": {"Disabled": False}})
    assert "CoreWebclient" in core(emulator)["AvailableBackendModules"]


def test_core_disabled_is_ignored(emulator):
    emulator.settings({"Core": {"Disabled": True}})
    assert "Core" in core(emulator)["AvailableBackendModules"]


# ---- overlapping saves ------------------------------------------------------------------------------------


def race_two(emulator, path, first, second, at="save"):
    """``first`` then ``second`` (callables), the saves of ``path`` meeting at a race gate; their answers."""
    emulator.admin_token  # noqa: B018 - log in before the threads
    emulator.settings_race(path, writers=2, at=at, seconds=GATE_SECONDS)
    thread, answers = in_background(first)
    wait_until(lambda: emulator.settings_races()[0]["arrived"] == 1, "the first save at the gate")
    last = second()
    thread.join(GATE_SECONDS + 5)
    assert emulator.settings_races() == []
    return answers[0], last


def test_two_overlapping_saves_of_one_file_lose_the_first_value(emulator):
    answers = race_two(emulator, CORE_FILE,
                       lambda: emulator.api("Core", "UpdateSettings", {"SiteName": "First writer"}),
                       lambda: emulator.api("Core", "UpdateSettings", {"Language": "German"}))
    assert [result(answer) for answer in answers] == [True, True]
    data = stored(emulator, CORE_FILE)
    assert data["Language"][0] == "German" and data["SiteName"][0] == "Afterlogic WebMail Lite PHP"


def test_overlapping_saves_of_config_json_lose_a_value_too(emulator):
    answers = race_two(emulator, SYSTEM_FILE,
                       lambda: emulator.api("Core", "UpdateSettings", {"AdminLanguage": "German"}),
                       lambda: emulator.api("Core", "UpdateLoggingSettings", {"EnableLogging": False}))
    assert [result(answer) for answer in answers] == [True, True]
    admin = admin_core(emulator)
    assert (admin["AdminLanguage"], admin["EnableLogging"]) == ("English", False)


def test_saves_that_truncate_before_either_writes_leave_a_torn_file_read_from_bak(emulator):
    answers = race_two(emulator, MAIL_FILE,
                       lambda: emulator.api("Mail", "UpdateSettings", {"AllowAddAccounts": False}),
                       lambda: emulator.api("Mail", "UpdateSettings", {}), at="write")
    assert [result(answer) for answer in answers] == [True, True]
    text = emulator.settings_files()[MAIL_FILE]
    with pytest.raises(ValueError):
        json.loads(text)
    assert text.endswith("}}")  # the shorter text, then the last byte of the longer one
    assert mail(emulator)["AllowAddAccounts"] is True  # the .bak: as before both saves
    assert result(emulator.api("Mail", "UpdateSettings", {"AutocreateMailAccountOnNewUserFirstLogin": False}))
    assert stored(emulator, MAIL_FILE)["AutocreateMailAccountOnNewUserFirstLogin"][0] is False  # a whole file again


def test_race_gates_are_checked_and_cleared(emulator):
    for payload in ({"file": "other.json"}, {"file": CORE_FILE, "writers": 1}, {"file": CORE_FILE, "at": "read"},
                    {"file": CORE_FILE + ".bak"}, {"file": CORE_FILE, "seconds": 0}):
        assert emulator.control("POST", "settings/race", payload).status == 400
    emulator.settings_race(CORE_FILE)
    emulator.faults_clear()
    assert emulator.settings_races() == []


# ---- the control endpoints ----------------------------------------------------------------------------------


@pytest.mark.parametrize("changes", [
    {"Core": {"TimeFormat": "F13"}}, {"Core": {"SiteName": 5}}, {"Core": {"AllowGroups": "yes"}},
    {"Mail": {"AutoSaveIntervalSeconds": 1.5}}, {"MailDomains": {"Disabled": True}}, {"Core": {"Nope": 1}},
])
def test_operator_edits_are_checked(emulator, changes):
    before = emulator.settings_files()
    answer = emulator.control("POST", "settings", changes)
    assert answer.status == 400 and "error" in answer.json()
    assert emulator.settings_files() == before


def test_operator_edits_take_enum_names_or_values(emulator):
    assert emulator.settings({"Core": {"TimeFormat": "F12"}})["Core"]["TimeFormat"] == 1
    assert emulator.settings({"Core": {"TimeFormat": 0}})["Core"]["TimeFormat"] == 0
    assert stored(emulator, CORE_FILE)["TimeFormat"][0] == "F24"


def test_settings_files_refuse_paths_outside_the_layout(emulator):
    for files in ({"../config.json": "{}"}, {"modules/Core.json": "{}"}, {CORE_FILE: 5}):
        assert emulator.control("POST", "settings/files", files).status == 400


# ---- the PHP API of the fake Aurora --------------------------------------------------------------------------


def run_php(aurora_path, code, background=False):
    """``code`` in a php process with the fake Aurora initialised as the super-administrator."""
    script = ("require $argv[1] . '/system/autoload.php';\n\\Aurora\\System\\Api::Init(true);\n" + code)
    command = ["php", "-r", script, str(aurora_path)]
    if background:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_php
def test_php_set_config_and_save_module_config_change_what_get_settings_shows(emulator, fake_aurora):
    output = run_php(fake_aurora(emulator), """
$oMail = \\Aurora\\System\\Api::GetModule('Mail');
var_export([$oMail->setConfig('AllowIdentities', false), $oMail->setConfig('DoImapLoginOnAccountCreate', 0),
            $oMail->saveModuleConfig(), $oMail->getConfig('AllowIdentities')]);
""")
    assert output == "array (\n  0 => false,\n  1 => false,\n  2 => true,\n  3 => false,\n)"
    assert mail(emulator)["AllowIdentities"] is False
    assert stored(emulator, MAIL_FILE)["DoImapLoginOnAccountCreate"] == [False, "bool", None, ""]
    calls = [(c["Method"], c.get("Transport")) for c in emulator.calls() if c["Method"].startswith("@")]
    assert calls == [("@ReadSettings", "php"), ("@WriteSettings", "php")]


@needs_php
def test_php_system_settings_cast_like_aurora(emulator, fake_aurora):
    output = run_php(fake_aurora(emulator), """
$oSettings = &\\Aurora\\System\\Api::GetSettings();
$oSettings->EnableMultiTenant = true;
$oSettings->PasswordMinLength = '7';
$oSettings->SetValue('ZzNewFlag', true);
$oSettings->SetValue('ZzNewNumber', 3);
echo json_encode([$oSettings->Save(), $oSettings->LoggingLevel, isset($oSettings->ZzNewFlag)]);
$oCore = \\Aurora\\System\\Api::GetModuleManager()->GetModuleSettings('Core');
$oCore->TimeFormat = 1;
$oCore->SetValue('DateFormat', 'MM/DD/YYYY');
echo json_encode($oCore->Save());
""")
    assert output == "[true,100,true]true"
    assert core(emulator)["EnableMultiTenant"] is True and core(emulator)["PasswordMinLength"] == 7
    system = stored(emulator, SYSTEM_FILE)
    assert system["PasswordMinLength"] == [7, "int", None, ""]
    assert system["ZzNewFlag"] == [True, "boolean", None, ""] and system["ZzNewNumber"] == [3, "integer", None, ""]
    assert stored(emulator, CORE_FILE)["TimeFormat"][0] == "F12" and core(emulator)["DateFormat"] == "MM/DD/YYYY"
    assert emulator.settings()["System"]["ZzNewFlag"] is True  # a "boolean" key reads back as a bool


@needs_php
def test_php_reaches_a_disabled_module_through_the_module_manager(emulator, fake_aurora):
    emulator.settings({"Mail": {"Disabled": True}})
    run_php(fake_aurora(emulator), """
$oManager = \\Aurora\\System\\Api::GetModuleManager();
$oManager->setModuleConfigValue('Mail', 'Disabled', false);
$oManager->saveModuleConfigValue('Mail');
""")
    assert "Mail" in core(emulator)["AvailableBackendModules"]


@needs_php
def test_php_and_web_saves_of_one_file_race(emulator, fake_aurora):
    aurora_path = fake_aurora(emulator)

    def php_writer():
        process = run_php(aurora_path, """
$oMail = \\Aurora\\System\\Api::GetModule('Mail');
$oMail->setConfig('AllowIdentities', false);
echo json_encode($oMail->saveModuleConfig());
""", background=True)
        output, errors = process.communicate(timeout=GATE_SECONDS + 30)
        return output, errors

    php_answer, web_answer = race_two(
        emulator, MAIL_FILE, php_writer,
        lambda: emulator.api("Mail", "UpdateSettings", {"AllowAddAccounts": False}))
    assert php_answer[0] == "true", php_answer[1]
    assert result(web_answer) is True
    settings = mail(emulator)
    assert settings["AllowAddAccounts"] is False and settings["AllowIdentities"] is True  # the php write is lost


@needs_php
def test_php_declares_aurora_enum_classes_with_the_emulator_maps(emulator, fake_aurora):
    output = run_php(fake_aurora(emulator), """
$aMaps = [];
foreach (['TimeFormat', 'DateFormat', 'LogLevel', 'DbType'] as $sName) {
    $sClass = sprintf('Aurora\\System\\Enums\\%s', $sName);
    $oEnum = new $sClass;
    $aMaps[$sClass] = [$oEnum instanceof \\Aurora\\System\\Enums\\AbstractEnumeration, $oEnum->getMap()];
}
$oCore = \\Aurora\\System\\Api::GetModuleManager()->GetModuleSettings('Core');
$oCore->SetValue('TimeFormat', '1');
$aMaps['strict'] = [$oCore->TimeFormat,
                    \\Aurora\\System\\Enums\\EnumConvert::ToXml(50, 'Aurora\\System\\Enums\\LogLevel')];
echo json_encode($aMaps);
""")
    maps = json.loads(output)
    assert maps.pop("strict") == [None, "Warning"]  # a spec value must be one of the enum's, strictly
    assert maps == {name: [True, values] for name, values in ENUMS.items()}
    assert maps["Aurora\\System\\Enums\\TimeFormat"][1] == {"F12": 1, "F24": 0}


def settings_folder(aurora_path):
    return aurora_path / "data" / "settings"


def files_on_disk(aurora_path):
    """{path under data/settings/: text} of the settings files in a fake Aurora's folder."""
    folder = settings_folder(aurora_path)
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
            for path in folder.rglob("*.json*") if path.name != "emulator.json"}


def test_a_new_fake_aurora_holds_the_emulator_settings_files(emulator, tmp_path):
    emulator.settings({"Core": {"SiteName": "Copied"}})
    aurora_path = make_fake_aurora(emulator, tmp_path)
    assert files_on_disk(aurora_path) == emulator.settings_files()
    assert json.loads((settings_folder(aurora_path) / CORE_FILE).read_text())["SiteName"][0] == "Copied"


def test_sync_settings_files_rewrites_in_place_and_removes_what_the_emulator_deleted(emulator, tmp_path):
    aurora_path = make_fake_aurora(emulator, tmp_path)
    folder = settings_folder(aurora_path)
    inode = (folder / MAIL_FILE).stat().st_ino
    emulator.settings_files({CORE_FILE: None, MAIL_FILE: "{not json"})
    assert sync_settings_files(emulator, aurora_path) == emulator.settings_files()
    assert not (folder / CORE_FILE).exists()
    assert (folder / MAIL_FILE).read_text() == "{not json" and (folder / MAIL_FILE).stat().st_ino == inode
    assert files_on_disk(aurora_path) == emulator.settings_files() and (folder / "emulator.json").is_file()


@needs_php
def test_php_save_writes_the_saved_file_where_get_path_says(emulator, fake_aurora):
    aurora_path = fake_aurora(emulator)
    folder = settings_folder(aurora_path)
    inode = (folder / MAIL_FILE).stat().st_ino
    output = run_php(aurora_path, """
$oMail = \\Aurora\\System\\Api::GetModule('Mail');
$oMail->setConfig('AllowIdentities', false);
$oMail->saveModuleConfig();
$oSettings = &\\Aurora\\System\\Api::GetSettings();
$oSettings->SetValue('LoggingLevel', 50);
$oSettings->Save();
echo json_encode([$oMail->getModuleSettings()->GetPath(), $oSettings->GetPath()]);
""")
    assert json.loads(output) == [str(folder.resolve() / MAIL_FILE), str(folder.resolve() / SYSTEM_FILE)]
    files = emulator.settings_files()
    for path in (MAIL_FILE, MAIL_FILE + ".bak", SYSTEM_FILE, SYSTEM_FILE + ".bak"):
        assert (folder / path).read_text(encoding="utf-8") == files[path], path
    assert json.loads(files[MAIL_FILE])["AllowIdentities"] == [False, "bool", None, ""]
    assert json.loads(files[SYSTEM_FILE])["LoggingLevel"] == ["Warning", "spec", "Aurora\\System\\Enums\\LogLevel", ""]
    assert (folder / MAIL_FILE).stat().st_ino == inode  # rewritten in place, as Aurora's file_put_contents does


@needs_php
def test_php_init_copies_the_files_as_aurora_loads_them(emulator, fake_aurora):
    aurora_path = fake_aurora(emulator)
    assert result(emulator.api("Mail", "UpdateSettings", {"AllowAddAccounts": False}))  # leaves Mail's .bak
    emulator.settings_files({CORE_FILE: None, MAIL_FILE + ".bak": None})
    assert files_on_disk(aurora_path) != emulator.settings_files()
    # MailDomains is not installed in WebMail Lite: loading its settings object saves a file with its defaults
    run_php(aurora_path, "\\Aurora\\System\\Api::GetModuleManager()->GetModuleSettings('MailDomains')->Load();")
    files = emulator.settings_files()
    assert CORE_FILE in files  # Aurora's init saved the missing file with the defaults
    assert "modules/MailDomains.config.json" in files
    assert files_on_disk(aurora_path) == files
    assert json.loads(files[MAIL_FILE])["AllowAddAccounts"][0] is False


def test_the_emulator_starts_with_the_command_line_admin():
    with Emulator(admin_login="root-admin", admin_password=" spaced ") as other:
        assert result(login(other, password="spaced"))["AuthToken"]
        assert stored(other, SYSTEM_FILE)["AdminLogin"][0] == "root-admin"
