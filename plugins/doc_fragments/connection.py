# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the Aurora installation, the folder that holds its C(index.php), for example V(https://mail.example.com/webmail/).
      - The client posts to C(<api_url>/?/Api/).
      - If not set, the value of the E(AURORA_URL) environment variable is used.
    type: str
    required: true
  api_username:
    description:
      - Login of the Aurora super-administrator.
      - If not set, the value of the E(AURORA_USERNAME) environment variable is used, then V(superadmin).
    type: str
    default: superadmin
  api_password:
    description:
      - Password of the Aurora super-administrator.
      - Used to log in once per module run, and to log in again once if Aurora refuses O(api_token) or the token it issued.
      - One of O(api_password) and O(api_token) is needed.
      - If not set, the value of the E(AURORA_PASSWORD) environment variable is used.
    type: str
  api_token:
    description:
      - An Aurora super-administrator token (C(AuthToken)) to use as is instead of logging in.
      - If not set, the value of the E(AURORA_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of Aurora.
      - Only set to V(false) for a test server with a self-signed certificate; prefer O(ca_path).
      - If not set, the value of the E(AURORA_VALIDATE_CERTS) environment variable is used, then V(true).
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of the certificate authority (or bundle) that signed Aurora's TLS certificate.
      - If not set, the value of the E(AURORA_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from Aurora; also bounds the total time spent retrying a read.
      - If not set, the value of the E(AURORA_TIMEOUT) environment variable is used, then V(30).
    type: int
    default: 30
notes:
  - All modules of this collection belong to the action group C(afterlogic.aurora.aurora), so the connection options can be set once
    with C(module_defaults) for C(group/afterlogic.aurora.aurora).
  - Writes are never repeated blindly; reads are retried with backoff after a transport error.
requirements:
  - "requests (Python library) on the host that runs the module: usually the controller (C(delegate_to: localhost) or C(connection: local))."
'''

    ATTRIBUTES = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/afterlogic.aurora.aurora) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - afterlogic.aurora.aurora
'''
