#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_tenants
short_description: Manage many tenants of a multi-tenant Afterlogic Aurora in one task
version_added: 0.1.0
description:
  - Does for each item of O(tenants) what M(afterlogic.aurora.aurora_tenant) does for one tenant, with the same
    options, and returns for each item what that module returns for it.
  - The task logs in once and works on several tenants at a time (O(parallel)), instead of one task (and one login)
    per tenant.
  - Every item is checked before anything is written. If any item is invalid, or two items name the same
    tenant, the task fails and lists them all, without changing anything.
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
  tenants:
    description:
      - The tenants, each with the options of M(afterlogic.aurora.aurora_tenant).
      - An empty list does nothing and makes no API call.
    type: list
    elements: dict
    required: true
    # Generated from the options of aurora_tenant by `make docs-sync` (tools/sync_option_docs.py).
    suboptions:
      name:
        description:
          - Name of the tenant, which identifies it. Aurora never changes the name of an existing tenant.
          - Aurora removes the characters C(/ * ? [ ] ^ < > | :) and surrounding spaces from a new name; a name holding
            them is refused before anything is written, so that the item always finds the tenant it created.
          - When Aurora holds the tenant under the same name in another case, the item fails and names it.
        type: str
        required: true
      state:
        description:
          - V(present) creates or updates the tenant; V(absent) deletes it.
          - Deleting a tenant makes Aurora delete its users with their mail accounts, its groups, its mail servers and
            its mail domains, and also the users of other tenants whose login account is on one of its mail servers, and
            the mail domains of other tenants on its servers. So the item refuses to delete a tenant that holds users,
            mail servers or mail domains, and names them, unless O(tenants[].force=true). Groups alone do not stop it.
          - The default tenant is never deleted.
        type: str
        choices: [present, absent]
        default: present
      description:
        description:
          - Description of the tenant (Aurora's C(Description)).
          - When the tenant is created and this is not set, empty.
        type: str
      web_domain:
        description:
          - The host name under which the tenant's users reach Aurora (Aurora's C(WebDomain)).
          - When the tenant is created and this is not set, empty.
        type: str
      site_name:
        description:
          - The site name Aurora shows to the tenant's users (Aurora's C(SiteName)).
          - When the tenant is created and this is not set, the tenant shows the site name of the whole Aurora.
        type: str
      force:
        description:
          - With O(tenants[].state=absent), delete the tenant even though it holds users, mail servers or mail domains,
            and everything Aurora deletes with it, which the result lists in C(deleted_with_it).
        type: bool
        default: false
  parallel:
    description:
      - How many tenants are worked on at the same time, each over its own connection to Aurora.
      - V(1) works on them one after the other, in the order of O(tenants).
    type: int
    default: 4
seealso:
  - module: afterlogic.aurora.aurora_tenant
    description: The same for one tenant; each item of this module gets exactly its behaviour and result.
'''

EXAMPLES = r'''
- name: The hosting customers
  afterlogic.aurora.aurora_tenants:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    tenants:
      - {name: acme, description: Acme Inc}
      - {name: beta, description: Beta Ltd}
'''

RETURN = r'''
planned:
  description: In check mode, the tenants it creates, for the O(planned) of later tasks; empty otherwise.
  returned: when every item is valid
  type: list
  elements: dict
  sample:
    - {kind: tenant, name: acme, id: null, tenant: null, tenant_id: null,
       server: null, server_id: null, domains: [], account: false, settings: null}
msg:
  description:
    - How many tenants were (or, in check mode, would be) created, updated, left unchanged, deleted, and how many
      failed. When items failed, each of them (up to 20) with its error.
  returned: always
  type: str
  sample: "2 tenants: 2 created"
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
    - One per item of O(tenants), in the same order, each what M(afterlogic.aurora.aurora_tenant) returns for that item,
      plus the O(tenants[].name) it is about.
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
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import Tenant


def main():
    run_kind(Tenant, bulk=True)


if __name__ == '__main__':
    main()
