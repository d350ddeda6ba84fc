#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_mail_accounts
short_description: Manage many further mail accounts of Afterlogic Aurora users in one task
version_added: 0.1.0
description:
  - Does for each item of O(accounts) what M(afterlogic.aurora.aurora_mail_account) does for one extra mail account of
    a user, with the same options, and returns for each item what that module returns for it.
  - Faster than a loop over M(afterlogic.aurora.aurora_mail_account) for many accounts. The task logs in once, lists
    Aurora's users once (and its mail servers once, when items name their server), and reads the accounts of each
    user once, however many of its accounts the items list. Then it works on several accounts at a time
    (O(parallel)).
  - Every item is checked before anything is written. If any item is invalid, or two items give the same
    O(accounts[].email) for the same O(accounts[].user), the task fails and lists them all, without changing anything.
  - An account that cannot be done does not stop the others. The task then fails after all items were tried, names
    the failed ones with their errors, and still returns every item's result.
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
      - The accounts, each with the options of M(afterlogic.aurora.aurora_mail_account).
      - An empty list does nothing and makes no API call.
    type: list
    elements: dict
    required: true
    # Generated from the options of aurora_mail_account by `make docs-sync` (tools/sync_option_docs.py).
    suboptions:
      user:
        description:
          - E-mail address of the user who owns the account, that is its C(PublicId), compared ignoring case.
          - The user must exist; create it with M(afterlogic.aurora.aurora_user_account).
        type: str
        required: true
      email:
        description:
          - E-mail address of the account. Surrounding spaces are removed and it is stored in lower case, as Aurora
            stores account addresses.
          - Aurora accepts exactly one C(@) between a non-empty local part and domain, and only the characters
            C(a-z A-Z 0-9 . _ - +).
        type: str
        required: true
      state:
        description:
          - V(present) creates or updates the account.
          - V(absent) deletes it; the user and its other accounts stay.
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
            Aurora cannot tell whether the stored password differs).
        type: str
        choices: [on_create, always]
        default: on_create
      server:
        description:
          - Name of the Aurora mail server of the account, matched exactly. On a multi-tenant Aurora the server nearest
            the user's tenant is used, that is the tenant's own server first, then a server of the
            super-administrator's; two equally near servers of this name fail the item, and O(accounts[].server_id) then
            picks one.
          - When the account exists on another server, it is moved to this one.
          - When neither O(accounts[].server) nor O(accounts[].server_id) is given, a new account goes to the server
            Aurora picks for the domain of O(accounts[].email), and the item fails before creating anything when there
            is none.
          - Mutually exclusive with O(accounts[].server_id).
        type: str
      server_id:
        description:
          - Id of the Aurora mail server of the account; like O(accounts[].server), by id.
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
  parallel:
    description:
      - How many accounts are worked on at the same time, each over its own connection to Aurora.
      - V(1) works on them one after the other.
    type: int
    default: 4
notes:
  - Without Aurora Corporate's MailMultiAccountsPlugin, Aurora allows one mail account per user; an item for a user who
    already has an account then fails before any write and names the plugin.
seealso:
  - module: afterlogic.aurora.aurora_mail_account
    description: The same for one account; each item of this module gets exactly its behaviour and result.
  - module: afterlogic.aurora.aurora_user_accounts
'''

EXAMPLES = r'''
- name: Shared mailboxes as further accounts of their users
  afterlogic.aurora.aurora_mail_accounts:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    accounts:
      - user: ann@example.com
        email: sales@example.com
        password: "{{ vault_mailbox_passwords['sales@example.com'] }}"
      - user: ann@example.com
        email: support@example.com
        password: "{{ vault_mailbox_passwords['support@example.com'] }}"
      - user: bob@example.com
        email: old@example.com
        state: absent
'''

RETURN = r'''
planned:
  description: Always empty, since no later task looks for further mail accounts.
  returned: when every item is valid
  type: list
  elements: dict
  sample:
    []
msg:
  description:
    - How many accounts were (or, in check mode, would be) created, updated, left unchanged, deleted, and how many
      failed. When items failed, each of them (up to 20) with its error.
  returned: always
  type: str
  sample: "3 mail accounts: 3 created"
retries:
  description: The sum of the items' C(retries).
  returned: when every item is valid
  type: int
  sample: 0
summary:
  description: How many items were created, updated, unchanged (including absent ones that stay absent), deleted and failed.
  returned: when every item is valid
  type: dict
  sample:
    created: 3
    updated: 0
    unchanged: 0
    deleted: 0
    failed: 0
results:
  description:
    - One per item of O(accounts), in the same order, each what M(afterlogic.aurora.aurora_mail_account) returns for
      that item, plus the O(accounts[].email) it is about.
  returned: when every item is valid
  type: list
  elements: dict
  sample:
    - email: sales@example.com
      changed: true
      msg: created
      created: true
      password_changed: true
      user_id: 3
      account_id: 7
      account:
        id: 7
        user_id: 3
        email: sales@example.com
        friendly_name: ""
        incoming_login: sales@example.com
        incoming_password: "*****"
        server: example
        server_id: 1
        use_to_authorize: false
diff:
  description:
    - The diff of each item that changed, with the item named in C(before_header) and C(after_header), as
      C(ansible-playbook --diff) shows it. Passwords are placeholders.
  returned: when diff mode is on
  type: list
  elements: dict
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
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_account import MailAccount


def main():
    run_kind(MailAccount, bulk=True)


if __name__ == '__main__':
    main()
