#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_group
short_description: Create and delete user groups of Afterlogic Aurora and set their members
version_added: 0.1.0
description:
  - Makes sure a user group exists in a tenant with the members the task lists, or that it does not exist.
  - Groups need C(AllowGroups) on in Aurora's Core settings (C(data/settings/modules/Core.config.json)); without it
    the task fails, in check mode too.
  - Aurora itself checks almost nothing about groups. It adds users of other tenants, and drops user ids that do not
    exist without a word. So this module checks the members first. Each must be a user of the group's tenant,
    otherwise the task fails before any write and names them.
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
      - Name of the group, which identifies it in its tenant. Aurora compares group names ignoring case and cannot
        change a name by case only, so a group stored under the same name in another case fails the task and is
        named.
      - Surrounding spaces are refused (Aurora would keep them).
    type: str
    required: true
  state:
    description:
      - V(present) creates the group when it is missing and sets its members.
      - V(absent) deletes the group; its members stay users, without this group.
    type: str
    choices: [present, absent]
    default: present
  tenant:
    description:
      - Name of the tenant of the group; required unless O(tenant_id) is given.
      - Mutually exclusive with O(tenant_id).
    type: str
  tenant_id:
    description:
      - Id of the tenant of the group, instead of its name O(tenant).
    type: int
  members:
    description:
      - E-mail addresses of the users who belong to the group, compared ignoring case.
      - Each must be a user of the group's tenant.
      - Without O(members), the members are left as they are.
    type: list
    elements: str
  append:
    description:
      - V(false) makes O(members) the exact set, removing the members it does not list.
      - V(true) only adds the members O(members) lists.
    type: bool
    default: false
seealso:
  - module: afterlogic.aurora.aurora_tenant
  - module: afterlogic.aurora.aurora_user_account
'''

EXAMPLES = r'''
- name: The group Sales of the tenant acme, with exactly these members
  afterlogic.aurora.aurora_group:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    name: Sales
    tenant: acme
    members:
      - ann@acme.example
      - bob@acme.example

- name: Add one member, keeping the others
  afterlogic.aurora.aurora_group:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    name: Sales
    tenant: acme
    members: [cy@acme.example]
    append: true
'''

RETURN = r'''
group:
  description: The group after the run (predicted in check mode); null when it does not exist.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the group; null in check mode when it is still to be created.
      type: int
      sample: 1
    name:
      description: Name of the group.
      type: str
      sample: Sales
    tenant_id:
      description: Id of the group's tenant.
      type: int
      sample: 2
    members:
      description: E-mail addresses of the members, in lower case.
      type: list
      elements: str
      sample: [ann@acme.example, bob@acme.example]
group_id:
  description: Id of the group the task acted on; for a deletion, the id it had. Null when there is none.
  returned: success
  type: int
  sample: 1
added:
  description: The members the run added (would add, in check mode).
  returned: success
  type: list
  elements: str
  sample: [bob@acme.example]
removed:
  description: The members the run removed (would remove, in check mode).
  returned: success
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
  description: What the task did, V(created), V(updated) with the members added and removed, V(unchanged), V(deleted) or V(absent).
  returned: always
  type: str
  sample: "updated: added bob@acme.example"
diff:
  description: The group's name, tenant and members before and after.
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: Sales, tenant_id: 2, members: [ann@acme.example]}
    after: {name: Sales, tenant_id: 2, members: [ann@acme.example, bob@acme.example]}
error:
  description: The Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: Core.CreateGroup
    code: 1003
    name: GroupAlreadyExists
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._group import Group


def main():
    run_kind(Group)


if __name__ == '__main__':
    main()
