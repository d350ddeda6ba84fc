# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one client for Aurora, shared by every module, over either transport.

Web API (``_web.WebTransport``, docs/aurora-api-notes.md, "Transport"): POST form fields Module, Method and
Parameters (JSON text) to ``<api_url>/?/Api/`` with ``Authorization: Bearer``.

PHP API (``bridge``, a ``_php_bridge.PhpBridge``): the same calls made in-process on the Aurora host, with the
same answers, and no login; the web transport's library (requests) is then not even imported.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import (
    TOKEN_ERRORS,
    AuroraApiError,
    AuroraError,
    AuroraSilentRefusal,
    AuroraTransportError,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._outage import (
    DATABASE,
    PROBE,
    WEB_SERVER,
    Availability,
    is_database_error,
    lists_a_tenant,
    looks_absent,
    unreachable,
)

PAGE_SIZE = 200
MASK = '********'
RETRY_FIRST_DELAY = 0.5
READ_ATTEMPTS = 4
MIN_ATTEMPT_SECONDS = 0.5  # a retry needs at least this much of timeout left, to 0.1 s (a failed attempt takes some ms)
LOGIN_FALLBACK_CODES = frozenset((113, 114))
INVALID_INPUT = 103  # what Core.CreateUser answers, input valid, while Aurora has no database
USER_LISTING_KEYS = ('Id', 'UUID', 'Name', 'PublicId', 'Role', 'IsDisabled')


def is_read(method):
    return method.startswith('Get')


class AuroraClient:
    """Talks to one Aurora; logs in at most once per run (plus once after a token is refused)."""

    def __init__(self, api_url=None, username='superadmin', password=None, token=None,
                 validate_certs=True, ca_path=None, timeout=30, read_attempts=READ_ATTEMPTS, connections=None,
                 bridge=None):
        self.bridge = bridge
        self.logins = 0
        self.calls = 0
        self._lock = threading.Lock()  # the token
        self._count_lock = threading.Lock()
        self._settings = None
        self.username = username
        self.password = password
        self.token = token or None
        self.timeout = timeout
        self.read_attempts = max(1, read_attempts)
        self.availability = Availability(self._probe, timeout)
        self.web = None
        if bridge is None:
            from ansible_collections.afterlogic.aurora.plugins.module_utils._web import WebTransport
            self.web = WebTransport(api_url, validate_certs, ca_path, connections)

    # ---- secrets -------------------------------------------------------------------------

    def _secrets(self, params=None):
        found = [s for s in (self.password, self.token) if s]
        for key, value in (params or {}).items():
            if 'password' in key.lower() and isinstance(value, str) and value and value != '*****':
                found.append(value)
        return sorted(set(found), key=len, reverse=True)

    def _scrub(self, text, params=None):
        text = text if isinstance(text, str) else str(text)
        for secret in self._secrets(params):
            text = text.replace(secret, MASK)
        return text

    # ---- transport -----------------------------------------------------------------------

    def _send(self, module, method, params, token, wait=None):
        """One exchange, waiting at most ``wait`` seconds (default: timeout) for the answer.

        Returns the decoded envelope (dict) or raises AuroraTransportError.
        """
        wait = self.timeout if wait is None else wait
        with self._count_lock:
            self.calls += 1
        if self.bridge is not None:
            return self.bridge.send(module, method, params, wait, secrets=self._secrets(params))
        return self.web.send(module, method, params, token, wait, lambda text: self._scrub(text, params))

    def _exchange(self, module, method, params, target, token):
        """_send with the retry policy: reads after any transport error, writes only when nothing was sent.

        The attempts, the pauses between them (0.5 s, doubling) and the waits for their answers all fit in
        ``timeout`` seconds: a retry waits only for what is left of it.
        """
        read = is_read(method)
        delay = RETRY_FIRST_DELAY
        started = time.monotonic()
        attempt = 0
        wait = self.timeout
        while True:
            attempt += 1
            self.availability.before_call(module, method, target)
            mark = self.availability.mark()
            try:
                return self._send(module, method, params, token, wait)
            except AuroraTransportError as exc:
                if self._refused(exc) and not self.availability.confirm(
                        mark, module, method, target, suspect=WEB_SERVER, detail=exc.detail):
                    delay, started, attempt, wait = RETRY_FIRST_DELAY, time.monotonic(), 0, self.timeout
                    continue  # it never reached Aurora, which answers again: send it now
                waited = time.monotonic() - started
                may_retry = exc.retryable and (read or not exc.sent)
                wait = self.timeout - waited - delay
                if not may_retry or attempt >= self.read_attempts or round(wait, 1) < MIN_ATTEMPT_SECONDS:
                    raise AuroraTransportError(exc.detail, module, method, target, status=exc.status, sent=exc.sent,
                                               retryable=exc.retryable, attempts=attempt, waited=waited,
                                               timed_out=exc.timed_out, limit=self.timeout,
                                               outage=self._broke_in_outage(exc, read, mark, target))
            time.sleep(delay)
            delay *= 2

    def _broke_in_outage(self, exc, read, mark, target):
        """A write's connection broke with no answer, and Aurora was going out: the client waited until it was back.
        (A timed-out write is not asked: Aurora may still be doing it.)"""
        if read or not exc.sent or exc.timed_out or not unreachable(exc) or self.bridge is not None:
            return False
        return not self.availability.confirm(mark, exc.module, exc.method, target)

    def _refused(self, exc):
        """The web server took no connection: the request never reached Aurora (a stopped or restarting server)."""
        return self.bridge is None and not exc.sent and exc.retryable

    # ---- calls ---------------------------------------------------------------------------

    def login(self):
        """Log in as the super-admin: AdminAuth.LoginAsSuperadmin, or Core.Login on Aurora 8."""
        if self.password is None:
            raise AuroraError('Aurora needs credentials: give api_password (AURORA_PASSWORD) or api_token (AURORA_TOKEN)')
        credentials = {'Login': self.username, 'Password': self.password}
        try:
            result = self._checked('AdminAuth', 'LoginAsSuperadmin', credentials, self.username)
        except AuroraApiError as exc:
            if exc.code not in LOGIN_FALLBACK_CODES:
                raise _login_error(exc)
            try:
                result = self._checked('Core', 'Login', credentials, self.username)
            except AuroraApiError as exc2:
                raise _login_error(exc2)
        self.logins += 1
        token = result.get('AuthToken') if isinstance(result, dict) else None
        if not token or token is True:
            raise AuroraError('Aurora accepted the login of %s but returned no token; is an X-Client header added '
                              'by a proxy in front of Aurora?' % self.username)
        self.token = token
        return token

    def login_works(self, username, password):
        """Whether ``username`` and ``password`` log in as the super-administrator now (the token is not kept)."""
        try:
            result = self._checked('AdminAuth', 'LoginAsSuperadmin', {'Login': username, 'Password': password}, username)
        except AuroraApiError:
            return False
        return isinstance(result, dict) and bool(result.get('AuthToken'))

    def use_credentials(self, username, password):
        """The super-administrator's login and password from now on (after this task changed them): a token that
        Aurora refuses later is replaced by logging in with these."""
        with self._lock:
            self.username, self.password = username, password

    def _checked(self, module, method, params, target, token=None):
        envelope = self._exchange(module, method, params, target, token)
        if 'ErrorCode' in envelope:
            raise AuroraApiError(envelope.get('ErrorCode'), self._scrub(envelope.get('ErrorMessage') or '', params),
                                 module, method, target, response_module=envelope.get('Module'))
        return envelope.get('Result')

    def call(self, module, method, params=None, target=None):
        """Call Module.Method and return its Result.

        ``target`` names the object the call is about, for error messages.
        A write answered with ``Result: false`` raises AuroraSilentRefusal;
        reads return Aurora's answer as is (``False`` means "not found").
        An answer that an outage of Aurora's database could explain is checked (_outage.py): a read is made again
        once Aurora is back, and a write refused meanwhile raises AuroraSilentRefusal with ``outage`` set, for the
        caller to read back and settle.
        """
        read = is_read(method)
        while True:
            mark = self.availability.mark()
            try:
                result = self._authorized(module, method, params, target)
            except AuroraApiError as exc:
                database = is_database_error(exc.code, exc.error_message)
                if not (database or (exc.code == INVALID_INPUT and not read)) or \
                        self.availability.confirm(mark, module, method, target, DATABASE if database else None):
                    raise
                if read:
                    continue
                raise AuroraSilentRefusal(module, method, target, outage=True)
            if read:
                if looks_absent(result) and not self.availability.confirm(mark, module, method, target):
                    continue
                return result
            if result is False:
                raise AuroraSilentRefusal(module, method, target,
                                          outage=not self.availability.confirm(mark, module, method, target))
            return result

    def _authorized(self, module, method, params, target):
        """The call's Result, with a login first when there is no token, and once more when the token is refused."""
        with self._lock:
            if not self.token and self.bridge is None:  # in-process, Aurora runs as the super-administrator
                self.login()
            used_token = self.token
        try:
            return self._checked(module, method, params, target, used_token)
        except AuroraApiError as exc:
            if exc.code not in TOKEN_ERRORS or self.password is None or self.bridge is not None:
                raise
            with self._lock:
                if self.token == used_token:
                    self.login()
                used_token = self.token
            return self._checked(module, method, params, target, used_token)

    def _probe(self):
        """What of Aurora is down (_outage.DATABASE or WEB_SERVER), or None: one Core.GetTenants, no retry."""
        try:
            envelope = self._send(*PROBE, token=self.token)
        except AuroraTransportError as exc:
            return WEB_SERVER if unreachable(exc) else None
        if is_database_error(envelope.get('ErrorCode'), envelope.get('ErrorMessage')):
            return DATABASE
        if 'ErrorCode' in envelope:
            return None  # Aurora runs; the call's own error handling decides
        return None if lists_a_tenant(envelope.get('Result')) else DATABASE

    # ---- capabilities --------------------------------------------------------------------

    def settings(self):
        """Core.GetSettings, read once per run."""
        if self._settings is None:
            result = self.call('Core', 'GetSettings')
            self._settings = result if isinstance(result, dict) else {}
        return self._settings

    @property
    def version(self):
        return str(self.settings().get('Version') or '')

    @property
    def major_version(self):
        head = self.version.split('.', 1)[0]
        return int(head) if head.isdigit() else None

    def has_backend_module(self, name):
        return name in (self.settings().get('AvailableBackendModules') or [])

    # ---- paged listings ------------------------------------------------------------------

    def _pages(self, module, method, params, target):
        offset = 0
        while True:
            page = dict(params, Offset=offset, Limit=PAGE_SIZE)
            result = self.call(module, method, page, target) or {}
            items = result.get('Items') or []
            yield from items
            offset += len(items)
            if not items or len(items) < PAGE_SIZE or offset >= int(result.get('Count') or 0):
                return

    def list_servers(self, search='', tenant_id=0):
        """The mail servers Aurora lists, one page at a time: with ``tenant_id`` 0 every super-admin and tenant
        server, else the super-admin servers and that tenant's own."""
        return self._pages('Mail', 'GetServers', {'TenantId': tenant_id, 'Search': search}, 'the mail server list')

    def find_servers(self, name):
        """Servers whose Name is exactly ``name`` (Aurora's Search is a substring match)."""
        return [server for server in self.list_servers(name) if server.get('Name') == name]

    def list_users(self, search='', tenant_id=0):
        """The users Aurora lists, one page at a time: every tenant's with ``tenant_id`` 0, else that tenant's."""
        return self._pages('Core', 'GetUsers', {'TenantId': tenant_id, 'Search': search}, 'the user list')

    def list_domains(self, tenant_id, search=''):
        """The MailDomains domains of a tenant (Aurora refuses TenantId 0); in Search, ``_`` matches any character."""
        return self._pages('MailDomains', 'GetDomains', {'TenantId': tenant_id, 'Search': search},
                           'the mail domains of tenant %s' % tenant_id)

    def list_groups(self, tenant_id):
        """Every user group of a tenant but Aurora's "All" group, listed whole (a Search with ``_`` or ``%`` finds
        nothing); ``[]`` when groups are off."""
        listed = self.call('Core', 'GetGroups', {'TenantId': tenant_id, 'Search': ''},
                           'the groups of tenant %s' % tenant_id) or {}
        items = listed.get('Items') if isinstance(listed, dict) else None
        items = list(items.values()) if isinstance(items, dict) else items or []  # PHP sends gapped arrays as objects
        return [group for group in items if not group.get('IsAll')]

    def list_tenants(self, search=''):
        return self._pages('Core', 'GetTenants', {'Search': search}, 'the tenant list')

    def find_users(self, public_id):
        """Users whose PublicId equals ``public_id``, ignoring case: in-process, Core.GetUserByPublicId (the web API
        denies it), else the users listed with that Search (a substring match)."""
        wanted = public_id.lower()
        if self.bridge is not None:
            found = self.call('Core', 'GetUserByPublicId', {'PublicId': public_id}, 'user %s' % public_id)
            # as GetUsers lists it (Traits/Users.php), so that what follows is what it is over the web API
            listed = [dict((key, found[key]) for key in USER_LISTING_KEYS if key in found)] \
                if isinstance(found, dict) else []
        else:
            listed = self.list_users(public_id)
        return [user for user in listed if str(user.get('PublicId', '')).lower() == wanted]


def _login_error(exc):
    if exc.code == 102:
        exc.message += ('; check api_username and api_password (AURORA_USERNAME, AURORA_PASSWORD). '
                        'The login is not retried, so Aurora does not block it after repeated failures')
    elif exc.code == 1000:
        exc.message += '; Aurora blocks this login for a few minutes after too many failed attempts'
    return exc
