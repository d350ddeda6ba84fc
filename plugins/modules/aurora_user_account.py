#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_user_account
short_description: Manage an Afterlogic Aurora user together with its login mail account
version_added: 0.1.0
description:
  - Creates, updates or deletes an Aurora user and the mail account it logs in with, as one object keyed by O(email).
  - The user's C(PublicId) is the lower-cased O(email); its login mail account has the same address.
  - A missing user is created with its account. A user that exists without that account gets the account.
    When both exist, only the options the task sets are compared, and only what differs is changed.
  - If creating the account fails after this run created the user, the user is deleted again, so nothing half-made is
    left behind and running the task again starts from scratch.
  - Aurora never reveals stored passwords, so a password can only be set, not compared; see O(update_password).
author:
  - afterlogic.aurora maintainers (!UNKNOWN)
extends_documentation_fragment:
  - afterlogic.aurora.connection
  - afterlogic.aurora.connection.attributes
attributes:
  idempotent:
    description: When run twice with the same options, the second run reports no change.
    support: partial
    details: With O(update_password=always) the password is set again on every run, which reports a change.
options:
  email:
    description:
      - E-mail address of the account; also the user's C(PublicId).
      - Surrounding spaces are removed and it is compared and stored in lower case, as Aurora stores account addresses.
      - Aurora accepts exactly one C(@) between a non-empty local part and domain, and only the characters
        C(a-z A-Z 0-9 . _ - +).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the user and its account.
      - V(absent) deletes the user; Aurora deletes its mail accounts with it.
    type: str
    choices: [present, absent]
    default: present
  password:
    description:
      - Password of the mailbox, which Aurora uses to log in to the IMAP server.
      - Required when the account has to be created; the task fails before writing anything when it is missing.
      - By default Aurora logs in to the IMAP server with it before it saves a new account, so the mailbox must exist
        and be reachable from the Aurora host, unless the administrator turned C(DoImapLoginOnAccountCreate) off.
      - Never shown in the output, the diff or error messages.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the account is created.
      - V(always) also sets it on an existing account, on every run (the task then always reports a change, because
        Aurora cannot tell whether the stored password differs). This only changes what Aurora stores, not the
        password on the mail server.
    type: str
    choices: [on_create, always]
    default: on_create
  server:
    description:
      - Name of the Aurora mail server of the account, matched exactly.
      - On a multi-tenant Aurora several servers may have this name. The account uses the one nearest the user's
        tenant, that is the tenant's own server first, then a server of the super-administrator's. When the user's tenant is
        not known (the task sets neither O(tenant) nor O(tenant_id) and the user is new or listed without it), a server
        of the super-administrator's comes first, then any tenant's.
      - The task fails when no server has this name, or when two equally near servers have it; O(server_id) then
        picks one.
      - When the account exists on another server, it is moved to this one.
      - When neither O(server) nor O(server_id) is given, a new account goes to the server Aurora picks for the
        domain of O(email) (a server listing that domain, else a wildcard server), and the task fails before
        creating anything when there is none. An existing account is then left on its server.
      - Mutually exclusive with O(server_id).
    type: str
  server_id:
    description:
      - Id of the Aurora mail server of the account; like O(server), by id.
      - Mutually exclusive with O(server).
    type: int
  tenant:
    description:
      - Name of the tenant the user belongs to, on a multi-tenant Aurora (Aurora Corporate); see
        M(afterlogic.aurora.aurora_tenant).
      - A new user is created in this tenant. An existing user in another tenant is moved to it (Aurora's
        C(Core.UpdateUser) with C(TenantId)); its accounts stay on their servers.
      - Without O(tenant) or O(tenant_id), a new user goes to Aurora's default tenant, or, when its e-mail domain is
        registered with Aurora's MailDomains module, to that domain's tenant, and the tenant of an existing user is
        left as it is.
      - The tenant must exist; the task fails before any write when it does not.
      - With O(state=absent) the tenant is not looked at, because e-mail addresses are unique across all tenants.
      - Mutually exclusive with O(tenant_id).
    type: str
  tenant_id:
    description:
      - Id of the tenant the user belongs to, instead of its name O(tenant).
      - Mutually exclusive with O(tenant).
    type: int
  incoming_login:
    description:
      - Login name on the IMAP server.
      - When the account is created without it, the login is O(email).
      - Compared ignoring case, because Aurora lower-cases it when it creates an account.
    type: str
  friendly_name:
    description:
      - Display name of the account.
      - When the account is created without it, the name is empty.
    type: str
  role:
    description:
      - Role of the user in Aurora; V(user) is Aurora's normal user (role 2), V(tenant_admin) a tenant administrator
        (role 1).
      - When the user is created without it, the role is V(user).
    type: str
    choices: [user, tenant_admin]
  disabled:
    description:
      - Whether the user is disabled, so it cannot log in.
      - When the user is created without it, the user is enabled.
    type: bool
notes:
  - WebMail Lite allows one mail account per user. When the user already has an account with another address, the task
    fails and names it; Aurora Corporate's MailMultiAccountsPlugin lifts the limit.
  - If Aurora's answer to a create is lost, the module reads the user or account again to learn whether it was
    created; a create is never sent twice in one run.
seealso:
  - module: afterlogic.aurora.aurora_mail_server
  - module: afterlogic.aurora.aurora_tenant
  - module: afterlogic.aurora.aurora_mail_account
    description: The user's further mail accounts, beside its login account.
'''

EXAMPLES = r'''
- name: Create the tutorial's user with its mail account on the server "mydomain"
  afterlogic.aurora.aurora_user_account:
    api_url: https://mail.mydomain.com/
    api_password: "{{ vault_aurora_admin_password }}"
    email: user@mydomain.com
    password: passwordhere  # the tutorial's value; keep real passwords in Ansible Vault, as below
    server: mydomain

- name: Manage several users with the connection options set once
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: https://mail.mydomain.com/
      api_password: "{{ vault_aurora_admin_password }}"
  block:
    - name: A tenant administrator with a display name; the server is picked by the domain
      afterlogic.aurora.aurora_user_account:
        email: admin@mydomain.com
        password: "{{ vault_admin_mailbox_password }}"
        friendly_name: Mail Admin
        role: tenant_admin

    - name: Set the stored password on every run, not only when the account is created
      afterlogic.aurora.aurora_user_account:
        email: user@mydomain.com
        password: "{{ vault_user_password }}"
        update_password: always

    - name: Disable a user without touching its account
      afterlogic.aurora.aurora_user_account:
        email: leaver@mydomain.com
        disabled: true

    - name: A user of the tenant "acme", on acme's own server "mail" (another tenant may have a server "mail" too)
      afterlogic.aurora.aurora_user_account:
        email: ann@acme.example
        password: "{{ vault_ann_password }}"
        tenant: acme
        server: mail

    - name: Delete a user and its mail accounts
      afterlogic.aurora.aurora_user_account:
        email: former@mydomain.com
        state: absent
'''

RETURN = r'''
msg:
  description: What the task did or would do.
  returned: always
  type: str
  sample: "updated: friendly_name ''→'Ann'"
created:
  description: Whether the account (and, when it was missing, the user) was or would be created.
  returned: success
  type: bool
  sample: true
retries:
  description:
    - How many times a write was sent again because Aurora refused it silently (C(Result false), no error code) and
      reading Aurora back showed nothing written and nothing that explains it, as after a database deadlock between
      overlapping writes. Each attempt follows a jittered pause, all within O(timeout). V(0) in check mode.
  returned: success, and failures once the task has started writing
  type: int
  sample: 0
password_changed:
  description: Whether the stored password was or would be set.
  returned: success
  type: bool
  sample: false
user_id:
  description: Id of the user after the run; null when it does not exist, or is still to be created in check mode.
  returned: success
  type: int
  sample: 1
account_id:
  description: Id of the login account after the run; null when it does not exist, or is still to be created in check mode.
  returned: success
  type: int
  sample: 1
user:
  description:
    - The user after the run (predicted in check mode); null when it does not exist.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the user; null in check mode when it is still to be created.
      type: int
      sample: 1
    public_id:
      description: The user's C(PublicId), its login address.
      type: str
      sample: user@mydomain.com
    role:
      description: The user's role (V(user), V(tenant_admin), or V(super_admin) and V(customer) for roles this module does not set).
      type: str
      sample: user
    disabled:
      description: Whether the user is disabled.
      type: bool
      sample: false
    tenant_id:
      description:
        - Id of the user's tenant; null when the task sets neither O(tenant) nor O(tenant_id), because Aurora's user
          listing does not say it and the module does not read it then.
        - A user created without them whose e-mail domain is registered with Aurora's MailDomains module goes to the
          domain's tenant, as Aurora puts it there; this is that tenant's id, in check mode too.
      type: int
      sample: 2
account:
  description:
    - The login mail account after the run (predicted in check mode); null when it does not exist.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the account (C(AccountID)); null in check mode when it is still to be created.
      type: int
      sample: 1
    user_id:
      description: Id of the user the account belongs to; null in check mode when the user is still to be created.
      type: int
      sample: 1
    email:
      description: Address of the account.
      type: str
      sample: user@mydomain.com
    friendly_name:
      description: Display name of the account.
      type: str
      sample: ""
    incoming_login:
      description: Login name on the IMAP server.
      type: str
      sample: user@mydomain.com
    incoming_password:
      description: Always C(*****), as Aurora returns it.
      type: str
      sample: "*****"
    server:
      description: Name of the account's mail server.
      type: str
      sample: mydomain
    server_id:
      description: Id of the account's mail server.
      type: int
      sample: 1
    use_to_authorize:
      description: Whether the user logs in with this account.
      type: bool
      sample: true
diff:
  description:
    - The user and account before and after, in the words of the options; passwords are placeholders
      (C(<hidden>), or C(<hidden, changed>) when the password is set).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The state before the run; empty when the user did not exist.
      type: dict
    after:
      description: The state after the run; empty when the user was deleted.
      type: dict
  sample:
    before: {}
    after:
      email: user@mydomain.com
      role: user
      disabled: false
      server: mydomain
      server_id: 1
      friendly_name: ""
      incoming_login: user@mydomain.com
      password: <hidden, changed>
error:
  description: The Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: Mail.CreateAccount
    code: 4002
    name: CannotLoginCredentialsIncorrect
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account import UserAccount


def main():
    run_kind(UserAccount)


if __name__ == '__main__':
    main()
