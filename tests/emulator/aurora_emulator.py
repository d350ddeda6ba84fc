"""Emulator of the Afterlogic Aurora web API (WebMail Lite 9.8.5 / Aurora 0.10.x) for tests.

Standard library only.  Start it with

    python3 tests/emulator/aurora_emulator.py --host 127.0.0.1 --port 0 \
        [--admin-login superadmin] [--admin-password PW] [--latency-ms N] \
        [--deadlock-probability P] [--seed N] [--write-window-ms W]

The first stdout line is ``listening on http://HOST:PORT/``; it then serves until SIGTERM/SIGINT.

Writes race as Aurora's do.  Aurora checks, then writes, with no lock in between (e.g. CreateAccount's 704
check, CreateUser's 111 check).  Every write handler does its checks under the emulator's lock, then leaves
the lock for the write window (W ms, default 2; 0 = none: writes stay serialized), then re-takes it,
re-reads and writes: overlapping calls interleave in the window.  While in its window a call is an open
transaction on its table (au_core_users, au_core_tenants, au_mail_servers, au_mail_accounts).  Each pair of
overlapping transactions on one table gets one draw when the first of the two reaches its write: with
probability P (default 0) that one is MariaDB's deadlock victim (1213 Deadlock found): nothing written,
``Result: false`` without ErrorCode; the other goes on.  Draws come from ``random.Random(seed)``.  Reads and
sequential calls are unchanged.

Aurora behaviour comes from /work/shared/aurora-api.md (section 9 wins) and the recorded
contract in /work/shared/aurora-contract/.  Where both are silent the choice is marked
``# inferred: <why>``.

Test-control endpoints (never subject to faults or latency):
  POST /_emulator/reset            fresh database, default settings, no faults/calls/blocks/revocations,
                                   contention as started
  GET|POST /_emulator/settings     read / change settings, e.g. {"Mail": {"DoImapLoginOnAccountCreate": false}}
  GET  /_emulator/state            every stored object with its stored (unmasked) values
  GET  /_emulator/calls            API calls received since the last reset
  POST /_emulator/calls/clear      forget them
  POST /_emulator/revoke-tokens    every token issued so far becomes invalid
  GET|POST|DELETE /_emulator/faults  list / add / clear fault rules (DELETE also restores contention)
  GET  /_emulator/faults/contention {"probability": P, "seed": N, "window_ms": W, "deadlocks": victims so far,
                                   "overlaps": overlapping write pairs so far}
  POST /_emulator/faults/contention  any of {"probability": 0..1, "seed": int, "window_ms": int >= 0}; a seed
                                   re-seeds the generator; bad values: 400.  Reset and DELETE /_emulator/faults
                                   return to the command-line values and zero the counts.
  GET  /_emulator/in-flight        {"in_flight": N}: API requests received and not yet answered (or dropped)
  GET  /_emulator/held             {"held": N}: API requests that "hold" faults are holding now
  POST /_emulator/release          {"drop": true|false}: end every hold; drop = no answer, and with "before"
                                   the call is not executed (its client is gone), else the call goes on

Fault rules: {"call": "Module.Method" or "*", "fault": KIND, "when": "before" | "after", "times": N,
"seconds": S}.  "before" replaces the call (it is not executed), "after" executes it and then spoils the
answer (a committed write whose answer is lost).  KIND: "http500" (empty body), "empty" (HTTP 200, empty
body), "html" (HTTP 200, a PHP fatal error page), "reset" (TCP reset, no answer), "delay" (wait S seconds,
then go on: before = the call runs late, after = the answer comes late), "revoke" (revoke every token
issued so far, then go on: before = the call itself answers 101, after = the calls that follow do),
"hold" (wait until POST /_emulator/release, or until "release_at" calls of this rule are held at once -
a gate that makes them race - or until S seconds when S > 0; then go on).  "skip": N lets the first N
matching calls through untouched (e.g. {"call": "*", "fault": "hold", "skip": 41, "times": 1000000} holds
every call from the 42nd on: a kill point counted in calls, not in seconds).  "deadlock" ("before" only): the
call runs until its first database write and fails there as a deadlock victim (nothing written, HTTP 200,
``Result: false`` without ErrorCode; counted in "deadlocks"); a call that reaches no write is answered normally.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import hashlib
import hmac
import imaplib
import inspect
import itertools
import json
import math
import random
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

IMAP_TIMEOUT_SECONDS = 10
SYSTEM_SITE_NAME = "Afterlogic WebMail Lite PHP"
VERSIONS = {9: "9.8.5.build2", 8: "8.8.3.rc2"}
MASK = "*****"

USER_ROLES = {"SuperAdmin": 0, "TenantAdmin": 1, "NormalUser": 2, "Customer": 3, "Anonymous": 4}
ROLE_SUPERADMIN, ROLE_TENANTADMIN, ROLE_NORMAL = 0, 1, 2
ROLE_ANONYMOUS = 4

SERVER_OBJECT = "Object/Aurora\\Modules\\Mail\\Models\\Server"
ACCOUNT_OBJECT = "Object/Aurora\\Modules\\Mail\\Models\\MailAccount"
USER_OBJECT = "Object/Aurora\\Modules\\Core\\Models\\User"
TENANT_OBJECT = "Object/Aurora\\Modules\\Core\\Models\\Tenant"

SOCKET_UNAVAILABLE = "MailSo-Net-Exceptions-SocketConnectionDoesNotAvailableException"


# --------------------------------------------------------------------------- PHP-like values


def php_str(value):
    """The string PHP makes of a decoded JSON value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return "Array"
    return str(value)


def php_trim(value):
    return php_str(value).strip(" \t\n\r\0\x0b")


def php_truthy(value):
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def php_int(value):
    """PHP (int) cast."""
    if isinstance(value, (bool, int)):
        return int(value)
    if isinstance(value, float):
        return int(value)
    match = re.match(r"\s*[+-]?\d+", value) if isinstance(value, str) else None
    return int(match.group()) if match else 0


def is_php_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def strict_int_equals(value, number):
    """PHP ``$value === $number`` for an int ``number``."""
    return is_php_int(value) and value == number


def lookup_id(value):
    """The id Eloquent's find() would look up, or None when it can match nothing."""
    # inferred: find() binds the value into "WHERE Id = ?", where MySQL casts numeric strings.
    if is_php_int(value):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    return None


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def php_json_decode(text):
    """json_decode(): like json.loads but without NaN/Infinity."""
    return json.loads(text, parse_constant=_refuse_constant)


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def split_domains(domains):
    return [line.strip(" \t\n\r\0\x0b") for line in php_str(domains).split("\n") if line.strip(" \t\n\r\0\x0b")]


def trim_domains(domains):
    """Mail servers manager trimDomains(): trim every line, drop blank ones."""
    return "\n".join(split_domains(domains))


def email_domain(email):
    match = re.match(r".+@(.+)$", email)
    return match.group(1) if match else ""


# --------------------------------------------------------------------------- errors


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


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "int" | "bool" | "str"
    default: object = None
    nullable: bool = False


def _mysql_integer(value, column):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(math.copysign(math.floor(abs(value) + 0.5), value))
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise DbError(f"Incorrect integer value: '{value}' for column '{column}'")


def to_column(column, value):
    """Store ``value`` the way a strict-mode MariaDB column would, or raise DbError."""
    if value is None:
        if column.nullable:
            return None
        raise DbError(f"Column '{column.name}' cannot be null")
    if column.kind == "str":
        if isinstance(value, (list, dict)):
            raise DbError(f"Array to string conversion for column '{column.name}'")
        return php_str(value)
    number = _mysql_integer(value, column.name)
    return number != 0 if column.kind == "bool" else number


def _timestamps():
    return [Column("CreatedAt", "str", None, True), Column("UpdatedAt", "str", None, True)]


SERVER_COLUMNS = [
    Column("TenantId", "int", 0), Column("Name", "str", ""), Column("IncomingServer", "str", ""),
    Column("IncomingPort", "int", 143), Column("IncomingUseSsl", "bool", False),
    Column("OutgoingServer", "str", ""), Column("OutgoingPort", "int", 25), Column("OutgoingUseSsl", "bool", False),
    Column("SmtpAuthType", "str", "0"), Column("SmtpLogin", "str", ""), Column("SmtpPassword", "str", ""),
    Column("OwnerType", "str", "account"), Column("Domains", "str", None, True),
    Column("EnableSieve", "bool", False), Column("SievePort", "int", 4190), Column("EnableThreading", "bool", True),
    Column("UseFullEmailAddressAsLogin", "bool", True), Column("SetExternalAccessServers", "bool", False),
    Column("ExternalAccessImapServer", "str", ""), Column("ExternalAccessImapPort", "int", 143),
    Column("ExternalAccessImapAlterPort", "int", 0), Column("ExternalAccessSmtpServer", "str", ""),
    Column("ExternalAccessSmtpPort", "int", 25), Column("ExternalAccessSmtpAlterPort", "int", 0),
    Column("ExternalAccessPop3Server", "str", ""), Column("ExternalAccessPop3Port", "int", 110),
    Column("ExternalAccessPop3AlterPort", "int", 0), Column("OAuthEnable", "bool", False),
    Column("OAuthName", "str", ""), Column("OAuthType", "str", ""), Column("OAuthIconUrl", "str", ""),
    *_timestamps(),
    Column("ExternalAccessImapUseSsl", "bool", False), Column("ExternalAccessPop3UseSsl", "bool", False),
    Column("ExternalAccessSmtpUseSsl", "bool", False),
]

USER_COLUMNS = [
    Column("UUID", "str", ""), Column("Name", "str", ""), Column("PublicId", "str", ""),
    Column("IdTenant", "int", 0), Column("IsDisabled", "bool", False), Column("IdSubscription", "int", 0),
    Column("Role", "int", ROLE_NORMAL), Column("LastLogin", "str", None, True), Column("LastLoginNow", "str", ""),
    Column("LoginsCount", "int", 0), Column("Note", "str", None, True), Column("Language", "str", "English"),
    Column("TimeFormat", "int", 0), Column("DateFormat", "str", "DD/MM/YYYY"),
    Column("Question1", "str", ""), Column("Question2", "str", ""), Column("Answer1", "str", ""),
    Column("Answer2", "str", ""), Column("SipEnable", "bool", True), Column("SipImpi", "str", ""),
    Column("SipPassword", "str", ""), Column("DesktopNotifications", "bool", False), Column("Capa", "str", ""),
    Column("CustomFields", "str", ""), Column("FilesEnable", "bool", True), Column("EmailNotification", "str", ""),
    Column("PasswordResetHash", "str", ""), Column("WriteSeparateLog", "bool", False),
    Column("DefaultTimeZone", "str", ""), *_timestamps(),
]

ACCOUNT_COLUMNS = [
    Column("IsDisabled", "bool", False), Column("IdUser", "int", 0), Column("UseToAuthorize", "bool", False),
    Column("Email", "str", ""), Column("FriendlyName", "str", ""), Column("IncomingLogin", "str", ""),
    Column("IncomingPassword", "str", ""), Column("IncludeInUnifiedMailbox", "bool", False),
    Column("UseSignature", "bool", False), Column("Signature", "str", ""), Column("ServerId", "int", 0),
    Column("FoldersOrder", "str", ""), Column("UseThreading", "bool", False),
    Column("SaveRepliesToCurrFolder", "bool", False), Column("ShowUnifiedMailboxLabel", "bool", False),
    Column("UnifiedMailboxLabelText", "str", ""), Column("UnifiedMailboxLabelColor", "str", ""),
    Column("XOAuth", "str", None, True), *_timestamps(),
]

# inferred: defaults of the tenant columns not shown by the contract are the migration's likely defaults.
TENANT_COLUMNS = [
    Column("IdChannel", "int", 0), Column("IsDisabled", "bool", False), Column("IsDefault", "bool", False),
    Column("Name", "str", ""), Column("Description", "str", ""), Column("WebDomain", "str", ""),
    Column("UserCountLimit", "int", 0), Column("Capa", "str", ""), Column("AllowChangeAdminEmail", "bool", True),
    Column("AllowChangeAdminPassword", "bool", True), Column("Expared", "bool", False), Column("PayUrl", "str", ""),
    Column("IsTrial", "bool", False), Column("LogoUrl", "str", ""),
    Column("CalendarNotificationEmailAccount", "str", ""), Column("InviteNotificationEmailAccount", "str", ""),
    *_timestamps(),
    Column("SiteName", "str", None, True),  # a tenant-level setting, not part of the tenant object
]

CHANNEL_COLUMNS = [Column("Login", "str", ""), Column("Password", "str", ""), Column("Description", "str", "")]


class Table:
    """Rows keyed by an auto-increment Id that, like MySQL's, is never reused."""

    def __init__(self, name, columns):
        self.name = name  # Aurora's table name
        self.columns = {column.name: column for column in columns}
        self.rows = {}
        self._next_id = 1

    def coerce(self, values):
        return {name: to_column(self.columns[name], value) for name, value in values.items()}

    def insert(self, values):
        row = {"Id": 0, **{name: column.default for name, column in self.columns.items()}}
        row.update(self.coerce(values))  # raises DbError before an id is used
        row["Id"] = self._next_id
        self._next_id += 1
        if "CreatedAt" in row:
            row["CreatedAt"] = row["UpdatedAt"] = now_iso()
        self.rows[row["Id"]] = row
        return row

    def update(self, row, values):
        changed = {name: value for name, value in self.coerce(values).items() if row[name] != value}
        if changed:
            row.update(changed)
            if "UpdatedAt" in row:
                row["UpdatedAt"] = now_iso()

    def delete(self, row):
        self.rows.pop(row["Id"], None)

    def get(self, value):
        row_id = lookup_id(value)
        return self.rows.get(row_id) if row_id is not None else None

    def all(self):
        return list(self.rows.values())


# --------------------------------------------------------------------------- database


class Database:
    """The Aurora tables right after a reset: channel and tenant "Default" (Id 1), nothing else."""

    def __init__(self):
        self.channels = Table("au_core_channels", CHANNEL_COLUMNS)
        self.tenants = Table("au_core_tenants", TENANT_COLUMNS)
        self.servers = Table("au_mail_servers", SERVER_COLUMNS)
        self.users = Table("au_core_users", USER_COLUMNS)
        self.accounts = Table("au_mail_accounts", ACCOUNT_COLUMNS)
        self.channels.insert({"Login": "Default"})
        self.tenants.insert({"IdChannel": 1, "IsDefault": True, "Name": "Default"})

    def snapshot(self):
        return {
            "tenants": copy.deepcopy(self.tenants.all()),
            "servers": copy.deepcopy(self.servers.all()),
            "users": copy.deepcopy(self.users.all()),
            "accounts": copy.deepcopy(self.accounts.all()),
        }

    # ---- lookups

    def default_tenant(self):
        tenants = self.tenants.all()
        return next((t for t in tenants if t["IsDefault"]), tenants[0] if tenants else None)

    def user_by_public_id(self, public_id):
        # inferred: MySQL's default *_ci collation makes the unique PublicId index case-insensitive.
        wanted = public_id.casefold()
        return next((u for u in self.users.all() if u["PublicId"].casefold() == wanted), None)

    def check_public_id_free(self, public_id, user=None):
        """The unique PublicId key: DbError when a user other than ``user`` has ``public_id``."""
        other = self.user_by_public_id(public_id)
        if other and (user is None or other["Id"] != user["Id"]):
            raise DbError(f"Duplicate entry '{public_id}' for key 'PublicId'")

    def accounts_of_user(self, user_id):
        return [a for a in self.accounts.all() if a["IdUser"] == user_id]

    def account_of_user_by_email(self, user_id, email):
        return next((a for a in self.accounts_of_user(user_id) if a["Email"].casefold() == email.casefold()), None)

    def authorizing_account(self, email, excluding_id=None):
        """The account that is somebody's login account (UseToAuthorize) for ``email``."""
        return next((a for a in self.accounts.all()
                     if a["UseToAuthorize"] and a["Id"] != excluding_id
                     and a["Email"].casefold() == email.casefold()), None)

    def server_for_domain(self, domain, allow_wildcard, tenant_id=None):
        """Mail GetMailServerByDomain: (server, found_with_wildcard) or (None, False)."""
        servers = [s for s in self.servers.all()
                   if s["OwnerType"] == "superadmin"
                   or (s["OwnerType"] == "tenant" and (tenant_id is None or s["TenantId"] == tenant_id))]
        # inferred: domains compare case-insensitively (DNS names; MySQL *_ci collation); first by Id wins.
        wanted = domain.casefold()
        for server in servers:
            if wanted in (d.casefold() for d in split_domains(server["Domains"])):
                return server, False
        if allow_wildcard:
            for server in servers:
                if "*" in split_domains(server["Domains"]):
                    return server, True
            for server in servers:
                if not split_domains(server["Domains"]):
                    return server, True
        return None, False

    # ---- deletions with their cascades

    def delete_account(self, account):
        """Mail DeleteAccount: the account and its own ("account"-owned) server."""
        self.accounts.delete(account)
        server = self.servers.rows.get(account["ServerId"])
        if server and server["OwnerType"] == "account":
            self.delete_server_row(server)

    def delete_accounts_of_user(self, user_id):
        for account in self.accounts_of_user(user_id):
            self.delete_account(account)

    def delete_user(self, user):
        self.delete_accounts_of_user(user["Id"])
        self.users.delete(user)

    def delete_server_row(self, server):
        """The row and, by the ON DELETE CASCADE foreign key, the accounts still on it."""
        self.servers.delete(server)
        for account in self.accounts.all():
            if account["ServerId"] == server["Id"]:
                self.accounts.delete(account)

    def delete_server(self, server, tenant_id):
        """Mail DeleteServer: users whose login account is on it, its other accounts, then the server."""
        on_server = [a for a in self.accounts.all() if a["ServerId"] == server["Id"]]
        for user_id in sorted({a["IdUser"] for a in on_server if a["UseToAuthorize"]}):
            user = self.users.rows.get(user_id)
            if user:  # inferred: an orphan login account has no user to delete; its row goes below
                self.delete_user(user)
        for account in on_server:
            if account["Id"] in self.accounts.rows:
                self.delete_account(account)
        if server["Id"] not in self.servers.rows:
            return True  # it was account-owned and went with its last account
        if server["OwnerType"] == "tenant" and not strict_int_equals(tenant_id, server["TenantId"]):
            return False
        self.delete_server_row(server)
        return True


# --------------------------------------------------------------------------- object rendering


def render_server(row, with_object=True):
    data = {"@Object": SERVER_OBJECT} if with_object else {}
    data.update(row)
    data["SmtpPassword"] = MASK
    data.update(EntityId=row["Id"], ServerId=row["Id"], UUID="", ParentUUID="", ModuleName="")
    return data


def render_user(row):
    return {"@Object": USER_OBJECT, **row, "ParentUUID": "", "ModuleName": "Core"}


def render_tenant(row):
    data = {"@Object": TENANT_OBJECT, **row}
    del data["SiteName"]
    data.update(UUID="", ParentUUID="", ModuleName="Core")
    return data


# The attributes a freshly created MailAccount model carries (contract steps 32 and 49).
CREATED_ACCOUNT_KEYS = ("IdUser", "FriendlyName", "Email", "IncomingLogin", "IncomingPassword", "ServerId",
                        "UseThreading", "XOAuth", "UseToAuthorize", "UpdatedAt", "CreatedAt", "Id")


def render_account(db, row, created=False):
    data = {"@Object": ACCOUNT_OBJECT}
    data.update((key, row[key]) for key in (CREATED_ACCOUNT_KEYS if created else row))
    data["IncomingPassword"] = MASK
    server = db.servers.rows.get(row["ServerId"])
    sieve = bool(server and server["EnableSieve"])
    data.update(
        EntityId=row["Id"],
        Server=render_server(server, with_object=False) if server else None,
        UUID="", ParentUUID="", ModuleName="", AccountID=row["Id"],
        AllowFilters=sieve, AllowForward=sieve, AllowAutoresponder=sieve,
        # inferred: the allow/block-list module setting is off (contract step 49: false with Sieve on).
        EnableAllowBlockLists=False,
    )
    if created:
        data["Signature"] = row["Signature"]  # an appended accessor, so it follows the set attributes
    data["CanBeUsedToAuthorize"] = db.authorizing_account(row["Email"], excluding_id=row["Id"]) is None
    return data


# --------------------------------------------------------------------------- settings


DEFAULT_SETTINGS = {
    "Core": {"EnableMultiTenant": False, "EnableFailedLoginBlock": True,
             "LoginBlockAvailableTriesCount": 10, "LoginBlockDurationMinutes": 3},
    # inferred: WebMail Lite's pre-config turns auto-provisioning on; AllowAddAccounts keeps its code default.
    "Mail": {"DoImapLoginOnAccountCreate": True, "AutocreateMailAccountOnNewUserFirstLogin": True,
             "AllowAddAccounts": False},
    "AdminAuth": {"AllowLoginFromCoreModule": False},
    "MailMultiAccountsPlugin": {"Enabled": False},
    "System": {"AuroraMajor": 9},
}


class SettingsError(ValueError):
    pass


class Settings:
    def __init__(self):
        self.values = copy.deepcopy(DEFAULT_SETTINGS)

    def __call__(self, module, name):
        return self.values[module][name]

    def update(self, changes):
        """Apply ``{"Module": {"Name": value}}`` after checking every entry (all or nothing)."""
        if not isinstance(changes, dict):
            raise SettingsError("settings must be a JSON object of modules")
        checked = []
        for module, names in changes.items():
            if module not in self.values or not isinstance(names, dict):
                raise SettingsError(f"unknown settings module {module!r}")
            for name, value in names.items():
                checked.append((module, name, self._check(module, name, value)))
        for module, name, value in checked:
            self.values[module][name] = value

    def _check(self, module, name, value):
        if name not in self.values[module]:
            raise SettingsError(f"unknown setting {module}.{name}")
        default = DEFAULT_SETTINGS[module][name]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise SettingsError(f"{module}.{name} must be a boolean")
        elif not is_php_int(value) or value < 1:
            raise SettingsError(f"{module}.{name} must be a positive integer")
        if (module, name) == ("System", "AuroraMajor") and value not in VERSIONS:
            raise SettingsError("System.AuroraMajor must be 8 or 9")
        return value


# --------------------------------------------------------------------------- tokens


class TokenService:
    """Stateless signed tokens, like Aurora's encrypted ones: no server-side session needed."""

    _SECRET = b"aurora-emulator-token-key"  # fixed, so tokens survive a restart as Aurora's do

    def __init__(self):
        self._serials = itertools.count(1)
        self._last_serial = 0
        self._revoked_up_to = 0

    def issue(self, auth_data):
        self._last_serial = next(self._serials)
        payload = json.dumps({**auth_data, "@time": int(time.time()), "@ver": "4.0", "n": self._last_serial},
                             separators=(",", ":")).encode()
        signature = hmac.new(self._SECRET, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")

    def decode(self, token):
        """The auth data of a valid token, or None."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError:
            return None
        signature, payload = raw[:16], raw[16:]
        if not hmac.compare_digest(signature, hmac.new(self._SECRET, payload, hashlib.sha256).digest()[:16]):
            return None
        data = json.loads(payload)
        return data if data["n"] > self._revoked_up_to else None

    def revoke_all(self):
        self._revoked_up_to = self._last_serial

    def unrevoke(self):
        self._revoked_up_to = 0


# --------------------------------------------------------------------------- failed-login block


class LoginGuard:
    """Core's failed-login block (IsBlockedUser / BlockUser), per login and client IP."""

    def __init__(self):
        self._failures = {}  # (login, ip) -> [count, time of the last failure]

    def check(self, settings, login, ip, module):
        """Raise 1000 while the login is blocked; each blocked attempt counts and renews the block."""
        entry = self._failures.get((login, ip))
        tries = settings("Core", "LoginBlockAvailableTriesCount")
        if not settings("Core", "EnableFailedLoginBlock") or not entry or entry[0] < tries:
            return
        minutes = settings("Core", "LoginBlockDurationMinutes")
        elapsed = (time.time() - entry[1]) / 60
        if elapsed > minutes:
            del self._failures[(login, ip)]
            return
        entry[0] += 1
        entry[1] = time.time()
        # inferred: like every exception inside a module call, it carries the called module.
        raise ApiError(
            1000,
            f"Your account is blocked due to {tries} failed login attempts "
            f"and will be unblocked in {math.ceil(minutes - elapsed)} minutes.",
            module,
        )

    def record_failure(self, settings, login, ip):
        if settings("Core", "EnableFailedLoginBlock"):
            entry = self._failures.setdefault((login, ip), [0, 0.0])
            entry[0] += 1
            entry[1] = time.time()

    def clear(self, login, ip):
        self._failures.pop((login, ip), None)


# --------------------------------------------------------------------------- faults and call log


FAULT_KINDS = ("http500", "empty", "html", "reset", "delay", "revoke", "hold", "deadlock")


def check_fault_rule(rule):
    if not isinstance(rule, dict):
        raise ValueError("a fault rule must be a JSON object")
    unknown = set(rule) - {"call", "fault", "seconds", "when", "times", "skip", "release_at"}
    if unknown:
        raise ValueError(f"unknown fault rule keys: {sorted(unknown)}")
    checked = {"call": rule.get("call", "*"), "fault": rule.get("fault"), "seconds": rule.get("seconds", 0),
               "when": rule.get("when", "before"), "times": rule.get("times", 1)}
    if not isinstance(checked["call"], str) or not checked["call"]:
        raise ValueError("call must be 'Module.Method' or '*'")
    if checked["fault"] not in FAULT_KINDS:
        raise ValueError(f"fault must be one of {FAULT_KINDS}")
    if checked["when"] not in ("before", "after"):
        raise ValueError("when must be 'before' or 'after'")
    if checked["fault"] == "deadlock" and checked["when"] != "before":
        raise ValueError("a deadlock fault strikes at the call's first write: when must be 'before'")
    if not is_php_int(checked["times"]) or checked["times"] < 1:
        raise ValueError("times must be a positive integer")
    if isinstance(checked["seconds"], bool) or not isinstance(checked["seconds"], (int, float)) \
            or checked["seconds"] < 0:
        raise ValueError("seconds must be a non-negative number")
    checked["skip"] = rule.get("skip", 0)
    if not is_php_int(checked["skip"]) or checked["skip"] < 0:
        raise ValueError("skip must be a non-negative integer")
    if "release_at" in rule:
        if checked["fault"] != "hold" or not is_php_int(rule["release_at"]) or rule["release_at"] < 1:
            raise ValueError("release_at is a positive integer, for hold faults only")
        checked["release_at"] = rule["release_at"]
    return checked


class FaultInjector:
    _ids = itertools.count(1)  # a hold's gate is counted per rule, so each rule gets an id

    def __init__(self):
        self.rules = []

    def add(self, rules):
        rules = rules if isinstance(rules, list) else [rules]
        checked = [check_fault_rule(rule) for rule in rules]
        for rule in checked:
            rule["call"] = rule["call"].lower()
            rule["id"] = next(self._ids)
        self.rules.extend(checked)

    def take(self, call_name, when):
        """The first pending rule for this call and moment, counting one hit."""
        for rule in self.rules:
            if rule["when"] == when and rule["call"] in ("*", call_name.lower()):
                if rule["skip"]:
                    rule["skip"] -= 1
                    continue
                rule["times"] -= 1
                if rule["times"] == 0:
                    self.rules.remove(rule)
                return dict(rule)
        return None


class HoldRoom:
    """The API calls that "hold" faults keep waiting, and their release."""

    def __init__(self):
        self._condition = threading.Condition()
        self._releases = 0  # POST /_emulator/release calls so far; a held call waits for the next one
        self._drop = False
        self._gates = {}  # rule id -> calls held by it so far (release_at)
        self.held = 0

    def hold(self, rule):
        """Wait as the rule says; True when the call is to be dropped (no answer)."""
        with self._condition:
            releases = self._releases
            self.held += 1
            gate = rule.get("release_at")
            if gate:
                self._gates[rule["id"]] = self._gates.get(rule["id"], 0) + 1
                self._condition.notify_all()
            deadline = time.monotonic() + rule["seconds"] if rule["seconds"] else None
            try:
                while True:
                    if gate and self._gates[rule["id"]] >= gate:
                        return False
                    if self._releases != releases:
                        return self._drop
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._condition.wait(left)
            finally:
                self.held -= 1

    def release(self, drop):
        with self._condition:
            self._releases += 1
            self._drop = drop
            self._condition.notify_all()


# --------------------------------------------------------------------------- write contention


DEADLOCK_MESSAGE = ("SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock; "
                    "try restarting transaction")


def check_contention(values):
    """The contention settings given in ``values`` (a dict), checked; ValueError names the bad one."""
    if not isinstance(values, dict):
        raise ValueError("contention must be a JSON object with probability, seed and/or window_ms")
    unknown = set(values) - {"probability", "seed", "window_ms"}
    if unknown:
        raise ValueError(f"unknown contention keys: {sorted(unknown)}")
    checked = dict(values)
    if "probability" in values:
        probability = values["probability"]
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) \
                or not 0 <= probability <= 1:
            raise ValueError("probability must be a number from 0 to 1")
        checked["probability"] = float(probability)
    if "seed" in values and not is_php_int(values["seed"]):
        raise ValueError("seed must be an integer")
    if "window_ms" in values and (not is_php_int(values["window_ms"]) or values["window_ms"] < 0):
        raise ValueError("window_ms must be a non-negative integer (milliseconds)")
    return checked


class WriteTransaction:
    """One call's open write on a table: from the end of its checks until its write is done."""

    def __init__(self, open_on_table):
        self.open_on_table = open_on_table  # the set of transactions open on its table (it joins it)
        self.peers = set(open_on_table)  # the transactions it overlaps with
        self.settled = set()  # peers whose pair has had its deadlock draw


class Contention:
    """Overlapping writes to one table, and the deadlock victims MariaDB picks among them.

    A pair of overlapping transactions gets one draw, when the first of the two reaches its write: with
    ``probability`` that one is the victim; the other then goes on, so at most one of a pair fails.
    """

    def __init__(self, probability=0.0, seed=0, window_ms=2):
        self.started_with = check_contention({"probability": probability, "seed": seed, "window_ms": window_ms})
        self.restore()

    def restore(self):
        """The settings the process was started with, no counts and no open transactions."""
        self.configure(self.started_with)
        self.deadlocks = 0
        self.overlaps = 0
        self._open = {}  # table name -> its open WriteTransactions

    def configure(self, checked):
        """Apply settings checked by check_contention; a seed re-seeds the generator."""
        for name in ("probability", "seed", "window_ms"):
            if name in checked:
                setattr(self, name, checked[name])
        if "seed" in checked:
            self.random = random.Random(self.seed)

    def state(self):
        return {"probability": self.probability, "seed": self.seed, "window_ms": self.window_ms,
                "deadlocks": self.deadlocks, "overlaps": self.overlaps}

    def open(self, table_name):
        open_on_table = self._open.setdefault(table_name, set())
        transaction = WriteTransaction(open_on_table)
        for peer in open_on_table:
            peer.peers.add(transaction)
        open_on_table.add(transaction)
        return transaction

    @staticmethod
    def close(transaction):
        transaction.open_on_table.discard(transaction)

    def is_victim(self, transaction, doomed):
        """At the write: draw for each pair not settled yet; True when ``transaction`` is to fail.

        ``doomed`` (a "deadlock" fault) makes it the victim whatever the draws.
        """
        pairs = transaction.peers - transaction.settled
        for peer in pairs:
            peer.settled.add(transaction)
        transaction.settled |= pairs
        self.overlaps += len(pairs)
        victim = doomed or any(self.random.random() < self.probability for dummy in pairs)
        if victim:
            self.deadlocks += 1
        return victim


# --------------------------------------------------------------------------- IMAP check


def _lenient_tls():
    # inferred: MailSo does not verify mail-server certificates by default.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _imap_text(error):
    text = error.args[0] if error.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return re.sub(r"^\[([^\]]*)\]", r"(\1)", text)  # MailSo shows the response code in parentheses


def imap_login(host, port, use_ssl, login, password):
    """LOGIN on the account's IMAP server as Aurora does before saving; raise 4001/4002 on failure."""
    connect_error = ApiError(4001, f'Can\'t connect to host "{"ssl" if use_ssl else "tcp"}://{host}:{port}"')
    if not host:  # inferred: "tcp://:143" cannot be connected to (Python would pick localhost)
        raise connect_error
    try:
        if use_ssl:
            client = imaplib.IMAP4_SSL(host, port, ssl_context=_lenient_tls(), timeout=IMAP_TIMEOUT_SECONDS)
        else:
            client = imaplib.IMAP4(host, port, timeout=IMAP_TIMEOUT_SECONDS)
    except (OSError, imaplib.IMAP4.error):
        raise connect_error from None
    try:
        if not use_ssl and "STARTTLS" in client.capabilities:
            client.starttls(_lenient_tls())
        client.login(login, password)
    except (OSError, imaplib.IMAP4.abort):
        raise connect_error from None
    except imaplib.IMAP4.error as error:
        # Observed text: ":TAG1 NO (AUTHENTICATIONFAILED) ..." (no account id yet before the colon).
        # inferred: the LOGIN is always MailSo's first tagged command, so always TAG1.
        raise ApiError(4002, ":TAG1 NO " + _imap_text(error)) from None
    except UnicodeError:
        # inferred: a credential imaplib cannot send is refused like a wrong one.
        raise ApiError(4002, ":TAG1 NO (AUTHENTICATIONFAILED) Authentication failed.") from None
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


# --------------------------------------------------------------------------- callers


@dataclass(frozen=True)
class Caller:
    envelope_id: object  # AuthenticatedUserId: False (no token), 0 (invalid token), -1 (super-admin), user id
    role: int
    user: dict | None = None

    @property
    def is_superadmin(self):
        return self.role == ROLE_SUPERADMIN

    @property
    def tenant_id(self):
        return self.user["IdTenant"] if self.user else None


ANONYMOUS = Caller(False, ROLE_ANONYMOUS)
INVALID_TOKEN = Caller(0, ROLE_ANONYMOUS)
SUPERADMIN = Caller(-1, ROLE_SUPERADMIN)


class Call:
    """One API call being executed: who calls, which module, and the emulator's state."""

    def __init__(self, emulator, module, caller, client_ip, deadlock_pending=False):
        self.emulator = emulator
        self.module = module
        self.caller = caller
        self.client_ip = client_ip
        self.deadlock_pending = deadlock_pending  # a "deadlock" fault: the first write fails
        self.issued_token = None
        # A call still in its write window at a reset writes into the discarded database, not the fresh one.
        self.db = emulator.db

    @property
    def lock(self):
        return self.emulator.lock

    @contextlib.contextmanager
    def transaction(self, table):
        """Aurora's write to ``table`` after its checks, which have no lock: the write window comes first.

        Enter holding the lock (once), checks done; the window leaves the lock, so that overlapping calls
        interleave there, and re-takes it.  Inside, re-read what the write depends on: a row dict read before
        the window is Aurora's loaded model, and updating it after another call deleted the row changes no
        stored row, like an UPDATE of a missing row.  A deadlock victim gets DbError before anything is written.
        """
        # inferred: Eloquent's save()/delete() of a row deleted meanwhile affects no row and still succeeds.
        contention = self.emulator.contention
        transaction = contention.open(table.name)
        try:
            self.wait_write_window(contention.window_ms)
            if contention.is_victim(transaction, self.deadlock_pending):
                raise DbError(DEADLOCK_MESSAGE)
            yield
        finally:
            contention.close(transaction)

    def wait_write_window(self, window_ms):
        if window_ms:
            self.lock.release()
            try:
                time.sleep(window_ms / 1000)
            finally:
                self.lock.acquire()

    def setting(self, module, name):
        return self.emulator.settings(module, name)

    @property
    def aurora_major(self):
        return self.setting("System", "AuroraMajor")

    def require_role(self, min_role):
        if self.caller.role > min_role:
            raise access_denied()

    def require_user_access(self, user_id):
        """Api::CheckAccess: super-admin any user, tenant admin its tenant's users, a user itself."""
        if self.caller.is_superadmin:
            return
        user = self.db.users.get(user_id)
        if self.caller.role == ROLE_TENANTADMIN and user and user["IdTenant"] == self.caller.tenant_id:
            return
        if self.caller.user and lookup_id(user_id) == self.caller.user["Id"]:
            return
        raise access_denied()

    def require_tenant_access(self, tenant_id):
        if not self.caller.is_superadmin and tenant_id != self.caller.tenant_id:
            raise access_denied()

    def sign_in(self, auth_data):
        """Issue a token for ``auth_data``; the response already reports the new identity."""
        token = self.emulator.tokens.issue(auth_data)
        self.caller = self.emulator.caller_for(auth_data)
        self.issued_token = token
        return {"AuthToken": token}


# --------------------------------------------------------------------------- handler registry


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


HANDLERS = {}
MODULES = ("AdminAuth", "Core", "Mail", "MailMultiAccountsPlugin")

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
    """Register a handler; its parameters after ``call`` are the PHP parameter names."""

    def register(function):
        parameters = tuple((p.name, p.default) for p in list(inspect.signature(function).parameters.values())[1:])
        HANDLERS[(module.lower(), method.lower())] = Handler(function, parameters, self_locking)
        return function

    return register


# --------------------------------------------------------------------------- AdminAuth / Core: login


def admin_password_matches(emulator, password):
    stored = emulator.admin_password.strip(" \t\n\r\0\x0b")
    if not stored:
        return not php_truthy(password)  # empty($Password) && empty($AdminPassword)
    return hmac.compare_digest(php_trim(password).encode(), stored.encode())


def guard_known_login(call, login):
    """BlockUser only counts logins Api::getUserIdByPublicId knows: the admin login and users.

    inferred from the Core source (not in aurora-api.md): unknown logins are never blocked.
    """
    return login == call.emulator.admin_login or call.db.user_by_public_id(login) is not None


def fail_login(call, login, module):
    if guard_known_login(call, login):
        call.emulator.guard.record_failure(call.emulator.settings, login, call.client_ip)
    # inferred (from AdminAuth/Core code): the block is re-checked right after counting,
    # so the failure that reaches the limit already answers 1000.
    call.emulator.guard.check(call.emulator.settings, login, call.client_ip, module)
    raise auth_error()


@api_method("AdminAuth", "LoginAsSuperadmin")
def adminauth_login_as_superadmin(call, Login, Password):
    login = php_str(Login)
    call.emulator.guard.check(call.emulator.settings, login, call.client_ip, "AdminAuth")
    if Login != call.emulator.admin_login or not admin_password_matches(call.emulator, Password):
        fail_login(call, login, "AdminAuth")
    call.emulator.guard.clear(login, call.client_ip)
    return call.sign_in({"token": "admin", "id": -1})


def mail_login_plan(call, login):
    """What Mail's Login handler would try for ``login``: (account, server, autocreate) or None."""
    account = call.db.authorizing_account(login)
    if account:
        return account, call.db.servers.rows.get(account["ServerId"]), False
    # inferred: auto-provisioning needs an e-mail address to pick a server by its domain.
    if "@" in login and call.setting("Mail", "AutocreateMailAccountOnNewUserFirstLogin"):
        server, _wildcard = call.db.server_for_domain(email_domain(login.lower()), True)
        if server:
            return None, server, True
    return None


def authenticate(call, login, password):
    """Core Authenticate: the auth data of ``login``, or a 102/1000 error.  Takes the lock itself."""
    with call.lock:
        call.emulator.guard.check(call.emulator.settings, login, call.client_ip, "Core")
        if login == call.emulator.admin_login and (
                call.aurora_major == 8 or call.setting("AdminAuth", "AllowLoginFromCoreModule")):
            if admin_password_matches(call.emulator, password):
                call.emulator.guard.clear(login, call.client_ip)
                return {"token": "admin", "id": -1}
            fail_login(call, login, "Core")
        plan = mail_login_plan(call, login)
    account, server, autocreate = plan or (None, None, False)
    imap_user = account["IncomingLogin"] if account else provisioned_imap_login(server, login)
    try:
        if not server:
            raise auth_error()
        imap_login(server["IncomingServer"], server["IncomingPort"], server["IncomingUseSsl"],
                   imap_user, php_str(password))
    except ApiError:
        with call.lock:
            fail_login(call, login, "Core")
    # inferred: the login's user writes (provisioning, LoginsCount) have a write window like any write.
    with call.lock, call.transaction(call.db.users):
        user = provision_login_user(call, login, imap_user, password, server) if autocreate else \
            call.db.users.rows.get(account["IdUser"])
        if not user or user["IsDisabled"]:
            fail_login(call, login, "Core")
        call.emulator.guard.clear(login, call.client_ip)
        call.db.users.update(user, {"LastLogin": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
                                    "LoginsCount": user["LoginsCount"] + 1})
        return {"token": "auth", "id": user["Id"]}


def provisioned_imap_login(server, login):
    # inferred: without UseFullEmailAddressAsLogin the IMAP login is the address's local part.
    email = login.lower()
    return email if not server or server["UseFullEmailAddressAsLogin"] else email.split("@", 1)[0]


def provision_login_user(call, login, imap_user, password, server):
    """First login with AutocreateMailAccountOnNewUserFirstLogin: the user and its login account."""
    email = login.lower()
    user = call.db.user_by_public_id(login) or call.db.users.insert(
        {"UUID": str(uuid.uuid4()), "PublicId": login, "IdTenant": call.db.default_tenant()["Id"]})
    if server["Id"] in call.db.servers.rows and not call.db.account_of_user_by_email(user["Id"], email):
        call.db.accounts.insert({"IdUser": user["Id"], "Email": email, "IncomingLogin": imap_user,
                                 "IncomingPassword": php_str(password), "ServerId": server["Id"],
                                 "UseThreading": server["EnableThreading"], "UseToAuthorize": True})
    return user


@api_method("Core", "Login", self_locking=True)
def core_login(call, Login, Password, Language="", SignMe=False):
    auth_data = authenticate(call, php_str(Login).replace(" ", ""), Password)
    with call.lock:
        return call.sign_in(auth_data)


@api_method("Core", "Authenticate", self_locking=True)
def core_authenticate(call, Login, Password, SignMe=False):
    # Only reachable under Aurora 8, which does not deny it to the web API: raw auth data, no token.
    auth_data = authenticate(call, php_str(Login).replace(" ", ""), Password)
    return {"token": auth_data["token"], "id": str(auth_data["id"])}


@api_method("Core", "Logout")
def core_logout(call):
    # Tokens are stateless (StoreAuthTokenInDB=false): the token keeps working.
    return True


# --------------------------------------------------------------------------- Core: settings and users


@api_method("Core", "GetSettings")
def core_get_settings(call):
    # inferred: only the modules the emulator serves are listed (a real install lists more).
    modules = sorted(m for m in MODULES if call.emulator.module_enabled(m))
    settings = {
        "Version": VERSIONS[call.aurora_major],
        "EUserRole": dict(USER_ROLES),
        "AvailableBackendModules": modules,
        "EnableMultiTenant": call.setting("Core", "EnableMultiTenant"),
        "StoreAuthTokenInDB": False,
        "UserId": call.caller.envelope_id,  # inferred: the same value as AuthenticatedUserId
    }
    if call.caller.is_superadmin:
        settings["AdminLogin"] = call.emulator.admin_login
        settings["AdminHasPassword"] = bool(call.emulator.admin_password)
    return settings


def user_list_item(row):
    return {"Id": row["Id"], "UUID": row["UUID"], "Name": row["Name"], "PublicId": row["PublicId"],
            "Role": row["Role"], "IsDisabled": row["IsDisabled"], "Groups": []}


def sort_key(value):
    if value is None:
        return (0, "")
    return (1, value.casefold() if isinstance(value, str) else value)


def page(items, offset, limit):
    offset, limit = max(php_int(offset), 0), php_int(limit)
    items = items[offset:]
    return items[:limit] if limit > 0 else items


@api_method("Core", "GetUsers")
def core_get_users(call, TenantId=0, Offset=0, Limit=0, OrderBy="PublicId", OrderType=0, Search="",
                   Filters=None, GroupId=-1):
    call.require_role(ROLE_TENANTADMIN)
    if not call.caller.is_superadmin and not strict_int_equals(TenantId, call.caller.tenant_id):
        raise access_denied()
    # inferred: an unknown OrderBy column is an SQL error (Result false); OrderType 1 (strict) is DESC.
    if not isinstance(OrderBy, str) or (OrderBy not in call.db.users.columns and OrderBy != "Id"):
        raise DbError(f"Unknown column '{OrderBy}' in 'order clause'")
    search = php_str(Search).casefold()
    users = [u for u in call.db.users.all()
             if (strict_int_equals(TenantId, 0) or u["IdTenant"] == lookup_id(TenantId))
             and search in u["PublicId"].casefold()]
    # inferred: GroupId is ignored (the emulator has no groups); ties keep Id order.
    users.sort(key=lambda u: sort_key(u[OrderBy]), reverse=strict_int_equals(OrderType, 1))
    return {"Items": [user_list_item(u) for u in page(users, Offset, Limit)], "Count": len(users)}


@api_method("Core", "GetUser")
def core_get_user(call, Id):
    call.require_role(ROLE_NORMAL)
    call.require_user_access(Id)
    user = call.db.users.get(Id)
    return render_user(user) if user else None


PUBLIC_ID_PATTERN = re.compile(r"^[a-zA-Z0-9._\-+@]+$")


@api_method("Core", "CreateUser")
def core_create_user(call, TenantId=0, PublicId="", Role=ROLE_NORMAL, WriteSeparateLog=False, IsDisabled=False,
                     Note=None):
    call.require_role(ROLE_SUPERADMIN if strict_int_equals(TenantId, 0) else ROLE_TENANTADMIN)
    # inferred: UserRole::validateValue accepts exactly the enum's ints.
    if not is_php_int(Role) or Role not in USER_ROLES.values():
        raise invalid_input()
    tenant = call.db.default_tenant() if strict_int_equals(TenantId, 0) else call.db.tenants.get(TenantId)
    if not tenant:
        raise invalid_input()
    call.require_tenant_access(tenant["Id"])
    public_id = php_trim(PublicId)
    if public_id.count("@") > 1 or not PUBLIC_ID_PATTERN.match(public_id) or not public_id:
        raise invalid_input()
    if call.db.user_by_public_id(public_id):
        raise ApiError(111, "UserAlreadyExists")
    if Role == ROLE_SUPERADMIN:
        return None  # inferred: the users manager refuses to save a super-admin user and returns null
    with call.transaction(call.db.users):
        call.db.check_public_id_free(public_id)  # an overlapping CreateUser may have inserted it meanwhile
        user = call.db.users.insert({"UUID": str(uuid.uuid4()), "PublicId": public_id, "IdTenant": tenant["Id"],
                                     "Role": Role, "WriteSeparateLog": WriteSeparateLog, "IsDisabled": IsDisabled,
                                     "Note": Note})
    return user["Id"]


@api_method("Core", "UpdateUser")
def core_update_user(call, UserId, PublicId="", TenantId=0, Role=-1, IsDisabled=None, WriteSeparateLog=None,
                     GroupIds=None, Note=None):
    call.require_role(ROLE_TENANTADMIN)
    user = call.db.users.get(UserId)
    if not user:
        raise invalid_input()  # inferred: the same message as CreateUser's 103
    call.require_user_access(user["Id"])
    changes = {}
    if call.caller.is_superadmin:  # inferred: a tenant admin's PublicId/TenantId/Role changes are ignored
        if php_truthy(PublicId):
            changes["PublicId"] = php_trim(PublicId)
        if not strict_int_equals(TenantId, 0) and TenantId is not None:
            changes["IdTenant"] = TenantId
        if not strict_int_equals(Role, -1) and Role is not None:
            changes["Role"] = Role
    for name, value in (("IsDisabled", IsDisabled), ("WriteSeparateLog", WriteSeparateLog), ("Note", Note)):
        if value is not None:
            changes[name] = value
    with call.transaction(call.db.users):
        if "PublicId" in changes:
            call.db.check_public_id_free(changes["PublicId"], user)
        call.db.users.update(user, changes)
    return True


@api_method("Core", "DeleteUser")
def core_delete_user(call, UserId):
    call.require_role(ROLE_TENANTADMIN)
    if not is_php_int(UserId):
        raise invalid_input()
    user = call.db.users.rows.get(UserId)
    if user:
        call.require_user_access(UserId)
    with call.transaction(call.db.users):
        # Mail's Core::DeleteUser::before hook deletes the accounts first, even of a missing user.
        # inferred: it runs after the role and int checks (the emulator has no separate hook phase).
        call.db.delete_accounts_of_user(UserId)
        if not user:
            raise PhpFatal("Call to a member function delete() on null")
        call.db.delete_user(user)
    return True


# --------------------------------------------------------------------------- Core: tenants


def tenant_site_name(row):
    return row["SiteName"] if row["SiteName"] is not None else SYSTEM_SITE_NAME


@api_method("Core", "GetTenants")
def core_get_tenants(call, Offset=0, Limit=0, Search=""):
    call.require_role(ROLE_TENANTADMIN)
    search = php_str(Search).casefold()
    tenants = [t for t in call.db.tenants.all() if search in t["Name"].casefold()
               and (call.caller.is_superadmin or t["Id"] == call.caller.tenant_id)]
    tenants.sort(key=lambda t: t["Name"].casefold())  # inferred: ordered by Name like the other lists
    items = [{"Id": t["Id"], "Name": t["Name"], "SiteName": tenant_site_name(t)} for t in page(tenants, Offset, Limit)]
    return {"Items": items, "Count": len(tenants)}


@api_method("Core", "GetTenant")
def core_get_tenant(call, Id):
    call.require_role(ROLE_TENANTADMIN)
    tenant = call.db.tenants.get(Id)
    if tenant:
        call.require_tenant_access(tenant["Id"])
    return render_tenant(tenant) if tenant else None


@api_method("Core", "CreateTenant")
def core_create_tenant(call, ChannelId=0, Name="", Description="", WebDomain="", SiteName=None):
    call.require_role(ROLE_SUPERADMIN)
    # inferred: "sanitised as a file name" = characters not allowed in file names removed.
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", php_str(Name)).strip()
    if not name:
        raise invalid_input()
    channel = call.db.channels.all()[0] if strict_int_equals(ChannelId, 0) else call.db.channels.get(ChannelId)
    if not channel:
        raise ApiError(1001, "ChannelDoesNotExist")  # inferred: message named after the error like 111's
    if any(t["Name"].casefold() == name.casefold() for t in call.db.tenants.all()):
        # inferred: message named like 111's; the duplicate check precedes the multi-tenant one.
        raise ApiError(1002, "TenantAlreadyExists")
    in_channel = [t for t in call.db.tenants.all() if t["IdChannel"] == channel["Id"]]
    if in_channel and not call.setting("Core", "EnableMultiTenant"):
        return False
    # inferred: no unique key on tenant names is known, so overlapping creates may both insert.
    with call.transaction(call.db.tenants):
        tenant = call.db.tenants.insert({"IdChannel": channel["Id"], "Name": name, "Description": Description,
                                         "WebDomain": WebDomain, "SiteName": SiteName})
    return tenant["Id"]


# --------------------------------------------------------------------------- Mail: settings and servers


SMTP_AUTH_TYPES = {"NoAuthentication": "0", "UseSpecifiedCredentials": "1", "UseUserCredentials": "2"}


@api_method("Mail", "GetSettings")
def mail_get_settings(call):
    accounts = []
    if call.caller.user:
        accounts = [render_account(call.db, a) for a in call.db.accounts_of_user(call.caller.user["Id"])]
    settings = {  # code defaults of aurora-module-mail where the contract is silent
        "Accounts": accounts,
        "AllowAddAccounts": call.setting("Mail", "AllowAddAccounts"),
        "AllowAutosaveInDrafts": False,
        "AllowChangeMailQuotaOnMailServer": False,
        "AllowDefaultAccountForUser": True,
        "AllowIdentities": False,
        "OnlyUserEmailsInIdentities": False,
        "AllowInsertImage": False,
        "AutoSaveIntervalSeconds": 60,
        "AllowTemplateFolders": False,
        "AllowInsertTemplateOnCompose": False,
        "MaxTemplatesCountOnCompose": 100,
        "AllowAlwaysRefreshFolders": False,
        "AutocreateMailAccountOnNewUserFirstLogin": call.setting("Mail", "AutocreateMailAccountOnNewUserFirstLogin"),
        "IgnoreImapSubscription": False,
        "ImageUploadSizeLimit": 0,
        "AllowUnifiedInbox": False,
        "SmtpAuthType": dict(SMTP_AUTH_TYPES),
        "MessagesSortBy": [],
    }
    if call.setting("MailMultiAccountsPlugin", "Enabled"):
        settings["AllowMultiAccounts"] = True
    return settings


EXTERNAL_ACCESS_FIELDS = (
    "ExternalAccessImapServer", "ExternalAccessImapPort", "ExternalAccessImapAlterPort", "ExternalAccessImapUseSsl",
    "ExternalAccessPop3Server", "ExternalAccessPop3Port", "ExternalAccessPop3AlterPort", "ExternalAccessPop3UseSsl",
    "ExternalAccessSmtpServer", "ExternalAccessSmtpPort", "ExternalAccessSmtpAlterPort", "ExternalAccessSmtpUseSsl",
)
OAUTH_FIELDS = ("OAuthName", "OAuthType", "OAuthIconUrl")


def server_fields(args):
    """The columns CreateServer/UpdateServer write from their arguments."""
    fields = {name: args[name] for name in (
        "Name", "IncomingServer", "IncomingPort", "IncomingUseSsl", "OutgoingServer", "OutgoingPort",
        "OutgoingUseSsl", "SmtpAuthType", "SmtpLogin", "SmtpPassword", "EnableThreading", "EnableSieve",
        "SievePort", "UseFullEmailAddressAsLogin", "SetExternalAccessServers", "OAuthEnable")}
    fields["Domains"] = trim_domains(args["Domains"])
    if php_truthy(args["SetExternalAccessServers"]):
        fields.update((name, args[name]) for name in EXTERNAL_ACCESS_FIELDS)
    if php_truthy(args["OAuthEnable"]):
        fields.update((name, args[name]) for name in OAUTH_FIELDS)
    return fields


@api_method("Mail", "CreateServer")
def mail_create_server(call, Name, IncomingServer, IncomingPort, IncomingUseSsl, OutgoingServer, OutgoingPort,
                       OutgoingUseSsl, SmtpAuthType, Domains, EnableThreading=True, EnableSieve=False,
                       SievePort=4190, SmtpLogin="", SmtpPassword="", UseFullEmailAddressAsLogin=True, TenantId=0,
                       SetExternalAccessServers=False, ExternalAccessImapServer="", ExternalAccessImapPort=143,
                       ExternalAccessImapAlterPort=0, ExternalAccessImapUseSsl=False, ExternalAccessPop3Server="",
                       ExternalAccessPop3Port=143, ExternalAccessPop3AlterPort=0, ExternalAccessPop3UseSsl=False,
                       ExternalAccessSmtpServer="", ExternalAccessSmtpPort=25, ExternalAccessSmtpAlterPort=0,
                       ExternalAccessSmtpUseSsl=False, OAuthEnable=False, OAuthName="", OAuthType="",
                       OAuthIconUrl=""):
    # A tenant admin fails too: the tenant branch compares an int role with a string.
    call.require_role(ROLE_SUPERADMIN)
    args = dict(locals())
    fields = server_fields(args)
    fields["TenantId"] = TenantId
    fields["OwnerType"] = "superadmin" if strict_int_equals(TenantId, 0) else "tenant"
    with call.transaction(call.db.servers):
        return call.db.servers.insert(fields)["Id"]


@api_method("Mail", "UpdateServer")
def mail_update_server(call, ServerId, Name, IncomingServer, IncomingPort, IncomingUseSsl, OutgoingServer,
                       OutgoingPort, OutgoingUseSsl, SmtpAuthType, Domains, EnableThreading, EnableSieve, SievePort,
                       SmtpLogin="", SmtpPassword="", UseFullEmailAddressAsLogin=True, TenantId=0,
                       SetExternalAccessServers=False, ExternalAccessImapServer="", ExternalAccessImapPort=143,
                       ExternalAccessImapAlterPort=0, ExternalAccessImapUseSsl=False, ExternalAccessPop3Server="",
                       ExternalAccessPop3Port=143, ExternalAccessPop3AlterPort=0, ExternalAccessPop3UseSsl=False,
                       ExternalAccessSmtpServer="", ExternalAccessSmtpPort=25, ExternalAccessSmtpAlterPort=0,
                       ExternalAccessSmtpUseSsl=False, OAuthEnable=False, OAuthName="", OAuthType="",
                       OAuthIconUrl=""):
    args = dict(locals())
    server = call.db.servers.get(ServerId)
    call.require_role(ROLE_SUPERADMIN if server and server["OwnerType"] == "superadmin" else ROLE_TENANTADMIN)
    if not server or not (server["OwnerType"] == "superadmin" or (
            server["OwnerType"] == "tenant" and strict_int_equals(TenantId, server["TenantId"]))):
        return False
    fields = server_fields(args)
    if SmtpPassword == MASK:
        del fields["SmtpPassword"]
    with call.transaction(call.db.servers):
        call.db.servers.update(server, fields)
    return True


@api_method("Mail", "GetServer")
def mail_get_server(call, ServerId):
    call.require_role(ROLE_NORMAL)
    server = call.db.servers.get(ServerId)
    if not call.caller.is_superadmin and (not server or server["TenantId"] != call.caller.tenant_id):
        raise access_denied()
    return render_server(server) if server else None


@api_method("Mail", "GetServers")
def mail_get_servers(call, TenantId=0, Offset=0, Limit=0, Search=""):
    call.require_role(ROLE_NORMAL)
    if not call.caller.is_superadmin:
        if not strict_int_equals(TenantId, 0) and lookup_id(TenantId) != call.caller.tenant_id:
            raise access_denied()
        TenantId = call.caller.tenant_id
    search = php_str(Search).casefold()
    servers = [s for s in call.db.servers.all()
               if s["OwnerType"] != "account"
               and (strict_int_equals(TenantId, 0) or s["OwnerType"] == "superadmin"
                    or s["TenantId"] == lookup_id(TenantId))
               and search in s["Name"].casefold()]
    servers.sort(key=lambda s: (s["Name"].casefold(), s["Id"]))
    return {"Items": [render_server(s) for s in page(servers, Offset, Limit)], "Count": len(servers)}


@api_method("Mail", "DeleteServer")
def mail_delete_server(call, ServerId, TenantId=0):
    call.require_role(ROLE_SUPERADMIN)
    server = call.db.servers.get(ServerId)
    if not server:
        return False
    with call.transaction(call.db.servers):
        return call.db.delete_server(server, TenantId)


@api_method("Mail", "GetMailServerByDomain")
def mail_get_mail_server_by_domain(call, Domain, AllowWildcardDomain=False):
    # No role check at all: callable anonymously.
    tenant_id = None if call.caller.is_superadmin else call.caller.tenant_id
    server, wildcard = call.db.server_for_domain(php_str(Domain), php_truthy(AllowWildcardDomain), tenant_id)
    return {"Server": render_server(server), "FoundWithWildcard": wildcard} if server else []


# --------------------------------------------------------------------------- Mail: accounts


def account_server_fields(spec, domain):
    """The account-owned server ``{"ServerId": 0, ...}`` describes (missing keys are PHP nulls)."""
    keys = ("IncomingServer", "IncomingPort", "IncomingUseSsl", "OutgoingServer", "OutgoingPort", "OutgoingUseSsl",
            "SmtpAuthType", "EnableThreading")
    fields = {key: spec.get(key) for key in keys}
    fields.update(Name=spec.get("IncomingServer"), Domains=domain, OwnerType="account")
    return fields


def server_spec(Server):
    return Server if isinstance(Server, dict) else {}


def choose_account_server(call, Server, domain):
    """CreateAccount's server: (server row or None, created_for_account)."""
    spec = server_spec(Server)
    if Server is not None and strict_int_equals(spec.get("ServerId"), 0):
        with call.transaction(call.db.servers):
            return call.db.servers.insert(account_server_fields(spec, domain)), True
    if Server is None:
        tenant_id = None if call.caller.is_superadmin else call.caller.tenant_id
        return call.db.server_for_domain(domain, True, tenant_id)[0], False
    return call.db.servers.get(spec.get("ServerId")), False


def discard_account_server(call, server, created):
    if created:
        with call.lock:
            call.db.delete_server_row(server)


@api_method("Mail", "CreateAccount", self_locking=True)
def mail_create_account(call, UserId=0, FriendlyName="", Email="", IncomingLogin="", IncomingPassword="",
                        Server=None, XAuth=None):
    email, incoming_login = php_str(Email).lower(), php_str(IncomingLogin).lower()
    with call.lock:
        call.require_role(ROLE_NORMAL)
        call.require_user_access(UserId)
        user_id = php_int(UserId)
        if call.db.account_of_user_by_email(user_id, email):
            raise ApiError(704)
        if not email:
            return False  # inferred: nothing to create without an address
        server, created = choose_account_server(call, Server, email_domain(email))
        server = dict(server) if server else None
    if call.setting("Mail", "DoImapLoginOnAccountCreate") and XAuth is None:
        try:
            if not server:
                raise ApiError(0, SOCKET_UNAVAILABLE)
            # Deliberately outside the lock: a slow IMAP host must not stall other calls.
            imap_login(server["IncomingServer"], server["IncomingPort"], server["IncomingUseSsl"],
                       incoming_login, php_str(IncomingPassword))
        except ApiError:
            discard_account_server(call, server, created)
            raise
    with call.lock:
        try:
            with call.transaction(call.db.accounts):
                result = save_new_account(call, user_id, UserId, FriendlyName, email, incoming_login,
                                          IncomingPassword, server, XAuth)
        except (ApiError, DbError):
            discard_account_server(call, server, created)
            raise
        if result is False:
            discard_account_server(call, server, created)  # "deleted again if account creation fails"
        return result


def save_new_account(call, user_id, raw_user_id, friendly_name, email, incoming_login, password, server, xauth):
    """canCreate() and the insert, after the write window: no second 704 check, no unique (user, e-mail) key."""
    accounts = call.db.accounts_of_user(user_id)
    if accounts and not call.setting("MailMultiAccountsPlugin", "Enabled"):
        return False  # the stock accounts manager's canCreate(): at most one account per user
    stored_server = call.db.servers.rows.get(server["Id"]) if server else None
    if not stored_server:
        # inferred: mail_accounts.ServerId is a foreign key to mail_servers, so the insert fails.
        raise DbError("Cannot add or update a child row: a foreign key constraint fails")
    user = call.db.users.rows.get(user_id)
    use_to_authorize = bool(user) and user["PublicId"].casefold() == email.casefold() \
        and call.db.authorizing_account(email) is None
    account = call.db.accounts.insert({
        "IdUser": raw_user_id, "FriendlyName": friendly_name, "Email": email, "IncomingLogin": incoming_login,
        "IncomingPassword": password, "ServerId": stored_server["Id"],
        "UseThreading": stored_server["EnableThreading"], "XOAuth": xauth, "UseToAuthorize": use_to_authorize,
    })
    return render_account(call.db, account, created=True)


def account_id_argument(value):
    account_id = lookup_id(value)
    if account_id is None or account_id <= 0:
        raise invalid_input()
    return account_id


@api_method("Mail", "GetAccounts")
def mail_get_accounts(call, UserId):
    call.require_role(ROLE_NORMAL)
    user_id = lookup_id(UserId)
    if not call.caller.is_superadmin and (not call.caller.user or user_id != call.caller.user["Id"]):
        raise access_denied()
    accounts = [a for a in call.db.accounts_of_user(user_id) if not a["IsDisabled"]]
    if call.caller.user:  # the caller's own login account first
        accounts.sort(key=lambda a: a["IncomingLogin"] != call.caller.user["PublicId"])
    return [render_account(call.db, a) for a in accounts]


@api_method("Mail", "GetAccount")
def mail_get_account(call, AccountId):
    call.require_role(ROLE_NORMAL)
    account = call.db.accounts.get(AccountId)
    if not account:
        return None
    call.require_user_access(account["IdUser"])
    return render_account(call.db, account)


def switch_account_server(call, account, Server, email):
    """UpdateAccount's Server argument: the server id to use, creating/updating an account-owned one."""
    spec = server_spec(Server)
    current = call.db.servers.rows.get(account["ServerId"])
    target_id = spec.get("ServerId")
    if strict_int_equals(target_id, 0):  # inferred: an old account-owned server is then deleted too
        return call.db.servers.insert(account_server_fields(spec, email_domain(email)))["Id"]
    if current and lookup_id(target_id) == current["Id"]:
        if current["OwnerType"] == "account":
            # inferred: only the connection keys present in the request are changed.
            keys = ("IncomingServer", "IncomingPort", "IncomingUseSsl", "OutgoingServer", "OutgoingPort",
                    "OutgoingUseSsl", "SmtpAuthType", "EnableThreading")
            call.db.servers.update(current, {key: spec[key] for key in keys if key in spec})
        return current["Id"]
    target = call.db.servers.get(target_id)
    if not target:  # inferred: the ServerId foreign key refuses a server that does not exist
        raise DbError("Cannot add or update a child row: a foreign key constraint fails")
    return target["Id"]


@api_method("Mail", "UpdateAccount")
def mail_update_account(call, AccountID, UseToAuthorize=False, Email=None, FriendlyName=None, IncomingLogin=None,
                        IncomingPassword=None, Server=None, UseThreading=None, SaveRepliesToCurrFolder=None):
    call.require_role(ROLE_NORMAL)
    account = call.db.accounts.rows.get(account_id_argument(AccountID))
    if not account:
        return False
    call.require_user_access(account["IdUser"])
    changes = {}
    if UseToAuthorize is False:
        changes["UseToAuthorize"] = False  # mail >= 0.10.135: omitting it demotes the login account
    # inferred: any other truthy value asks for promotion like true does.
    elif php_truthy(UseToAuthorize) and call.db.authorizing_account(account["Email"], account["Id"]) is None:
        changes["UseToAuthorize"] = True
    for name, value in (("Email", Email), ("IncomingLogin", IncomingLogin), ("IncomingPassword", IncomingPassword)):
        if php_truthy(value):
            changes[name] = value
    for name, value in (("FriendlyName", FriendlyName), ("UseThreading", UseThreading),
                        ("SaveRepliesToCurrFolder", SaveRepliesToCurrFolder)):
        if value is not None:
            changes[name] = value
    call.db.accounts.coerce(changes)  # refuse bad values before any server is touched
    with call.transaction(call.db.accounts):
        old_server = call.db.servers.rows.get(account["ServerId"])
        if Server is not None:
            email = php_str(changes.get("Email", account["Email"]))
            changes["ServerId"] = switch_account_server(call, account, Server, email)
        call.db.accounts.update(account, changes)
        if old_server and old_server["OwnerType"] == "account" and old_server["Id"] != account["ServerId"]:
            call.db.delete_server_row(old_server)
    return render_account(call.db, account)


@api_method("Mail", "DeleteAccount")
def mail_delete_account(call, AccountID):
    call.require_role(ROLE_NORMAL)
    account = call.db.accounts.rows.get(account_id_argument(AccountID))
    if not account:
        return False
    call.require_user_access(account["IdUser"])
    with call.transaction(call.db.accounts):
        call.db.delete_account(account)
    return True


# --------------------------------------------------------------------------- the emulator


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
                 seed=0, write_window_ms=2):
        self.admin_login = admin_login
        self.admin_password = admin_password
        self.latency = latency_ms / 1000
        self.lock = threading.RLock()
        self.tokens = TokenService()
        self.in_flight = 0  # API requests being served (the HTTP layer counts them)
        self.holds = HoldRoom()
        self.contention = Contention(deadlock_probability, seed, write_window_ms)
        self.reset()

    def reset(self):
        with self.lock:
            self.db = Database()
            self.settings = Settings()
            self.guard = LoginGuard()
            self.clear_faults()
            self.holds.release(drop=True)
            self.calls = []
            self.tokens.unrevoke()

    def clear_faults(self):
        """No fault rules, and contention as the process was started."""
        with self.lock:
            self.faults = FaultInjector()
            self.contention.restore()

    def module_enabled(self, name):
        return name != "MailMultiAccountsPlugin" or self.settings("MailMultiAccountsPlugin", "Enabled")

    def find_module(self, name):
        return next((m for m in MODULES if m.lower() == name.lower() and self.module_enabled(m)), None)

    def caller_for(self, auth_data):
        """The caller a token's auth data stands for, or INVALID_TOKEN."""
        if auth_data is None:
            return INVALID_TOKEN
        if auth_data.get("token") == "admin":
            return SUPERADMIN
        user = self.db.users.rows.get(auth_data.get("id"))
        if not user or user["IsDisabled"]:
            return INVALID_TOKEN
        return Caller(user["Id"], user["Role"], user)

    def identify(self, token):
        if not token:
            return ANONYMOUS
        with self.lock:
            return self.caller_for(self.tokens.decode(token))

    def log_call(self, fields, token):
        parameters = fields.get("Parameters")
        try:
            parameters = php_json_decode(parameters) if parameters is not None else None
        except ValueError:
            parameters = None
        with self.lock:
            self.calls.append({"Module": fields.get("Module"), "Method": fields.get("Method"),
                               "Parameters": parameters, "Token": "present" if token else "none"})

    def take_fault(self, call_name, when):
        with self.lock:
            return self.faults.take(call_name, when)

    # ---- the API entry

    def api(self, fields, token, client_ip, web_client=False, deadlock=False):
        """One call of the ``api`` route: Core EntryApi, then the module method.

        ``deadlock``: a "deadlock" fault makes the call a deadlock victim at its first write.
        """
        clock = Stopwatch()
        call = Call(self, "", self.identify(token), client_ip, deadlock_pending=deadlock)
        try:
            handler, arguments = self.resolve(call, fields)
            clock.mark_init()
            result = self.run(handler, call, arguments)
        except ApiError as error:
            return self.answer(self.error_envelope(call, error, clock))
        except PhpFatal:
            return ApiAnswer(500, b"", "text/html; charset=UTF-8")
        envelope = {"AuthenticatedUserId": call.caller.envelope_id, "@Time": self.seconds(clock.total()),
                    "Module": call.module, "Method": fields["Method"], "Result": result,
                    "SubscriptionsResult": None, "@TimeApiInit": self.seconds(clock.init())}
        if web_client and call.issued_token:
            # CoreWebclient moves the token into a cookie for browser clients (X-Client: WebClient).
            envelope["Result"] = {"AuthToken": True}
            return self.answer(envelope, cookie=f"AuthToken={call.issued_token}; path=/; HttpOnly")
        return self.answer(envelope)

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
        return self.find_handler(call.module, method), arguments

    @staticmethod
    def decode_parameters(text):
        if not php_truthy(text):
            return {}
        try:
            decoded = php_json_decode(text)
        except ValueError:
            raise ApiError(103, "InvalidInputParameter", "") from None
        return decoded if isinstance(decoded, dict) else {}  # a list or scalar binds no named argument

    def find_handler(self, module, method):
        key = (module.lower(), method.lower())
        major = self.settings("System", "AuroraMajor")
        if key[1] in DENIED_METHODS[major].get(key[0], ()):
            raise ApiError(116, None, module)
        handler = HANDLERS.get(key)
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


# --------------------------------------------------------------------------- test-control endpoints


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class ControlApi:
    """/_emulator/*: state inspection and steering for tests."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.routes = {
            ("POST", "/_emulator/reset"): self.reset,
            ("GET", "/_emulator/settings"): self.get_settings,
            ("POST", "/_emulator/settings"): self.set_settings,
            ("GET", "/_emulator/state"): self.state,
            ("GET", "/_emulator/calls"): self.calls,
            ("POST", "/_emulator/calls/clear"): self.clear_calls,
            ("POST", "/_emulator/revoke-tokens"): self.revoke_tokens,
            ("GET", "/_emulator/faults"): self.get_faults,
            ("POST", "/_emulator/faults"): self.add_faults,
            ("DELETE", "/_emulator/faults"): self.clear_faults,
            ("GET", "/_emulator/faults/contention"): self.get_contention,
            ("POST", "/_emulator/faults/contention"): self.set_contention,
            ("GET", "/_emulator/in-flight"): self.get_in_flight,
            ("GET", "/_emulator/held"): self.get_held,
            ("POST", "/_emulator/release"): self.release,
        }

    def handle(self, http_method, path, body):
        """(status, JSON-able answer)."""
        route = self.routes.get((http_method, path.rstrip("/") or path))
        if not route:
            return 404, {"error": f"no control endpoint {http_method} {path}"}
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            return 400, {"error": "the body is not JSON"}
        try:
            with self.emulator.lock:
                return 200, copy.deepcopy(route(payload))
        except ControlError as error:
            return error.status, {"error": str(error)}

    def reset(self, _payload):
        self.emulator.reset()
        return {"ok": True}

    def get_settings(self, _payload):
        return self.emulator.settings.values

    def set_settings(self, payload):
        try:
            self.emulator.settings.update(payload)
        except SettingsError as error:
            raise ControlError(400, str(error)) from None
        return self.emulator.settings.values

    def state(self, _payload):
        return self.emulator.db.snapshot()

    def calls(self, _payload):
        return self.emulator.calls

    def clear_calls(self, _payload):
        self.emulator.calls = []
        return {"ok": True}

    def revoke_tokens(self, _payload):
        self.emulator.tokens.revoke_all()
        return {"ok": True}

    def get_faults(self, _payload):
        return self.emulator.faults.rules

    def add_faults(self, payload):
        try:
            self.emulator.faults.add(payload)
        except ValueError as error:
            raise ControlError(400, str(error)) from None
        return self.emulator.faults.rules

    def clear_faults(self, _payload):
        self.emulator.clear_faults()
        return {"ok": True}

    def get_contention(self, _payload):
        return self.emulator.contention.state()

    def set_contention(self, payload):
        try:
            checked = check_contention({} if payload is None else payload)
        except ValueError as error:
            raise ControlError(400, str(error)) from None
        self.emulator.contention.configure(checked)
        return self.emulator.contention.state()

    def get_in_flight(self, _payload):
        return {"in_flight": self.emulator.in_flight}

    def get_held(self, _payload):
        return {"held": self.emulator.holds.held}

    def release(self, payload):
        drop = (payload or {}).get("drop", False)
        if not isinstance(drop, bool):
            raise ControlError(400, "drop must be true or false")
        self.emulator.holds.release(drop)
        return {"ok": True}


# --------------------------------------------------------------------------- HTTP layer


HTML_FATAL_PAGE = (
    b"<br />\n<b>Fatal error</b>:  Uncaught Error: Call to a member function toResponseArray() on null in "
    b"/var/www/webmail/vendor/afterlogic/aurora-framework/src/Managers/Response.php:88\n"
    b"Stack trace:\n#0 {main}\n  thrown in <b>/var/www/webmail/vendor/afterlogic/aurora-framework/src/Managers/"
    b"Response.php</b> on line <b>88</b><br />\n"
)
# inferred: any non-API route of index.php renders the web client page.
WEBCLIENT_PAGE = (b"<!DOCTYPE html><html><head><title>Afterlogic WebMail Lite</title></head>"
                  b"<body><div id=\"auroraContent\"></div></body></html>")


def route_name(query):
    """Aurora Router: the first '/'-item of the query string, trimmed, cut at '&' and '=', lower-cased."""
    item = query.split("&", 1)[0].strip(" /").split("/", 1)[0]
    return item.split("=", 1)[0].strip().lower()


def parse_form(content_type, body):
    """PHP's $_POST: url-encoded or multipart form fields (files ignored); other bodies give nothing."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if media_type == "multipart/form-data":
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
        if not message.is_multipart():
            return {}
        return {part.get_param("name", header="content-disposition"):
                (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
                for part in message.iter_parts()
                if part.get_filename() is None and part.get_param("name", header="content-disposition")}
    return {}


def bearer_token(authorization):
    scheme, dummy, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def cookie_token(cookie_header):
    for item in (cookie_header or "").split(";"):
        name, dummy, value = item.strip().partition("=")
        if name == "AuthToken":
            return value
    return None


class AuroraRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the client's delayed ACK.
    disable_nagle_algorithm = True
    server_version = "Apache"
    sys_version = ""
    timeout = 120

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests read stdout, not an access log
        pass

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    @property
    def emulator(self):
        return self.server.emulator

    def dispatch(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/_emulator"):
            status, answer = self.server.control.handle(self.command, url.path, body)
            self.send(status, json.dumps(answer).encode(), "application/json")
        elif url.path not in ("/", "/index.php"):  # inferred: index.php is the base path's script
            self.send(404, b"<h1>Not Found</h1>", "text/html; charset=iso-8859-1")
        elif route_name(url.query) != "api":
            self.send(200, WEBCLIENT_PAGE, "text/html; charset=UTF-8")
        else:
            self.api(body)

    def api(self, body):
        with self.emulator.lock:
            self.emulator.in_flight += 1
        try:
            self.serve_api(body)
        finally:
            with self.emulator.lock:
                self.emulator.in_flight -= 1

    def serve_api(self, body):
        fields = parse_form(self.headers.get("Content-Type", ""), body) if self.command == "POST" else {}
        header_token = bearer_token(self.headers.get("Authorization"))
        cookie = cookie_token(self.headers.get("Cookie"))
        if self.emulator.settings("System", "AuroraMajor") == 8:
            token = header_token or cookie
        else:
            token = cookie or header_token  # framework >= 0.10.135: the cookie wins over the header
        self.emulator.log_call(fields, token)
        call_name = f"{fields.get('Module')}.{fields.get('Method')}"
        fault = self.emulator.take_fault(call_name, "before")
        if fault and self.apply_fault(fault):
            return
        time.sleep(self.emulator.latency)
        answer = self.emulator.api(fields, token, self.client_address[0],
                                   web_client=self.headers.get("X-Client") == "WebClient",
                                   deadlock=bool(fault) and fault["fault"] == "deadlock")
        fault = self.emulator.take_fault(call_name, "after")
        if fault and self.apply_fault(fault):
            return
        headers = {"Set-Cookie": answer.cookie} if answer.cookie else {}
        self.send(answer.status, answer.body, answer.content_type, headers)

    def apply_fault(self, fault):
        """Apply a fault; True when it replaced the answer, False when the answer still follows."""
        kind = fault["fault"]
        if kind == "deadlock":
            return False  # it strikes at the call's first write (Call.transaction)
        if kind == "delay":
            time.sleep(fault["seconds"])
            return False
        if kind == "hold":
            if not self.emulator.holds.hold(fault):
                return False
            self.close_connection = True  # dropped: the client never gets an answer
            return True
        if kind == "revoke":
            with self.emulator.lock:
                self.emulator.tokens.revoke_all()
            return False
        if kind == "reset":
            self.reset_connection()
        elif kind == "http500":
            self.send(500, b"", "text/html; charset=UTF-8")
        elif kind == "empty":
            self.send(200, b"", "text/html; charset=UTF-8")
        else:
            self.send(200, HTML_FATAL_PAGE, "text/html; charset=UTF-8")
        return True

    def reset_connection(self):
        """Close the TCP connection with an RST and no answer at all."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # drops the makefile() reference so that close() really closes
        self.connection.close()

    def send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, emulator):
        super().__init__(address, AuroraRequestHandler)
        self.emulator = emulator
        self.control = ControlApi(emulator)


def _stop(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--admin-login", default="superadmin")
    parser.add_argument("--admin-password", default="")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--deadlock-probability", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-window-ms", type=int, default=2)
    args = parser.parse_args(argv)
    if args.latency_ms < 0:
        parser.error("--latency-ms must not be negative")
    try:
        check_contention({"probability": args.deadlock_probability, "seed": args.seed,
                          "window_ms": args.write_window_ms})
    except ValueError as error:
        parser.error(f"contention: {error}")
    emulator = Emulator(args.admin_login, args.admin_password, args.latency_ms, args.deadlock_probability,
                        args.seed, args.write_window_ms)
    server = EmulatorServer((args.host, args.port), emulator)
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}/", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
