"""The products the emulator can start as: which modules are installed and how the fresh install is set up.

  lite       WebMail Lite 9.8.5 as reset before tests/contract/contract.json and settings.json were recorded (the
             default): the modules AdminAuth, Core, CoreWebclient, Mail and Min
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

BASE_MODULES = ("AdminAuth", "Core", "CoreWebclient", "Mail", "Min")  # WebMail Lite 9.8.5 as recorded


@dataclass(frozen=True)
class Profile:
    name: str
    # Changes to a fresh install's settings files (settings.py), {"File": {"Name": value}} as POST
    # /_emulator/settings takes them; "System" is data/settings/config.json.
    settings: dict = field(default_factory=dict)
    mail_domains: bool = False  # the MailDomains module is installed

    @property
    def installed_modules(self):
        """The modules with a settings file (the licensed MailMultiAccountsPlugin is a switch, settings.py)."""
        return BASE_MODULES + (("MailDomains",) if self.mail_domains else ())


LITE = Profile("lite")
CORPORATE = Profile(
    "corporate",
    settings={"System": {"EnableMultiTenant": True}, "Core": {"AllowGroups": True}},
    mail_domains=True,
)
MULTI_ACCOUNTS = Profile(
    "multi-accounts",
    settings=dict(CORPORATE.settings, MailMultiAccountsPlugin={"Enabled": True}),
    mail_domains=True,
)
PROFILES = {profile.name: profile for profile in (LITE, CORPORATE, MULTI_ACCOUNTS)}
