#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_mail_servers
short_description: Create, update and delete many mail servers of Afterlogic Aurora in one task
version_added: 0.1.0
description:
  - Does for each item of O(servers) what M(afterlogic.aurora.aurora_mail_server) does for one server, with the same
    options, and returns for each item what that module returns for it.
  - Faster than a loop over M(afterlogic.aurora.aurora_mail_server) for many servers. The task logs in once and lists
    Aurora's servers once, instead of searching for each server. Then it works on several servers at a time (O(parallel)).
  - Every item is checked before anything is written. If any item is invalid, or two items have the same
    O(servers[].name), the task fails and lists them all, without changing anything.
  - A server that cannot be done does not stop the others. The task then fails after all items were tried, names the
    failed ones with their errors, and still returns every item's result.
author:
  - afterlogic.aurora maintainers (!UNKNOWN)
extends_documentation_fragment:
  - afterlogic.aurora.connection
  - afterlogic.aurora.connection.attributes
  - afterlogic.aurora.planned
attributes:
  idempotent:
    description: Running the same task again with the same options changes nothing and reports C(ok).
    support: partial
    details:
      - Not for an item with O(servers[].update_password=always) and O(servers[].smtp_password) set, which sends the
        password on every run.
options:
  servers:
    description:
      - The mail servers, each with the options of M(afterlogic.aurora.aurora_mail_server).
      - Each O(servers[].name) may appear once.
      - An empty list does nothing and makes no API call.
    type: list
    elements: dict
    required: true
    # Generated from the options of aurora_mail_server by `make docs-sync` (tools/sync_option_docs.py).
    suboptions:
      name:
        description:
          - Display name of the mail server, which identifies it. Matched exactly and case-sensitively.
          - Aurora allows several servers with the same name; if there are several, this item fails and lists their ids
            instead of picking one.
        type: str
        required: true
      tenant:
        description:
          - Name of the tenant that owns the server, on a multi-tenant Aurora (Aurora Corporate); see
            M(afterlogic.aurora.aurora_tenant).
          - A server with a tenant is that tenant's own (Aurora's C(OwnerType) C(tenant)), and is found only among that
            tenant's servers, so two tenants can each have a server of the same name. Without O(servers[].tenant) or
            O(servers[].tenant_id), the server is one of the super-administrator's, found only among those.
          - The tenant must exist; the item fails before any write when it does not.
          - Mutually exclusive with O(servers[].tenant_id).
        type: str
      tenant_id:
        description:
          - Id of the tenant that owns the server, instead of its name O(servers[].tenant).
        type: int
      state:
        description:
          - V(present) creates the server or brings the options the item sets up to date.
          - V(absent) deletes the server if it exists.
          - Aurora deletes, together with a server, every mail account on it and every user whose login account is on
            it. So a server that mail accounts use is only deleted with O(servers[].force=true).
        type: str
        choices: [present, absent]
        default: present
      incoming_server:
        description:
          - Host name or IP address of the IMAP server.
          - Required to create the server.
        type: str
      incoming_port:
        description:
          - Port of the IMAP server.
          - When the server is created and this is not set, V(143).
        type: int
      incoming_use_ssl:
        description:
          - Whether to connect to the IMAP server over SSL/TLS from the start.
          - When the server is created and this is not set, V(false).
        type: bool
      outgoing_server:
        description:
          - Host name or IP address of the SMTP server.
          - When the server is created and this is not set, the value of O(servers[].incoming_server).
        type: str
      outgoing_port:
        description:
          - Port of the SMTP server.
          - When the server is created and this is not set, V(25).
        type: int
      outgoing_use_ssl:
        description:
          - Whether to connect to the SMTP server over SSL/TLS from the start.
          - When the server is created and this is not set, V(false).
        type: bool
      smtp_auth_type:
        description:
          - How Aurora authenticates to the SMTP server.
          - V(no_authentication) sends without authenticating.
          - V(specified_credentials) uses O(servers[].smtp_login) and O(servers[].smtp_password) for every account; both
            are then required to create the server.
          - V(user_credentials) uses the login and password of the account that sends.
          - When the server is created and this is not set, V(user_credentials).
        type: str
        choices: [no_authentication, specified_credentials, user_credentials]
      smtp_login:
        description:
          - SMTP login used with O(servers[].smtp_auth_type=specified_credentials).
          - When the server is created and this is not set, empty.
        type: str
      smtp_password:
        description:
          - SMTP password used with O(servers[].smtp_auth_type=specified_credentials).
          - Aurora never shows a stored password, so it cannot be compared; O(servers[].update_password) decides when it
            is sent.
          - When the server is created and this is not set, empty.
          - Never shown in the output, the diff or error messages.
        type: str
      update_password:
        description:
          - V(on_create) sends O(servers[].smtp_password) only when the server is created; an existing server keeps its
            stored password.
          - V(always) sends O(servers[].smtp_password) on every run, so the item reports C(changed) on every run.
        type: str
        choices: [always, on_create]
        default: on_create
      domains:
        description:
          - E-mail domains whose users log in through this server, for example V(example.com).
          - V(*) makes the server the catch-all for domains no other server lists.
          - Compared as a set, in lower case; order and duplicates do not matter.
          - At least one is required to create the server, except on an Aurora with the MailDomains module.
          - With the MailDomains module (Aurora's C(AvailableBackendModules) lists it), the domains of a server belong
            to that module, and Aurora clears the domains C(UpdateServer) is sent. Register them with
            M(afterlogic.aurora.aurora_mail_domain) instead. There this option is neither compared nor set, so that
            playbooks written for WebMail Lite converge; when it differs from the domains registered on the server, the
            item warns and says so. A new server gets the catch-all V(*) when this lists it, and Aurora drops V(*) on
            the server's next update, which the item warns about too. The returned server then holds the registered
            domains as a list.
        type: list
        elements: str
      enable_threading:
        description:
          - Whether message threading is offered for accounts on this server.
          - When the server is created and this is not set, V(true).
        type: bool
      enable_sieve:
        description:
          - Whether filters, forwarding and auto-responders are managed through Sieve (ManageSieve) on the mail server.
          - When the server is created and this is not set, V(false).
        type: bool
      sieve_port:
        description:
          - Port of the ManageSieve service.
          - When the server is created and this is not set, V(4190).
        type: int
      use_full_email_address_as_login:
        description:
          - Whether users log in to the mail server with their full e-mail address (V(true)) or with its local part
            only.
          - When the server is created and this is not set, V(true).
        type: bool
      oauth_enable:
        description:
          - Whether users of this server may sign in through an OAuth provider (Aurora's C(OAuthEnable)).
          - Aurora stores O(servers[].oauth_name), O(servers[].oauth_type) and O(servers[].oauth_icon_url) only while
            this is V(true), so they cannot be set while it is V(false).
          - When the server is created and this is not set, V(false).
        type: bool
      oauth_name:
        description:
          - The name of the OAuth sign-in that Aurora shows (Aurora's C(OAuthName)).
          - When the server is created and this is not set, empty.
        type: str
      oauth_type:
        description:
          - The OAuth connector Aurora signs in through, by the name Aurora gives it (Aurora's C(OAuthType)).
          - When the server is created and this is not set, empty.
        type: str
      oauth_icon_url:
        description:
          - The address of the icon Aurora shows beside the OAuth sign-in (Aurora's C(OAuthIconUrl)).
          - When the server is created and this is not set, empty.
        type: str
      external_access:
        description:
          - The IMAP, SMTP and POP3 addresses that Aurora shows to users for setting up other mail clients.
          - Giving this option turns the display on unless O(servers[].external_access.enabled=false).
          - Only the sub-options the item sets are compared; when the server is created the others take Aurora's
            defaults.
        type: dict
        suboptions:
          enabled:
            description:
              - Whether Aurora shows these addresses (Aurora's C(SetExternalAccessServers)).
              - V(true) if not set and O(servers[].external_access) is given. When V(false),
                O(servers[].external_access.imap), O(servers[].external_access.smtp) and
                O(servers[].external_access.pop3) cannot be set, because Aurora ignores them then.
              - When the server is created without O(servers[].external_access), V(false).
            type: bool
          imap:
            description:
              - The IMAP address to show.
              - When the server is created, the server is empty, the port V(143), the alternative port V(0) (none) and
                SSL V(false) unless set.
            type: dict
            suboptions: &external_service
              server:
                description: Host name to show; empty for none.
                type: str
              port:
                description: Port to show.
                type: int
              alter_port:
                description: An alternative port to show; V(0) for none.
                type: int
              use_ssl:
                description: Whether the port uses SSL/TLS from the start.
                type: bool
          smtp:
            description:
              - The SMTP address to show.
              - When the server is created, the server is empty, the port V(25), the alternative port V(0) (none) and
                SSL V(false) unless set.
            type: dict
            suboptions: *external_service
          pop3:
            description:
              - The POP3 address to show.
              - When the server is created, the server is empty, the port V(110), the alternative port V(0) (none) and
                SSL V(false) unless set.
            type: dict
            suboptions: *external_service
      force:
        description:
          - With O(servers[].state=absent), delete the server even when mail accounts use it. Aurora then deletes those
            accounts, and the users whose login account is among them, with the server.
          - Without it, the item lists the accounts (up to five) and fails without deleting anything.
          - Finding those accounts reads the accounts of every user, once per task however many servers are deleted.
        type: bool
        default: false
  parallel:
    description:
      - How many servers are worked on at the same time, each with its own API calls to Aurora.
      - V(1) works on them one after the other, in the order of O(servers).
      - The default suits a production Aurora. A higher value finishes sooner as long as Aurora (its PHP workers and its
        database) keeps up; a lower one spares a busy or small Aurora.
      - The results are returned in the order of O(servers) whatever the value.
    type: int
    default: 4
  planned_account_moves:
    description:
      - Only used in check mode; ignored otherwise.
      - The mail accounts that an earlier task of the same run creates, moves or deletes, which check mode leaves as they
        are in Aurora. Give the RV(afterlogic.aurora.aurora_user_accounts#module:account_moves) that task returned.
      - A server to delete is then checked against the accounts it will have when the real run reaches this task, so
        that a check run predicts the deletion of a server whose accounts the run moves away or deletes first.
    type: list
    elements: dict
    default: []
    suboptions:
      email:
        description: Address of the account.
        type: str
        required: true
      from_server_id:
        description: Id of the server the account leaves; null for a new account.
        type: int
      to_server_id:
        description: Id of the server the account goes to; null when it is deleted.
        type: int
notes:
  - The servers are created in the super-administrator's scope (Aurora's C(TenantId) 0); the tenant of an existing server
    is kept.
  - If Aurora's answer to a write is lost, the module reads the server back and reports what Aurora holds; it never sends a
    second create in the same run.
seealso:
  - module: afterlogic.aurora.aurora_mail_server
    description: The same for one server; each item of this module gets exactly its behaviour and result.
  - module: afterlogic.aurora.aurora_user_accounts
'''

EXAMPLES = r'''
- name: Add the mail servers of two domains
  afterlogic.aurora.aurora_mail_servers:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ aurora_admin_password }}"
    servers:
      - name: mydomain
        incoming_server: mail.mydomain.com
        domains:
          - mydomain.com
      - name: corp
        incoming_server: imap.corp.example
        incoming_port: 993
        incoming_use_ssl: true
        outgoing_server: smtp.corp.example
        outgoing_port: 465
        outgoing_use_ssl: true
        smtp_auth_type: specified_credentials
        smtp_login: relay
        smtp_password: "{{ corp_relay_password }}"
        domains:
          - corp.example

- name: Servers kept in inventory, with the connection set once for the whole collection
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: https://mail.example.com/webmail/
      api_password: "{{ aurora_admin_password }}"
  block:
    - name: Every server listed in the variable aurora_servers (a list of items as above), eight at a time
      afterlogic.aurora.aurora_mail_servers:
        servers: "{{ aurora_servers }}"
        parallel: 8
      register: servers

    - name: Show how many were created, updated, unchanged, deleted and failed
      ansible.builtin.debug:
        var: servers.summary

    - name: Delete an unused server and move another one to IMAPS
      afterlogic.aurora.aurora_mail_servers:
        servers:
          - name: old-server
            state: absent
          - name: mydomain
            incoming_port: 993
            incoming_use_ssl: true
'''

RETURN = r'''
msg:
  description:
    - How many servers were (or, in check mode, would be) created, updated, left unchanged, deleted, and how many failed.
    - When items failed, each of them (up to 20) with its error.
  returned: always
  type: str
  sample: "10 mail servers: 2 created, 8 unchanged"
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
      description: Servers created.
      type: int
    updated:
      description: Servers updated.
      type: int
    unchanged:
      description: Servers left as they were, and absent servers that stay absent.
      type: int
    deleted:
      description: Servers deleted.
      type: int
    failed:
      description: Items that failed.
      type: int
  sample:
    created: 2
    updated: 0
    unchanged: 8
    deleted: 0
    failed: 0
results:
  description:
    - One per item of O(servers), in the same order, each what M(afterlogic.aurora.aurora_mail_server) returns for that
      server, plus the O(servers[].name) it is about.
  returned: when every item is valid
  type: list
  elements: dict
  contains:
    name:
      description: The O(servers[].name) of the item.
      type: str
      sample: mydomain
    changed:
      description: Whether the item changed something (or would, in check mode).
      type: bool
    failed:
      description: True when the item failed; absent otherwise.
      type: bool
      returned: when the item failed
    msg:
      description:
        - What was done for the item, V(created), V(updated) followed by each change, V(unchanged), V(deleted) or
          V(absent), and any notes; for a failed item, its error.
      type: str
      sample: "updated: incoming_port 143\u2192993"
    server:
      description:
        - The server as Aurora holds it after the run, or as it would in check mode (a server to be created then has a
          null id). C(SmtpPassword) is always C(*****).
        - Null when there is no server after the run.
      type: dict
      returned: when the item succeeded
    server_id:
      description:
        - Id of the server the item acted on; for a deletion, the id the server had.
        - Null when no such server exists, and in check mode for a server to be created.
      type: int
      returned: when the item succeeded
    password_changed:
      description: Whether the SMTP password was sent to Aurora (or would be, in check mode).
      type: bool
      returned: when the item succeeded
    diff:
      description: The compared settings before and after, as M(afterlogic.aurora.aurora_mail_server) returns them.
      type: dict
      returned: when diff mode is on and the item succeeded
    error:
      description: The Aurora call that failed and, when Aurora gave one, its error code and name.
      type: dict
      returned: when the item failed
    blocking_accounts:
      description:
        - When the deletion of the item's server is refused because accounts use it, the e-mail addresses of all
          those accounts.
      type: list
      elements: str
      returned: when O(servers[].state=absent) is refused because the server still has accounts
      sample: [user@mydomain.com]
  sample:
    - name: mydomain
      changed: true
      msg: created
      server_id: 1
      password_changed: false
      server:
        Id: 1
        Name: mydomain
        IncomingServer: mail.mydomain.com
diff:
  description:
    - The diff of each item that changed, with the item named in C(before_header) and C(after_header), as
      C(ansible-playbook --diff) shows it.
  returned: when diff mode is on
  type: list
  elements: dict
  contains:
    before:
      description: Settings before the run; C({}) for a server that did not exist.
      type: dict
    after:
      description: Settings after the run; C({}) for a deleted server.
      type: dict
    before_header:
      description: The item, as C(servers[<index>] '<name>').
      type: str
    after_header:
      description: The item, as C(servers[<index>] '<name>').
      type: str
planned:
  description:
    - In check mode, the servers it creates or changes, with their domains, for the O(planned) of later tasks; empty
      otherwise.
  returned: when every item is valid
  type: list
  elements: dict
  sample:
    - {kind: mail_server, name: mail, id: null, tenant: acme, tenant_id: null,
       server: null, server_id: null, domains: [], account: false, settings: null}
error:
  description: When the task failed before working on the items (login, or listing the servers), the Aurora call that failed.
  returned: failure
  type: dict
  sample:
    call: Mail.GetServers
    code: 108
    name: AccessDenied
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import MailServer


def main():
    run_kind(MailServer, bulk=True)


if __name__ == '__main__':
    main()
