"""The ways a call fails: Aurora's API exceptions, refused database writes and PHP fatal errors."""


class ApiError(Exception):
    """An Aurora ApiException.  ``module=None`` means "the called module"; "" means none."""

    def __init__(self, code, message=None, module=None):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.module = module


def access_denied():
    return ApiError(108, "AccessDenied")


def invalid_input():
    return ApiError(103, "InvalidInputParameter")


def auth_error():
    # Set as the module manager's "last exception", so it carries no module.
    return ApiError(102, "AuthError", module="")


class DbError(Exception):
    """A query that fails where Aurora catches the error (a write MariaDB in strict mode refuses, a deadlock, a
    database it cannot reach): the method answers ``Result: false`` without ErrorCode."""


class DbUnreachable(DbError):
    """A query on a database Aurora cannot reach (outage.py), where Aurora catches the error."""


class EscapedDbError(Exception):
    """A query error that no Aurora code catches: EntryApi answers its code and its message (outage.py)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class PhpFatal(Exception):
    """An uncaught PHP \\Error: HTTP 500 with an empty body."""
