# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every Aurora module shares: connection options, the client, and error reporting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.afterlogic.aurora.plugins.module_utils._api import REQUESTS_IMPORT_ERROR, AuroraClient
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraApiError

CONNECTION_OPTIONS = ('api_url', 'api_username', 'api_password', 'api_token', 'validate_certs', 'ca_path', 'timeout')


def connection_argument_spec():
    """The connection options of the ``afterlogic.aurora.connection`` doc fragment."""
    return dict(
        api_url=dict(type='str', required=True, fallback=(env_fallback, ['AURORA_URL'])),
        api_username=dict(type='str', default='superadmin', fallback=(env_fallback, ['AURORA_USERNAME'])),
        api_password=dict(type='str', no_log=True, fallback=(env_fallback, ['AURORA_PASSWORD'])),
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['AURORA_TOKEN'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['AURORA_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['AURORA_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['AURORA_TIMEOUT'])),
    )


def aurora_module(argument_spec, **kwargs):
    """An AnsibleModule with the connection options added and check mode on."""
    spec = connection_argument_spec()
    spec.update(argument_spec)
    kwargs.setdefault('supports_check_mode', True)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    if REQUESTS_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    if module.params['timeout'] < 1:
        module.fail_json(msg='timeout must be at least 1 second, got %s' % module.params['timeout'])
    if module.params['api_password'] is None and not module.params['api_token']:
        module.fail_json(msg='Aurora needs credentials: give api_password (or AURORA_PASSWORD) '
                             'or api_token (or AURORA_TOKEN)')
    return module


def client_for(module, connections=None):
    """The client for the module's connection options; ``connections``: HTTP connections to keep (thread pools)."""
    params = module.params
    extra = {'connections': connections} if connections else {}
    return AuroraClient(
        api_url=params['api_url'],
        username=params['api_username'],
        password=params['api_password'],
        token=params['api_token'],
        validate_certs=params['validate_certs'],
        ca_path=params['ca_path'],
        timeout=params['timeout'],
        **extra
    )


def error_details(error):
    """Machine-readable fields of an Aurora error, returned beside ``msg``."""
    details = {'call': '%s.%s' % (error.module, error.method) if error.module else None}
    if isinstance(error, AuroraApiError):
        details.update(code=error.code, name=error.name)
    return details


def fail_with(module, error, **result):
    """Fail the task with the error's one-sentence message, never a traceback."""
    result.setdefault('changed', False)
    result.update(error.details)
    module.fail_json(msg=str(error), error=error_details(error), **result)
