"""Mail handlers for mail accounts."""
from .addresses import email_domain
from .errors import ApiError, DbError, access_denied
from .imap_check import imap_login
from .php import lookup_id, php_above_zero, php_int, php_str, php_truthy, strict_int_equals
from .registry import api_method
from .render import render_account
from .roles import ROLE_NORMAL


SOCKET_UNAVAILABLE = "MailSo-Net-Exceptions-SocketConnectionDoesNotAvailableException"


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
            imap_login(call.emulator.imap_routes, server, incoming_login, php_str(IncomingPassword))
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
    if accounts and not call.emulator.module_enabled("MailMultiAccountsPlugin"):
        return False  # the stock accounts manager's canCreate(): at most one account per user
    stored_server = call.db.servers.rows.get(server["Id"]) if server else None
    if not stored_server:
        # inferred: mail_accounts.ServerId is a foreign key to mail_servers, so the insert fails.
        raise DbError("Cannot add or update a child row: a foreign key constraint fails")
    user = call.db.users.rows.get(user_id)
    # Aurora compares the lower-cased Email with the PublicId as stored, case-sensitively (===).
    use_to_authorize = bool(user) and user["PublicId"] == email and call.db.authorizing_account(email) is None
    account = call.db.accounts.insert({
        "IdUser": raw_user_id, "FriendlyName": friendly_name, "Email": email, "IncomingLogin": incoming_login,
        "IncomingPassword": password, "ServerId": stored_server["Id"],
        "UseThreading": stored_server["EnableThreading"], "XOAuth": xauth, "UseToAuthorize": use_to_authorize,
    })
    return render_account(call.db, account, created=True, viewer_tenant=call.caller.tenant_id)


def account_to_change(call, AccountID):
    """UpdateAccount and DeleteAccount: the stored account ``AccountID`` names, or None when there is none.

    ``$AccountID > 0`` fails with 103 and no ErrorMessage (recorded, docs/aurora-api-notes.md); then Mail's
    checkAccess() refuses a missing account to anybody but the super-admin (108).
    """
    call.require_role(ROLE_NORMAL)
    if not php_above_zero(AccountID):
        raise ApiError(103)
    account = call.db.accounts.get(AccountID)
    call.require_user_access(account["IdUser"] if account else None)
    return account


@api_method("Mail", "GetAccounts")
def mail_get_accounts(call, UserId):
    call.require_role(ROLE_NORMAL)
    user_id = lookup_id(UserId)
    if not call.caller.is_superadmin and (not call.caller.user or user_id != call.caller.user["Id"]):
        raise access_denied()
    accounts = [a for a in call.db.accounts_of_user(user_id) if not a["IsDisabled"]]
    if call.caller.user:  # the caller's own login account first
        accounts.sort(key=lambda a: a["IncomingLogin"] != call.caller.user["PublicId"])
    return [render_account(call.db, a, viewer_tenant=call.caller.tenant_id) for a in accounts]


@api_method("Mail", "GetAccount")
def mail_get_account(call, AccountId):
    call.require_role(ROLE_NORMAL)
    account = call.db.accounts.get(AccountId)
    if not account:
        return None
    call.require_user_access(account["IdUser"])
    return render_account(call.db, account, viewer_tenant=call.caller.tenant_id)


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
    account = account_to_change(call, AccountID)
    if not account:
        return False
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
    return render_account(call.db, account, viewer_tenant=call.caller.tenant_id)


@api_method("Mail", "DeleteAccount")
def mail_delete_account(call, AccountID):
    account = account_to_change(call, AccountID)
    if not account:
        return False
    with call.transaction(call.db.accounts):
        call.db.delete_account(account)
    return True
