"""All state behind one lock, and the API entry point (Core EntryApi): resolve, bind, run, answer."""
from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

from . import (auth_api, core_api, groups_api, mail_accounts_api, mail_domains_api, mail_servers_api, settings_api,
               settings_writers, tenants_api)
from .admin_password import password_hash
from .calls import ANONYMOUS, INVALID_TOKEN, SUPERADMIN, Call, Caller
from .contention import Contention
from .errors import ApiError, DbError, EscapedDbError, PhpFatal
from .faults import FaultInjector
from .holds import HoldRoom
from .imap_check import ImapRoutes
from .login_guard import LoginGuard
from .outage import OutageWindows, UnreachableDatabase
from .php import php_json_decode, php_truthy
from .profiles import PROFILES
from .registry import DENIED_METHODS, MODULES, NOT_IN_AURORA_8, handler_table, in_process_handler, php_signatures
from .settings import Settings
from .settings_schema import ENUMS, SYSTEM_FILE
from .settings_writers import IN_PROCESS_HANDLERS
from .store import Database
from .tokens import TokenService

HANDLERS = handler_table(auth_api, settings_api, settings_writers, core_api, tenants_api, groups_api,
                         mail_servers_api, mail_accounts_api, mail_domains_api)
# AbstractModule's own GetSettings, of a module that has none: it returns null, so Result false.
BASE_GET_SETTINGS = in_process_handler(lambda call: None)


class Stopwatch:
    """@Time (whole call) and @TimeApiInit (until the module method starts)."""

    def __init__(self):
        self.started = time.perf_counter()
        self.init_done = None

    def mark_init(self):
        self.init_done = time.perf_counter()

    def total(self):
        return time.perf_counter() - self.started

    def init(self):
        return (self.init_done or time.perf_counter()) - self.started


@dataclass
class ApiAnswer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    cookie: str | None = None


class Emulator:
    """All state behind one lock, and the API entry point (Core EntryApi)."""

    def __init__(self, admin_login="superadmin", admin_password="", latency_ms=0, deadlock_probability=0.0,
                 seed=0, write_window_ms=2, profile="lite"):
        self.profile = PROFILES[profile]
        self.latency = latency_ms / 1000
        self.lock = threading.RLock()
        # The hash of config.json's AdminPassword (cost 4: the emulator checks it at every admin login; PHP's
        # password_verify() takes any cost).  Aurora trims the password it hashes.
        admin_hash = password_hash(admin_password.strip(" \t\n\r\0\x0b"), cost=4) if admin_password else ""
        self.settings = Settings(self.lock, self.profile, admin_login, admin_hash)
        self.tokens = TokenService()
        self.in_flight = 0  # API requests being served (the HTTP layer counts them)
        self.holds = HoldRoom()
        self.contention = Contention(deadlock_probability, seed, write_window_ms)
        # The in-process entry (tests/php/fake-aurora): requests carrying this key are Aurora's PHP API called on
        # the Aurora host, as the super-administrator, without a token and without the web API's 116 denials.
        self.php_key = secrets.token_hex(16)
        self.outages = OutageWindows()
        self.unreachable_db = UnreachableDatabase(mail_domains=self.profile.mail_domains)
        self.reset()

    def reset(self):
        with self.lock:
            self.db = Database(mail_domains=self.profile.mail_domains)
            self.settings.reset()
            self.guard = LoginGuard()
            self.imap_routes = ImapRoutes()
            self.clear_faults()
            self.holds.release(drop=True)
            self.calls = []
            self.tokens.unrevoke()

    def clear_faults(self):
        """No fault rules, no outage, no settings race gate, and contention as the process was started."""
        with self.lock:
            self.faults = FaultInjector()
            self.contention.restore()
            self.outages.clear()
            self.settings.disk.clear_races()

    def database(self):
        """The database a call starting now reaches: the store, or none during a "db-down" outage (outage.py)."""
        return self.unreachable_db if self.outages.active("db-down") else self.db

    @property
    def admin_login(self):
        return self.settings(SYSTEM_FILE, "AdminLogin")

    def module_enabled(self, name):
        """Whether Aurora loads module ``name``: it is installed and not disabled, and a licensed one has its
        licence."""
        if name == "MailMultiAccountsPlugin":
            # Licensed software: it loads only with a valid licence key, which the setting stands for.  Unloaded,
            # its accounts manager does not replace Mail's stock one (one account per user).
            return self.settings("MailMultiAccountsPlugin", "Enabled")
        return self.settings.module_enabled(name)

    def find_module(self, name):
        return next((m for m in MODULES if m.lower() == name.lower() and self.module_enabled(m)), None)

    def caller_for(self, auth_data, db):
        """The caller a token's auth data stands for in ``db``, or INVALID_TOKEN."""
        if auth_data is None:
            return INVALID_TOKEN
        if auth_data.get("token") == "admin":
            return SUPERADMIN  # no query: the super-admin is in the settings file
        try:
            user = db.users.rows.get(auth_data.get("id"))
        except DbError:
            return INVALID_TOKEN  # inferred: the users manager's failed query finds no user
        if not user or user["IsDisabled"]:
            return INVALID_TOKEN
        return Caller(user["Id"], user["Role"], user)

    def identify(self, token, db):
        if not token:
            return ANONYMOUS
        with self.lock:
            return self.caller_for(self.tokens.decode(token), db)

    def is_php_key(self, key):
        return bool(key) and hmac.compare_digest(key.encode("utf-8", "surrogateescape"), self.php_key.encode())

    def php_entry(self):
        """What the fake Aurora framework needs: the in-process key, the modules' PHP signatures and the enum classes
        of the settings' spec keys ({class: {name in the file: value}})."""
        return {"key": self.php_key, "modules": php_signatures(HANDLERS), "enums": ENUMS}

    def php_init(self):
        """The fake Aurora's Api::Init: Aurora loads every settings object, so a file it cannot read is saved with the
        defaults (Settings.boot); then the entry, with the settings files as they are now, for the fake's copy."""
        with self.lock:
            self.settings.boot()
            return {**self.php_entry(), "files": dict(self.settings.disk.files)}

    def log_call(self, fields, token, in_process=False):
        parameters = fields.get("Parameters")
        try:
            parameters = php_json_decode(parameters) if parameters is not None else None
        except ValueError:
            parameters = None
        record = {"Module": fields.get("Module"), "Method": fields.get("Method"), "Parameters": parameters,
                  "Token": "present" if token else "none"}
        if in_process:
            record["Transport"] = "php"
        with self.lock:
            self.calls.append(record)
        return record

    def take_fault(self, call_name, when):
        with self.lock:
            return self.faults.take(call_name, when)

    # ---- the API entry

    def api(self, fields, token, client_ip, web_client=False, deadlock=False, in_process=False, base_url="",
            logged=None):
        """One call of the ``api`` route: Core EntryApi, then the module method.

        ``deadlock``: a "deadlock" fault makes the call a deadlock victim at its first write.
        ``logged``: the call's record in the calls log, which says "DatabaseDown" when the call ran in a "db-down"
        outage (so it changed nothing).
        ``in_process``: a call of the fake Aurora framework (tests/php/fake-aurora) for the PHP bridge: made as the
        super-administrator, not as a web-API call (no 116 denials); a database error answers
        ``{"@QueryException": message}`` and a PHP fatal ``{"@PhpError": message}``, which the fake framework
        throws as Illuminate\\Database\\QueryException and \\Error.
        """
        clock = Stopwatch()
        with self.lock:
            self.settings.boot()  # every request loads the settings files first
            self.settings.log("", len(json.dumps(fields)))
        db = self.database()
        if logged is not None and db is self.unreachable_db:
            with self.lock:
                logged["DatabaseDown"] = True
        caller = SUPERADMIN if in_process else self.identify(token, db)
        call = Call(self, db, caller, client_ip, deadlock_pending=deadlock, in_process=in_process, base_url=base_url)
        try:
            handler, arguments = self.resolve(call, fields)
            clock.mark_init()
            result = self.run(handler, call, arguments)
        except ApiError as error:
            return self.answer(self.error_envelope(call, error, clock))
        except EscapedDbError as error:  # no Aurora code caught it: EntryApi answers its code and message
            if in_process:
                return self.query_exception(call, fields, error)
            return self.answer(self.error_envelope(call, ApiError(error.code, str(error)), clock))
        except DbError as error:  # in-process calls only (run)
            return self.query_exception(call, fields, error)
        except PhpFatal as error:
            if in_process:
                return self.answer({"Module": call.module, "Method": fields["Method"], "@PhpError": str(error)})
            return ApiAnswer(500, b"", "text/html; charset=UTF-8")
        envelope = {"AuthenticatedUserId": call.caller.envelope_id, "@Time": self.seconds(clock.total()),
                    "Module": call.module, "Method": fields["Method"], "Result": result,
                    "SubscriptionsResult": None, "@TimeApiInit": self.seconds(clock.init())}
        if web_client and call.issued_token:
            # CoreWebclient moves the token into a cookie for browser clients (X-Client: WebClient).
            envelope["Result"] = {"AuthToken": True}
            return self.answer(envelope, cookie=f"AuthToken={call.issued_token}; path=/; HttpOnly")
        return self.answer(envelope)

    def query_exception(self, call, fields, error):
        """An in-process call's database error, which the fake framework throws as a QueryException."""
        return self.answer({"Module": call.module, "Method": fields["Method"], "@QueryException": str(error)})

    def resolve(self, call, fields):
        """The handler and arguments of a request, checked in EntryApi's order (errors carry no module)."""
        module_name, method = fields.get("Module"), fields.get("Method")
        if module_name is None or method is None:
            raise ApiError(103, "Invalid input parameter", "")
        call.module = self.find_module(module_name)
        if not call.module:
            raise ApiError(113, "Module not found", "")
        if call.caller is INVALID_TOKEN:
            raise ApiError(102 if self.settings("System", "AuroraMajor") == 8 else 101, None, "")
        if method == "":
            raise ApiError(999, "UnknownError", "")  # inferred: EntryApi builds no response item
        arguments = self.decode_parameters(fields.get("Parameters"))
        return self.find_handler(call.module, method, in_process=call.in_process), arguments

    @staticmethod
    def decode_parameters(text):
        if not php_truthy(text):
            return {}
        try:
            decoded = php_json_decode(text)
        except ValueError:
            raise ApiError(103, "InvalidInputParameter", "") from None
        return decoded if isinstance(decoded, dict) else {}  # a list or scalar binds no named argument

    def find_handler(self, module, method, in_process=False):
        key = (module.lower(), method.lower())
        major = self.settings("System", "AuroraMajor")
        if in_process and key in IN_PROCESS_HANDLERS:
            return IN_PROCESS_HANDLERS[key]
        if not in_process and key[1] in DENIED_METHODS[major].get(key[0], ()):
            raise ApiError(116, None, module)
        handler = HANDLERS.get(key) or (BASE_GET_SETTINGS if key[1] == "getsettings" else None)
        if not handler or (major == 8 and key in NOT_IN_AURORA_8):
            raise ApiError(114, None, module)
        return handler

    def run(self, handler, call, arguments):
        if arguments.get("UserId") is None:  # PHP isset(): absent or null
            arguments = {**arguments, "UserId": call.caller.envelope_id}
        bound = handler.bind(arguments)
        try:
            if handler.self_locking:
                result = handler.function(call, **bound)
            else:
                with self.lock:
                    result = handler.function(call, **bound)
        except DbError:
            if call.in_process:
                raise  # the fake framework throws it as a QueryException; the bridge answers Result false
            return False  # Illuminate QueryException: logged, Result false without an error code
        return False if result is None else result

    def error_envelope(self, call, error, clock):
        envelope = {"AuthenticatedUserId": call.caller.envelope_id, "@Time": self.seconds(clock.total()),
                    "SubscriptionsResult": None, "@TimeApiInit": self.seconds(clock.init()),
                    "ErrorCode": error.code}
        if error.message and error.message != "ApiException":
            envelope["ErrorMessage"] = error.message
        envelope["Module"] = call.module if error.module is None else error.module
        return envelope

    def seconds(self, seconds):
        if self.settings("System", "AuroraMajor") == 8:
            return round(seconds, 4)  # 8.x: number_format(...) + 0, a float
        return f"{seconds:.4f}"

    @staticmethod
    def answer(envelope, cookie=None):
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return ApiAnswer(200, body, cookie=cookie)
