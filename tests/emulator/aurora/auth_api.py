"""AdminAuth and Core login handlers: the super-admin, mail users through IMAP, first-login provisioning."""
import uuid
from datetime import datetime, timezone

from .addresses import email_domain
from .admin_password import password_verify
from .errors import ApiError, auth_error
from .imap_check import imap_login
from .php import php_str, php_trim, php_truthy
from .registry import api_method
from .settings_schema import SYSTEM_FILE
from .settings_values import strictly_equal


def admin_password_matches(call, password):
    """AdminAuth's Login: the client IP is allowed (SuperadminWhitelistIp), and either both the password and
    config.json's AdminPassword are empty, or the trimmed password is the one AdminPassword hashes."""
    whitelist = call.setting("AdminAuth", "SuperadminWhitelistIp")
    if isinstance(whitelist, list) and whitelist and call.client_ip not in whitelist:
        return False
    stored = call.setting(SYSTEM_FILE, "AdminPassword")
    if not php_truthy(password) and not php_truthy(stored):
        return True
    return password_verify(php_trim(password), stored)


def guard_known_login(call, login):
    """BlockUser only counts logins Api::getUserIdByPublicId knows: the admin login and users.

    inferred from the Core source (not observed): unknown logins are never blocked.
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
    if not strictly_equal(Login, call.emulator.admin_login) or not admin_password_matches(call, Password):
        fail_login(call, login, "AdminAuth")
    call.emulator.guard.clear(login, call.client_ip)
    call.emulator.settings.log("event-", len(login) + 40)  # inferred: one line per login in the event log
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
        # Aurora 9: AdminAuth's Login subscriber, only while AdminAuth is loaded and allows it.
        if login == call.emulator.admin_login and (call.aurora_major == 8 or (
                call.emulator.module_enabled("AdminAuth")
                and php_truthy(call.setting("AdminAuth", "AllowLoginFromCoreModule")))):
            if admin_password_matches(call, password):
                call.emulator.guard.clear(login, call.client_ip)
                return {"token": "admin", "id": -1}
            fail_login(call, login, "Core")
        plan = mail_login_plan(call, login)
    account, server, autocreate = plan or (None, None, False)
    imap_user = account["IncomingLogin"] if account else provisioned_imap_login(server, login)
    try:
        if not server:
            raise auth_error()
        imap_login(call.emulator.imap_routes, server, imap_user, php_str(password))
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
