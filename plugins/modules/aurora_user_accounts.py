#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_user_accounts
short_description: Manage many Afterlogic Aurora users, each with its login mail account, in one task
version_added: 0.1.0
description:
  - Does for each item of O(accounts) what M(afterlogic.aurora.aurora_user_account) does for one user and its login mail
    account, with the same options, and returns for each item what that module returns for it.
  - Faster than a loop over M(afterlogic.aurora.aurora_user_account) for many users. The task logs in once and lists
    Aurora's users once (and its mail servers once, when items name their server), instead of searching for each user and
    server. Then it works on several users at a time (O(parallel)).
  - Aurora has no call that lists the mail accounts of many users, so the accounts of each existing user are still read
    with one call per user; O(parallel) runs those reads at the same time too.
  - Every item is checked before anything is written. If any item is invalid, or two items have the same
    O(accounts[].email), the task fails and lists them all, without changing anything.
  - A user that cannot be done (for example, Aurora's IMAP check refuses its password) does not stop the others. The task
    then fails after all items were tried, names the failed ones with their errors, and still returns every item's result.
author:
  - afterlogic.aurora maintainers (!UNKNOWN)
extends_documentation_fragment:
  - afterlogic.aurora.connection
  - afterlogic.aurora.connection.attributes
  - afterlogic.aurora.planned
attributes:
  idempotent:
    description: When run twice with the same options, the second run reports no change.
    support: partial
    details: An item with O(accounts[].update_password=always) sets its password again on every run, which reports a change.
options:
  accounts:
    description:
      - The users, each with the options of M(afterlogic.aurora.aurora_user_account).
      - Each O(accounts[].email) may appear once (compared in lower case).
      - An empty list does nothing and makes no API call.
    type: list
    elements: dict
    required: true
    # Generated from the options of aurora_user_account by `make docs-sync` (tools/sync_option_docs.py).
    suboptions:
      email:
        description:
          - E-mail address of the account; also the user's C(PublicId).
          - Surrounding spaces are removed and it is compared and stored in lower case, as Aurora stores account
            addresses.
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
          - Required when the account has to be created; the item fails before writing anything when it is missing.
          - By default Aurora logs in to the IMAP server with it before it saves a new account, so the mailbox must
            exist and be reachable from the Aurora host, unless the administrator turned C(DoImapLoginOnAccountCreate)
            off.
          - Never shown in the output, the diff or error messages.
        type: str
      update_password:
        description:
          - V(on_create) sets O(accounts[].password) only when the account is created.
          - V(always) also sets it on an existing account, on every run (the item then always reports a change, because
            Aurora cannot tell whether the stored password differs). This only changes what Aurora stores, not the
            password on the mail server.
        type: str
        choices: [on_create, always]
        default: on_create
      server:
        description:
          - Name of the Aurora mail server of the account, matched exactly.
          - On a multi-tenant Aurora several servers may have this name. The account uses the one nearest the user's
            tenant, that is the tenant's own server first, then a server of the super-administrator's. When the user's
            tenant is not known (the item sets neither O(accounts[].tenant) nor O(accounts[].tenant_id) and the user is
            new or listed without it), a server of the super-administrator's comes first, then any tenant's.
          - The item fails when no server has this name, or when two equally near servers have it;
            O(accounts[].server_id) then picks one.
          - When the account exists on another server, it is moved to this one.
          - When neither O(accounts[].server) nor O(accounts[].server_id) is given, a new account goes to the server
            Aurora picks for the domain of O(accounts[].email) (a server listing that domain, else a wildcard server),
            and the item fails before creating anything when there is none. An existing account is then left on its
            server.
          - Mutually exclusive with O(accounts[].server_id).
          - Aurora is asked for the server of a domain once per task, not once per item.
        type: str
      server_id:
        description:
          - Id of the Aurora mail server of the account; like O(accounts[].server), by id.
          - Mutually exclusive with O(accounts[].server).
        type: int
      tenant:
        description:
          - Name of the tenant the user belongs to, on a multi-tenant Aurora (Aurora Corporate); see
            M(afterlogic.aurora.aurora_tenant).
          - A new user is created in this tenant. An existing user in another tenant is moved to it (Aurora's
            C(Core.UpdateUser) with C(TenantId)); its accounts stay on their servers.
          - Without O(accounts[].tenant) or O(accounts[].tenant_id), a new user goes to Aurora's default tenant, or,
            when its e-mail domain is registered with Aurora's MailDomains module, to that domain's tenant, and the
            tenant of an existing user is left as it is.
          - The tenant must exist; the item fails before any write when it does not.
          - With O(accounts[].state=absent) the tenant is not looked at, because e-mail addresses are unique across all
            tenants.
          - Mutually exclusive with O(accounts[].tenant_id).
        type: str
      tenant_id:
        description:
          - Id of the tenant the user belongs to, instead of its name O(accounts[].tenant).
          - Mutually exclusive with O(accounts[].tenant).
        type: int
      incoming_login:
        description:
          - Login name on the IMAP server.
          - When the account is created without it, the login is O(accounts[].email).
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
  parallel:
    description:
      - How many users are worked on at the same time, each with its own API calls to Aurora.
      - V(1) works on them one after the other, in the order of O(accounts).
      - The default suits a production Aurora. A higher value finishes sooner as long as Aurora (its PHP workers and its
        database) keeps up; a lower one spares a busy or small Aurora. With Aurora's IMAP check on, each new account
        also logs in to the IMAP server, which then sees as many logins at once.
      - The results are returned in the order of O(accounts) whatever the value.
    type: int
    default: 4
notes:
  - WebMail Lite allows one mail account per user. When a user already has an account with another address, its item
    fails and names it; Aurora Corporate's MailMultiAccountsPlugin lifts the limit.
  - If creating an account fails after this run created its user, the user is deleted again, so nothing half-made is left
    behind and running the task again starts from scratch.
  - If Aurora's answer to a create is lost, the module reads the user or account again to learn whether it was created; a
    create is never sent twice in one run.
seealso:
  - module: afterlogic.aurora.aurora_user_account
    description: The same for one user; each item of this module gets exactly its behaviour and result.
  - module: afterlogic.aurora.aurora_mail_servers
'''

EXAMPLES = r'''
- name: Create two users with their mail accounts on the server "mydomain"
  afterlogic.aurora.aurora_user_accounts:
    api_url: https://mail.mydomain.com/
    api_password: "{{ vault_aurora_admin_password }}"
    accounts:
      - email: ann@mydomain.com
        password: "{{ vault_mailbox_passwords['ann@mydomain.com'] }}"
        friendly_name: Ann Lee
        server: mydomain
      - email: bob@mydomain.com
        password: "{{ vault_mailbox_passwords['bob@mydomain.com'] }}"
        server: mydomain

- name: An organisation kept in inventory, with the connection set once for the whole collection
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: https://mail.mydomain.com/
      api_password: "{{ vault_aurora_admin_password }}"
  block:
    - name: Every user listed in the variable aurora_accounts (a list of items as above), eight at a time
      afterlogic.aurora.aurora_user_accounts:
        accounts: "{{ aurora_accounts }}"
        parallel: 8
      register: accounts

    - name: Show how many were created, updated, unchanged, deleted and failed
      ansible.builtin.debug:
        var: accounts.summary

    - name: Disable a user and delete another one
      afterlogic.aurora.aurora_user_accounts:
        accounts:
          - email: leaver@mydomain.com
            disabled: true
          - email: former@mydomain.com
            state: absent
'''

RETURN = r'''
planned:
  description:
    - In check mode, the users it creates or moves to another tenant, and the login accounts it creates, for the
      O(planned) of later tasks; empty otherwise.
  returned: when every item is valid
  type: list
  elements: dict
  sample:
    - {kind: user, name: ann@acme.example, id: null, tenant: acme, tenant_id: null, server: null, server_id: null,
       domains: [], account: true, settings: null}
msg:
  description:
    - How many users were (or, in check mode, would be) created, updated, left unchanged, deleted, and how many failed.
    - When items failed, each of them (up to 20) with its error.
  returned: always
  type: str
  sample: "1000 accounts: 998 created, 2 unchanged"
retries:
  description:
    - The sum of the items' C(retries), the writes sent again after a silent refusal that reading Aurora back showed to be
      transient, as after a database deadlock between overlapping writes.
  returned: when every item is valid
  type: int
  sample: 0
summary:
  description: How many items were created, updated, unchanged (including absent ones that stay absent), deleted and failed.
  returned: when every item is valid
  type: dict
  contains:
    created:
      description: Items whose account (and, when it was missing, user) was created.
      type: int
    updated:
      description: Items whose user or account was updated.
      type: int
    unchanged:
      description: Items left as they were, and absent users that stay absent.
      type: int
    deleted:
      description: Users deleted.
      type: int
    failed:
      description: Items that failed.
      type: int
  sample:
    created: 998
    updated: 0
    unchanged: 2
    deleted: 0
    failed: 0
results:
  description:
    - One per item of O(accounts), in the same order, each what M(afterlogic.aurora.aurora_user_account) returns for that
      item, plus the O(accounts[].email) it is about.
  returned: when every item is valid
  type: list
  elements: dict
  contains:
    email:
      description: The O(accounts[].email) of the item, without surrounding spaces and in lower case.
      type: str
      sample: ann@mydomain.com
    changed:
      description: Whether the item changed something (or would, in check mode).
      type: bool
    failed:
      description: True when the item failed; absent otherwise.
      type: bool
      returned: when the item failed
    msg:
      description: What was done or would be done for the item; for a failed item, its error.
      type: str
      sample: created
    created:
      description: Whether the account (and, when it was missing, the user) was or would be created.
      type: bool
      returned: when the item succeeded
    password_changed:
      description: Whether the stored password was or would be set.
      type: bool
      returned: when the item succeeded
    user_id:
      description: Id of the user after the run; null when it does not exist, or is still to be created in check mode.
      type: int
      returned: when the item succeeded
    account_id:
      description: Id of the login account after the run; null when it does not exist, or is still to be created in check mode.
      type: int
      returned: when the item succeeded
    user:
      description: The user after the run, as M(afterlogic.aurora.aurora_user_account) returns it; null when it does not exist.
      type: dict
      returned: when the item succeeded
    account:
      description:
        - The login mail account after the run, as M(afterlogic.aurora.aurora_user_account) returns it; null when it does
          not exist. Its C(incoming_password) is always C(*****).
      type: dict
      returned: when the item succeeded
    diff:
      description: The user and account before and after, as M(afterlogic.aurora.aurora_user_account) returns them.
      type: dict
      returned: when diff mode is on and the item succeeded
    error:
      description: The Aurora call that failed and, when Aurora gave one, its error code and name.
      type: dict
      returned: when the item failed because of an Aurora error
  sample:
    - email: ann@mydomain.com
      changed: true
      msg: created
      created: true
      password_changed: true
      user_id: 7
      account_id: 7
      user:
        id: 7
        public_id: ann@mydomain.com
        role: user
        disabled: false
        tenant_id: null
      account:
        id: 7
        user_id: 7
        email: ann@mydomain.com
        friendly_name: Ann Lee
        incoming_login: ann@mydomain.com
        incoming_password: "*****"
        server: mydomain
        server_id: 1
        use_to_authorize: true
diff:
  description:
    - The diff of each item that changed, with the item named in C(before_header) and C(after_header), as
      C(ansible-playbook --diff) shows it. Passwords are placeholders (C(<hidden>), or C(<hidden, changed>)).
  returned: when diff mode is on
  type: list
  elements: dict
  contains:
    before:
      description: The state before the run; empty when the user did not exist.
      type: dict
    after:
      description: The state after the run; empty when the user was deleted.
      type: dict
    before_header:
      description: The item, as C(accounts[<index>] '<email>').
      type: str
    after_header:
      description: The item, as C(accounts[<index>] '<email>').
      type: str
account_moves:
  description:
    - In check mode, the mail accounts that the real run creates, moves to another server, or deletes (with their user);
      empty otherwise.
    - Give it to O(afterlogic.aurora.aurora_mail_servers#module:planned_account_moves) of a later task that deletes mail
      servers, so that its check run counts the accounts on each server as the real run will find them.
  returned: when every item is valid
  type: list
  elements: dict
  contains:
    email:
      description: Address of the account.
      type: str
    from_server_id:
      description: Id of the server the account leaves; null for a new account.
      type: int
    to_server_id:
      description: Id of the server the account goes to; null when it is deleted, or goes to a server the run creates.
      type: int
  sample:
    - email: ann@mydomain.com
      from_server_id: 3
      to_server_id: 1
error:
  description: When the task failed before working on the items (login, or listing users or servers), the Aurora call that failed.
  returned: failure
  type: dict
  sample:
    call: Core.GetUsers
    code: 108
    name: AccessDenied
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account import UserAccount


def main():
    run_kind(UserAccount, bulk=True)


if __name__ == '__main__':
    main()
