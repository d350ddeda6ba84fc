# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What Aurora's settings are, where they live, and which of them its web API reads and writes.

Facts relied on (docs/aurora-api-notes.md, "Settings"; observed on WebMail Lite 9.8.5): each module keeps its settings
in ``data/settings/modules/<Module>.config.json``, the system its own in ``data/settings/config.json``, every key as
``[value, type, spec, description]``. An enum ("spec") setting is stored by name and reported by the API as a number.
Over the web API, the super-administrator's ``GetSettings`` of Core, Mail and CoreWebclient shows some settings, and
only ``Core.UpdateSettings`` and ``Mail.UpdateSettings`` write, each a few of them; every other setting is read and
written on the Aurora host, through Aurora's PHP API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

SYSTEM = 'system'  # the value of the option module for the system settings (config.json)

# Aurora's types of a setting (the second slot), as this collection checks values against them.
BOOL, INT, STRING, ARRAY, SPEC = 'bool', 'int', 'string', 'array', 'spec'
TYPE_ALIASES = {'boolean': BOOL, 'integer': INT, 'double': None}  # a new key saved through PHP takes gettype()'s name

# Settings that hold a credential: never shown, and set only from a secret option. Besides the passwords and the
# license key: the modules' service keys and tokens (S3Filestorage SecretKey, PushNotificator Secret and ServerKey,
# Google Secret and Key, MastodonIntegrator ClientSecret and AccessToken, RecaptchaWebclientPlugin PrivateKey).
CREDENTIAL = re.compile(r'(Password|Secret|Token|SecretKey|ServerKey|PrivateKey|LicenseKey|ApiKey|^Key)$')
ADMIN_PASSWORD, ADMIN_LOGIN, DISABLED = 'AdminPassword', 'AdminLogin', 'Disabled'
# Modules whose loss locks the operator out or breaks Aurora, so that switching them off needs force; Core's Disabled
# is ignored by Aurora (it always loads Core).
ESSENTIAL = {
    'AdminAuth': 'no administrator could log in any more',
    'CoreWebclient': "Core.GetSettings would fail with HTTP 500, which every module's start needs",
}
CORE = 'Core'

# The enum settings the web API reads and writes: the name stored in the file -> the number the API reports.
WEB_ENUMS = {
    (CORE, 'TimeFormat'): {'F24': 0, 'F12': 1},
    (SYSTEM, 'LoggingLevel'): {'Full': 100, 'Warning': 50, 'Error': 20},
}

# Over the web API: {module: (the GetSettings that shows them, {setting: the key it is shown under})}.
_CORE_SHOWN = ('SiteName', 'AutodetectLanguage', 'TimeFormat', 'DateFormat', 'UserSelectsDateFormat', 'ProductName',
               'AuthTokenCookieExpireTime', 'AllowGroups')
_SYSTEM_SHOWN = ('EnableMultiTenant', 'PasswordMinLength', 'PasswordMustBeComplex', 'StoreAuthTokenInDB', 'AdminLogin',
                 'AdminLanguage', 'DBHost', 'DBName', 'DBLogin', 'EnableLogging', 'EnableEventLogging', 'LoggingLevel')
_MAIL_SHOWN = ('AllowAddAccounts', 'AllowAutosaveInDrafts', 'AllowChangeMailQuotaOnMailServer',
               'AllowDefaultAccountForUser', 'AllowIdentities', 'OnlyUserEmailsInIdentities', 'AllowInsertImage',
               'AutoSaveIntervalSeconds', 'AllowTemplateFolders', 'AllowInsertTemplateOnCompose',
               'MaxTemplatesCountOnCompose', 'AllowAlwaysRefreshFolders', 'AutocreateMailAccountOnNewUserFirstLogin',
               'IgnoreImapSubscription', 'ImageUploadSizeLimit', 'AllowUnifiedInbox', 'MessagesSortBy',
               'AllowScheduledAutoresponder')
_WEBCLIENT_SHOWN = ('AllowChangeSettings', 'AllowClientDebug', 'AllowDesktopNotifications', 'AllowMobile',
                    'AllowPrefetch', 'AttachmentSizeLimit', 'AutoRefreshIntervalMinutes', 'CustomLogoutUrl',
                    'DefaultAnonymScreenHash', 'DefaultUserScreenHash', 'GoogleAnalyticsAccount', 'HeaderModulesOrder',
                    'IsDemo', 'MultipleFilesUploadLimit', 'ShowQuotaBar', 'ShowQuotaBarTextAsTooltip',
                    'QuotaWarningPerc', 'Theme', 'ThemeList', 'HideLogout')
WEB_SHOWN = {
    CORE: (CORE, dict([(name, name) for name in _CORE_SHOWN] + [('Language', 'CommonLanguage')])),
    SYSTEM: (CORE, dict((name, name) for name in _SYSTEM_SHOWN)),
    'Mail': ('Mail', dict((name, name) for name in _MAIL_SHOWN)),
    'CoreWebclient': ('CoreWebclient', dict((name, name) for name in _WEBCLIENT_SHOWN)),
}

# Over the web API: {(module, setting): (its type, the writer, the parameter that carries it)}.
WEB_WRITABLE = {
    (CORE, 'SiteName'): (STRING, CORE, 'SiteName'),
    (CORE, 'Language'): (STRING, CORE, 'Language'),
    (CORE, 'AutodetectLanguage'): (BOOL, CORE, 'AutodetectLanguage'),
    (CORE, 'TimeFormat'): (SPEC, CORE, 'TimeFormat'),
    (SYSTEM, 'AdminLogin'): (STRING, CORE, 'AdminLogin'),
    (SYSTEM, 'AdminLanguage'): (STRING, CORE, 'AdminLanguage'),
    (SYSTEM, 'EnableLogging'): (BOOL, CORE, 'EnableLogging'),
    (SYSTEM, 'EnableEventLogging'): (BOOL, CORE, 'EnableEventLogging'),
    (SYSTEM, 'LoggingLevel'): (SPEC, CORE, 'LoggingLevel'),
    (SYSTEM, 'DBHost'): (STRING, CORE, 'DbHost'),
    (SYSTEM, 'DBName'): (STRING, CORE, 'DbName'),
    (SYSTEM, 'DBLogin'): (STRING, CORE, 'DbLogin'),
    ('Mail', 'AutocreateMailAccountOnNewUserFirstLogin'): (BOOL, 'Mail', 'AutocreateMailAccountOnNewUserFirstLogin'),
    ('Mail', 'AllowAddAccounts'): (BOOL, 'Mail', 'AllowAddAccounts'),
}
WRITE_METHOD = 'UpdateSettings'  # Core.UpdateSettings, Mail.UpdateSettings


def is_credential(name):
    return bool(CREDENTIAL.search(name))
