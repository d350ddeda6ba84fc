"""Behaviour of the Aurora emulator that the recorded contract does not cover (docs/aurora-api-notes.md).

Every test talks to a real emulator process over a socket; the ``emulator`` fixture resets it first.
"""
import json
import random
import socket
import threading
import time

import pytest
import requests

from tests.emulator.fixtures import Emulator
from tests.emulator.imap_stub import ImapStub
from tests.emulator.recordings import recorded_steps

SERVER = {
    "Name": "mydomain", "IncomingServer": "mail.mydomain.com", "IncomingPort": 143, "IncomingUseSsl": False,
    "OutgoingServer": "mail.mydomain.com", "OutgoingPort": 25, "OutgoingUseSsl": False, "SmtpAuthType": "2",
    "Domains": "mydomain.com",
}
BLOCK_MESSAGE = "Your account is blocked due to 10 failed login attempts and will be unblocked in 3 minutes."
AUTH_FAILED = ":TAG1 NO (AUTHENTICATIONFAILED) Authentication failed."


# ---- helpers ------------------------------------------------------------------------------------


def result(answer):
    assert "ErrorCode" not in answer, answer
    return answer["Result"]


def assert_error(answer, code, module, message=None):
    assert "Result" not in answer and "Method" not in answer, answer
    assert answer["ErrorCode"] == code, answer
    assert answer["Module"] == module, answer
    assert answer.get("ErrorMessage") == message, answer


def create_server(emulator, **fields):
    return result(emulator.api("Mail", "CreateServer", {**SERVER, **fields}))


def local_server(emulator, port, name="local", domains="local.test", **fields):
    return create_server(emulator, Name=name, IncomingServer="127.0.0.1", IncomingPort=port, Domains=domains,
                         **fields)


def create_user(emulator, public_id, **fields):
    return result(emulator.api("Core", "CreateUser", {"TenantId": 0, "PublicId": public_id, **fields}))


def create_account(emulator, user_id, email, server_id, password="secret", login=None):
    return emulator.api("Mail", "CreateAccount", {
        "UserId": user_id, "FriendlyName": "", "Email": email, "IncomingLogin": login or email,
        "IncomingPassword": password, "Server": None if server_id is None else {"ServerId": server_id}})


def imap_off(emulator):
    emulator.settings({"Mail": {"DoImapLoginOnAccountCreate": False}})


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def names(servers_answer):
    return [item["Name"] for item in result(servers_answer)["Items"]]


def admin_login(emulator, password=None, login=None):
    return emulator.api("AdminAuth", "LoginAsSuperadmin", {
        "Login": emulator.admin_login if login is None else login,
        "Password": emulator.admin_password if password is None else password}, token=None)


# ---- transport and routing -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["?/Api/", "?/api", "?Api", "?/API/&x=1", "?api=1", "index.php?/Api/"])
def test_api_route_variants(emulator, query):
    answer = emulator.call("Core", "GetSettings", query=query)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert result(answer.json())["Version"] == "9.8.5.build2\n"


def test_get_on_the_api_route_has_no_module_or_method(emulator):
    answer = emulator.http("GET", "?/Api/&Module=Core&Method=GetSettings")
    assert answer.status == 200
    assert_error(answer.json(), 103, "", "Invalid input parameter")


def test_a_json_body_is_not_read(emulator):
    answer = emulator.http("POST", "?/Api/", b'{"Module": "Core", "Method": "GetSettings"}',
                           {"Content-Type": "application/json"})
    assert_error(answer.json(), 103, "", "Invalid input parameter")


def test_other_routes_and_paths_are_not_the_api(emulator):
    page = emulator.http("GET", "")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert emulator.http("POST", "?/Mail/").headers["Content-Type"].startswith("text/html")
    assert emulator.http("POST", "somewhere/else?/Api/").status == 404


def test_multipart_form_fields(emulator):
    answer = emulator.call("Mail", "CreateServer", SERVER, multipart=True)
    assert result(answer.json()) == 1
    assert emulator.state()["servers"][0]["Name"] == "mydomain"


def test_module_and_method_lookup_is_case_insensitive(emulator):
    answer = emulator.api("mail", "getservers", {"TenantId": 0})
    assert answer["Module"] == "Mail" and answer["Method"] == "getservers"
    assert result(answer) == {"Items": [], "Count": 0}


def test_empty_method_is_an_unknown_error(emulator):
    assert_error(emulator.api("Core", ""), 999, "", "UnknownError")


# ---- refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("module, method", [
    ("Core", "GetUserByPublicId"), ("Core", "GetVersion"), ("Core", "Authenticate"), ("Core", "isblockeduser"),
    ("AdminAuth", "Authenticate"), ("Mail", "BuildMessage"),
])
def test_methods_denied_to_the_web_api_answer_116(emulator, module, method):
    answer = emulator.api(module, method, {"PublicId": "x@y.z"})
    assert answer["AuthenticatedUserId"] == -1
    assert_error(answer, 116, module)


@pytest.mark.parametrize("module, method, params", [
    ("Core", "GetUsers", {"TenantId": 0}), ("Core", "CreateUser", {"PublicId": "a@b.test"}),
    ("Core", "GetTenants", {}), ("Mail", "CreateServer", SERVER), ("Mail", "GetServers", {}),
    ("Mail", "DeleteServer", {"ServerId": 1}), ("Mail", "CreateAccount", {"UserId": 1, "Email": "a@b.test"}),
])
def test_admin_methods_without_token_answer_108(emulator, module, method, params):
    answer = emulator.api(module, method, params, token=None)
    assert answer["AuthenticatedUserId"] is False
    assert_error(answer, 108, module, "AccessDenied")
    assert emulator.state()["servers"] == [] and emulator.state()["users"] == []


def test_anonymous_methods_work_without_token(emulator):
    settings = emulator.api("Core", "GetSettings", token=None)
    assert settings["AuthenticatedUserId"] is False
    assert result(settings)["AvailableBackendModules"] == ["AdminAuth", "Core", "CoreWebclient", "Mail", "Min"]
    assert result(settings)["StoreAuthTokenInDB"] is False and "AdminLogin" not in result(settings)
    mail = result(emulator.api("Mail", "GetSettings", token=None))
    assert mail["SmtpAuthType"] == {"NoAuthentication": "0", "UseSpecifiedCredentials": "1",
                                    "UseUserCredentials": "2"}
    assert "AllowMultiAccounts" not in mail
    assert result(emulator.api("Mail", "GetMailServerByDomain", {"Domain": "x.test"}, token=None)) == []


def test_anonymous_mail_settings_are_the_values_recorded_on_a_default_install(emulator):
    recorded = next(step["response"]["json"]["Result"] for step in recorded_steps("corporate.json")
                    if (step["module"], step["method"], step.get("auth")) == ("Mail", "GetSettings", "none"))
    answered = result(emulator.api("Mail", "GetSettings", token=None))
    assert json.dumps(answered, sort_keys=True) == json.dumps(recorded, sort_keys=True)
    assert answered["MessagesSortBy"] == {"Allow": True, "List": [], "DefaultSortBy": "arrival",
                                          "DefaultSortOrder": "desc"}


def test_unknown_module_and_method(emulator):
    assert_error(emulator.api("Contacts", "GetContacts"), 113, "", "Module not found")
    assert_error(emulator.api("MailMultiAccountsPlugin", "Anything"), 113, "", "Module not found")
    assert_error(emulator.api("Mail", "NoSuchMethod"), 114, "Mail")


# ---- login, tokens, failed-login block -----------------------------------------------------------


def test_login_token_is_opaque_url_safe_base64(emulator):
    answer = admin_login(emulator)
    assert answer["AuthenticatedUserId"] == -1
    token = result(answer)["AuthToken"]
    assert token.replace("-", "").replace("_", "").isalnum()


def test_logout_keeps_the_token_working(emulator):
    token = result(admin_login(emulator))["AuthToken"]
    assert result(emulator.api("Core", "Logout", token=token)) is True
    assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}, token=token))["Count"] == 0


def test_revoked_tokens_answer_101_and_new_logins_work(emulator):
    token = result(admin_login(emulator))["AuthToken"]
    emulator.revoke_tokens()
    answer = emulator.api("Core", "GetUsers", {"TenantId": 0}, token=token)
    assert answer["AuthenticatedUserId"] == 0
    assert_error(answer, 101, "")
    fresh = result(admin_login(emulator))["AuthToken"]
    assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}, token=fresh))["Count"] == 0


def test_revoked_tokens_answer_102_under_aurora_8(emulator):
    token = result(admin_login(emulator))["AuthToken"]
    emulator.settings({"System": {"AuroraMajor": 8}})
    emulator.revoke_tokens()
    answer = emulator.api("Core", "GetUsers", {"TenantId": 0}, token=token)
    assert answer["AuthenticatedUserId"] == 0
    assert_error(answer, 102, "")


def test_tokens_survive_a_reset(emulator):
    token = result(admin_login(emulator))["AuthToken"]
    emulator.reset()
    assert result(emulator.api("Mail", "GetServers", {}, token=token))["Count"] == 0


def test_aurora_8_logs_the_superadmin_in_through_core_login(emulator):
    emulator.settings({"System": {"AuroraMajor": 8}})
    assert_error(admin_login(emulator), 114, "AdminAuth")
    answer = emulator.api("Core", "Login", {"Login": emulator.admin_login, "Password": emulator.admin_password},
                          token=None)
    assert answer["AuthenticatedUserId"] == -1
    token = result(answer)["AuthToken"]
    settings = emulator.api("Core", "GetSettings", token=token)
    assert result(settings)["Version"] == "8.8.3.rc2"
    assert isinstance(settings["@Time"], float)


def test_core_login_for_the_superadmin_needs_allow_login_from_core_module(emulator):
    credentials = {"Login": emulator.admin_login, "Password": emulator.admin_password}
    assert_error(emulator.api("Core", "Login", credentials, token=None), 102, "", "AuthError")
    emulator.settings({"AdminAuth": {"AllowLoginFromCoreModule": True}})
    assert emulator.api("Core", "Login", credentials, token=None)["AuthenticatedUserId"] == -1


def test_failed_login_block_after_ten_failures(emulator):
    for _attempt in range(9):
        assert_error(admin_login(emulator, "wrong"), 102, "", "AuthError")
    assert_error(admin_login(emulator, "wrong"), 1000, "AdminAuth", BLOCK_MESSAGE)
    assert_error(admin_login(emulator), 1000, "AdminAuth", BLOCK_MESSAGE)
    emulator.reset()
    assert result(admin_login(emulator))["AuthToken"]


def test_a_successful_login_clears_the_failure_count(emulator):
    for _attempt in range(9):
        admin_login(emulator, "wrong")
    assert result(admin_login(emulator))["AuthToken"]
    for _attempt in range(9):
        assert_error(admin_login(emulator, "wrong"), 102, "", "AuthError")


def test_failed_login_block_can_be_switched_off(emulator):
    emulator.settings({"Core": {"EnableFailedLoginBlock": False}})
    for _attempt in range(12):
        assert_error(admin_login(emulator, "wrong"), 102, "", "AuthError")
    assert result(admin_login(emulator))["AuthToken"]


def test_failures_of_logins_nobody_has_are_not_counted(emulator):
    for _attempt in range(12):
        assert_error(admin_login(emulator, "wrong", login="nobody"), 102, "", "AuthError")


def test_web_client_header_moves_the_token_into_a_cookie(emulator):
    answer = emulator.call("AdminAuth", "LoginAsSuperadmin",
                           {"Login": emulator.admin_login, "Password": emulator.admin_password},
                           token=None, headers={"X-Client": "WebClient"})
    assert result(answer.json()) == {"AuthToken": True}
    cookie = answer.headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("AuthToken=")
    by_cookie = emulator.call("Core", "GetUsers", {"TenantId": 0}, token=None, headers={"Cookie": cookie})
    assert result(by_cookie.json())["Count"] == 0


# ---- mail servers --------------------------------------------------------------------------------


def test_get_servers_search_order_paging_and_count(emulator):
    for name in ("beta", "Alpha", "gamma-BETA", "alpha", "Zulu"):
        create_server(emulator, Name=name)
    imap_off(emulator)
    user_id = create_user(emulator, "own@own.test")
    owned = emulator.api("Mail", "CreateAccount", {
        "UserId": user_id, "Email": "own@own.test", "IncomingLogin": "own", "IncomingPassword": "pw",
        "Server": {"ServerId": 0, "IncomingServer": "beta-own.test", "IncomingPort": 143, "IncomingUseSsl": False,
                   "OutgoingServer": "beta-own.test", "OutgoingPort": 25, "OutgoingUseSsl": False,
                   "SmtpAuthType": "2", "EnableThreading": True}})
    assert result(owned)["Server"]["OwnerType"] == "account"

    everything = emulator.api("Mail", "GetServers", {"TenantId": 0})
    assert names(everything) == ["Alpha", "alpha", "beta", "gamma-BETA", "Zulu"]  # case-insensitive, then Id
    assert result(everything)["Count"] == 5  # the account-owned server is never listed
    searched = emulator.api("Mail", "GetServers", {"TenantId": 0, "Search": "BETA"})
    assert names(searched) == ["beta", "gamma-BETA"] and result(searched)["Count"] == 2
    paged = emulator.api("Mail", "GetServers", {"TenantId": 0, "Offset": 1, "Limit": 2})
    assert names(paged) == ["alpha", "beta"] and result(paged)["Count"] == 5
    assert names(emulator.api("Mail", "GetServers", {"TenantId": 0, "Search": "%"})) == []


def test_create_server_owner_type_and_optional_blocks(emulator):
    tenant_server = create_server(emulator, TenantId=1, ExternalAccessImapServer="ignored.test",
                                  OAuthName="ignored")
    full = create_server(emulator, SetExternalAccessServers=True, ExternalAccessImapServer="ext.test",
                         OAuthEnable=True, OAuthName="Google")
    servers = {s["Id"]: s for s in emulator.state()["servers"]}
    assert servers[tenant_server]["OwnerType"] == "tenant" and servers[tenant_server]["TenantId"] == 1
    assert servers[tenant_server]["ExternalAccessImapServer"] == "" and servers[tenant_server]["OAuthName"] == ""
    assert servers[full]["OwnerType"] == "superadmin"
    assert servers[full]["ExternalAccessImapServer"] == "ext.test" and servers[full]["OAuthName"] == "Google"
    assert servers[full]["ExternalAccessPop3Port"] == 143  # the CreateServer parameter default (sic)
    assert result(emulator.api("Mail", "GetServer", {"ServerId": full}))["ExternalAccessImapServer"] == "ext.test"


def test_update_server_keeps_or_replaces_the_smtp_password(emulator):
    server_id = create_server(emulator, SmtpLogin="relay", SmtpPassword="first")
    update = {**SERVER, "ServerId": server_id, "EnableThreading": True, "EnableSieve": False, "SievePort": 4190,
              "SmtpLogin": "relay", "TenantId": 0}

    def stored_password():
        return emulator.state()["servers"][0]["SmtpPassword"]

    assert result(emulator.api("Mail", "UpdateServer", {**update, "SmtpPassword": "*****"})) is True
    assert stored_password() == "first"
    assert result(emulator.api("Mail", "UpdateServer", {**update, "SmtpPassword": "second"})) is True
    assert stored_password() == "second"
    assert result(emulator.api("Mail", "UpdateServer", update)) is True  # omitted: the default "" is written
    assert stored_password() == ""
    assert result(emulator.api("Mail", "GetServer", {"ServerId": server_id}))["SmtpPassword"] == "*****"


def test_a_string_boolean_makes_the_insert_fail_without_error_code(emulator):
    answer = emulator.api("Mail", "CreateServer", {**SERVER, "IncomingUseSsl": "false"})
    assert result(answer) is False
    assert emulator.state()["servers"] == []
    assert create_server(emulator) == 1  # the failed insert used no id
    assert create_server(emulator, IncomingPort="993") == 2  # a numeric string is a valid number for MySQL
    assert emulator.state()["servers"][1]["IncomingPort"] == 993


def test_delete_server_cascades_to_users_and_accounts(emulator):
    imap_off(emulator)
    emulator.settings({"MailMultiAccountsPlugin": {"Enabled": True}})
    doomed = create_server(emulator, Name="doomed", Domains="doomed.test")
    kept = create_server(emulator, Name="kept", Domains="kept.test")
    loser = create_user(emulator, "loser@doomed.test")
    survivor = create_user(emulator, "survivor@kept.test")
    assert result(create_account(emulator, loser, "loser@doomed.test", doomed))["UseToAuthorize"] is True
    assert result(create_account(emulator, survivor, "survivor@kept.test", kept))["UseToAuthorize"] is True
    secondary = result(create_account(emulator, survivor, "side@doomed.test", doomed))
    assert "UseToAuthorize" not in secondary

    assert result(emulator.api("Mail", "DeleteServer", {"ServerId": doomed, "TenantId": 0})) is True
    state = emulator.state()
    assert [u["PublicId"] for u in state["users"]] == ["survivor@kept.test"]
    assert [a["Email"] for a in state["accounts"]] == ["survivor@kept.test"]
    assert [s["Name"] for s in state["servers"]] == ["kept"]


def test_get_mail_server_by_domain_with_and_without_wildcard(emulator):
    exact = create_server(emulator, Name="exact", Domains="a.test\nb.test")
    star = create_server(emulator, Name="star", Domains="other.test\n*")
    blank = create_server(emulator, Name="blank", Domains="")

    found = result(emulator.api("Mail", "GetMailServerByDomain", {"Domain": "b.test"}, token=None))
    assert found["FoundWithWildcard"] is False and found["Server"]["Id"] == exact
    assert found["Server"]["@Object"] == "Object/Aurora\\Modules\\Mail\\Models\\Server"
    assert result(emulator.api("Mail", "GetMailServerByDomain", {"Domain": "c.test"})) == []
    wildcard = {"Domain": "c.test", "AllowWildcardDomain": True}
    found = result(emulator.api("Mail", "GetMailServerByDomain", wildcard))
    assert found["FoundWithWildcard"] is True and found["Server"]["Id"] == star
    emulator.api("Mail", "DeleteServer", {"ServerId": star})
    assert result(emulator.api("Mail", "GetMailServerByDomain", wildcard))["Server"]["Id"] == blank
    emulator.api("Mail", "DeleteServer", {"ServerId": blank})
    assert result(emulator.api("Mail", "GetMailServerByDomain", wildcard)) == []


# ---- users and tenants -----------------------------------------------------------------------------


def test_create_user_duplicate_public_id_is_case_insensitive(emulator):
    assert create_user(emulator, "Bob@Example.test") == 1
    answer = emulator.api("Core", "CreateUser", {"TenantId": 0, "PublicId": "bob@example.TEST"})
    assert_error(answer, 111, "Core", "UserAlreadyExists")


@pytest.mark.parametrize("fields", [
    {"PublicId": "a@b@c.test"}, {"PublicId": ""}, {"PublicId": "  "}, {"PublicId": "x@y.test", "Role": 7},
    {"PublicId": "x@y.test", "TenantId": 99}, {"PublicId": "semi;colon@y.test"},
])
def test_create_user_refuses_invalid_input_with_103(emulator, fields):
    answer = emulator.api("Core", "CreateUser", {"TenantId": 0, **fields})
    assert_error(answer, 103, "Core", "InvalidInputParameter")
    assert emulator.state()["users"] == []


def test_create_user_trims_and_defaults(emulator):
    user_id = create_user(emulator, "  x+tag@y.test ")
    user = result(emulator.api("Core", "GetUser", {"Id": user_id}))
    assert user["PublicId"] == "x+tag@y.test" and user["Role"] == 2 and user["IdTenant"] == 1


def test_get_users_search_order_and_paging(emulator):
    for public_id in ("carol@a.test", "Alice@a.test", "bob@b.test", "Dave@a.test"):
        create_user(emulator, public_id)
    found = result(emulator.api("Core", "GetUsers", {"TenantId": 0, "Search": "A.TEST"}))
    assert [u["PublicId"] for u in found["Items"]] == ["Alice@a.test", "carol@a.test", "Dave@a.test"]
    assert set(found["Items"][0]) == {"Id", "UUID", "Name", "PublicId", "Role", "IsDisabled", "Groups"}
    page = result(emulator.api("Core", "GetUsers", {"TenantId": 0, "Offset": 1, "Limit": 2, "OrderType": 1}))
    assert [u["PublicId"] for u in page["Items"]] == ["carol@a.test", "bob@b.test"] and page["Count"] == 4
    assert found["Count"] == 3


def test_update_user_applies_only_given_values(emulator):
    user_id = create_user(emulator, "u@x.test", Note="keep")
    assert result(emulator.api("Core", "UpdateUser", {"UserId": user_id, "IsDisabled": True})) is True
    user = emulator.state()["users"][0]
    assert user["IsDisabled"] is True and user["Note"] == "keep" and user["Role"] == 2
    assert result(emulator.api("Core", "UpdateUser", {"UserId": user_id, "PublicId": "v@x.test", "Role": 1}))
    assert emulator.state()["users"][0]["PublicId"] == "v@x.test" and emulator.state()["users"][0]["Role"] == 1
    assert_error(emulator.api("Core", "UpdateUser", {"UserId": 99, "Note": "x"}), 103, "Core",
                 "InvalidInputParameter")


def test_delete_user_cascades_to_accounts_and_their_own_servers(emulator):
    imap_off(emulator)
    shared = create_server(emulator)
    user_id = create_user(emulator, "gone@mydomain.com")
    owned = emulator.api("Mail", "CreateAccount", {
        "UserId": user_id, "Email": "gone@mydomain.com", "IncomingLogin": "gone", "IncomingPassword": "pw",
        "Server": {"ServerId": 0, "IncomingServer": "own.test", "IncomingPort": 143, "IncomingUseSsl": False,
                   "OutgoingServer": "own.test", "OutgoingPort": 25, "OutgoingUseSsl": False, "SmtpAuthType": "2",
                   "EnableThreading": True}})
    assert result(owned)["ServerId"] == 2
    assert result(emulator.api("Core", "DeleteUser", {"UserId": user_id})) is True
    state = emulator.state()
    assert state["users"] == [] and state["accounts"] == []
    assert [s["Id"] for s in state["servers"]] == [shared]


def test_delete_missing_user_is_http_500_with_an_empty_body(emulator):
    answer = emulator.call("Core", "DeleteUser", {"UserId": 42})
    assert answer.status == 500 and answer.body == b""


def test_tenants(emulator):
    # Without multi-tenancy the one-tenant check comes before the duplicate check.
    assert result(emulator.api("Core", "CreateTenant", {"Name": "Default"})) is False
    assert result(emulator.api("Core", "CreateTenant", {"Name": "acme"})) is False
    emulator.settings({"System": {"EnableMultiTenant": True}})
    assert_error(emulator.api("Core", "CreateTenant", {"Name": "default"}), 1002, "Core")
    assert result(emulator.api("Core", "GetSettings"))["EnableMultiTenant"] is True
    assert result(emulator.api("Core", "CreateTenant", {"Name": "acme", "SiteName": "Acme Mail"})) == 2
    tenants = result(emulator.api("Core", "GetTenants", {}))
    assert tenants == {"Items": [{"Id": 2, "Name": "acme", "SiteName": "Acme Mail"},
                                 {"Id": 1, "Name": "Default", "SiteName": "Afterlogic WebMail Lite PHP"}],
                       "Count": 2}
    tenant = result(emulator.api("Core", "GetTenant", {"Id": 2}))
    assert tenant["Name"] == "acme" and tenant["IsDefault"] is False and tenant["ModuleName"] == "Core"
    assert result(emulator.api("Core", "GetTenant", {"Id": 9})) is False
    assert create_user(emulator, "t@acme.test", TenantId=2) == 1
    assert emulator.state()["users"][0]["IdTenant"] == 2


# ---- mail accounts and the IMAP check --------------------------------------------------------------


def test_create_account_logs_in_to_the_imap_server(emulator, imap_stub):
    imap_stub.add_user("alice@local.test", "alice-pw")
    server_id = local_server(emulator, imap_stub.port)
    user_id = create_user(emulator, "Alice@local.test")
    account = result(create_account(emulator, user_id, "ALICE@local.test", server_id, "alice-pw"))
    assert imap_stub.attempts == [("alice@local.test", "alice-pw", True)]
    assert account["Email"] == "alice@local.test" and account["IncomingLogin"] == "alice@local.test"
    assert "UseToAuthorize" not in account and account["IncomingPassword"] == "*****"  # "Alice@" !== "alice@"
    assert emulator.state()["accounts"][0]["IncomingPassword"] == "alice-pw"


def test_only_an_email_equal_to_the_stored_public_id_makes_a_login_account(emulator):
    imap_off(emulator)
    server_id = create_server(emulator)
    mixed = create_user(emulator, "Mixed@mydomain.com")
    lower = create_user(emulator, "lower@mydomain.com")
    not_login = result(create_account(emulator, mixed, "Mixed@mydomain.com", server_id))
    login = result(create_account(emulator, lower, "LOWER@mydomain.com", server_id))
    assert not_login["Email"] == "mixed@mydomain.com" and "UseToAuthorize" not in not_login
    assert not_login["CanBeUsedToAuthorize"] is True
    assert login["Email"] == "lower@mydomain.com" and login["UseToAuthorize"] is True
    listed = result(emulator.api("Mail", "GetAccounts", {"UserId": mixed}))
    assert [a["UseToAuthorize"] for a in listed] == [False]
    assert [a["UseToAuthorize"] for a in emulator.state()["accounts"]] == [False, True]


def test_create_account_with_a_wrong_password_is_4002(emulator, imap_stub):
    imap_stub.add_user("alice@local.test", "alice-pw")
    server_id = local_server(emulator, imap_stub.port)
    user_id = create_user(emulator, "alice@local.test")
    answer = create_account(emulator, user_id, "alice@local.test", server_id, "wrong")
    assert_error(answer, 4002, "Mail", AUTH_FAILED)
    assert emulator.state()["accounts"] == []


@pytest.mark.parametrize("ssl, scheme", [(False, "tcp"), (True, "ssl")])
def test_create_account_on_a_closed_port_is_4001(emulator, ssl, scheme):
    port = closed_port()
    server_id = local_server(emulator, port, IncomingUseSsl=ssl)
    user_id = create_user(emulator, "alice@local.test")
    answer = create_account(emulator, user_id, "alice@local.test", server_id)
    assert_error(answer, 4001, "Mail", f'Can\'t connect to host "{scheme}://127.0.0.1:{port}"')
    assert emulator.state()["accounts"] == []


def test_imap_routes_send_a_server_address_to_another_imap_server(emulator, imap_stub):
    """A routed address never reaches what listens there; "*": null leaves no other address reachable."""
    imap_stub.add_user("alice@local.test", "alice-pw")
    with ImapStub({"alice@local.test": "alice-pw"}) as squatter:  # whatever else listens on the server's address
        server_id = local_server(emulator, squatter.port)
        other_id = local_server(emulator, imap_stub.port, name="other", domains="other.test")
        emulator.imap_routes({f"127.0.0.1:{squatter.port}": f"127.0.0.1:{imap_stub.port}", "*": None})
        user_id = create_user(emulator, "alice@local.test")
        assert result(create_account(emulator, user_id, "alice@local.test", server_id, "alice-pw"))["Id"] == 1
        assert_error(create_account(emulator, create_user(emulator, "bob@other.test"), "bob@other.test", other_id),
                     4001, "Mail", f'Can\'t connect to host "tcp://127.0.0.1:{imap_stub.port}"')
    assert squatter.attempts == []
    assert imap_stub.attempts == [("alice@local.test", "alice-pw", True)]
    assert emulator.state()["accounts"][0]["ServerId"] == server_id


def test_imap_routes_are_checked_and_cleared_by_a_reset(emulator):
    for routes in ([], {"127.0.0.1": None}, {"*": "host:0"}, {"a:1": "b:99999"}, {"a:1": 5}):
        assert emulator.control("POST", "imap-routes", routes).status == 400, routes
    assert emulator.imap_routes({"*": None}) == {"*": None}
    emulator.reset()
    assert emulator.imap_routes() == {}


def test_no_imap_contact_when_the_check_is_off(emulator, imap_stub):
    imap_off(emulator)
    server_id = local_server(emulator, imap_stub.port)
    user_id = create_user(emulator, "alice@local.test")
    assert result(create_account(emulator, user_id, "alice@local.test", server_id, "anything"))["Id"] == 1
    assert imap_stub.attempts == []


def test_a_server_id_that_does_not_exist(emulator):
    user_id = create_user(emulator, "alice@local.test")
    answer = create_account(emulator, user_id, "alice@local.test", 77)
    assert_error(answer, 0, "Mail", "MailSo-Net-Exceptions-SocketConnectionDoesNotAvailableException")
    imap_off(emulator)
    assert result(create_account(emulator, user_id, "alice@local.test", 77)) is False
    assert emulator.state()["accounts"] == []


def test_server_omitted_is_chosen_by_the_email_domain(emulator):
    imap_off(emulator)
    create_server(emulator, Name="other", Domains="other.test")
    wanted = create_server(emulator, Name="local", Domains="local.test")
    user_id = create_user(emulator, "alice@local.test")
    assert result(create_account(emulator, user_id, "alice@local.test", None))["ServerId"] == wanted


def test_one_account_per_user_unless_the_multi_accounts_plugin_is_on(emulator, imap_stub):
    for login in ("alice@local.test", "bob@local.test", "carol@local.test"):
        imap_stub.add_user(login, "pw")
    server_id = local_server(emulator, imap_stub.port)
    user_id = create_user(emulator, "alice@local.test")
    assert result(create_account(emulator, user_id, "alice@local.test", server_id, "pw"))["Id"] == 1
    assert result(create_account(emulator, user_id, "bob@local.test", server_id, "pw")) is False
    assert [a[0] for a in imap_stub.attempts] == ["alice@local.test", "bob@local.test"]  # refused after IMAP

    emulator.settings({"MailMultiAccountsPlugin": {"Enabled": True}})
    assert result(emulator.api("Mail", "GetSettings"))["AllowMultiAccounts"] is True
    assert "MailMultiAccountsPlugin" in result(emulator.api("Core", "GetSettings"))["AvailableBackendModules"]
    second = result(create_account(emulator, user_id, "carol@local.test", server_id, "pw"))
    assert second["Id"] == 2 and "UseToAuthorize" not in second
    assert [a["Id"] for a in result(emulator.api("Mail", "GetAccounts", {"UserId": user_id}))] == [1, 2]


def test_same_email_twice_for_a_user_is_704(emulator):
    imap_off(emulator)
    server_id = create_server(emulator)
    user_id = create_user(emulator, "u@mydomain.com")
    create_account(emulator, user_id, "u@mydomain.com", server_id)
    assert_error(create_account(emulator, user_id, "U@MYDOMAIN.COM", server_id), 704, "Mail")


def test_update_account_demotes_the_login_account_unless_use_to_authorize_is_sent(emulator):
    imap_off(emulator)
    server_id = create_server(emulator)
    user_id = create_user(emulator, "u@mydomain.com")
    account_id = result(create_account(emulator, user_id, "u@mydomain.com", server_id))["Id"]

    kept = result(emulator.api("Mail", "UpdateAccount", {"AccountID": account_id, "UseToAuthorize": True,
                                                         "FriendlyName": "U"}))
    assert kept["UseToAuthorize"] is True and kept["FriendlyName"] == "U"
    demoted = result(emulator.api("Mail", "UpdateAccount", {"AccountID": account_id, "FriendlyName": "V"}))
    assert demoted["UseToAuthorize"] is False and demoted["FriendlyName"] == "V"
    promoted = result(emulator.api("Mail", "UpdateAccount", {"AccountID": account_id, "UseToAuthorize": True}))
    assert promoted["UseToAuthorize"] is True


def test_update_account_password_and_server(emulator):
    imap_off(emulator)
    first = create_server(emulator)
    second = create_server(emulator, Name="second", EnableSieve=True)
    user_id = create_user(emulator, "u@mydomain.com")
    account_id = result(create_account(emulator, user_id, "u@mydomain.com", first, "old"))["Id"]
    base = {"AccountID": account_id, "UseToAuthorize": True}

    result(emulator.api("Mail", "UpdateAccount", {**base, "IncomingPassword": ""}))
    assert emulator.state()["accounts"][0]["IncomingPassword"] == "old"
    result(emulator.api("Mail", "UpdateAccount", {**base, "IncomingPassword": "new"}))
    assert emulator.state()["accounts"][0]["IncomingPassword"] == "new"
    moved = result(emulator.api("Mail", "UpdateAccount", {**base, "Server": {"ServerId": second}}))
    assert moved["ServerId"] == second and moved["Server"]["Name"] == "second" and moved["AllowFilters"] is True
    assert result(emulator.api("Mail", "UpdateAccount", {**base, "Server": {"ServerId": 99}})) is False
    assert result(emulator.api("Mail", "UpdateAccount", {"AccountID": 99})) is False


@pytest.mark.parametrize("method", ["UpdateAccount", "DeleteAccount"])
def test_an_account_id_not_above_zero_is_103_without_a_message(emulator, method):
    imap_off(emulator)
    user_id = create_user(emulator, "u@mydomain.com")
    result(create_account(emulator, user_id, "u@mydomain.com", create_server(emulator)))
    for account_id in (0, -1, "0", " 0 ", "", None, False):  # PHP 8: not ($AccountID > 0)
        assert_error(emulator.api("Mail", method, {"AccountID": account_id}), 103, "Mail")
    for account_id in ("abc", True, 99):  # above 0 for PHP 8, but no such account
        assert result(emulator.api("Mail", method, {"AccountID": account_id})) is False
    assert len(emulator.state()["accounts"]) == 1


@pytest.mark.parametrize("method", ["UpdateAccount", "DeleteAccount"])
def test_a_missing_account_is_refused_to_a_mail_user(emulator, imap_stub, method):
    """Mail's checkAccess() runs before the missing account is noticed: only the super-admin gets false."""
    imap_stub.add_user("alice@local.test", "alice-pw")
    user_id = create_user(emulator, "alice@local.test")
    result(create_account(emulator, user_id, "alice@local.test", local_server(emulator, imap_stub.port), "alice-pw"))
    token = result(emulator.api("Core", "Login", {"Login": "alice@local.test", "Password": "alice-pw"}, None))
    assert_error(emulator.api("Mail", method, {"AccountID": 99}, token=token["AuthToken"]), 108, "Mail",
                 "AccessDenied")
    assert result(emulator.api("Mail", method, {"AccountID": 99})) is False


def test_account_owned_server_goes_with_its_account(emulator):
    imap_off(emulator)
    user_id = create_user(emulator, "u@own.test")
    owned = result(emulator.api("Mail", "CreateAccount", {
        "UserId": user_id, "Email": "u@own.test", "IncomingLogin": "u", "IncomingPassword": "pw",
        "Server": {"ServerId": 0, "IncomingServer": "imap.own.test", "IncomingPort": 993, "IncomingUseSsl": True,
                   "OutgoingServer": "smtp.own.test", "OutgoingPort": 465, "OutgoingUseSsl": True,
                   "SmtpAuthType": "2", "EnableThreading": False}}))
    server = emulator.state()["servers"][0]
    assert server["OwnerType"] == "account" and server["Name"] == "imap.own.test"
    assert server["Domains"] == "own.test" and owned["UseThreading"] is False
    assert result(emulator.api("Mail", "DeleteAccount", {"AccountID": owned["Id"]})) is True
    assert emulator.state()["servers"] == [] and emulator.state()["users"] != []
    assert result(emulator.api("Mail", "DeleteAccount", {"AccountID": owned["Id"]})) is False


def test_a_slow_imap_server_does_not_block_other_calls(emulator):
    with socket.socket() as silent:  # accepts connections but never greets
        silent.settimeout(10)  # fail, rather than hang, if the emulator never connects
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        server_id = local_server(emulator, silent.getsockname()[1])
        user_id = create_user(emulator, "alice@local.test")
        answers = []
        creating = threading.Thread(target=lambda: answers.append(
            create_account(emulator, user_id, "alice@local.test", server_id)))
        creating.start()
        connection, dummy = silent.accept()  # the IMAP check is now waiting for a greeting
        started = time.monotonic()
        assert result(emulator.api("Mail", "GetServers", {}))["Count"] == 1
        assert time.monotonic() - started < 2
        connection.close()
        creating.join(timeout=15)
    assert answers and answers[0]["ErrorCode"] == 4001


def test_mail_users_log_in_through_imap_and_get_user_tokens(emulator, imap_stub):
    imap_stub.add_user("alice@local.test", "alice-pw")
    server_id = local_server(emulator, imap_stub.port)
    user_id = create_user(emulator, "alice@local.test")
    result(create_account(emulator, user_id, "alice@local.test", server_id, "alice-pw"))

    assert_error(emulator.api("Core", "Login", {"Login": "alice@local.test", "Password": "bad"}, token=None),
                 102, "", "AuthError")
    login = emulator.api("Core", "Login", {"Login": "alice@local.test", "Password": "alice-pw"}, token=None)
    assert login["AuthenticatedUserId"] == user_id
    token = result(login)["AuthToken"]
    assert_error(emulator.api("Core", "GetUsers", {"TenantId": 0}, token=token), 108, "Core", "AccessDenied")
    assert_error(emulator.api("Mail", "CreateServer", SERVER, token=token), 108, "Mail", "AccessDenied")
    own = emulator.api("Mail", "GetAccounts", {"UserId": user_id}, token=token)
    assert own["AuthenticatedUserId"] == user_id and len(result(own)) == 1
    assert emulator.state()["users"][0]["LoginsCount"] == 1


def test_first_login_provisions_the_user_and_its_account(emulator, imap_stub):
    imap_stub.add_user("bob@local.test", "bob-pw")
    server_id = local_server(emulator, imap_stub.port)
    login = emulator.api("Core", "Login", {"Login": "bob@local.test", "Password": "bob-pw"}, token=None)
    assert login["AuthenticatedUserId"] == 1
    state = emulator.state()
    assert [(u["PublicId"], u["Role"]) for u in state["users"]] == [("bob@local.test", 2)]
    assert [(a["Email"], a["ServerId"], a["UseToAuthorize"]) for a in state["accounts"]] == [
        ("bob@local.test", server_id, True)]


# ---- faults and latency ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, status, body_start", [
    ("http500", 500, b""), ("empty", 200, b""), ("html", 200, b"<br />\n<b>Fatal error</b>"),
])
def test_fault_before_replaces_the_call(emulator, kind, status, body_start):
    emulator.faults({"call": "Mail.CreateServer", "fault": kind, "when": "before"})
    answer = emulator.call("Mail", "CreateServer", SERVER)
    assert answer.status == status and answer.body.startswith(body_start)
    assert (answer.body == b"") == (kind != "html")
    assert not answer.headers["Content-Type"].startswith("application/json")
    assert emulator.state()["servers"] == []
    assert create_server(emulator) == 1  # times defaults to 1


def test_fault_after_commits_the_call_but_loses_the_answer(emulator):
    emulator.faults([{"call": "Mail.CreateServer", "fault": "http500", "when": "after"}])
    assert emulator.call("Mail", "CreateServer", SERVER).status == 500
    assert [s["Id"] for s in emulator.state()["servers"]] == [1]
    assert create_server(emulator) == 2


@pytest.mark.parametrize("when, stored", [("before", 0), ("after", 1)])
def test_reset_fault_drops_the_connection(emulator, when, stored):
    emulator.faults({"call": "Mail.CreateServer", "fault": "reset", "when": when})
    session = requests.Session()
    session.trust_env = False
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        session.post(emulator.url + "?/Api/", headers={"Authorization": f"Bearer {emulator.admin_token}"},
                     data={"Module": "Mail", "Method": "CreateServer", "Parameters": json.dumps(SERVER)},
                     timeout=10)
    assert "reset" in str(raised.value).lower()
    assert len(emulator.state()["servers"]) == stored


def test_delay_fault_answers_normally_after_the_delay(emulator):
    emulator.faults({"call": "Core.GetSettings", "fault": "delay", "seconds": 0.3})
    started = time.monotonic()
    answer = emulator.api("Core", "GetSettings")
    assert time.monotonic() - started >= 0.3
    assert result(answer)["Version"] == "9.8.5.build2\n"


def test_fault_times_wildcard_and_control_endpoints(emulator):
    emulator.faults({"call": "*", "fault": "http500", "times": 2})
    assert emulator.state()["servers"] == []  # /_emulator/* is never faulted
    assert [rule["times"] for rule in emulator.control("GET", "faults").json()] == [2]
    assert emulator.call("Core", "GetSettings").status == 500
    assert emulator.call("Mail", "GetServers").status == 500
    assert emulator.call("Mail", "GetServers").status == 200


def test_faults_are_cleared_and_checked(emulator):
    emulator.faults({"call": "Mail.GetServers", "fault": "http500", "times": 5})
    emulator.faults_clear()
    assert emulator.call("Mail", "GetServers").status == 200
    assert emulator.control("POST", "faults", {"call": "*", "fault": "explode"}).status == 400
    assert emulator.control("POST", "faults", {"call": "*", "fault": "empty", "when": "later"}).status == 400
    assert emulator.control("GET", "faults").json() == []


def test_latency_is_added_to_api_calls_only():
    with Emulator(latency_ms=300) as slow:
        started = time.monotonic()
        assert result(slow.api("Core", "GetSettings", token=None))["Version"] == "9.8.5.build2\n"
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        slow.state()
        assert time.monotonic() - started < 0.3


# ---- control endpoints ---------------------------------------------------------------------------------


def test_calls_are_logged_in_order_and_can_be_cleared(emulator):
    emulator.calls_clear()
    emulator.api("Mail", "GetServers", {"TenantId": 0})
    emulator.api("Core", "GetUsers", "{not json", token=None)
    emulator.call(fields={})
    assert emulator.calls() == [
        {"Module": "Mail", "Method": "GetServers", "Parameters": {"TenantId": 0}, "Token": "present"},
        {"Module": "Core", "Method": "GetUsers", "Parameters": None, "Token": "none"},
        {"Module": None, "Method": None, "Parameters": None, "Token": "present"},
    ]
    emulator.calls_clear()
    assert emulator.calls() == []


def test_state_shows_stored_values(emulator):
    create_server(emulator, SmtpPassword="relay-secret")
    user_id = create_user(emulator, "u@mydomain.com")
    imap_off(emulator)
    create_account(emulator, user_id, "u@mydomain.com", 1, "imap-secret")
    state = emulator.state()
    assert set(state) == {"tenants", "servers", "users", "accounts", "groups", "group_users"}
    assert state["servers"][0]["SmtpPassword"] == "relay-secret"
    assert state["accounts"][0]["IncomingPassword"] == "imap-secret"
    assert state["tenants"][0]["Name"] == "Default" and state["tenants"][0]["Id"] == 1


def test_reset_restores_a_fresh_database_and_ids(emulator):
    create_server(emulator)
    create_server(emulator)
    create_user(emulator, "u@mydomain.com")
    emulator.settings({"System": {"EnableMultiTenant": True}})
    emulator.reset()
    state = emulator.state()
    assert state["servers"] == [] and state["users"] == [] and state["accounts"] == []
    assert [t["Name"] for t in state["tenants"]] == ["Default"]
    assert emulator.settings()["System"]["EnableMultiTenant"] is False
    assert create_server(emulator) == 1 and create_user(emulator, "u@mydomain.com") == 1


@pytest.mark.parametrize("changes", [
    {"Mail": {"NoSuchSetting": True}}, {"NoSuchModule": {"X": 1}}, {"System": {"AuroraMajor": 7}},
    {"Mail": {"DoImapLoginOnAccountCreate": "false"}},
])
def test_bad_settings_are_refused_with_400(emulator, changes):
    answer = emulator.control("POST", "settings", changes)
    assert answer.status == 400 and "error" in answer.json()
    assert emulator.settings()["Mail"]["DoImapLoginOnAccountCreate"] is True


# ---- overlapping writes, write window and deadlocks ------------------------------------------------------

RACE_WINDOW_MS = 100  # wide enough that calls let through a gate together all check before either writes
GATE_BOUND_SECONDS = 5
CONTENTION_DEFAULTS = {"probability": 0.0, "seed": 0, "window_ms": 2, "deadlocks": 0, "overlaps": 0}


def race(emulator, module, method, params_list):
    """The answers of overlapping calls: a gate lets them go together, the write window interleaves them."""
    emulator.admin_token  # noqa: B018 - log in before the threads, not in each of them
    emulator.gate(f"{module}.{method}", len(params_list), GATE_BOUND_SECONDS)
    answers = [None] * len(params_list)

    def send(index, params):
        answers[index] = emulator.api(module, method, params)

    threads = [threading.Thread(target=send, args=item) for item in enumerate(params_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=GATE_BOUND_SECONDS + 5)
    assert all(answer is not None for answer in answers), answers
    return answers


def account_params(user_id, email, server_id):
    return {"UserId": user_id, "FriendlyName": "", "Email": email, "IncomingLogin": email,
            "IncomingPassword": "secret", "Server": {"ServerId": server_id}}


def split_created(answers):
    """(results that created something, answers refused with Result false and no ErrorCode)."""
    created = [result(a) for a in answers if result(a) is not False]
    refused = [a for a in answers if result(a) is False]
    return created, refused


def test_overlapping_create_account_one_wins_the_other_meets_the_one_account_limit(emulator):
    imap_off(emulator)
    server_id = create_server(emulator)
    user_id = create_user(emulator, "u@mydomain.com")
    emulator.contention(window_ms=RACE_WINDOW_MS)

    answers = race(emulator, "Mail", "CreateAccount", [account_params(user_id, "u@mydomain.com", server_id)] * 2)
    created, refused = split_created(answers)  # both passed the 704 check; canCreate() refuses the second
    assert len(created) == 1 and created[0]["Email"] == "u@mydomain.com" and len(refused) == 1
    assert [(a["IdUser"], a["Email"]) for a in emulator.state()["accounts"]] == [(user_id, "u@mydomain.com")]
    assert emulator.contention_state()["overlaps"] == 1


def test_overlapping_create_account_with_multi_accounts_leaves_two_rows_with_one_email(emulator):
    imap_off(emulator)
    emulator.settings({"MailMultiAccountsPlugin": {"Enabled": True}})
    server_id = create_server(emulator)
    user_id = create_user(emulator, "u@mydomain.com")
    emulator.contention(window_ms=RACE_WINDOW_MS)

    answers = race(emulator, "Mail", "CreateAccount", [account_params(user_id, "u@mydomain.com", server_id)] * 2)
    created, refused = split_created(answers)
    assert len(created) == 2 and refused == [] and created[0]["Id"] != created[1]["Id"]
    assert [(a["IdUser"], a["Email"]) for a in emulator.state()["accounts"]] == [(user_id, "u@mydomain.com")] * 2


def test_overlapping_create_user_hits_the_unique_public_id_key(emulator):
    emulator.contention(window_ms=RACE_WINDOW_MS)
    params = {"TenantId": 0, "PublicId": "u@mydomain.com"}

    answers = race(emulator, "Core", "CreateUser", [params, {**params, "PublicId": "U@MyDomain.com"}])
    created, refused = split_created(answers)  # both passed the 111 check: the second insert fails, no 111
    assert created == [1] and len(refused) == 1
    assert [u["Id"] for u in emulator.state()["users"]] == [1]


def test_contention_makes_one_of_two_overlapping_writes_the_deadlock_victim(emulator):
    emulator.contention(probability=1, window_ms=RACE_WINDOW_MS)

    answers = race(emulator, "Mail", "CreateServer", [SERVER, {**SERVER, "Name": "other"}])
    created, refused = split_created(answers)
    assert len(created) == 1 and len(refused) == 1
    assert [s["Id"] for s in emulator.state()["servers"]] == created
    state = emulator.contention_state()
    assert (state["deadlocks"], state["overlaps"]) == (1, 1)


def test_a_seed_makes_the_deadlock_draws_reproducible(emulator):
    seed, pairs = 3, 4
    draws = random.Random(seed)  # one draw per overlapping pair
    expected = [draws.random() < 0.5 for dummy in range(pairs)]
    assert True in expected and False in expected  # the seed shows both outcomes

    def victims_per_pair():
        emulator.contention(probability=0.5, seed=seed, window_ms=RACE_WINDOW_MS // 2)
        outcomes = []
        for dummy in range(pairs):
            before = emulator.contention_state()["deadlocks"]
            race(emulator, "Mail", "CreateServer", [SERVER, SERVER])
            outcomes.append(emulator.contention_state()["deadlocks"] > before)
        return outcomes

    assert victims_per_pair() == expected
    assert victims_per_pair() == expected  # re-seeded


SERVER_UPDATE = {**SERVER, "ServerId": 1, "Name": "renamed", "EnableThreading": True, "EnableSieve": False,
                 "SievePort": 4190}
OWN_SERVER = {"ServerId": 0, "IncomingServer": "imap.own.test", "IncomingPort": 143, "IncomingUseSsl": False,
              "OutgoingServer": "smtp.own.test", "OutgoingPort": 25, "OutgoingUseSsl": False, "SmtpAuthType": "2",
              "EnableThreading": True}
WRITE_CALLS = [
    pytest.param("Mail", "CreateAccount", account_params(2, "v@mydomain.com", 1), id="Mail.CreateAccount"),
    pytest.param("Mail", "CreateAccount", {**account_params(2, "v@own.test", 0), "Server": OWN_SERVER},
                 id="Mail.CreateAccount-own-server"),
    pytest.param("Mail", "UpdateAccount", {"AccountID": 1, "UseToAuthorize": True, "FriendlyName": "U"},
                 id="Mail.UpdateAccount"),
    pytest.param("Mail", "DeleteAccount", {"AccountID": 1}, id="Mail.DeleteAccount"),
    pytest.param("Mail", "CreateServer", {**SERVER, "Name": "second"}, id="Mail.CreateServer"),
    pytest.param("Mail", "UpdateServer", SERVER_UPDATE, id="Mail.UpdateServer"),
    pytest.param("Mail", "DeleteServer", {"ServerId": 1}, id="Mail.DeleteServer"),
    pytest.param("Core", "CreateUser", {"TenantId": 0, "PublicId": "w@mydomain.com"}, id="Core.CreateUser"),
    pytest.param("Core", "UpdateUser", {"UserId": 1, "IsDisabled": True}, id="Core.UpdateUser"),
    pytest.param("Core", "DeleteUser", {"UserId": 1}, id="Core.DeleteUser"),
    pytest.param("Core", "CreateTenant", {"Name": "Second"}, id="Core.CreateTenant"),
]


@pytest.mark.parametrize("module, method, params", WRITE_CALLS)
def test_deadlock_fault_fails_the_first_write_and_writes_nothing(emulator, module, method, params):
    imap_off(emulator)
    emulator.settings({"System": {"EnableMultiTenant": True}})
    server_id = create_server(emulator)
    result(create_account(emulator, create_user(emulator, "u@mydomain.com"), "u@mydomain.com", server_id))
    create_user(emulator, "v@mydomain.com")
    before = emulator.state()

    emulator.faults({"call": f"{module}.{method}", "fault": "deadlock", "when": "before", "times": 1})
    answer = emulator.call(module, method, params)
    assert answer.status == 200 and result(answer.json()) is False
    assert emulator.state() == before
    assert emulator.contention_state()["deadlocks"] == 1
    assert result(emulator.api(module, method, params)) not in (False, None)
    assert emulator.state() != before


def test_deadlock_fault_spares_calls_that_reach_no_write(emulator):
    create_user(emulator, "u@mydomain.com")
    emulator.faults([{"call": "Mail.GetServers", "fault": "deadlock"},
                     {"call": "Core.CreateUser", "fault": "deadlock"}])

    assert result(emulator.api("Mail", "GetServers", {})) == {"Items": [], "Count": 0}
    assert_error(emulator.api("Core", "CreateUser", {"TenantId": 0, "PublicId": "u@mydomain.com"}),
                 111, "Core", "UserAlreadyExists")
    assert emulator.fault_rules() == []  # both hits counted
    assert emulator.contention_state()["deadlocks"] == 0
    assert create_user(emulator, "v@mydomain.com") == 2


def test_deadlock_fault_is_before_only(emulator):
    answer = emulator.control("POST", "faults", {"call": "*", "fault": "deadlock", "when": "after"})
    assert answer.status == 400 and "before" in answer.json()["error"]
    assert emulator.fault_rules() == []


@pytest.mark.parametrize("changes, message", [
    ({"probability": 1.5}, "probability"), ({"probability": -0.1}, "probability"),
    ({"probability": "0.5"}, "probability"), ({"probability": True}, "probability"),
    ({"probability": None}, "probability"), ({"seed": 1.5}, "seed"), ({"seed": "7"}, "seed"),
    ({"window_ms": -1}, "window_ms"), ({"window_ms": 2.5}, "window_ms"), ({"window_ms": False}, "window_ms"),
    ({"probability": 0.5, "window_ms": -1}, "window_ms"), ({"victims": 1}, "victims"), ([0.5], "JSON object"),
])
def test_bad_contention_values_are_refused_with_400(emulator, changes, message):
    answer = emulator.control("POST", "faults/contention", changes)
    assert answer.status == 400 and message in answer.json()["error"]
    assert emulator.contention_state() == CONTENTION_DEFAULTS  # nothing applied


def test_reset_and_clearing_faults_restore_the_contention_defaults(emulator):
    assert emulator.contention(probability=0.5, seed=9, window_ms=0) == {**CONTENTION_DEFAULTS, "probability": 0.5,
                                                                         "seed": 9, "window_ms": 0}
    emulator.faults({"call": "Mail.CreateServer", "fault": "deadlock"})
    assert result(emulator.api("Mail", "CreateServer", SERVER)) is False
    assert emulator.contention_state()["deadlocks"] == 1
    emulator.reset()
    assert emulator.contention_state() == CONTENTION_DEFAULTS

    emulator.contention(probability=1, seed=3)
    emulator.faults_clear()
    assert emulator.contention_state() == CONTENTION_DEFAULTS


def test_contention_starts_from_the_command_line_values():
    started = {"probability": 0.25, "seed": 7, "window_ms": 0, "deadlocks": 0, "overlaps": 0}
    with Emulator(deadlock_probability=0.25, seed=7, write_window_ms=0) as contended:
        assert contended.contention_state() == started
        contended.contention(probability=1, window_ms=5)
        contended.reset()
        assert contended.contention_state() == started


# ---- the corporate profile: tenants, tenant servers, MailDomains installed ----------------------------------


def create_tenant(emulator, name, **fields):
    return result(emulator.api("Core", "CreateTenant", {"Name": name, **fields}))


def user_with_login_account(emulator, tenant_id, public_id, server_id):
    user_id = result(emulator.api("Core", "CreateUser", {"TenantId": tenant_id, "PublicId": public_id}))
    assert result(create_account(emulator, user_id, public_id, server_id))["UseToAuthorize"] is True
    return user_id


def test_corporate_profile_capabilities_and_lite_unchanged(emulator, corporate_emulator):
    corporate = result(corporate_emulator.api("Core", "GetSettings", token=None))
    assert corporate["EnableMultiTenant"] is True and corporate["AllowGroups"] is True
    assert "MailDomains" in corporate["AvailableBackendModules"]
    lite = result(emulator.api("Core", "GetSettings", token=None))
    assert lite["EnableMultiTenant"] is False and lite["AllowGroups"] is False
    assert lite["AvailableBackendModules"] == ["AdminAuth", "Core", "CoreWebclient", "Mail", "Min"]
    assert_error(emulator.api("MailDomains", "GetDomains", {"TenantId": 1}), 113, "", "Module not found")
    assert corporate_emulator.api("MailDomains", "NoSuchMethod")["ErrorCode"] == 114


def test_system_settings_pseudo_module_switches_multi_tenancy(corporate_emulator):
    assert corporate_emulator.settings({"System": {"EnableMultiTenant": False}})["System"]["EnableMultiTenant"] is False
    assert result(corporate_emulator.api("Core", "GetSettings", token=None))["EnableMultiTenant"] is False
    answer = corporate_emulator.api("Core", "CreateTenant", {"Name": "acme"})
    assert result(answer) is False and "ErrorCode" not in answer
    assert corporate_emulator.control("POST", "settings", {"System": {"EnableMultiTenant": "yes"}}).status == 400


def test_corporate_reset_returns_to_the_corporate_fresh_state(corporate_emulator):
    assert create_tenant(corporate_emulator, "acme") == 2
    corporate_emulator.settings({"System": {"EnableMultiTenant": False}, "Core": {"AllowGroups": False}})
    corporate_emulator.reset()
    assert [t["Name"] for t in corporate_emulator.state()["tenants"]] == ["Default"]
    assert corporate_emulator.state()["domains"] == []
    settings = corporate_emulator.settings()
    assert settings["System"]["EnableMultiTenant"] is True and settings["Core"]["AllowGroups"] is True
    assert create_tenant(corporate_emulator, "acme") == 2


def test_tenant_names_sanitised_unique_ignoring_case_and_immutable(corporate_emulator):
    tenant_id = create_tenant(corporate_emulator, " a:b  c| ")
    assert result(corporate_emulator.api("Core", "GetTenant", {"Id": tenant_id}))["Name"] == "ab  c"
    assert_error(corporate_emulator.api("Core", "CreateTenant", {"Name": "AB  C"}), 1002, "Core")
    too_long = corporate_emulator.api("Core", "CreateTenant", {"Name": "x" * 300})
    assert result(too_long) is False and "ErrorCode" not in too_long
    assert result(corporate_emulator.api("Core", "UpdateTenant", {"TenantId": tenant_id, "Name": "new"})) is True
    assert result(corporate_emulator.api("Core", "GetTenant", {"Id": tenant_id}))["Name"] == "ab  c"
    assert result(corporate_emulator.api("Core", "UpdateTenant", {"TenantId": 99, "Description": "x"})) is False
    assert_error(corporate_emulator.api("Core", "UpdateTenant", {"TenantId": 0}), 103, "Core",
                 "InvalidInputParameter")


def test_tenant_search_ignores_case_and_accents(corporate_emulator):
    create_tenant(corporate_emulator, "Café")
    create_tenant(corporate_emulator, "bistro")
    found = result(corporate_emulator.api("Core", "GetTenants", {"Search": "CAFE"}))
    assert [t["Name"] for t in found["Items"]] == ["Café"] and found["Count"] == 1


def test_delete_tenant_reaches_users_of_other_tenants_on_its_servers(corporate_emulator):
    imap_off(corporate_emulator)
    acme, beta = create_tenant(corporate_emulator, "acme"), create_tenant(corporate_emulator, "beta")
    acme_server = create_server(corporate_emulator, Name="acme-srv", TenantId=acme)
    global_server = create_server(corporate_emulator, Name="global")
    user_with_login_account(corporate_emulator, acme, "own@acme.example", global_server)
    user_with_login_account(corporate_emulator, beta, "guest@beta.example", acme_server)
    kept = user_with_login_account(corporate_emulator, beta, "kept@beta.example", global_server)
    other = result(corporate_emulator.api("Core", "CreateUser", {"TenantId": beta, "PublicId": "other@beta.example"}))
    result(create_account(corporate_emulator, other, "alias@acme.example", acme_server))  # not a login account

    assert result(corporate_emulator.api("Core", "DeleteTenant", {"TenantId": acme})) is True
    state = corporate_emulator.state()
    assert sorted(u["PublicId"] for u in state["users"]) == ["kept@beta.example", "other@beta.example"]
    assert [a["IdUser"] for a in state["accounts"]] == [kept]
    assert [s["Id"] for s in state["servers"]] == [global_server]
    assert [t["Name"] for t in state["tenants"]] == ["Default", "beta"]
    assert result(corporate_emulator.api("Core", "DeleteTenant", {"TenantId": acme})) is False
    assert_error(corporate_emulator.api("Core", "DeleteTenant", {"TenantId": 0}), 103, "Core",
                 "InvalidInputParameter")


def test_delete_tenants_stops_at_the_first_failure(corporate_emulator):
    first, second = create_tenant(corporate_emulator, "first"), create_tenant(corporate_emulator, "second")
    assert result(corporate_emulator.api("Core", "DeleteTenants", {"IdList": [first, 99]})) is False
    assert result(corporate_emulator.api("Core", "DeleteTenants", {"IdList": [99, second]})) is False
    assert [t["Name"] for t in corporate_emulator.state()["tenants"]] == ["Default", "second"]
    assert result(corporate_emulator.api("Core", "DeleteTenants", {"IdList": []})) is True


def test_mail_domains_owns_server_domains(corporate_emulator):
    wildcard = create_server(corporate_emulator, Name="wild", Domains="*\nwild.example")
    shown = result(corporate_emulator.api("Mail", "GetServer", {"ServerId": wildcard}))
    assert shown["Domains"] == "*\r\n" and shown["AllowEditDomains"] is False
    update = {**SERVER, "ServerId": wildcard, "Domains": "*", "EnableThreading": True, "EnableSieve": False,
              "SievePort": 4190}
    assert result(corporate_emulator.api("Mail", "UpdateServer", update)) is True
    assert corporate_emulator.state()["servers"][0]["Domains"] == ""
    assert result(corporate_emulator.api("Mail", "GetServer", {"ServerId": wildcard}))["Domains"] == ""
    # Only registered MailDomains domains find a server: neither a server's Domains nor its wildcard do.
    lookup = {"Domain": "mydomain.com", "AllowWildcardDomain": True}
    create_server(corporate_emulator)
    assert result(corporate_emulator.api("Mail", "GetMailServerByDomain", lookup)) == []


# ---- the corporate profile: MailDomains domains and Core groups --------------------------------------------


def create_domain(emulator, tenant_id, server_id, name):
    return emulator.api("MailDomains", "CreateDomain",
                        {"TenantId": tenant_id, "MailServerId": server_id, "DomainName": name})


def test_domain_names_are_unique_ignoring_case_across_tenants(corporate_emulator):
    acme, beta = create_tenant(corporate_emulator, "acme"), create_tenant(corporate_emulator, "beta")
    server_id = create_server(corporate_emulator, TenantId=acme)
    assert result(create_domain(corporate_emulator, acme, server_id, "Acme.Example")) == 1
    # Another tenant, another case, and a server of a third owner: still the same name.
    assert_error(create_domain(corporate_emulator, beta, server_id, "acme.EXAMPLE"), 1002, "MailDomains")
    assert_error(create_domain(corporate_emulator, beta, server_id, " beta.example"), 103, "MailDomains")
    assert result(create_domain(corporate_emulator, beta, server_id, "beta.example")) == 2
    listed = result(corporate_emulator.api("MailDomains", "GetDomains", {"TenantId": beta, "Search": "b_ta"}))
    assert [d["Name"] for d in listed["Items"]] == ["beta.example"] and listed["Count"] == 1


def test_create_user_with_tenant_0_moves_into_the_domain_tenant(corporate_emulator, imap_stub):
    acme = create_tenant(corporate_emulator, "acme")
    server_id = local_server(corporate_emulator, imap_stub.port, TenantId=acme)
    domain_id = result(create_domain(corporate_emulator, acme, server_id, "local.test"))
    moved = create_user(corporate_emulator, "moved@local.test")
    stays = create_user(corporate_emulator, "stays@local.test", TenantId=1)  # explicit tenant: not linked
    assert result(corporate_emulator.api("Core", "GetUser", {"Id": moved}))["IdTenant"] == acme
    assert result(corporate_emulator.api("Core", "GetUser", {"Id": stays}))["IdTenant"] == 1
    assert result(corporate_emulator.api("MailDomains", "GetDomain", {"Id": domain_id}))["Count"] == 1
    # With Password an account is made on the domain's server; a failed IMAP login takes the user back.
    imap_stub.add_user("pat@local.test", "pat-pw")
    pat = create_user(corporate_emulator, "pat@local.test", Password="pat-pw")
    assert [a["ServerId"] for a in result(corporate_emulator.api("Mail", "GetAccounts", {"UserId": pat}))] \
        == [server_id]
    failed = corporate_emulator.api("Core", "CreateUser",
                                    {"TenantId": 0, "PublicId": "eve@local.test", "Password": "wrong"})
    assert_error(failed, 4002, "Core", AUTH_FAILED)
    assert "eve@local.test" not in [u["PublicId"] for u in corporate_emulator.state()["users"]]


def test_delete_domains_leaves_group_members_behind_and_count_leaves_them_out(corporate_emulator):
    imap_off(corporate_emulator)
    acme = create_tenant(corporate_emulator, "acme")
    server_id = create_server(corporate_emulator, TenantId=acme)
    domain_id = result(create_domain(corporate_emulator, acme, server_id, "mydomain.com"))
    grouped = create_user(corporate_emulator, "grouped@mydomain.com", Password="x")
    create_user(corporate_emulator, "plain@mydomain.com", Password="x")
    group_id = result(corporate_emulator.api("Core", "CreateGroup", {"TenantId": acme, "Name": "Sales"}))
    assert result(corporate_emulator.api("Core", "AddUsersToGroup", {"GroupId": group_id, "UserIds": [grouped]}))
    assert result(corporate_emulator.api("MailDomains", "GetDomain", {"Id": domain_id}))["Count"] == 1
    listed = result(corporate_emulator.api("MailDomains", "GetDomains", {"TenantId": acme}))
    assert [d["Count"] for d in listed["Items"]] == [1]
    assert result(corporate_emulator.api("MailDomains", "DeleteDomains", {"IdList": [domain_id]})) is True
    state = corporate_emulator.state()
    assert [u["PublicId"] for u in state["users"]] == ["grouped@mydomain.com"] and state["domains"] == []
    assert [a["Email"] for a in state["accounts"]] == ["grouped@mydomain.com"]
    again = corporate_emulator.call("MailDomains", "DeleteDomains", {"IdList": [domain_id]})
    assert again.status == 500 and again.body == b""


def test_delete_groups_with_existing_and_missing_ids(corporate_emulator):
    def create_group(name):
        return result(corporate_emulator.api("Core", "CreateGroup", {"TenantId": 1, "Name": name}))

    def group_names():
        return [g["Name"] for g in result(corporate_emulator.api("Core", "GetGroups", {"TenantId": 1}))["Items"]]

    first, second = create_group("first"), create_group("second")
    answer = corporate_emulator.api("Core", "DeleteGroups", {"IdList": [first, 99]})
    assert result(answer) is False and "ErrorCode" not in answer
    assert group_names() == ["second"]
    assert result(corporate_emulator.api("Core", "DeleteGroups", {"IdList": [99, second]})) is False
    assert group_names() == ["second"]  # after the first false the rest is not tried
    assert result(corporate_emulator.api("Core", "DeleteGroups", {"IdList": []})) is True
    assert result(corporate_emulator.api("Core", "DeleteGroups", {"IdList": [second]})) is True
    assert group_names() == []
