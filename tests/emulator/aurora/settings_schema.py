"""What a fresh WebMail Lite 9.8.5 declares in its settings files: each key's default, type and enum.

Sources (docs/aurora-api-notes.md and ../shared/aurora-settings.md hold the observations):
  * the key lists follow the installed PHP: system keys from the framework's system/Settings.php, module keys from
    each module's Settings.php (aurora-module-core, -mail, -webclient-core, -admin-auth).  The recorded install has
    51 system keys where that source declares the 49 below (the other two are unknown and left out), and 52 Mail
    keys where the newest source declares 55 (# inferred: its SearchWord* keys came later, so they are left out);
    Core's CookieSameSite and FirebaseAppCheck are named by the observations but their source was not found, so their
    defaults are # inferred.
  * the descriptions (each key's 4th slot) are left empty.
  * WebMail Lite's pre-config.json (# inferred: as shipped with WebMail Lite 8; it agrees with every recorded value)
    sets a few keys on a fresh install; a file Aurora re-creates later gets the plain defaults.
"""
from dataclasses import dataclass

ENUM_NAMESPACE = "Aurora\\System\\Enums\\"
TIME_FORMAT = ENUM_NAMESPACE + "TimeFormat"
DATE_FORMAT = ENUM_NAMESPACE + "DateFormat"
LOG_LEVEL = ENUM_NAMESPACE + "LogLevel"
DB_TYPE = ENUM_NAMESPACE + "DbType"

# enum class -> {name stored in the file: value the settings object holds and the API reports}
ENUMS = {
    TIME_FORMAT: {"F12": 1, "F24": 0},
    DATE_FORMAT: {"DD Month YYYY": "DD Month YYYY", "MM/DD/YYYY": "MM/DD/YYYY", "DD/MM/YYYY": "DD/MM/YYYY",
                  "MM/DD/YY": "MM/DD/YY", "DD/MM/YY": "DD/MM/YY"},
    LOG_LEVEL: {"Full": 100, "Warning": 50, "Error": 20},
    DB_TYPE: {"MySQL": "MySql", "PostgreSQL": "PostgreSQL"},
}


@dataclass(frozen=True)
class Declared:
    default: object  # as the settings object holds it: for a "spec" key, the enum's value, not its name
    type: str  # "bool" | "int" | "string" | "array" | "spec"
    spec: str | None = None


def _declare(*items):
    declared = {}
    for name, default, kind, *spec in items:
        declared[name] = Declared(default, kind, spec[0] if spec else None)
    return declared


B, I, S, A, SPEC = "bool", "int", "string", "array", "spec"

SYSTEM = _declare(
    ("LicenseKey", "", S), ("AdminLogin", "superadmin", S), ("AdminPassword", "", S),
    ("AdminLanguage", "English", S), ("DBType", "MySql", SPEC, DB_TYPE), ("DBPrefix", "au_", S),
    ("DBHost", "127.0.0.1", S), ("DBName", "", S), ("DBLogin", "root", S), ("DBPassword", "", S),
    ("UseSlaveConnection", False, B), ("DBSlaveHost", "127.0.0.1", S), ("DBSlaveName", "", S),
    ("DBSlaveLogin", "root", S), ("DBSlavePassword", "", S), ("DBUseExplain", False, B),
    ("DBUseExplainExtended", False, B), ("DBLogQueryParams", False, B), ("DBDebugBacktraceLimit", False, B),
    ("EnableLogging", False, B), ("EnableEventLogging", False, B), ("LoggingLevel", 100, SPEC, LOG_LEVEL),
    ("LogFileName", "log-{Y-m-d}.txt", S), ("LogCustomFullPath", "", S), ("LogPostView", False, B),
    ("EnableMultiChannel", False, B), ("EnableMultiTenant", False, B), ("TenantGlobalCapa", "", S),
    ("AllowThumbnail", True, B), ("ThumbnailMaxFileSizeMb", 5, I), ("CacheCtrl", True, B), ("CacheLangs", True, B),
    ("CacheTemplates", True, B), ("DisplayServerErrorInformation", True, B), ("EnableImap4PlainAuth", False, B),
    ("RedirectToHttps", False, B), ("SocketConnectTimeoutSeconds", 20, I), ("SocketGetTimeoutSeconds", 20, I),
    ("SocketVerifySsl", False, B), ("UseAppMinJs", True, B), ("XFrameOptions", "", S), ("RemoveOldLogs", True, B),
    ("RemoveOldLogsDays", 2, I), ("LogStackTrace", False, B), ("ExpireUserSessionsBeforeTimestamp", 0, I),
    ("PasswordMinLength", 0, I), ("PasswordMustBeComplex", False, B), ("StoreAuthTokenInDB", False, B),
    ("AuthTokenExpirationLifetimeDays", 0, I),
)

CORE = _declare(
    ("Disabled", False, B), ("AllowCapa", False, B), ("AllowPostLogin", False, B), ("CsrfTokenProtection", True, B),
    ("CronTimeToRunSeconds", 10800, I), ("CronTimeToKillSeconds", 10800, I), ("CronTimeFile", ".clear.dat", S),
    ("UserSelectsDateFormat", False, B), ("DateFormat", "DD/MM/YYYY", SPEC, DATE_FORMAT),
    ("DateFormatList", ["DD/MM/YYYY", "MM/DD/YYYY", "DD Month YYYY"], A), ("LanguageList", [], A),
    ("LanguageListComment", "", S), ("Language", "", S), ("AutodetectLanguage", True, B),
    ("PostLoginErrorRedirectUrl", "./", S), ("TimeFormat", 0, SPEC, TIME_FORMAT), ("SiteName", "", S),
    ("ProductName", "Unknown", S), ("AuthTokenCookieExpireTime", 30, I), ("EnableFailedLoginBlock", False, B),
    ("LoginBlockAvailableTriesCount", 10, I), ("LoginBlockDurationMinutes", 3, I),
    ("LoginBlockIpReputationThreshold ", 0, I),  # the trailing space is as shipped
    ("AllowGroups", False, B),
    ("CookieSameSite", "Lax", S), ("FirebaseAppCheck", False, B),  # inferred: see the module docstring
)

# The languages' own names (CoreWebclient LanguageNames, for GetSettings LanguageListWithNames).
LANGUAGE_NAMES = {
    "Arabic": "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "Bulgarian": "\u0411\u044a\u043b\u0433\u0430\u0440\u0441\u043a\u0438",
    "Chinese-Simplified": "\u4e2d\u6587(\u7b80\u4f53)", "Chinese-Traditional": "\u4e2d\u6587(\u9999\u6e2f)",
    "Czech": "\u010ce\u0161tina", "Danish": "Dansk", "Dutch": "Nederlands", "English": "English", "Estonian": "eesti",
    "Finnish": "Suomi", "French": "Fran\u00e7ais", "German": "Deutsch",
    "Greek": "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac", "Hebrew": "\u05e2\u05d1\u05e8\u05d9\u05ea",
    "Hungarian": "Magyar", "Italian": "Italiano", "Japanese": "\u65e5\u672c\u8a9e", "Korean": "\ud55c\uad6d\uc5b4",
    "Latvian": "Latvie\u0161u", "Lithuanian": "Lietuvi\u0173", "Norwegian": "Norsk",
    "Persian": "\u0641\u0627\u0631\u0633\u06cc", "Polish": "Polski", "Portuguese-Portuguese": "Portugu\u00eas",
    "Portuguese-Brazil": "Portugu\u00eas Brasileiro", "Romanian": "Rom\u00e2n\u0103",
    "Russian": "\u0420\u0443\u0441\u0441\u043a\u0438\u0439", "Serbian": "Srpski",
    "Slovenian": "Sloven\u0161\u010dina", "Spanish": "Espa\u00f1ol", "Swedish": "Svenska",
    "Thai": "\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22", "Turkish": "T\u00fcrk\u00e7e",
    "Ukrainian": "\u0423\u043a\u0440\u0430\u0457\u043d\u0441\u044c\u043a\u0430", "Vietnamese": "ti\u1ebfng Vi\u1ec7t",
}

CORE_WEBCLIENT = _declare(
    ("Disabled", False, B), ("AllowChangeSettings", True, B), ("AllowClientDebug", False, B),
    ("AllowDesktopNotifications", False, B), ("AllowIosProfile", True, B), ("AllowMobile", False, B),
    ("AllowPrefetch", True, B), ("AttachmentSizeLimit", 0, I), ("AutoRefreshIntervalMinutes", 1, I),
    ("ContentSecurityPolicy", "", S), ("CustomLogoutUrl", "", S), ("DefaultAnonymScreenHash", "login", S),
    ("DefaultUserScreenHash", "", S), ("GoogleAnalyticsAccount", "", S), ("HeaderModulesOrder", [], A),
    ("IsDemo", False, B), ("LanguageNames", LANGUAGE_NAMES, A), ("MultipleFilesUploadLimit", 50, I),
    ("ShowQuotaBar", True, B), ("ShowQuotaBarTextAsTooltip", True, B), ("QuotaWarningPerc", 0, I),
    ("SyncIosAfterLogin", True, B),
    ("Theme", "Default", S), ("ThemeList", ["Default"], A), ("HideLogout", False, B), ("IncludeInMobile", True, B),
)

MAIL_SORTING = {
    "Allow": False,
    "List": [{"SortBy": "arrival", "LangConst": "LABEL_SORT_BY_DATE"},
             {"SortBy": "from", "LangConst": "LABEL_SORT_BY_FROM"},
             {"SortBy": "to", "LangConst": "LABEL_SORT_BY_TO"},
             {"SortBy": "size", "LangConst": "LABEL_SORT_BY_SIZE"}],
    "DefaultSortBy": "arrival",
    "DefaultSortOrder": "desc",
}

MAIL = _declare(
    ("Disabled", False, B), ("AllowAddAccounts", True, B), ("AllowAutosaveInDrafts", True, B),
    ("AllowChangeMailQuotaOnMailServer", False, B), ("AllowDefaultAccountForUser", False, B),
    ("AllowIdentities", True, B), ("OnlyUserEmailsInIdentities", False, B), ("AllowFilters", True, B),
    ("AllowForward", True, B), ("AllowAutoresponder", True, B), ("AllowScheduledAutoresponder", False, B),
    ("EnableAllowBlockLists", False, B), ("DefaultSpamScore", 5, I), ("ConvertSpamScoreToSpamLevel", False, B),
    ("SieveSpamRuleCondition", 'allof ( not header :matches "X-Spam-Score" "-*", header :value "ge" :comparator '
                               '"i;ascii-numeric" "X-Spam-Score" "{{Value}}" )', S),
    ("AllowInsertImage", True, B), ("AlwaysShowImagesInMessage", False, B), ("AutoSaveIntervalSeconds", 60, I),
    ("AllowTemplateFolders", False, B), ("AllowInsertTemplateOnCompose", False, B),
    ("MaxTemplatesCountOnCompose", 100, I), ("AllowAlwaysRefreshFolders", False, B), ("DisplayInlineCss", False, B),
    ("CleanupOutputBeforeDownload", False, B), ("IgnoreImapSubscription", False, B), ("ImageUploadSizeLimit", 0, I),
    ("SaveRepliesToCurrFolder", False, B), ("SieveGeneralPassword", "", S), ("SieveFileName", "sieve", S),
    ("SieveFiltersFolderCharset", "utf-8", S), ("OverriddenSieveHost", "", S), ("SievePort", 4190, I),
    ("UseBodyStructuresForHasAttachmentsSearch", False, B), ("UseDateFromHeaders", False, B),
    ("XMailerValue", "Afterlogic webmail client", S), ("ForwardedFlagName", "$Forwarded", S),
    ("PreferStarttls", True, B), ("ExternalHostNameOfLocalImap", "", S), ("ExternalHostNameOfLocalSmtp", "", S),
    ("AutocreateMailAccountOnNewUserFirstLogin", False, B), ("SieveUseStarttls", False, B),
    ("DisableStarttlsForLocalhost", True, B), ("XOriginatingIPHeaderName", "X-Original-IP", S),
    ("DoImapLoginOnAccountCreate", True, B), ("MessagesSortBy", MAIL_SORTING, A),
    ("CreateHtmlLinksFromTextLinksInDOM", False, B), ("SieveCheckScript", False, B),
    ("MessagesInfoChunkSize", 1000, I), ("ExpiredLinkLifetimeMinutes", 30, I), ("AllowUnifiedInbox", True, B),
    ("UseIdentityEmailAsSmtpMailFrom", True, B), ("ImapSendOriginatingIP", False, B),
)

ADMIN_AUTH = _declare(("Disabled", False, B), ("SuperadminWhitelistIp", [], A), ("AllowLoginFromCoreModule", False, B))
DISABLED_ONLY = _declare(("Disabled", False, B))

SYSTEM_FILE = "System"  # the name the control API and the in-process entry give data/settings/config.json
DECLARED = {SYSTEM_FILE: SYSTEM, "Core": CORE, "CoreWebclient": CORE_WEBCLIENT, "Mail": MAIL,
            "AdminAuth": ADMIN_AUTH, "Min": DISABLED_ONLY, "MailDomains": DISABLED_ONLY}

SITE_NAME = "Afterlogic WebMail Lite PHP"
PRE_CONFIG = {
    SYSTEM_FILE: {"XFrameOptions": "SAMEORIGIN"},
    "Core": {"SiteName": SITE_NAME, "ProductName": SITE_NAME, "EnableFailedLoginBlock": True},
    "CoreWebclient": {"HeaderModulesOrder": ["mail", "contacts"], "DefaultAnonymScreenHash": "login",
                      "DefaultUserScreenHash": "mail",
                      "ThemeList": ["Default", "DefaultDark", "DeepForest", "Funny", "Sand"]},
    "Mail": {"MessagesSortBy": {"Allow": True, "List": [], "DefaultSortBy": "arrival", "DefaultSortOrder": "desc"},
             "AllowDefaultAccountForUser": True, "AutocreateMailAccountOnNewUserFirstLogin": True,
             "XOriginatingIPHeaderName": ""},
}
# inferred: the recorded fresh install logged its requests (@LoggerGuid in every answer until a contract step turned
# EnableLogging off), so its config.json had logging on.
FRESH_INSTALL = {SYSTEM_FILE: {"EnableLogging": True}}

# The integrator's languages, in the order recorded (tests/contract/settings.json step 1), with the short names of
# Core.GetSettings ShortLanguage (# inferred, but German -> "de" and English -> "en" as recorded; unknown -> "en").
LANGUAGES = {
    "English": "en", "Arabic": "ar", "Bulgarian": "bg", "Chinese-Simplified": "zh-cn", "Chinese-Traditional": "zh-tw",
    "Czech": "cs", "Danish": "da", "Dutch": "nl", "Estonian": "et", "Finnish": "fi", "French": "fr", "German": "de",
    "Greek": "el", "Hebrew": "he", "Hungarian": "hu", "Italian": "it", "Japanese": "ja", "Korean": "ko",
    "Latvian": "lv", "Lithuanian": "lt", "Norwegian": "nb", "Persian": "fa", "Polish": "pl",
    "Portuguese-Brazil": "pt-br", "Portuguese-Portuguese": "pt", "Romanian": "ro", "Russian": "ru", "Serbian": "sr",
    "Slovenian": "sl", "Spanish": "es", "Swedish": "sv", "Thai": "th", "Turkish": "tr", "Ukrainian": "uk",
    "Vietnamese": "vi",
}
