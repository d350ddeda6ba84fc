#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_mail_domain
short_description: Register and remove mail domains of Afterlogic Aurora's MailDomains module
version_added: 0.1.0
description:
  - Makes sure a mail domain is registered in a tenant on a mail server, or that it is not registered.
  - Needs Aurora's MailDomains module (Aurora's C(AvailableBackendModules) lists it); without it the task fails, in
    check mode too. With it, the domains of mail servers belong to MailDomains, so they are registered with this
    module, not with the O(afterlogic.aurora.aurora_mail_server#module:domains) option.
  - Domain names are unique across all tenants and compared ignoring case. A domain registered in another tenant or on
    another server is reported by name, never silently taken over.
  - Aurora cannot change a domain's tenant or server. Unless O(force=true), the task then fails and says where the
    domain is; with O(force=true) it deletes the domain and registers it again, which deletes the domain's users.
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
  name:
    description:
      - The domain name, for example V(acme.example). Aurora refuses surrounding spaces, so they are refused here.
    type: str
    required: true
  state:
    description:
      - V(present) registers the domain in O(tenant) on O(server).
      - V(absent) deletes it. Aurora then deletes the users linked to the domain, so the task refuses while the
        domain's tenant has users with addresses in the domain, and names them, unless O(force=true).
      - Aurora keeps the users who belong to a group (and does not count them in its own user count of the domain),
        and the users it never linked to the domain; the result lists them in RV(kept_users).
    type: str
    choices: [present, absent]
    default: present
  tenant:
    description:
      - Name of the tenant the domain belongs to; required with O(state=present), unless O(tenant_id) is given.
      - Mutually exclusive with O(tenant_id).
    type: str
  tenant_id:
    description:
      - Id of the tenant the domain belongs to, instead of its name O(tenant).
    type: int
  server:
    description:
      - Name of the mail server of the domain's users; required with O(state=present), unless O(server_id) is
        given.
      - The tenant's own server of this name comes first, then a server of the super-administrator's. Two equally
        near servers of this name fail the task; O(server_id) then picks one.
      - Mutually exclusive with O(server_id).
    type: str
  server_id:
    description:
      - Id of the mail server of the domain's users, instead of its name O(server).
    type: int
  force:
    description:
      - With O(state=absent), delete the domain even though users would go with it.
      - With O(state=present), when the domain is registered in another tenant or on another server, delete it and
        register it again as the task says, which deletes its users.
    type: bool
    default: false
notes:
  - Aurora answers a missing domain id with an HTTP error, so the module never sends one; it finds domains by their
    tenant's listing.
seealso:
  - module: afterlogic.aurora.aurora_tenant
  - module: afterlogic.aurora.aurora_mail_server
'''

EXAMPLES = r'''
- name: Register acme.example in the tenant acme, on acme's own server "mail"
  afterlogic.aurora.aurora_mail_domain:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    name: acme.example
    tenant: acme
    server: mail

- name: Remove a domain that no user has any more
  afterlogic.aurora.aurora_mail_domain:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    name: old.example
    state: absent
'''

RETURN = r'''
domain:
  description: The domain after the run (predicted in check mode); null when it is not registered.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the domain; null in check mode when it is still to be registered.
      type: int
      sample: 1
    name:
      description: The domain name as Aurora stores it.
      type: str
      sample: acme.example
    tenant:
      description: Name of the domain's tenant.
      type: str
      sample: acme
    tenant_id:
      description: Id of the domain's tenant.
      type: int
      sample: 2
    server:
      description: Name of the domain's mail server.
      type: str
      sample: mail
    server_id:
      description: Id of the domain's mail server.
      type: int
      sample: 2
    user_count:
      description: How many users of the domain's tenant have an address in the domain, counted from the users.
      type: int
      sample: 3
domain_id:
  description: Id of the domain the task acted on; for a deletion, the id it had. Null when there is none.
  returned: success
  type: int
  sample: 1
deleted_users:
  description: The users Aurora deleted with the domain (would delete, in check mode).
  returned: when the domain is deleted
  type: list
  elements: str
  sample: [ann@acme.example]
kept_users:
  description:
    - Users with an address in the domain that Aurora kept when it deleted the domain. In check mode, the users who
      belong to a group; a real run also finds the users Aurora never linked to the domain.
  returned: when the domain is deleted
  type: list
  elements: str
  sample: []
retries:
  description:
    - How many times a write was sent again because Aurora refused it silently (C(Result false), no error code) and
      reading Aurora back showed nothing written and nothing that explains it. V(0) in check mode.
  returned: success, and failures once the task has started writing
  type: int
  sample: 0
msg:
  description: What the task did, V(created), V(registered again) followed by each change, V(unchanged), V(deleted) or V(absent).
  returned: always
  type: str
  sample: created
diff:
  description: The domain's name, tenant and server before and after.
  returned: when diff mode is on
  type: dict
  sample:
    before: {}
    after: {name: acme.example, tenant: acme, tenant_id: 2, server: mail, server_id: 2}
error:
  description: The Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: MailDomains.CreateDomain
    code: 1002
    name: DomainExists
blocking:
  description: When a deletion is refused, the users Aurora would delete with the domain.
  returned: when a deletion without O(force) is refused
  type: list
  elements: str
  sample: [ann@acme.example]
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_domain import MailDomain


def main():
    run_kind(MailDomain)


if __name__ == '__main__':
    main()
