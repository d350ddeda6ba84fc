#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_mail_domains
short_description: Manage many mail domains of Afterlogic Aurora's MailDomains module in one task
version_added: 0.1.0
description:
  - Does for each item of O(domains) what M(afterlogic.aurora.aurora_mail_domain) does for one mail domain, with the same
    options, and returns for each item what that module returns for it.
  - The task logs in once and works on several mail domains at a time (O(parallel)), instead of one task (and one login)
    per mail domain.
  - Every item is checked before anything is written. If any item is invalid, or two items name the same
    mail domain, the task fails and lists them all, without changing anything.
  - An item that cannot be done does not stop the others. The task then fails after all items were tried, names the
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
    support: full
options:
  domains:
    description:
      - The mail domains, each with the options of M(afterlogic.aurora.aurora_mail_domain).
      - An empty list does nothing and makes no API call.
    type: list
    elements: dict
    required: true
    # Generated from the options of aurora_mail_domain by `make docs-sync` (tools/sync_option_docs.py).
    suboptions:
      name:
        description:
          - The domain name, for example V(acme.example). Aurora refuses surrounding spaces, so they are refused here.
        type: str
        required: true
      state:
        description:
          - V(present) registers the domain in O(domains[].tenant) on O(domains[].server).
          - V(absent) deletes it. Aurora then deletes the users linked to the domain, so the item refuses while the
            domain's tenant has users with addresses in the domain, and names them, unless O(domains[].force=true).
          - Aurora keeps the users who belong to a group (and does not count them in its own user count of the domain),
            and the users it never linked to the domain; the result lists them in C(kept_users).
        type: str
        choices: [present, absent]
        default: present
      tenant:
        description:
          - Name of the tenant the domain belongs to; required with O(domains[].state=present), unless
            O(domains[].tenant_id) is given.
          - Mutually exclusive with O(domains[].tenant_id).
        type: str
      tenant_id:
        description:
          - Id of the tenant the domain belongs to, instead of its name O(domains[].tenant).
        type: int
      server:
        description:
          - Name of the mail server of the domain's users; required with O(domains[].state=present), unless
            O(domains[].server_id) is given.
          - The tenant's own server of this name comes first, then a server of the super-administrator's. Two equally
            near servers of this name fail the item; O(domains[].server_id) then picks one.
          - Mutually exclusive with O(domains[].server_id).
        type: str
      server_id:
        description:
          - Id of the mail server of the domain's users, instead of its name O(domains[].server).
        type: int
      force:
        description:
          - With O(domains[].state=absent), delete the domain even though users would go with it.
          - With O(domains[].state=present), when the domain is registered in another tenant or on another server,
            delete it and register it again as the item says, which deletes its users.
        type: bool
        default: false
  parallel:
    description:
      - How many mail domains are worked on at the same time, each over its own connection to Aurora.
      - V(1) works on them one after the other, in the order of O(domains).
    type: int
    default: 4
seealso:
  - module: afterlogic.aurora.aurora_mail_domain
    description: The same for one mail domain; each item of this module gets exactly its behaviour and result.
'''

EXAMPLES = r'''
- name: The customers' mail domains, each on its tenant's own server
  afterlogic.aurora.aurora_mail_domains:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    domains:
      - {name: acme.example, tenant: acme, server: mail}
      - {name: beta.example, tenant: beta, server: mail}
'''

RETURN = r'''
planned:
  description: In check mode, the domains it registers, for the O(planned) of later tasks; empty otherwise.
  returned: when every item is valid
  type: list
  elements: dict
  sample:
    - {kind: mail_domain, name: acme.example, id: null, tenant: acme, tenant_id: null,
       server: mail, server_id: null, domains: [], account: false, settings: null}
msg:
  description:
    - How many mail domains were (or, in check mode, would be) created, updated, left unchanged, deleted, and how many
      failed. When items failed, each of them (up to 20) with its error.
  returned: always
  type: str
  sample: "2 mail domains: 2 created"
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
    created: 2
    updated: 0
    unchanged: 0
    deleted: 0
    failed: 0
results:
  description:
    - One per item of O(domains), in the same order, each what M(afterlogic.aurora.aurora_mail_domain) returns for that item,
      plus the O(domains[].name) it is about.
  returned: when every item is valid
  type: list
  elements: dict
diff:
  description:
    - The diff of each item that changed, with the item named in C(before_header) and C(after_header), as
      C(ansible-playbook --diff) shows it.
  returned: when diff mode is on
  type: list
  elements: dict
error:
  description: When the task failed before working on the items (the login), the Aurora call that failed.
  returned: failure
  type: dict
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_domain import MailDomain


def main():
    run_kind(MailDomain, bulk=True)


if __name__ == '__main__':
    main()
