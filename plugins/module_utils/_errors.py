# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Aurora error codes and the exceptions the API client raises.

Every exception renders as one sentence that names the Aurora call, the
object it was about, and (when Aurora gave one) the error code with its name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# docs/aurora-api-notes.md, "Error codes": \Aurora\System\Notifications and the module enums.
ERROR_NAMES = {
    101: 'InvalidToken',
    102: 'AuthError',
    103: 'InvalidInputParameter',
    104: 'DataBaseError',
    105: 'LicenseProblem',
    106: 'DemoAccount',
    107: 'CaptchaError',
    108: 'AccessDenied',
    109: 'UnknownEmail',
    110: 'HttpsApiAccess',
    111: 'UserAlreadyExists',
    112: 'SystemNotConfigured',
    113: 'ModuleNotFound',
    114: 'MethodNotFound',
    115: 'LicenseLimit',
    116: 'MethodAccessDenied',
    501: 'CanNotSaveSettings',
    502: 'CanNotChangePassword',
    503: 'AccountOldPasswordNotCorrect',
    701: 'CanNotCreateAccount',
    702: 'CanNotUpdateAccount',
    704: 'AccountExists',
    901: 'MailServerError',
    999: 'UnknownError',
    1000: 'LoginBlocked',  # a literal in Core, no enum name
    1001: 'ChannelDoesNotExist',
    1002: 'TenantAlreadyExists',
    1003: 'GroupAlreadyExists',
    1004: 'MySqlConfigError',
    1005: 'UserCreateFailed',
    1006: 'UserDeleteFailed',
    1007: 'UserAlreadyExists',
    1008: 'ChannelAlreadyExists',
    1009: 'ChannelCreateFailed',
    1010: 'ChannelUpdateFailed',
    1011: 'UserUpdateFailed',
    1012: 'AppCheckError',
    4001: 'CannotConnectToMailServer',
    4002: 'CannotLoginCredentialsIncorrect',
    4017: 'DomainIsNotAllowedForLoggingIn',
    4018: 'TenantQuotaExceeded',
    4019: 'CannotCreateServer',
    4020: 'CannotUpdateServer',
}

# Codes after which the same call may be sent again once with a fresh token:
# Aurora validates the token before any module code runs, so nothing was written.
TOKEN_ERRORS = frozenset((101, 102))

# What a bare "Result: false" from a write usually means (docs/aurora-api-notes.md, "Envelope" and "Quirks").
SILENT_REFUSAL_HINTS = {
    'Mail.CreateServer': 'a field of the wrong type or a database error',
    'Mail.UpdateServer': 'the server no longer exists, belongs to another tenant, or a field was missing or of the wrong type',
    'Mail.DeleteServer': 'the server no longer exists',
    'Mail.CreateAccount': "the one-account-per-user limit of WebMail Lite (Aurora Corporate's MailMultiAccountsPlugin lifts it) "
                          'or a database error',
    'Mail.UpdateAccount': 'the account no longer exists',
    'Mail.DeleteAccount': 'the account no longer exists',
    'Core.CreateUser': 'a database error',
    'Core.UpdateUser': 'another user already has that PublicId, or a database error',
    'Core.CreateTenant': 'multi-tenancy is off (EnableMultiTenant) on this Aurora',
}


def error_name(code):
    return ERROR_NAMES.get(code, 'UnnamedCode')


def _call_name(module, method):
    return '%s.%s' % (module, method)


def _about(target):
    return ' for %s' % target if target else ''


class AuroraError(Exception):
    """Base of every error the client raises; str() is one readable sentence.

    ``details``: machine-readable facts about the failure that a module returns beside ``msg``;
    ``changed``: whether the run had already changed Aurora when it stopped (a module reports it as ``changed``).
    """

    def __init__(self, message, module=None, method=None, target=None, details=None, changed=False):
        super(AuroraError, self).__init__(message)
        self.message = message
        self.module = module
        self.method = method
        self.target = target
        self.details = details or {}
        self.changed = changed

    def __str__(self):
        return self.message


class AuroraApiError(AuroraError):
    """Aurora answered with an ErrorCode envelope."""

    def __init__(self, code, error_message, module, method, target=None, response_module=None):
        self.code = code
        self.name = error_name(code)
        self.error_message = error_message or ''
        self.response_module = response_module
        text = 'Aurora refused %s%s (%s %s)' % (_call_name(module, method), _about(target), code, self.name)
        if self.error_message:
            text += ': %s' % self.error_message
        super(AuroraApiError, self).__init__(text, module, method, target)


class AuroraSilentRefusal(AuroraError):
    """A write answered "Result: false" with no error code (or refused while Aurora had no database: ``outage``)."""

    def __init__(self, module, method, target=None, outage=False):
        self.outage = outage
        call = _call_name(module, method)
        hint = SILENT_REFUSAL_HINTS.get(call, 'a database error or an object that no longer exists')
        text = ('Aurora refused %s%s silently (Result: false, no error code); this usually means %s'
                % (call, _about(target), hint))
        super(AuroraSilentRefusal, self).__init__(text, module, method, target)


class AuroraTransportError(AuroraError):
    """No usable answer: connection failure, timeout, HTTP error or a body that is not JSON.

    ``sent`` tells whether the request may have reached Aurora: when it did,
    a write may have been committed even though its answer was lost.
    ``timed_out``: no answer came in time (a read timeout, or a proxy's HTTP 504), so
    Aurora may still be working on the request: reading back cannot prove it will not happen.
    ``limit``: the seconds the attempts were allowed (timeout), reported with them.
    ``outage``: the connection broke as Aurora went out, and the client waited until it was back (_outage.py).
    """

    def __init__(self, detail, module, method, target=None, status=None, sent=True, retryable=True,
                 attempts=1, waited=0.0, timed_out=False, limit=None, outage=False):
        self.detail = detail
        self.outage = outage
        self.status = status
        self.sent = sent
        self.retryable = retryable
        self.attempts = attempts
        self.waited = waited
        self.timed_out = timed_out
        self.limit = limit
        text = 'No usable answer from Aurora to %s%s: %s' % (_call_name(module, method), _about(target), detail)
        if attempts > 1:
            text += ' (after %d attempts over %.1f s' % (attempts, waited)
            text += ', within timeout %s s)' % limit if limit is not None else ')'
        super(AuroraTransportError, self).__init__(text, module, method, target)


class AuroraOutage(AuroraError):
    """Aurora stayed out longer than the task's timeout: no database (``what`` 'database'), or no web server."""

    def __init__(self, what, seconds, timeout, module, method, target=None, detail=None):
        cause = 'could not reach its database' if what == 'database' else 'could not be reached'
        text = 'Aurora %s for %.0f s%s, longer than timeout %s s, so %s%s did not go through; run the task again ' \
               'once Aurora is back' % (cause, seconds, ' (%s)' % detail if detail else '', timeout,
                                        _call_name(module, method), _about(target))
        super(AuroraOutage, self).__init__(text, module, method, target,
                                           details={'outage': what, 'outage_seconds': round(seconds, 1)})
