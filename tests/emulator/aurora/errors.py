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
    """A write MariaDB in strict mode refuses; the framework turns it into ``Result: false``."""


class PhpFatal(Exception):
    """An uncaught PHP \\Error: HTTP 500 with an empty body."""
