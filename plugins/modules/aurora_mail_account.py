#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_mail_account
short_description: Manage the further mail accounts of an Afterlogic Aurora user
version_added: 0.1.0
description:
  - Creates, updates or deletes a mail account of an existing Aurora user, beside the account the user logs in with.
  - The login account belongs to M(afterlogic.aurora.aurora_user_account). A task whose O(email) is the user's login
    account fails and says so, whatever its O(state).
  - Several mail accounts per user need Aurora Corporate's C(MailMultiAccountsPlugin). Without it Aurora allows one
    account per user and refuses a second one without an error code. So when the user already has an account and
    Aurora's mail settings do not say C(AllowMultiAccounts), the task fails before any write and names the plugin,
    in check mode too.
  - Only the options the task sets are compared, and only what differs is changed. An update always sends the
    account's C(UseToAuthorize) as stored, so the account never becomes, nor stops, being the login account.
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
      - Required when the account has to be created; the task fails before writing anything when it is missing.
      - By default Aurora logs in to the IMAP server with it before it saves a new account, so the mailbox must exist
        and be reachable from the Aurora host, unless the administrator turned C(DoImapLoginOnAccountCreate) off.
      - Never shown in the output, the diff or error messages.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the account is created.
      - V(always) also sets it on an existing account, on every run (the task then always reports a change, because
        Aurora cannot tell whether the stored password differs).
    type: str
    choices: [on_create, always]
    default: on_create
  server:
    description:
      - Name of the Aurora mail server of the account, matched exactly. On a multi-tenant Aurora the server nearest
        the user's tenant is used, that is the tenant's own server first, then a server of the super-administrator's;
        two equally near servers of this name fail the task, and O(server_id) then picks one.
      - When the account exists on another server, it is moved to this one.
      - When neither O(server) nor O(server_id) is given, a new account goes to the server Aurora picks for the
        domain of O(email), and the task fails before creating anything when there is none.
      - Mutually exclusive with O(server_id).
    type: str
  server_id:
    description:
      - Id of the Aurora mail server of the account; like O(server), by id.
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
notes:
  - Two runs that create the same account at once would leave two copies, because Aurora has no unique key on a
    user's account addresses; the run whose copy has the higher id deletes it and adopts the other.
seealso:
  - module: afterlogic.aurora.aurora_user_account
'''

EXAMPLES = r'''
- name: A shared mailbox as a second account of Ann
  afterlogic.aurora.aurora_mail_account:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    user: ann@example.com
    email: sales@example.com
    password: "{{ vault_sales_mailbox_password }}"
    friendly_name: Sales

- name: Remove it again; Ann and her login account stay
  afterlogic.aurora.aurora_mail_account:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    user: ann@example.com
    email: sales@example.com
    state: absent
'''

RETURN = r'''
msg:
  description: What the task did or would do.
  returned: always
  type: str
  sample: "updated: friendly_name ''→'Sales'"
created:
  description: Whether the account was or would be created.
  returned: success
  type: bool
  sample: true
password_changed:
  description: Whether the stored password was or would be set.
  returned: success
  type: bool
  sample: true
retries:
  description:
    - How many times a write was sent again because Aurora refused it silently (C(Result false), no error code) and
      reading Aurora back showed nothing written and nothing that explains it. V(0) in check mode.
  returned: success, and failures once the task has started writing
  type: int
  sample: 0
user_id:
  description: Id of the user who owns the account.
  returned: success
  type: int
  sample: 3
account_id:
  description:
    - Id of the account after the run; for a deletion, the id it had. Null when it does not exist, or is still to
      be created in check mode.
  returned: success
  type: int
  sample: 7
account:
  description: The account after the run (predicted in check mode); null when it does not exist.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the account (C(AccountID)); null in check mode when it is still to be created.
      type: int
      sample: 7
    user_id:
      description: Id of the user the account belongs to.
      type: int
      sample: 3
    email:
      description: Address of the account.
      type: str
      sample: sales@example.com
    friendly_name:
      description: Display name of the account.
      type: str
      sample: Sales
    incoming_login:
      description: Login name on the IMAP server.
      type: str
      sample: sales@example.com
    incoming_password:
      description: Always C(*****), as Aurora returns it.
      type: str
      sample: "*****"
    server:
      description: Name of the account's mail server.
      type: str
      sample: example
    server_id:
      description: Id of the account's mail server.
      type: int
      sample: 1
    use_to_authorize:
      description: Whether the user logs in with this account; always false for the accounts this module manages.
      type: bool
      sample: false
diff:
  description:
    - The account before and after, in the words of the options; passwords are placeholders.
  returned: when diff mode is on
  type: dict
  sample:
    before: {}
    after:
      user: ann@example.com
      email: sales@example.com
      server: example
      server_id: 1
      friendly_name: Sales
      incoming_login: sales@example.com
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
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_account import MailAccount


def main():
    run_kind(MailAccount)


if __name__ == '__main__':
    main()
