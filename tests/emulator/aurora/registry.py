"""Which modules and methods exist, which the web API refuses, and how handlers declare their method."""
import copy
import inspect
from dataclasses import dataclass


@dataclass(frozen=True)
class Handler:
    function: object
    parameters: tuple  # (name, default or inspect.Parameter.empty)
    self_locking: bool

    def bind(self, arguments):
        """PHP web-API binding: by name; a missing argument gets its default, or null without one."""
        return {name: copy.deepcopy(arguments[name]) if name in arguments
                else (None if default is inspect.Parameter.empty else copy.deepcopy(default))
                for name, default in self.parameters}


# The modules the emulator knows; which of them an install has is its profile's (profiles.py), and whether Aurora
# loads one its settings' (settings.py).
MODULES = ("AdminAuth", "Core", "Mail", "MailMultiAccountsPlugin", "CoreWebclient", "MailDomains", "Min")

DENIED_METHODS = {
    9: {
        "core": {"authenticate", "updateuserobject", "getuserbypublicid", "gettenantname", "gettenantidbyname",
                 "getdefaultglobaltenant", "updatetenantobject", "getaccountusedtoauthorize", "getdigesthash",
                 "verifypassword", "setauthdataandgetauthtoken",
                 "ismoduledisabledforobject", "getblockeduser", "blockuser", "isblockeduser", "getallgroup",
                 "checkipreputation", "getversion"},
        "mail": {"buildmessage", "checkaccountaccess"},
        "adminauth": {"authenticate"},
    },
}
DENIED_METHODS[8] = {
    **DENIED_METHODS[9],
    "core": (DENIED_METHODS[9]["core"] - {"authenticate"})
    | {"getuserbyuuid", "getadminuser", "gettenantunchecked", "getuserunchecked",
       "updatetokensvalidfromtimestamp", "checkisblockeduser"},
}
NOT_IN_AURORA_8 = {("adminauth", "loginassuperadmin")}


def api_method(module, method, self_locking=False):
    """Declare ``function`` the handler of ``module``.``method``; its parameters after ``call`` are the PHP ones.

    ``self_locking``: the handler takes the emulator's lock itself (to leave it for slow work such as IMAP),
    instead of running wholly under it.
    """

    def declare(function):
        parameters = tuple((p.name, p.default) for p in list(inspect.signature(function).parameters.values())[1:])
        function.api_route = (module.lower(), method.lower()), Handler(function, parameters, self_locking)
        function.api_name = (module, method)
        return function

    return declare


def in_process_handler(function):
    """The Handler of an in-process-only method (Emulator.find_handler): no web-API route, no PHP signature."""
    parameters = tuple((p.name, p.default) for p in list(inspect.signature(function).parameters.values())[1:])
    return Handler(function, parameters, False)


def handler_table(*api_modules):
    """{(module, method), both lower-cased: Handler} of every handler that the given modules declare."""
    table = {}
    for api_module in api_modules:
        for value in vars(api_module).values():
            if getattr(value, "__module__", None) != api_module.__name__ or not hasattr(value, "api_route"):
                continue
            key, handler = value.api_route
            if key in table:
                raise ValueError(f"two handlers for {key[0]}.{key[1]}")
            table[key] = handler
    return table


def php_signatures(handlers):
    """{module: {method: [[name] or [name, default], ...]}}: every module, and the PHP signature of each handler.

    The fake Aurora framework (tests/php/fake-aurora) declares its module methods from this table, so that
    reflection maps named parameters to positional ones there as it does in Aurora.
    """
    table = {module: {} for module in MODULES}
    for handler in handlers.values():
        module, method = handler.function.api_name
        table.setdefault(module, {})[method] = [[name] if default is inspect.Parameter.empty else [name, default]
                                                for name, default in handler.parameters]
    return table
