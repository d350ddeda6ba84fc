#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_tenant
short_description: Create, update and delete tenants of a multi-tenant Afterlogic Aurora
version_added: 0.1.0
description:
  - Makes sure a tenant exists in Aurora with the settings the task gives, or that it does not exist.
  - Tenants need an Aurora with multi-tenancy on, that is C(EnableMultiTenant) set to V(true) in
    C(data/settings/config.json) of the Aurora installation, as Aurora Corporate sets up hosting. On an Aurora without it
    the task fails, in check mode too, and says so.
  - The tenant is found by its O(name), which Aurora compares ignoring case. Only the options the task sets are compared
    and changed; the defaults given below apply only when the tenant is created.
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
      - Name of the tenant, which identifies it. Aurora never changes the name of an existing tenant.
      - Aurora removes the characters C(/ * ? [ ] ^ < > | :) and surrounding spaces from a new name; a name holding
        them is refused before anything is written, so that the task always finds the tenant it created.
      - When Aurora holds the tenant under the same name in another case, the task fails and names it.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the tenant; V(absent) deletes it.
      - Deleting a tenant makes Aurora delete its users with their mail accounts, its groups, its mail servers and its
        mail domains, and also the users of other tenants whose login account is on one of its mail servers, and the
        mail domains of other tenants on its servers. So the task refuses to delete a tenant that holds users, mail
        servers or mail domains, and names them, unless O(force=true). Groups alone do not stop it.
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
      - With O(state=absent), delete the tenant even though it holds users, mail servers or mail domains, and
        everything Aurora deletes with it, which the result lists in RV(deleted_with_it).
    type: bool
    default: false
notes:
  - If two runs create the same tenant at the same moment, Aurora refuses the second one as a duplicate and that run adopts
    the tenant the other run created.
  - If Aurora's answer to a write is lost, or a write is refused without a reason, the module reads the tenant back
    before deciding; it never sends a second create after a lost answer.
seealso:
  - module: afterlogic.aurora.aurora_mail_server
  - module: afterlogic.aurora.aurora_user_account
'''

EXAMPLES = r'''
- name: A tenant for the customer Acme
  afterlogic.aurora.aurora_tenant:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ vault_aurora_admin_password }}"
    name: acme
    description: Acme Inc
    web_domain: mail.acme.example
    site_name: Acme Mail

- name: Delete a tenant that has no users or servers left
  afterlogic.aurora.aurora_tenant:
    api_url: https://mail.example.com/webmail/
    api_password: "{{ vault_aurora_admin_password }}"
    name: old-customer
    state: absent
'''

RETURN = r'''
tenant:
  description: The tenant after the run (predicted in check mode); null when it does not exist.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the tenant; null in check mode when it is still to be created.
      type: int
      sample: 2
    name:
      description: Name of the tenant.
      type: str
      sample: acme
    description:
      description: Description of the tenant.
      type: str
      sample: Acme Inc
    web_domain:
      description: The host name under which the tenant's users reach Aurora.
      type: str
      sample: mail.acme.example
    site_name:
      description: The site name Aurora shows to the tenant's users.
      type: str
      sample: Acme Mail
tenant_id:
  description:
    - Id of the tenant the task acted on; for a deletion, the id the tenant had.
    - Null when no such tenant exists, and in check mode for a tenant to be created.
  returned: success
  type: int
  sample: 2
deleted_with_it:
  description: With O(state=absent), what Aurora deletes together with the tenant (or would, in check mode).
  returned: when the tenant is deleted
  type: dict
  contains:
    users:
      description: The e-mail addresses of the tenant's users.
      type: list
      elements: str
    servers:
      description: The names of the tenant's mail servers.
      type: list
      elements: str
    other_users:
      description: The e-mail addresses of other tenants' users whose login account is on one of those servers.
      type: list
      elements: str
    domains:
      description: The tenant's mail domains (Aurora's MailDomains module), which go with the users linked to them.
      type: list
      elements: str
    other_domains:
      description: The mail domains of other tenants on the tenant's servers, which go too, with their users.
      type: list
      elements: str
    groups:
      description: The tenant's user groups. They alone do not stop a deletion, since their members stay users.
      type: list
      elements: str
  sample:
    users: [ann@acme.example]
    servers: [acme-mail]
    other_users: []
    domains: [acme.example]
    other_domains: []
    groups: [Sales]
retries:
  description:
    - How many times a write was sent again because Aurora refused it silently (C(Result false), no error code) and
      reading Aurora back showed nothing written and nothing that explains it, as after a database deadlock between
      overlapping writes. V(0) in check mode.
  returned: success, and failures once the task has started writing
  type: int
  sample: 0
msg:
  description: What the task did, V(created), V(updated) followed by each change, V(unchanged), V(deleted) or V(absent).
  returned: always
  type: str
  sample: "updated: description 'Acme Inc'\u2192'Acme Corporation'"
diff:
  description: The tenant's options before and after.
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: acme, description: Acme Inc, web_domain: '', site_name: ''}
    after: {name: acme, description: Acme Corporation, web_domain: '', site_name: ''}
error:
  description: The Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: Core.CreateTenant
    code: 103
    name: InvalidInputParameter
blocking:
  description: When a deletion is refused, what the tenant holds, in the keys of RV(deleted_with_it).
  returned: when a deletion without O(force) is refused
  type: dict
  sample:
    users: [ann@acme.example]
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import run_kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import Tenant


def main():
    run_kind(Tenant)


if __name__ == '__main__':
    main()
