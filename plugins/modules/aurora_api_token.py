#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: aurora_api_token
short_description: Log in to Afterlogic Aurora once and return a super-administrator token
version_added: 0.1.0
description:
  - Logs in to Aurora as the super-administrator once and returns the token Aurora issued, so that the tasks that follow
    use it as O(api_token) instead of logging in again each.
  - Every other module of this collection logs in once per run, so a loop over N items logs in N times; with this module
    first, a whole play logs in once.
  - When O(api_token) is given (or E(AURORA_TOKEN) is set), the module does not log in. It checks the token with one read;
    if Aurora refuses it and O(api_password) is known, it logs in once and returns the new token, otherwise it fails.
    An accepted token is not returned again (RV(token) is null), so the tasks that follow keep using the one they have.
  - Register the result with C(no_log=true), since the token grants super-administrator access until it expires.
  - Changes nothing in Aurora, so it always reports C(ok), in check mode too.
  - With O(api_transport=php) there is no login and no token. The module then only checks that Aurora's PHP API
    answers, and returns RV(token) null.
author:
  - afterlogic.aurora maintainers (!UNKNOWN)
extends_documentation_fragment:
  - afterlogic.aurora.connection
  - afterlogic.aurora.connection.attributes
attributes:
  check_mode:
    details:
      - The module logs in (or checks the token) in check mode too; that changes nothing in Aurora.
  diff_mode:
    support: none
    details:
      - There is nothing to compare.
  idempotent:
    description: Running the task again changes nothing and reports C(ok).
    support: full
options: {}
notes:
  - Aurora tokens stay valid until they expire or the super-administrator logs out; a token from this module is only kept
    in the play's variables, never written anywhere by the module.
seealso:
  - module: afterlogic.aurora.aurora_mail_server
  - module: afterlogic.aurora.aurora_user_account
'''

EXAMPLES = r'''
- name: Provision Aurora with one login for the whole play
  module_defaults:
    group/afterlogic.aurora.aurora:
      api_url: https://mail.example.com/webmail/
      # The password stays beside the token so that a refused token leads to one new login.
      api_password: "{{ vault_aurora_admin_password }}"
      api_token: "{{ aurora_session.token | default(omit, true) }}"
  block:
    - name: Log in to Aurora once
      afterlogic.aurora.aurora_api_token:
      register: aurora_session
      no_log: true

    - name: These tasks reuse the token instead of logging in themselves
      afterlogic.aurora.aurora_user_account:
        email: "{{ item }}"
        password: "{{ vault_mailbox_passwords[item] }}"
        server: mydomain
      loop:
        - user@mydomain.com
        - sales@mydomain.com
'''

RETURN = r'''
token:
  description:
    - The super-administrator token (C(AuthToken)) Aurora issued to this module's login.
    - Null when the O(api_token) given was accepted; keep using that one then. Null with O(api_transport=php), which needs none.
  returned: success
  type: str
  sample: "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ..."
logged_in:
  description: Whether the module logged in (no O(api_token) was given, or Aurora refused it).
  returned: success
  type: bool
  sample: true
msg:
  description: What the module did.
  returned: always
  type: str
  sample: logged in as superadmin
error:
  description: On failure, the Aurora call that failed and, when Aurora gave one, its error code and name.
  returned: failure
  type: dict
  sample:
    call: AdminAuth.LoginAsSuperadmin
    code: 102
    name: AuthError
'''

from ansible_collections.afterlogic.aurora.plugins.module_utils._client import transport
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import aurora_module, fail_with


def main():
    module = aurora_module({})
    given_token = module.params['api_token'] or None
    username = module.params['api_username']
    try:
        client = transport(module)
        if module.params['api_transport'] == 'php':
            client.settings()  # one read: the bridge starts and Aurora answers
            module.exit_json(changed=False, token=None, logged_in=False,
                             msg="api_transport php: Aurora's PHP API at %s needs no login" % module.params['aurora_path'])
        if given_token is None:
            client.login()
        else:
            client.settings()  # one read with the token; a refused token leads to one login when a password is known
    except AuroraError as error:
        fail_with(module, error)
    if client.logins:
        what = 'logged in as %s' % username if given_token is None else \
            'Aurora refused the api_token given; logged in again as %s' % username
        module.exit_json(changed=False, token=client.token, logged_in=True, msg=what)
    module.exit_json(changed=False, token=None, logged_in=False, msg='Aurora accepted the api_token given')


if __name__ == '__main__':
    main()
