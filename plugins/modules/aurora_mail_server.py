#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_mail_server
short_description: Create, update and delete mail servers of Afterlogic Aurora
version_added: 0.1.0
description:
  - Makes sure a mail server (IMAP/SMTP connection settings and the e-mail domains it serves) exists in Aurora with the
    settings the task gives, or that it does not exist.
  - The server is found by its exact O(name). Aurora allows several servers with the same name; if there are several, the
    task fails and lists their ids instead of picking one.
  - Only the options the task sets are compared and changed; any other setting of an existing server is kept. The defaults
    given below apply only when the server is created.
  - Aurora is only written to when something differs, so the task can run any number of times and changes nothing after the
    first run.
author:
  - afterlogic.aurora maintainers (!UNKNOWN)
extends_documentation_fragment:
  - afterlogic.aurora.connection
  - afterlogic.aurora.connection.attributes
attributes:
  idempotent:
    description: Running the same task again with the same options changes nothing and reports C(ok).
    support: partial
    details:
      - Not with O(update_password=always) and O(smtp_password) set, which sends the password on every run.
options:
  name:
    description:
      - Display name of the mail server, which identifies it. Matched exactly and case-sensitively.
    type: str
    required: true
  tenant:
    description:
      - Name of the tenant that owns the server, on a multi-tenant Aurora (Aurora Corporate); see
        M(afterlogic.aurora.aurora_tenant).
      - A server with a tenant is that tenant's own (Aurora's C(OwnerType) C(tenant)), and is found only among that
        tenant's servers, so two tenants can each have a server of the same name. Without O(tenant) or O(tenant_id),
        the server is one of the super-administrator's, found only among those.
      - The tenant must exist; the task fails before any write when it does not.
      - Mutually exclusive with O(tenant_id).
    type: str
  tenant_id:
    description:
      - Id of the tenant that owns the server, instead of its name O(tenant).
    type: int
  state:
    description:
      - V(present) creates the server or brings the options the task sets up to date.
      - V(absent) deletes the server if it exists.
      - Aurora deletes, together with a server, every mail account on it and every user whose login account is on it.
        So a server that mail accounts use is only deleted with O(force=true).
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
      - When the server is created and this is not set, the value of O(incoming_server).
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
      - V(specified_credentials) uses O(smtp_login) and O(smtp_password) for every account; both are then required to create
        the server.
      - V(user_credentials) uses the login and password of the account that sends.
      - When the server is created and this is not set, V(user_credentials).
    type: str
    choices: [no_authentication, specified_credentials, user_credentials]
  smtp_login:
    description:
      - SMTP login used with O(smtp_auth_type=specified_credentials).
      - When the server is created and this is not set, empty.
    type: str
  smtp_password:
    description:
      - SMTP password used with O(smtp_auth_type=specified_credentials).
      - Aurora never shows a stored password, so it cannot be compared; O(update_password) decides when it is sent.
      - When the server is created and this is not set, empty.
    type: str
  update_password:
    description:
      - V(on_create) sends O(smtp_password) only when the server is created; an existing server keeps its stored password.
      - V(always) sends O(smtp_password) on every run, so the task reports C(changed) on every run.
    type: str
    choices: [always, on_create]
    default: on_create
  domains:
    description:
      - E-mail domains whose users log in through this server, for example V(example.com).
      - V(*) makes the server the catch-all for domains no other server lists.
      - Compared as a set, in lower case; order and duplicates do not matter.
      - At least one is required to create the server, except on an Aurora with the MailDomains module.
      - With the MailDomains module (Aurora's C(AvailableBackendModules) lists it), the domains of a server belong to
        that module, and Aurora clears the domains C(UpdateServer) is sent. Register them with
        M(afterlogic.aurora.aurora_mail_domain) instead. There this option is neither compared nor set, so that
        playbooks written for WebMail Lite converge; when it differs from the domains registered on the server, the
        task warns and says so. A new server gets the catch-all V(*) when this lists it, and Aurora drops V(*) on the
        server's next update, which the task warns about too. The returned server then holds the registered
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
      - Whether users log in to the mail server with their full e-mail address (V(true)) or with its local part only.
      - When the server is created and this is not set, V(true).
    type: bool
  oauth_enable:
    description:
      - Whether users of this server may sign in through an OAuth provider (Aurora's C(OAuthEnable)).
      - Aurora stores O(oauth_name), O(oauth_type) and O(oauth_icon_url) only while this is V(true), so they cannot be
        set while it is V(false).
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
      - Giving this option turns the display on unless O(external_access.enabled=false).
      - Only the sub-options the task sets are compared; when the server is created the others take Aurora's defaults.
    type: dict
    suboptions:
      enabled:
        description:
          - Whether Aurora shows these addresses (Aurora's C(SetExternalAccessServers)).
          - V(true) if not set and O(external_access) is given. When V(false), O(external_access.imap),
            O(external_access.smtp) and O(external_access.pop3) cannot be set, because Aurora ignores them then.
          - When the server is created without O(external_access), V(false).
        type: bool
      imap:
        description:
          - The IMAP address to show.
          - When the server is created, the server is empty, the port V(143), the alternative port V(0) (none) and SSL
            V(false) unless set.
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
          - When the server is created, the server is empty, the port V(25), the alternative port V(0) (none) and SSL
            V(false) unless set.
        type: dict
        suboptions: *external_service
      pop3:
        description:
          - The POP3 address to show.
          - When the server is created, the server is empty, the port V(110), the alternative port V(0) (none) and SSL
            V(false) unless set.
        type: dict
        suboptions: *external_service
  force:
    description:
      - With O(state=absent), delete the server even when mail accounts use it. Aurora then deletes those accounts, and the
        users whose login account is among them, with the server.
      - Without it, the task lists the accounts (up to five) and fails without deleting anything.
    type: bool
    default: false
notes:
  - Without O(tenant), the server is created in the super-administrator's scope (Aurora's C(TenantId) 0). Updates and
    deletions always send the server's own C(TenantId), because with another one Aurora refuses them, and a deletion would
    still delete the users whose login account is on the server.
  - If Aurora's answer to a write is lost, the module reads the server back and reports what Aurora holds; it never sends a
    second create in the same run.
  - If two runs create the same server at the same moment, both keep the one with the lowest id and the other is deleted.
'''

EXAMPLES = r'''
- name: Add the mail server of Aurora's tutorial
  afterlogic.aurora.aurora_mail_server:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ aurora_admin_password }}"
    name: mydomain
    incoming_server: mail.mydomain.com
    incoming_port: 143
    incoming_use_ssl: false
    outgoing_server: mail.mydomain.com
    outgoing_port: 25
    outgoing_use_ssl: false
    smtp_auth_type: user_credentials
    domains:
      - mydomain.com

- name: Manage several servers with the connection set once for the whole collection
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: https://mail.example.com/webmail/
      api_password: "{{ aurora_admin_password }}"
  block:
    - name: A server for two domains over SSL, relaying through one SMTP account
      afterlogic.aurora.aurora_mail_server:
        name: corp
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
          - sub.corp.example
        enable_sieve: true

    - name: Move the tutorial's server to IMAPS, keeping every other setting
      afterlogic.aurora.aurora_mail_server:
        name: mydomain
        incoming_port: 993
        incoming_use_ssl: true

    - name: Rotate the relay password (reports changed on every run)
      afterlogic.aurora.aurora_mail_server:
        name: corp
        smtp_password: "{{ corp_relay_password }}"
        update_password: always

- name: Show what would change, without changing anything
  afterlogic.aurora.aurora_mail_server:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ aurora_admin_password }}"
    name: mydomain
    domains:
      - mydomain.com
      - mydomain.org
  check_mode: true
  diff: true
  register: preview

- name: Show users the addresses to set up other mail clients
  afterlogic.aurora.aurora_mail_server:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ aurora_admin_password }}"
    name: mydomain
    external_access:
      imap:
        server: imap.mydomain.com
        port: 993
        use_ssl: true
      smtp:
        server: smtp.mydomain.com
        port: 587
      pop3:
        server: pop.mydomain.com
        port: 995
        use_ssl: true

- name: Delete a server together with the mail accounts on it and the users who log in with them
  afterlogic.aurora.aurora_mail_server:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ aurora_admin_password }}"
    name: old-server
    state: absent
    force: true
'''

RETURN = r'''
blocking_accounts:
  description:
    - When a deletion is refused because accounts use the server, the e-mail addresses of all those accounts.
  returned: when O(state=absent) is refused because the server still has accounts
  type: list
  elements: str
  sample: [user@mydomain.com]
server:
  description:
    - The server as Aurora holds it after the run, or as it would in check mode (a server to be created then has a null id).
    - C(SmtpPassword) is always C(*****).
    - With Aurora's MailDomains module, C(Domains) is the list of the domains registered on the server.
    - Null when there is no server after the run.
  returned: always
  type: dict
  sample:
    Id: 1
    ServerId: 1
    EntityId: 1
    TenantId: 0
    Name: mydomain
    IncomingServer: mail.mydomain.com
    IncomingPort: 143
    IncomingUseSsl: false
    OutgoingServer: mail.mydomain.com
    OutgoingPort: 25
    OutgoingUseSsl: false
    SmtpAuthType: "2"
    SmtpLogin: ""
    SmtpPassword: "*****"
    OwnerType: superadmin
    Domains: mydomain.com
    EnableThreading: true
    EnableSieve: false
    SievePort: 4190
    UseFullEmailAddressAsLogin: true
    SetExternalAccessServers: false
server_id:
  description:
    - Id of the server the task acted on; for a deletion, the id the server had.
    - Null when no such server exists, and in check mode for a server to be created.
  returned: always
  type: int
  sample: 1
retries:
  description:
    - How many times a write was sent again because Aurora refused it silently (C(Result false), no error code) and
      reading Aurora back showed nothing written and nothing that explains it, as after a database deadlock between
      overlapping writes. Each attempt follows a jittered pause, all within O(timeout). V(0) in check mode.
  returned: success, and failures once the task has started writing
  type: int
  sample: 0
password_changed:
  description: Whether the SMTP password was sent to Aurora (or would be, in check mode).
  returned: always
  type: bool
  sample: false
msg:
  description:
    - What the task did, V(created), V(updated) followed by each change, V(unchanged), V(deleted) or V(absent), and any
      notes, such as a lost answer that was checked by reading the server back.
  returned: always
  type: str
  sample: "updated: incoming_port 143\u2192993"
diff:
  description:
    - The compared settings before and after, by option name (external access as C(external_access.imap.port) and so on).
    - An absent server is C({}). A password being set shows as C(<hidden, changed>), never its value.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: Settings before the run.
      type: dict
      returned: when diff mode is on
    after:
      description: Settings after the run.
      type: dict
      returned: when diff mode is on
error:
  description: On failure, the Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: Mail.CreateServer
    code: 108
    name: AccessDenied
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import MailServer


def main():
    run_kind(MailServer)


if __name__ == '__main__':
    main()
