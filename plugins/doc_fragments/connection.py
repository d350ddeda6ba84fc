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
      - Required with O(api_transport=web); not used with O(api_transport=php).
    type: str
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
  api_transport:
    description:
      - How the module talks to Aurora.
      - V(web) calls Aurora's web API at O(api_url), logged in as the super-administrator.
      - V(php) calls Aurora's own PHP API in-process on the host the task runs on, which must be an Aurora host,
        through a bridge script that the module runs with O(php_executable). It needs O(aurora_path), and no URL,
        login or password. The answers are the web API's, so a task does the same with either transport. Run the task
        on the Aurora host (not delegated to the controller), as the user the web server runs Aurora as
        (C(become_user)), so that the files Aurora writes under its C(data) folder keep their owner. Users are then
        found with C(Core.GetUserByPublicId), an exact lookup that the web API does not allow.
      - The PHP script is written to the module's temporary folder; the module starts one C(php) per run and sends
        each call, passwords included, on its standard input, never on its command line or in its environment.
      - If not set, the value of the E(AURORA_API_TRANSPORT) environment variable is used, then V(web).
    type: str
    choices: [web, php]
    default: web
  aurora_path:
    description:
      - With O(api_transport=php), the absolute path of the Aurora install folder on the host, the one that holds
        C(system/autoload.php), for example V(/var/www/aurora).
      - If not set, the value of the E(AURORA_PATH) environment variable is used.
    type: path
  php_executable:
    description:
      - With O(api_transport=php), the PHP command-line interpreter that runs Aurora's PHP API, by name or path.
        It must be a PHP that Aurora supports.
      - If not set, the value of the E(AURORA_PHP) environment variable is used, then V(php).
    type: str
    default: php
notes:
  - All modules of this collection belong to the action group C(afterlogic.aurora.aurora), so the connection options can be set once
    with C(module_defaults) for C(group/afterlogic.aurora.aurora).
  - Writes are never repeated blindly; reads are retried with backoff after a transport error.
requirements:
  - "With O(api_transport=web), requests (Python library) on the host that runs the module: usually the controller
    (C(delegate_to: localhost) or C(connection: local))."
  - "With O(api_transport=php), the PHP command-line interpreter (Debian: C(php-cli)) on the Aurora host that runs the module."
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
