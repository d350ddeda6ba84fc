# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every Aurora module shares: connection options, their checks, and error reporting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import threading

try:
    from urllib.parse import urlparse
except ImportError:  # pragma: no cover - Python 2 is not supported, import sanity only
    from urlparse import urlparse

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.validation import check_type_int

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraApiError
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import CONTROL, CONTROL_OR_SPACE

CONNECTION_OPTIONS = ('api_url', 'api_username', 'api_password', 'api_token', 'validate_certs', 'ca_path', 'timeout',
                      'api_transport', 'aurora_path', 'php_executable')

# Aurora keeps the text it is given (names, addresses, logins, passwords) in varchar(255) columns: a longer value
# would be cut or refused by the database half-way through a run, so it is refused before any API call.
MAX_TEXT_LENGTH = 255

DEFAULT_PARALLEL = 4  # the default of every module's option parallel: the reads or writes it makes at once


def connection_argument_spec():
    """The connection options of the ``afterlogic.aurora.connection`` doc fragment."""
    return dict(
        api_url=dict(type='str', fallback=(env_fallback, ['AURORA_URL'])),
        api_username=dict(type='str', default='superadmin', fallback=(env_fallback, ['AURORA_USERNAME'])),
        api_password=dict(type='str', no_log=True, fallback=(env_fallback, ['AURORA_PASSWORD'])),
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['AURORA_TOKEN'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['AURORA_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['AURORA_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['AURORA_TIMEOUT'])),
        api_transport=dict(type='str', default='web', choices=['web', 'php'],
                           fallback=(env_fallback, ['AURORA_API_TRANSPORT'])),
        aurora_path=dict(type='path', fallback=(env_fallback, ['AURORA_PATH'])),
        php_executable=dict(type='str', default='php', fallback=(env_fallback, ['AURORA_PHP'])),
    )


def aurora_module(argument_spec, **kwargs):
    """An AnsibleModule with the connection options added and check mode on."""
    spec = connection_argument_spec()
    spec.update(argument_spec)
    kwargs.setdefault('supports_check_mode', True)
    module = _checked_module(spec, kwargs)
    error = php_option_error(module.params)
    if error:
        module.fail_json(msg=error)
    if module.params['timeout'] < 1:
        module.fail_json(msg='timeout must be at least 1 second, got %s' % module.params['timeout'])
    if module.params['api_transport'] == 'php':
        return module
    from ansible_collections.afterlogic.aurora.plugins.module_utils._web import REQUESTS_IMPORT_ERROR
    if REQUESTS_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    if module.params['api_url'] is None:
        module.fail_json(msg='missing required arguments: api_url (or AURORA_URL); or set api_transport to php')
    url_error = api_url_error(module.params['api_url'])
    if url_error:
        module.fail_json(msg=url_error)
    if module.params['api_password'] is None and not module.params['api_token']:
        module.fail_json(msg='Aurora needs credentials: give api_password (or AURORA_PASSWORD) '
                             'or api_token (or AURORA_TOKEN)')
    return module


def php_option_error(params):
    """Why aurora_path or php_executable cannot be used (whatever the transport, when given), or None."""
    path, php = params['aurora_path'], params['php_executable']
    if path is not None and (not os.path.isabs(path) or CONTROL.search(path)):
        return ('aurora_path (AURORA_PATH) must be the absolute path of the Aurora install folder, the one holding '
                'system/autoload.php, for example /var/www/aurora')
    if not php.strip() or CONTROL.search(php):
        return 'php_executable (AURORA_PHP) must be a command name or path, such as php or /usr/bin/php8.2'
    if params['api_transport'] == 'php' and path is None:
        return 'api_transport php needs aurora_path (or AURORA_PATH): the Aurora install folder on this host'
    return None


def _checked_module(spec, kwargs):
    """AnsibleModule(spec), or a failure naming the option when ansible-core's own checks crash on its value.

    ansible-core raises instead of failing on a few values (an int option given inf or 1e999999, a dict option
    given 0 or [1]); the task then fails as for any other bad value, with no traceback and no secret shown.
    """
    try:
        return _SecretKeepingModule(argument_spec=spec, **kwargs)
    except (ArithmeticError, TypeError, ValueError) as exc:
        crash = exc
    loose = AnsibleModule(argument_spec=dict((name, dict(type='raw', no_log=bool(option.get('no_log'))))
                                             for name, option in spec.items()), **kwargs)
    loose.no_log_values.update(secrets_in(loose.params, spec))
    found = _unreadable_option(spec, loose.params)
    path, wanted = found or ('an option', 'value of its documented type')
    loose.fail_json(msg='%s must be a %s, got a value ansible-core cannot check (%s: %s)'
                        % (path, wanted, type(crash).__name__, crash))


class _SecretKeepingModule(AnsibleModule):
    """An AnsibleModule that hides the no_log values of its arguments also when its own checks fail.

    When an item of a list of dicts is not a dict, ansible-core's search for no_log values raises, and
    AnsibleModule fails the task having collected none: api_password would be echoed in the clear.
    """

    _checked = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._checked = True

    def fail_json(self, msg, **kwargs):
        if not self._checked:
            self.no_log_values.update(secrets_in(self.params, self.argument_spec))
        super().fail_json(msg, **kwargs)


def secrets_in(item, spec):
    """The values of the no_log options (at any depth) that ``item`` sets."""
    found = set()
    for name, option in spec.items():
        value = item.get(name)
        if value is None or value == '':
            continue
        if option.get('no_log'):
            found.add(str(value))
        elif option.get('options'):
            for nested in value if isinstance(value, list) else [value]:
                if isinstance(nested, dict):
                    found |= secrets_in(nested, option['options'])
    return found


def _unreadable_option(spec, params, prefix=''):
    """(option path, what it must be) of the first value ansible-core cannot check, or None."""
    for name, option in spec.items():
        value = params.get(name) if isinstance(params, dict) else None
        if value is None:
            continue
        kind, path = option.get('type', 'str'), prefix + name
        if kind == 'int':
            try:
                str(check_type_int(value))  # str(): over 4,300 digits raises too
            except Exception:  # pylint: disable=broad-except  # whatever crashed ansible-core
                return path, 'whole number'
        elif option.get('options'):
            items = value if kind == 'list' and isinstance(value, list) else [value]
            for index, item in enumerate(items):
                where = '%s[%d]' % (path, index) if kind == 'list' else path
                if not isinstance(item, (dict, str)):
                    return where, 'dictionary of its sub-options'
                found = _unreadable_option(option['options'], item, where + '.') if isinstance(item, dict) else None
                if found:
                    return found
    return None


def api_url_error(api_url):
    """Why ``api_url`` is not an address to post to (the value is not shown: it may hold credentials), or None."""
    url = (api_url or '').strip()
    try:
        parsed = urlparse(url)
        host = parsed.hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        parsed, host = None, None
    if not host or parsed.scheme.lower() not in ('http', 'https') or CONTROL_OR_SPACE.search(url):
        return ('api_url (AURORA_URL) must be the http:// or https:// address of Aurora, without spaces, '
                'for example https://mail.example.com/webmail/')
    return None


def text_length_errors(spec, params, prefix=''):
    """A message naming each text option (at any depth of ``spec``) longer than Aurora stores; [] when none is."""
    errors = []
    for name, option in spec.items():
        value = params.get(name) if isinstance(params, dict) else None
        if value is None:
            continue
        if option.get('type', 'str') == 'str' and len(str(value)) > MAX_TEXT_LENGTH:
            errors.append('%s%s must be at most %d characters (Aurora stores it in a column of that size), got %d'
                          % (prefix, name, MAX_TEXT_LENGTH, len(str(value))))
        elif option.get('options') and isinstance(value, dict):
            errors.extend(text_length_errors(option['options'], value, '%s%s.' % (prefix, name)))
    return errors


class Once:
    """A value computed by the first caller; a failure is not kept, so the next caller tries again."""

    def __init__(self):
        self._lock = threading.Lock()
        self._done = False
        self._value = None

    @staticmethod
    def each():
        """``get(key, compute)``: one Once per key."""
        lock = threading.Lock()
        onces = {}

        def get(key, compute):
            with lock:
                once = onces.setdefault(key, Once())
            return once.get(compute)
        return get

    def get(self, compute):
        with self._lock:
            if not self._done:
                self._value = compute()
                self._done = True
            return self._value


def each(count, work, parallel):
    """``[work(0), ..., work(count - 1)]``, with at most ``parallel`` running at once; 1 runs them in order.

    ``work`` must not raise. The workers take the next index when they are free, so no item waits
    behind a slow one, and nothing is queued per item (a future per item would cost ~1 KiB each).
    """
    results = [None] * count
    if parallel <= 1 or count < 2:
        for index in range(count):
            results[index] = work(index)
        return results
    indexes = iter(range(count))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            results[index] = work(index)

    workers = [threading.Thread(target=worker) for dummy in range(min(parallel, count))]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return results


def error_details(error):
    """Machine-readable fields of an Aurora error, returned beside ``msg``."""
    details = {'call': '%s.%s' % (error.module, error.method) if error.module else None}
    if isinstance(error, AuroraApiError):
        details.update(code=error.code, name=error.name)
    return details


def fail_with(module, error, **result):
    """Fail the task with the error's one-sentence message, never a traceback."""
    result.setdefault('changed', error.changed)
    result.update(error.details)
    module.fail_json(msg=str(error), error=error_details(error), **result)
