"""The products the emulator can start as: which modules are installed and how the fresh install is set up.

  lite       WebMail Lite 9.8.5 as reset before tests/contract/contract.json was recorded (the default)
  corporate  the same core with the MailDomains module installed, EnableMultiTenant in config.json and Core
             AllowGroups on, as reset before tests/contract/corporate.json was recorded; also as reset before
             tests/contract/corporate-accounts.json, whose instance had MailMultiAccountsPlugin's files but no licence
             key, so the plugin did not load (not listed, its calls 113) and Mail's one account per user held
  multi-accounts
             the corporate profile with MailMultiAccountsPlugin loaded: several mail accounts per user. This part
             was NOT recorded on a real server (the plugin loads only with a license key); it follows the plugin's
             source (docs/aurora-api-notes.md, "several accounts per user"): its accounts manager's canCreate() is
             always true, so a user may hold any number of accounts (two overlapping creations of one e-mail leave
             two rows), and Mail.GetSettings reports AllowMultiAccounts true. The same switch is the setting
             {"MailMultiAccountsPlugin": {"Enabled": true}} of POST /_emulator/settings on any profile.
"""
from dataclasses import dataclass, field

SYSTEM_SITE_NAME = "Afterlogic WebMail Lite PHP"

# The keys the corporate instance's anonymous Core.GetSettings adds to the emulator's usual ones, with their
# recorded values (tests/contract/corporate.json step 0).
RECORDED_CORE_SETTINGS = {
    "AutodetectLanguage": True,
    "UserSelectsDateFormat": False,
    "DateFormat": "DD/MM/YYYY",
    "DateFormatList": ["DD/MM/YYYY", "MM/DD/YYYY", "DD Month YYYY"],
    "Language": "English",
    "ShortLanguage": "en",
    "LanguageList": ["English", "Arabic", "Bulgarian", "Chinese-Simplified", "Chinese-Traditional", "Czech",
                     "Danish", "Dutch", "Estonian", "Finnish", "French", "German", "Greek", "Hebrew", "Hungarian",
                     "Italian", "Japanese", "Korean", "Latvian", "Lithuanian", "Norwegian", "Persian", "Polish",
                     "Portuguese-Brazil", "Portuguese-Portuguese", "Romanian", "Russian", "Serbian", "Slovenian",
                     "Spanish", "Swedish", "Thai", "Turkish", "Ukrainian", "Vietnamese"],
    "LastErrorCode": 0,
    "SiteName": SYSTEM_SITE_NAME,
    "SocialName": "",
    "TenantName": None,
    "TimeFormat": 0,
    "IsSystemConfigured": True,
    "ProductName": SYSTEM_SITE_NAME,
    "PasswordMinLength": 0,
    "PasswordMustBeComplex": False,
    "CookiePath": "/",
    "CookieSecure": False,
    "AuthTokenCookieExpireTime": 30,
    "AvailableClientModules": [],
}


@dataclass(frozen=True)
class Profile:
    name: str
    settings: dict = field(default_factory=dict)  # changes to settings.DEFAULT_SETTINGS on a fresh install
    mail_domains: bool = False  # the MailDomains module is installed
    # Installed modules the emulator serves no method of: listed in AvailableBackendModules; their calls are 114.
    listed_modules: tuple = ()
    core_settings: dict = field(default_factory=dict)  # further keys of Core.GetSettings
    version_suffix: str = ""  # after the version text of Core.GetSettings

    @property
    def installed_modules(self):
        return self.listed_modules + (("MailDomains",) if self.mail_domains else ())


LITE = Profile("lite")
CORPORATE = Profile(
    "corporate",
    settings={"System": {"EnableMultiTenant": True}, "Core": {"AllowGroups": True}},
    mail_domains=True,
    listed_modules=("CoreWebclient", "Min"),
    core_settings=RECORDED_CORE_SETTINGS,
    version_suffix="\n",  # the VERSION file's line end, as recorded on the corporate instance
)
MULTI_ACCOUNTS = Profile(
    "multi-accounts",
    settings=dict(CORPORATE.settings, MailMultiAccountsPlugin={"Enabled": True}),
    mail_domains=True,
    listed_modules=CORPORATE.listed_modules,
    core_settings=RECORDED_CORE_SETTINGS,
    version_suffix=CORPORATE.version_suffix,
)
PROFILES = {profile.name: profile for profile in (LITE, CORPORATE, MULTI_ACCOUNTS)}
