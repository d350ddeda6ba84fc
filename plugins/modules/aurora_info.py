#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_info
short_description: Read what an Afterlogic Aurora holds, in the options of the modules that manage it
version_added: 0.1.0
description:
  - Reads Aurora's settings and capabilities, tenants, mail servers, mail domains, users with their login accounts,
    further mail accounts and user groups, and returns each kind as a list of items.
  - Each item has exactly the option names of the module that manages its kind, which are also the item variables of
    the role C(afterlogic.aurora.provision). Given back to that module, or put in a vars file for the role, each item
    reports C(ok). The playbook C(afterlogic.aurora.export) writes such a vars file.
  - Passwords are never returned, neither mailbox passwords nor SMTP passwords. Aurora never returns a stored
    password (it answers C(*****)), so there is nothing to return. No setting that holds a credential is returned
    either (the administrator's and the database's passwords, the license key, the modules' secrets, keys and
    tokens), and on the Aurora host their values are not even read.
  - Changes nothing in Aurora, so it always reports C(ok), in check mode too.
  - Aurora has no call that lists the mail accounts of many users, so the accounts are read with one call per user
    (C(Mail.GetAccounts)), at most O(parallel) at a time; everything else comes from paged listings.
author:
  - afterlogic.aurora maintainers (!UNKNOWN)
extends_documentation_fragment:
  - afterlogic.aurora.connection
  - afterlogic.aurora.connection.attributes
attributes:
  check_mode:
    details:
      - The module only reads, in check mode too.
  diff_mode:
    support: none
    details:
      - There is nothing to compare.
  idempotent:
    description: Running the task again changes nothing and reports C(ok).
    support: full
options:
  gather:
    description:
      - The kinds to read. V(settings) returns RV(settings) and RV(capabilities); each other kind returns the list of
        its name.
      - When not set, every kind this Aurora has. V(tenants) needs multi-tenancy, V(domains) the MailDomains module,
        V(groups) Core's C(AllowGroups); the others every Aurora has.
      - A kind this Aurora does not have, named here, is skipped with a warning, and its list is empty. It is not an
        error, so that one task can read Aurora installations of either product.
    type: list
    elements: str
    choices: [settings, tenants, servers, domains, users, accounts, groups]
  tenant:
    description:
      - Name of a tenant to limit the reading to. The tenants are then that tenant alone (when it is not the default
        tenant). The servers are those Aurora lists for that tenant, its own and the super-administrator's. The domains,
        users, accounts and groups are that tenant's.
      - The tenant must exist; the task fails when it does not.
      - The settings are not limited by it; they are the install's (a tenant's own overrides, in
        C(data/settings/modules/tenants/), are not read).
    type: str
  search:
    description:
      - Keep only the items whose name (tenants, servers, domains, groups) or e-mail address (users; for accounts, the
        account's or its user's) holds this text, ignoring case. The settings are not filtered.
    type: str
  parallel:
    description:
      - How many reads of the per-user accounts, the per-group members and the per-tenant details run at once.
      - V(1) reads one after the other.
    type: int
    default: 4
  compare:
    description:
      - A description of Aurora in the variables of the role P(afterlogic.aurora.provision#role), by the kinds of
        O(gather) (V(tenants), V(servers), V(domains), V(users), V(accounts), V(groups)), each a list of items in the
        options of the module that manages the kind.
      - When given, RV(unlisted) lists what Aurora holds that it does not name, as the role's exclusive mode
        (C(aurora_exclusive)) deletes it.
      - Only the tenants it names are compared (every tenant when it names none); tenants themselves, and the
        super-administrator's mail servers, are compared everywhere. Items with O(afterlogic.aurora.aurora_tenant#module:state=absent)
        do not count as named.
    type: dict
notes:
  - Items leave nothing out that their module would then change. An option whose value is the module's creation
    default is returned too, so the items also recreate the same objects on another Aurora.
  - The default tenant is never in RV(tenants), since M(afterlogic.aurora.aurora_tenant) never manages it.
  - The users and groups of the default tenant are returned with its name as their O(tenant), when multi-tenancy is on.
  - With O(api_transport=php), RV(settings) are read through Aurora's own settings objects; each file is checked
    first, and none is ever written.
seealso:
  - module: afterlogic.aurora.aurora_mail_server
  - module: afterlogic.aurora.aurora_user_account
  - module: afterlogic.aurora.aurora_tenant
  - module: afterlogic.aurora.aurora_mail_domain
  - module: afterlogic.aurora.aurora_group
  - module: afterlogic.aurora.aurora_settings
'''

EXAMPLES = r'''
- name: Read everything this Aurora has
  afterlogic.aurora.aurora_info:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ vault_aurora_admin_password }}"
  register: aurora

- name: Every user and mail server of the tenant acme
  afterlogic.aurora.aurora_info:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ vault_aurora_admin_password }}"
    gather: [servers, users]
    tenant: acme
  register: acme

- name: The users with an address at example.org, read eight at a time
  afterlogic.aurora.aurora_info:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ vault_aurora_admin_password }}"
    gather: [users]
    search: "@example.org"
    parallel: 8
  register: example_org
'''

RETURN = r'''
settings:
  description:
    - The settings Aurora shows, one item per settings file (the system's first, then the modules' by name), in the
      options of M(afterlogic.aurora.aurora_settings). Given back to that module, each item reports C(ok).
    - Over the web API, those that the super-administrator's C(GetSettings) of Core, Mail and CoreWebclient show (of
      the modules Aurora serves). On the Aurora host (O(api_transport=php)), every setting of the system's file and
      of each installed module's file.
    - An enum setting has the name Aurora stores (V(F12)), not the number the web API reports.
    - Left out are the settings that hold a credential and Core's C(Disabled), which Aurora ignores. A value
      M(afterlogic.aurora.aurora_settings) would refuse is left out with a warning naming it (an empty C(AdminLogin),
      C(Disabled) on for AdminAuth or CoreWebclient, a value not of the type Aurora declares). A settings file that
      cannot be read is skipped with a warning saying why.
  returned: when O(gather) has V(settings)
  type: list
  elements: dict
  contains:
    module:
      description: The module, as Aurora names it, or V(system) for the system settings.
      type: str
    settings:
      description: Setting name to value.
      type: dict
  sample:
    - module: system
      settings: {AdminLogin: superadmin, EnableMultiTenant: true, LoggingLevel: Warning}
    - module: Core
      settings: {AllowGroups: true, SiteName: Acme Mail, TimeFormat: F24}
capabilities:
  description: What this Aurora offers, from C(Core.GetSettings) and C(Mail.GetSettings).
  returned: when O(gather) has V(settings)
  type: dict
  contains:
    multi_tenancy:
      description: Whether multi-tenancy is on (C(EnableMultiTenant)).
      type: bool
      sample: true
    groups:
      description: Whether user groups are on (C(AllowGroups)).
      type: bool
      sample: true
    mail_domains:
      description: Whether the MailDomains module is installed (C(AvailableBackendModules) lists it).
      type: bool
      sample: true
    multi_accounts:
      description:
        - Whether a user may have several mail accounts (C(AllowMultiAccounts) of C(Mail.GetSettings), given by the
          MailMultiAccountsPlugin). Null when Aurora could not tell.
      type: bool
      sample: false
    imap_check_on_account_creation:
      description:
        - Whether Aurora logs in to the IMAP server before it creates an account (C(DoImapLoginOnAccountCreate)).
        - Always null. That setting is only in Aurora's C(data/settings/modules/Mail.config.json), and no API call
          returns it.
      type: bool
      sample: null
tenants:
  description: The tenants, but the default tenant, in the options of M(afterlogic.aurora.aurora_tenant).
  returned: when O(gather) has V(tenants)
  type: list
  elements: dict
  contains:
    name:
      description: Name of the tenant.
      type: str
    description:
      description: Its description.
      type: str
    web_domain:
      description: Its web domain.
      type: str
    site_name:
      description: Its site name.
      type: str
  sample:
    - {name: acme, description: Acme Inc, web_domain: '', site_name: Acme Mail}
servers:
  description:
    - The mail servers, in the options of M(afterlogic.aurora.aurora_mail_server), without
      O(afterlogic.aurora.aurora_mail_server#module:smtp_password).
  returned: when O(gather) has V(servers)
  type: list
  elements: dict
  contains:
    name:
      description: Name of the server.
      type: str
    tenant:
      description: Name of the tenant that owns the server; only for a tenant's own server.
      type: str
    incoming_server:
      description: IMAP host.
      type: str
    incoming_port:
      description: IMAP port.
      type: int
    incoming_use_ssl:
      description: Whether IMAP uses SSL/TLS.
      type: bool
    outgoing_server:
      description: SMTP host.
      type: str
    outgoing_port:
      description: SMTP port.
      type: int
    outgoing_use_ssl:
      description: Whether SMTP uses SSL/TLS.
      type: bool
    smtp_auth_type:
      description: How Aurora authenticates to the SMTP server.
      type: str
    smtp_login:
      description: SMTP login of V(specified_credentials); empty otherwise.
      type: str
    domains:
      description:
        - The domains of the server, sorted.
        - On an Aurora with the MailDomains module, the domains belong to RV(domains); a server then has this key
          only when it is the catch-all (V([*])).
      type: list
      elements: str
    enable_threading:
      description: Whether threading is offered.
      type: bool
    enable_sieve:
      description: Whether Sieve is used.
      type: bool
    sieve_port:
      description: ManageSieve port.
      type: int
    use_full_email_address_as_login:
      description: Whether users log in with the full address.
      type: bool
    oauth_enable:
      description: Whether OAuth sign-in is on.
      type: bool
    oauth_name:
      description: OAuth sign-in name; only while OAuth is on, since Aurora keeps it only then.
      type: str
    oauth_type:
      description: OAuth connector; only while OAuth is on.
      type: str
    oauth_icon_url:
      description: OAuth icon address; only while OAuth is on.
      type: str
    external_access:
      description:
        - The addresses shown to users for other mail clients; only O(afterlogic.aurora.aurora_mail_server#module:external_access.enabled)
          while they are not shown.
      type: dict
  sample:
    - name: mydomain
      incoming_server: mail.mydomain.com
      incoming_port: 143
      incoming_use_ssl: false
      outgoing_server: mail.mydomain.com
      outgoing_port: 25
      outgoing_use_ssl: false
      smtp_auth_type: user_credentials
      smtp_login: ''
      domains: [mydomain.com]
      enable_threading: true
      enable_sieve: false
      sieve_port: 4190
      use_full_email_address_as_login: true
      oauth_enable: false
      external_access: {enabled: false}
domains:
  description: The mail domains of the MailDomains module, in the options of M(afterlogic.aurora.aurora_mail_domain).
  returned: when O(gather) has V(domains)
  type: list
  elements: dict
  contains:
    name:
      description: The domain name.
      type: str
    tenant:
      description: Name of its tenant.
      type: str
    server:
      description: Name of its mail server.
      type: str
  sample:
    - {name: acme.example, tenant: acme, server: mail}
users:
  description:
    - The users with their login mail accounts, in the options of M(afterlogic.aurora.aurora_user_account), without
      O(afterlogic.aurora.aurora_user_account#module:password).
    - A user without a login account has no O(afterlogic.aurora.aurora_user_account#module:server),
      O(afterlogic.aurora.aurora_user_account#module:friendly_name) and
      O(afterlogic.aurora.aurora_user_account#module:incoming_login), and a warning names it.
  returned: when O(gather) has V(users)
  type: list
  elements: dict
  contains:
    email:
      description: E-mail address of the user and its login account, in lower case.
      type: str
    role:
      description:
        - V(user) or V(tenant_admin). Left out, with a warning, for a role the module does not manage.
      type: str
    disabled:
      description: Whether the user is disabled.
      type: bool
    tenant:
      description: Name of the user's tenant; only when multi-tenancy is on.
      type: str
    server:
      description: Name of the mail server of the login account.
      type: str
    friendly_name:
      description: Display name of the login account.
      type: str
    incoming_login:
      description: IMAP login of the login account.
      type: str
  sample:
    - {email: user@mydomain.com, role: user, disabled: false, server: mydomain, friendly_name: '',
       incoming_login: user@mydomain.com}
accounts:
  description:
    - The further mail accounts of users (not their login accounts), in the options of the module
      C(afterlogic.aurora.aurora_mail_account), without its password.
  returned: when O(gather) has V(accounts)
  type: list
  elements: dict
  contains:
    user:
      description: E-mail address of the user the account belongs to.
      type: str
    email:
      description: E-mail address of the account, in lower case.
      type: str
    server:
      description: Name of its mail server.
      type: str
    incoming_login:
      description: Its IMAP login.
      type: str
    friendly_name:
      description: Its display name.
      type: str
  sample:
    - {user: ann@acme.example, email: ann.private@example.net, server: example-net, incoming_login: ann.private@example.net,
       friendly_name: Ann}
groups:
  description: The user groups, in the options of M(afterlogic.aurora.aurora_group).
  returned: when O(gather) has V(groups)
  type: list
  elements: dict
  contains:
    name:
      description: Name of the group.
      type: str
    tenant:
      description: Name of its tenant.
      type: str
    members:
      description: E-mail addresses of its members, in lower case, sorted.
      type: list
      elements: str
  sample:
    - {name: Sales, tenant: acme, members: [ann@acme.example, bob@acme.example]}
unlisted:
  description:
    - With O(compare), for each gathered kind, what Aurora holds that O(compare) does not name, each as the item that
      deletes it (the options that identify it, and C(state=absent)).
  returned: when O(compare) is given
  type: dict
  sample:
    users:
      - email: added.by.hand@example.com
        state: absent
    servers: []
msg:
  description: How many items of each kind were read.
  returned: always
  type: str
  sample: gathered 2 servers, 4 users, 0 accounts
error:
  description: On failure, the Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: Core.GetUsers
    code: 101
    name: InvalidToken
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._client import transport
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError
from ansible_collections.afterlogic.aurora.plugins.module_utils._info import (
    gather_info,
    info_argument_spec,
    validation_errors,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import aurora_module, fail_with
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import ResourceError


def main():
    module = aurora_module(info_argument_spec())
    errors = validation_errors(module.params)
    if errors:
        fail_with(module, ResourceError('; '.join(errors)))
    try:
        result, warnings = gather_info(transport(module, connections=module.params['parallel']), module.params)
    except AuroraError as error:
        fail_with(module, error)
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
