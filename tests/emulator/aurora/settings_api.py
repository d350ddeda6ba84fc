"""The modules' GetSettings: which settings each shows, to whom, and the values it computes
(../shared/aurora-settings.md §2; the writers are in settings_writers.py).

Keys a GetSettings does not show (e.g. Core Disabled, system AdminPassword, DBPassword, Mail Sieve*) can only be read
from the files.  A module with no GetSettings of its own (AdminAuth, Min, MailDomains) answers ``Result: false``: the
framework's base GetSettings returns null (Emulator.find_handler).
"""
from .errors import PhpFatal
from .php import php_truthy
from .registry import MODULES, api_method
from .render import render_account
from .roles import USER_ROLES
from .settings import VERSIONS
from .settings_schema import LANGUAGES, LOG_LEVEL, SYSTEM_FILE, ENUMS

CORE_SHOWN = ("AutodetectLanguage", "UserSelectsDateFormat", "DateFormat", "DateFormatList")
SYSTEM_SHOWN_TO_ADMIN = ("DBHost", "DBName", "DBLogin", "AdminLogin")
LOGGING_SHOWN_TO_ADMIN = ("EnableLogging", "EnableEventLogging", "LoggingLevel")
MAIL_SHOWN = ("AllowAddAccounts", "AllowAutosaveInDrafts", "AllowChangeMailQuotaOnMailServer",
              "AllowDefaultAccountForUser", "AllowIdentities", "OnlyUserEmailsInIdentities", "AllowInsertImage",
              "AutoSaveIntervalSeconds", "AllowTemplateFolders", "AllowInsertTemplateOnCompose",
              "MaxTemplatesCountOnCompose", "AllowAlwaysRefreshFolders", "AutocreateMailAccountOnNewUserFirstLogin",
              "IgnoreImapSubscription", "ImageUploadSizeLimit", "AllowUnifiedInbox")
WEBCLIENT_SHOWN = ("AllowChangeSettings", "AllowClientDebug", "AllowDesktopNotifications", "AllowMobile",
                   "AllowPrefetch", "AttachmentSizeLimit", "AutoRefreshIntervalMinutes", "CustomLogoutUrl",
                   "DefaultAnonymScreenHash", "DefaultUserScreenHash", "GoogleAnalyticsAccount", "HeaderModulesOrder",
                   "IsDemo")
WEBCLIENT_SHOWN_LATER = ("MultipleFilesUploadLimit", "ShowQuotaBar", "ShowQuotaBarTextAsTooltip", "QuotaWarningPerc",
                         "Theme", "ThemeList", "HideLogout")
SMTP_AUTH_TYPES = {"NoAuthentication": "0", "UseSpecifiedCredentials": "1", "UseUserCredentials": "2"}


def language_list(core):
    """The integrator's languages: all of them, or those of Core's LanguageList that exist.
    # inferred: the order of a non-empty LanguageList is kept."""
    wanted = core["LanguageList"]
    if isinstance(wanted, list) and wanted:
        return [name for name in wanted if name in LANGUAGES]
    return list(LANGUAGES)


def effective_language(core):
    """Api::GetLanguage() for a caller without a language of its own.  Recorded: AutodetectLanguage on gives
    "English" whatever Core's Language is (# inferred: the emulator's clients send no Accept-Language); off gives
    Core's Language as stored, even a language Aurora does not have."""
    if php_truthy(core["AutodetectLanguage"]) or core["Language"] in ("", None):
        return "English"
    return core["Language"]


@api_method("Core", "GetSettings")
def core_get_settings(call):
    settings = call.emulator.settings
    if "CoreWebclient" in settings.profile.installed_modules and not call.emulator.module_enabled("CoreWebclient"):
        raise PhpFatal("Class \"Aurora\\Modules\\CoreWebclient\\Module\" not found")  # recorded: HTTP 500, no body
    core, system = settings.view("Core"), settings.view(SYSTEM_FILE)
    language = effective_language(core)
    result = {name: core[name] for name in CORE_SHOWN}
    result.update({
        "EUserRole": dict(USER_ROLES),
        "Language": language,
        "ShortLanguage": LANGUAGES.get(language, "en"),
        "LanguageList": language_list(core),
        "LastErrorCode": 0,
        "SiteName": core["SiteName"],
        "SocialName": "",
        "TenantName": None,
        "EnableMultiTenant": system["EnableMultiTenant"],
        "TimeFormat": core["TimeFormat"],
        "UserId": call.caller.envelope_id,
        "IsSystemConfigured": True,
        "Version": VERSIONS[call.aurora_major],
        "ProductName": core["ProductName"],
        "PasswordMinLength": system["PasswordMinLength"],
        "PasswordMustBeComplex": system["PasswordMustBeComplex"],
        "CookiePath": "/",
        "CookieSecure": False,
        "AuthTokenCookieExpireTime": core["AuthTokenCookieExpireTime"],
        "StoreAuthTokenInDB": system["StoreAuthTokenInDB"],
        "AvailableClientModules": [],
        # inferred: only the modules the emulator serves are listed (a real install lists more).
        "AvailableBackendModules": sorted(m for m in MODULES if call.emulator.module_enabled(m)),
        "AllowGroups": core["AllowGroups"],
    })
    if call.caller.is_superadmin:
        result.update({name: system[name] for name in SYSTEM_SHOWN_TO_ADMIN})
        result.update({"AdminHasPassword": php_truthy(system["AdminPassword"]),
                       "AdminLanguage": system["AdminLanguage"], "CommonLanguage": core["Language"],
                       "EncryptionKeyNotEmpty": True})
        result.update({name: system[name] for name in LOGGING_SHOWN_TO_ADMIN})
        result["LogFilesData"] = settings.log_files_data()
        result["ELogLevel"] = dict(ENUMS[LOG_LEVEL])
    elif call.caller.user:  # a user's own formats
        user = call.caller.user
        if user["DateFormat"] != "":
            result["DateFormat"] = user["DateFormat"]
        result["TimeFormat"] = user["TimeFormat"]
        result["Timezone"] = user["DefaultTimeZone"]
    return result


@api_method("Mail", "GetSettings")
def mail_get_settings(call):
    mail = call.emulator.settings.view("Mail")
    accounts = []
    if call.caller.user:
        accounts = [render_account(call.db, a, viewer_tenant=call.caller.tenant_id)
                    for a in call.db.accounts_of_user(call.caller.user["Id"])]
    result = {"Accounts": accounts}
    result.update({name: mail[name] for name in MAIL_SHOWN})
    result["AllowAutosaveInDrafts"] = php_truthy(mail["AllowAutosaveInDrafts"])
    result["SmtpAuthType"] = dict(SMTP_AUTH_TYPES)
    result["MessagesSortBy"] = mail["MessagesSortBy"]
    result["AllowScheduledAutoresponder"] = mail["AllowScheduledAutoresponder"]
    if call.emulator.module_enabled("MailMultiAccountsPlugin"):
        result["AllowMultiAccounts"] = True
    return result


@api_method("CoreWebclient", "GetSettings")
def core_webclient_get_settings(call):
    webclient = call.emulator.settings.view("CoreWebclient")
    languages = language_list(call.emulator.settings.view("Core"))
    names = webclient["LanguageNames"] if isinstance(webclient["LanguageNames"], dict) else {}
    result = {name: webclient[name] for name in WEBCLIENT_SHOWN}
    result["IsMobile"] = 0  # inferred: the integrator's "not mobile" for a client that sent no mobile hint
    result["LanguageListWithNames"] = [
        {"name": names.get(language, language), "value": language} for language in languages]
    result.update({name: webclient[name] for name in WEBCLIENT_SHOWN_LATER})
    result["BaseUrl"] = call.base_url
    return result
