"""Core.GetSettings and Mail.GetSettings: what the modules report to any caller, anonymous included."""
from .registry import MODULES, api_method
from .render import render_account
from .roles import USER_ROLES
from .settings import VERSIONS


@api_method("Core", "GetSettings")
def core_get_settings(call):
    # inferred: only the modules the emulator serves are listed (a real install lists more).
    modules = sorted(m for m in MODULES if call.emulator.module_enabled(m))
    profile = call.emulator.profile
    settings = {
        **profile.core_settings,
        "Version": VERSIONS[call.aurora_major] + profile.version_suffix,
        "EUserRole": dict(USER_ROLES),
        "AvailableBackendModules": modules,
        "EnableMultiTenant": call.setting("System", "EnableMultiTenant"),
        "StoreAuthTokenInDB": False,
        "UserId": call.caller.envelope_id,  # inferred: the same value as AuthenticatedUserId
        "AllowGroups": call.setting("Core", "AllowGroups"),
    }
    if call.caller.is_superadmin:
        settings["AdminLogin"] = call.emulator.admin_login
        settings["AdminHasPassword"] = bool(call.emulator.admin_password)
    return settings


SMTP_AUTH_TYPES = {"NoAuthentication": "0", "UseSpecifiedCredentials": "1", "UseUserCredentials": "2"}


@api_method("Mail", "GetSettings")
def mail_get_settings(call):
    accounts = []
    if call.caller.user:
        accounts = [render_account(call.db, a, viewer_tenant=call.caller.tenant_id)
                    for a in call.db.accounts_of_user(call.caller.user["Id"])]
    settings = {  # as recorded on a default install: tests/contract/corporate.json step 2
        "Accounts": accounts,
        "AllowAddAccounts": call.setting("Mail", "AllowAddAccounts"),
        "AllowAutosaveInDrafts": True,
        "AllowChangeMailQuotaOnMailServer": False,
        "AllowDefaultAccountForUser": True,
        "AllowIdentities": True,
        "OnlyUserEmailsInIdentities": False,
        "AllowInsertImage": True,
        "AutoSaveIntervalSeconds": 60,
        "AllowTemplateFolders": False,
        "AllowInsertTemplateOnCompose": False,
        "MaxTemplatesCountOnCompose": 100,
        "AllowAlwaysRefreshFolders": False,
        "AutocreateMailAccountOnNewUserFirstLogin": call.setting("Mail", "AutocreateMailAccountOnNewUserFirstLogin"),
        "IgnoreImapSubscription": False,
        "ImageUploadSizeLimit": 0,
        "AllowUnifiedInbox": True,
        "SmtpAuthType": dict(SMTP_AUTH_TYPES),
        "MessagesSortBy": {"Allow": True, "List": [], "DefaultSortBy": "arrival", "DefaultSortOrder": "desc"},
        "AllowScheduledAutoresponder": False,
    }
    if call.emulator.module_enabled("MailMultiAccountsPlugin"):
        settings["AllowMultiAccounts"] = True
    return settings
