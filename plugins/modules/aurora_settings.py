#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_settings
short_description: Configure Afterlogic Aurora itself, one settings file at a time
version_added: 0.1.0
description:
  - Makes the settings of one Aurora module, or the system settings of C(data/settings/config.json), hold the values the
    task gives. Only the settings the task names are compared and written; the others are left as they are.
  - Before anything is written, each value is checked against the type Aurora declares for the setting, because
    Aurora casts a value of another type without a word (the text V(false) would become V(true)). Every write is read
    back; a value that did not stick fails the task and is named.
  - Over the web API only what Aurora's web writers take can be set, those of C(Core.UpdateSettings) and
    C(Mail.UpdateSettings). That is Core's C(SiteName), C(Language), C(AutodetectLanguage) and C(TimeFormat); the
    system's C(AdminLogin), C(AdminLanguage), C(EnableLogging), C(EnableEventLogging), C(LoggingLevel), C(DBHost),
    C(DBName) and C(DBLogin); and Mail's C(AutocreateMailAccountOnNewUserFirstLogin) and C(AllowAddAccounts). A setting
    that the super-administrator's C(GetSettings) shows, already at the value given, reports ok; any other setting fails
    before any write and says to use O(api_transport=php).
  - With O(api_transport=php), on the Aurora host, every setting can be set, through Aurora's own settings objects; the
    module never writes a settings file itself. The file is checked first; a missing or unparsable file stops the task,
    since Aurora would replace it with its defaults. This collection's writes to one file take turns under a lock held
    across the read, the change and the save, so concurrent runs keep every value.
author:
  - afterlogic.aurora maintainers (!UNKNOWN)
extends_documentation_fragment:
  - afterlogic.aurora.connection
  - afterlogic.aurora.connection.attributes
attributes:
  idempotent:
    description: Running the same task again with the same options changes nothing and reports C(ok).
    support: full
options:
  module:
    description:
      - The Aurora module whose settings these are, as Aurora names it (V(Core), V(Mail), V(MailDomains),
        V(CoreWebclient), V(AdminAuth), ...; case does not matter), or V(system) for the system settings of
        C(data/settings/config.json) (V(EnableMultiTenant), V(AdminLogin), logging, ...).
      - An unknown module fails the task and lists the modules there are.
    type: str
    required: true
  settings:
    description:
      - Setting name to wanted value, as in the settings file, for example C(SiteName) to V(Acme Mail). Only these
        settings are compared and written.
      - A boolean setting takes a YAML boolean (V(true), V(false)), never a word; a number setting a whole number.
      - An enum setting takes the name Aurora stores (V(F12)); the number the web API reports (V(1)) is accepted and
        means the same.
      - V(Disabled) switches a module off (V(true)) or on (V(false)), with O(api_transport=php). Core cannot be switched
        off. Switching off V(AdminAuth) (no administrator could log in) or V(CoreWebclient) (C(Core.GetSettings) would
        fail) needs O(force).
      - An unknown setting fails naming it and the settings of that name there are. A setting that holds a credential
        (a name ending in C(Password), C(Secret), C(Token), C(SecretKey), C(LicenseKey), ...) is refused; the
        super-administrator's password is O(admin_password). An empty V(AdminLogin) is refused, since Aurora would then let a login with an empty name in.
    type: dict
    default: {}
  admin_password:
    description:
      - The super-administrator's password (only with O(module=system)). It is changed only when it is not already the
        password; an empty one is refused.
      - Over the web API the task's own O(api_password) is the current password, so it is needed.
      - After a change the old password no longer logs in, but tokens issued before stay valid until they expire. That
        is how Aurora behaves. Later tasks of the same run that log in must be given the new password.
    type: str
  force:
    description:
      - Allow switching off (V(Disabled=true)) a module whose loss locks the operator out or breaks Aurora, that is
        V(AdminAuth) or V(CoreWebclient).
    type: bool
    default: false
notes:
  - Check mode and diff mode show the named settings before and after, enums by name; O(admin_password) is never shown,
    only whether it changes.
  - Aurora answers every settings write with success whatever it did, and two writers of one file at the same time may
    lose one's values; so every write is read back. Over the web API, writes of other tools at the same moment can
    still make a value not stick; the task then fails naming it, and a rerun converges.
seealso:
  - module: afterlogic.aurora.aurora_info
'''

EXAMPLES = r'''
- name: Turn on multi-tenancy and groups for Aurora Corporate (on the Aurora host)
  afterlogic.aurora.aurora_settings:
    api_transport: php
    aurora_path: /var/www/aurora
    module: system
    settings:
      EnableMultiTenant: true

- name: Groups are a setting of Core
  afterlogic.aurora.aurora_settings:
    api_transport: php
    aurora_path: /var/www/aurora
    module: Core
    settings:
      AllowGroups: true

- name: The site name and the time format, over the web API
  afterlogic.aurora.aurora_settings:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ vault_aurora_admin_password }}"
    module: Core
    settings:
      SiteName: Acme Mail
      TimeFormat: F24

- name: A new super-administrator password
  afterlogic.aurora.aurora_settings:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ vault_aurora_admin_password }}"
    module: system
    admin_password: "{{ vault_aurora_new_admin_password }}"
'''

RETURN = r'''
module:
  description: The module whose settings these are, as Aurora names it, or V(system).
  returned: success
  type: str
  sample: Core
settings:
  description: The named settings after the run (predicted in check mode), enums by the name Aurora stores.
  returned: success
  type: dict
  sample: {SiteName: Acme Mail, TimeFormat: F24}
password_changed:
  description: Whether the task changed the super-administrator's password (in check mode, would change it).
  returned: success
  type: bool
  sample: false
planned:
  description:
    - In check mode, when the task would change settings, the settings as the real run leaves them, as one entry for
      the option C(planned) of the bulk modules (such as M(afterlogic.aurora.aurora_tenants)). A later task of the same
      check run given it sees them, for example multi-tenancy that this task would switch on. Empty otherwise.
    - The role P(afterlogic.aurora.provision#role) passes it on between its steps.
  returned: success
  type: list
  elements: dict
  sample:
    - {kind: settings, name: system, id: null, tenant: null, tenant_id: null, server: null, server_id: null,
       domains: [], account: false, settings: {EnableMultiTenant: true}}
retries:
  description: How many times a write was sent again because reading Aurora back showed it was not done.
  returned: success
  type: int
  sample: 0
msg:
  description: What the task did, V(updated <module> settings) followed by each change, or V(unchanged).
  returned: always
  type: str
  sample: "updated Core settings: SiteName 'Aurora'\u2192'Acme Mail'"
diff:
  description: The named settings before and after; O(admin_password) as a placeholder that says whether it changes.
  returned: when diff mode is on
  type: dict
  sample:
    before: {SiteName: Aurora}
    after: {SiteName: Acme Mail}
error:
  description: The Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: Core.UpdateSettings
    code: 503
    name: AccountOldPasswordNotCorrect
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings import Settings


def main():
    run_kind(Settings)


if __name__ == '__main__':
    main()
