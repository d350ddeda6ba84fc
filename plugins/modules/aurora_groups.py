#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_groups
short_description: Manage many user groups of Afterlogic Aurora, with their members, in one task
version_added: 0.1.0
description:
  - Does for each item of O(groups) what M(afterlogic.aurora.aurora_group) does for one group, with the same
    options, and returns for each item what that module returns for it.
  - The task logs in once and works on several groups at a time (O(parallel)), instead of one task (and one login)
    per group.
  - Every item is checked before anything is written. If any item is invalid, or two items name the same
    group, the task fails and lists them all, without changing anything.
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
  groups:
    description:
      - The groups, each with the options of M(afterlogic.aurora.aurora_group).
      - An empty list does nothing and makes no API call.
    type: list
    elements: dict
    required: true
    # Generated from the options of aurora_group by `make docs-sync` (tools/sync_option_docs.py).
    suboptions:
      name:
        description:
          - Name of the group, which identifies it in its tenant. Aurora compares group names ignoring case and cannot
            change a name by case only, so a group stored under the same name in another case fails the item and is
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
          - Name of the tenant of the group; required unless O(groups[].tenant_id) is given.
          - Mutually exclusive with O(groups[].tenant_id).
        type: str
      tenant_id:
        description:
          - Id of the tenant of the group, instead of its name O(groups[].tenant).
        type: int
      members:
        description:
          - E-mail addresses of the users who belong to the group, compared ignoring case.
          - Each must be a user of the group's tenant.
          - Without O(groups[].members), the members are left as they are.
        type: list
        elements: str
      append:
        description:
          - V(false) makes O(groups[].members) the exact set, removing the members it does not list.
          - V(true) only adds the members O(groups[].members) lists.
        type: bool
        default: false
  parallel:
    description:
      - How many groups are worked on at the same time, each over its own connection to Aurora.
      - V(1) works on them one after the other, in the order of O(groups).
    type: int
    default: 4
seealso:
  - module: afterlogic.aurora.aurora_group
    description: The same for one group; each item of this module gets exactly its behaviour and result.
'''

EXAMPLES = r'''
- name: The customers' groups
  afterlogic.aurora.aurora_groups:
    api_url: https://mail.example.com/
    api_password: "{{ vault_aurora_admin_password }}"
    groups:
      - {name: Staff, tenant: acme, members: [ann@acme.example, al@acme.example]}
      - {name: Staff, tenant: beta, members: [bob@beta.example]}
'''

RETURN = r'''
planned:
  description: Always empty, since no later task looks for groups.
  returned: when every item is valid
  type: list
  elements: dict
  sample:
    []
msg:
  description:
    - How many groups were (or, in check mode, would be) created, updated, left unchanged, deleted, and how many
      failed. When items failed, each of them (up to 20) with its error.
  returned: always
  type: str
  sample: "2 groups: 2 created"
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
    - One per item of O(groups), in the same order, each what M(afterlogic.aurora.aurora_group) returns for that item,
      plus the O(groups[].name) it is about.
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
from ansible_collections.afterlogic.aurora.plugins.module_utils._group import Group


def main():
    run_kind(Group, bulk=True)


if __name__ == '__main__':
    main()
