# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: missing_settings
short_description: The Aurora settings that lists of items need and that are off
version_added: 0.1.0
author:
  - afterlogic.aurora maintainers
description:
  - Takes the lists of the role P(afterlogic.aurora.provision#role) with its C(aurora_settings), and what Aurora has on
    now (RV(afterlogic.aurora.aurora_info#module:capabilities)), and returns one sentence for each list that needs a
    setting which is off and which C(aurora_settings) does not switch on. Each sentence names the item to add to
    C(aurora_settings).
  - Tenants need multi-tenancy (C(EnableMultiTenant) of the system settings), groups need C(AllowGroups) of Core,
    and mail domains need the MailDomains module switched on (its C(Disabled) false). None of them can be written over
    the web API, so the item takes C(aurora_api_transport=php).
  - A value C(aurora_settings) gives wins over the one Aurora has now, since it is set before the lists are made.
  - The role fails with these sentences before it writes anything.
options:
  _input:
    description:
      - The lists, by the names of the role's variables V(aurora_tenants), V(aurora_mail_domains) and
        V(aurora_groups) (a list that is null or empty needs nothing), and V(aurora_settings), the items of
        M(afterlogic.aurora.aurora_settings).
      - Other keys are ignored.
    type: dict
    required: true
  capabilities:
    description:
      - What Aurora has on now, as M(afterlogic.aurora.aurora_info) returns it with
        O(afterlogic.aurora.aurora_info#module:gather=settings).
      - Its keys V(multi_tenancy), V(groups) and V(mail_domains) are read; a key that is missing counts as off.
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Read what Aurora has on
  afterlogic.aurora.aurora_info:
    gather: [settings]
  register: aurora

- name: Stop before any write when a list needs a setting that is off
  ansible.builtin.assert:
    that: missing | length == 0
    fail_msg: "{{ missing | join('; ') }}"
  vars:
    missing: >-
      {{ {'aurora_tenants': my_tenants, 'aurora_groups': my_groups, 'aurora_settings': my_settings}
         | afterlogic.aurora.missing_settings(aurora.capabilities) }}
'''

RETURN = r'''
_value:
  description:
    - >-
      One sentence per list that needs a setting that is off, such as V(aurora_tenants needs multi-tenancy, which is
      off on this Aurora: add {module: system, settings: {EnableMultiTenant: true}} to aurora_settings, with
      aurora_api_transport: php (the web API cannot write it\)), in the order tenants, mail domains, groups.
    - Empty when every list that is given has what it needs.
  type: list
  elements: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import MAIL_DOMAINS_MODULE
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings_catalog import CORE, DISABLED, SYSTEM

# (the list, what it needs, how that is when it is off, the capability of aurora_info that tells whether it is on
# now, the module and the setting that switch it on, and the value that does)
NEEDS = (
    ('aurora_tenants', 'multi-tenancy', 'which is off', 'multi_tenancy', SYSTEM, 'EnableMultiTenant', True),
    ('aurora_mail_domains', 'the MailDomains module', 'which is off or not installed', 'mail_domains',
     MAIL_DOMAINS_MODULE, DISABLED, False),
    ('aurora_groups', 'groups', 'which are off', 'groups', CORE, 'AllowGroups', True),
)
PHP_ONLY = 'with aurora_api_transport: php (the web API cannot write it)'


def _asked(items):
    """{(module in lower case, setting): value} of the aurora_settings items."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise AnsibleFilterError('missing_settings: aurora_settings must be a list of dictionaries')
    asked = {}
    for item in items:
        for name, value in (item.get('settings') or {}).items():
            asked[(str(item.get('module') or '').strip().lower(), name)] = value
    return asked


def missing_settings(lists, capabilities):
    if not isinstance(lists, dict) or not isinstance(capabilities, dict):
        raise AnsibleFilterError('missing_settings expects a dictionary of lists, and the capabilities of aurora_info')
    asked = _asked(lists.get('aurora_settings') or [])
    missing = []
    for variable, what, off, capability, module, setting, on in NEEDS:
        if not lists.get(variable):
            continue
        item = '{module: %s, settings: {%s: %s}}' % (module, setting, 'true' if on else 'false')
        key = (module.lower(), setting)
        if key in asked and asked[key] is not on:
            missing.append('%s needs %s, and aurora_settings gives %s %s %r: make that item %s'
                           % (variable, what, module, setting, asked[key], item))
        elif key not in asked and not capabilities.get(capability):
            missing.append('%s needs %s, %s on this Aurora: add %s to aurora_settings, %s'
                           % (variable, what, off, item, PHP_ONLY))
    return missing


class FilterModule(object):

    def filters(self):
        return {'missing_settings': missing_settings}
