"""Outages of the emulated Aurora host (tests/emulator/aurora/outage.py): its database gone for a window of time, with
the answers docs/aurora-api-notes.md "Database down" lists (observed on a real WebMail Lite 9.8.5), or its web server
refusing connections.

Every call goes through a real HTTP socket to an emulator process.  A "db-down" rule opens its window at the call it
strikes, so that call is in the outage whatever the timing.  Windows end by time: the tests wait for the end by
polling GET /_emulator/outages on the host side, which a web-server outage does not reach.
"""
import errno
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests

SERVER = {
    "Name": "local", "IncomingServer": "mail.local.test", "IncomingPort": 143, "IncomingUseSsl": False,
    "OutgoingServer": "mail.local.test", "OutgoingPort": 25, "OutgoingUseSsl": False, "SmtpAuthType": "2",
    "Domains": "local.test", "EnableThreading": True, "EnableSieve": False, "SievePort": 4190,
}
SHORT_WINDOW = 0.3  # seconds: the striking call is in it whatever the timing; the tests then wait for its end
LONG_WINDOW = 30  # seconds: several calls in a row are surely in it; the tests end it with DELETE /_emulator/faults
REFUSED_CONNECTION = "SQLSTATE[HY000] [2002] Connection refused"


def result(answer):
    assert "ErrorCode" not in answer, answer
    return answer["Result"]


def error(answer):
    assert "Result" not in answer, answer
    return answer["ErrorCode"], answer.get("ErrorMessage")


@pytest.fixture
def stored(emulator):
    """A mail server, the user alice and her account (no IMAP check); their ids."""
    emulator.settings({"Mail": {"DoImapLoginOnAccountCreate": False}})
    server_id = result(emulator.api("Mail", "CreateServer", SERVER))
    user_id = result(emulator.api("Core", "CreateUser", {"TenantId": 0, "PublicId": "alice@local.test"}))
    account_id = result(emulator.api("Mail", "CreateAccount", {
        "UserId": user_id, "Email": "alice@local.test", "IncomingLogin": "alice@local.test",
        "IncomingPassword": "secret", "Server": {"ServerId": server_id}}))["Id"]
    return {"server": server_id, "user": user_id, "account": account_id}


@dataclass(frozen=True)
class Case:
    module: str
    method: str
    params: object  # a function of (emulator, stored ids) giving the Parameters
    during: object  # a check of (answer, ids) while the database is gone
    after: object  # a check of (answer, ids) once it is back
    token: bool = True  # False: sent without a token

    def send(self, emulator, ids):
        params = self.params(emulator, ids)
        return emulator.api(self.module, self.method, params) if self.token else \
            emulator.api(self.module, self.method, params, token=None)


def is_false(answer, _ids):
    assert result(answer) is False


def no_item(answer, _ids):
    assert result(answer) == {"Items": [], "Count": 0}


def gives_token(answer, _ids):
    assert isinstance(result(answer)["AuthToken"], str)


def is_id(answer, _ids):
    assert isinstance(result(answer), int) and not isinstance(result(answer), bool)


def is_true(answer, _ids):
    assert result(answer) is True


def gives_settings(answer, _ids):
    assert result(answer)["Version"].startswith("9.8.5")


def error_is(code, message=None):
    def check(answer, _ids):
        assert error(answer) == (code, message)
    return check


def connection_refused(answer, _ids):
    code, message = error(answer)
    assert code == 2002 and message.startswith(REFUSED_CONNECTION) and answer["Module"] == "Core"


def lists(key, wanted):
    def check(answer, _ids):
        assert [item[key] for item in result(answer)["Items"]] == wanted
    return check


def gives(key, ids_key):
    """The stored object ``ids_key`` (or a list of it alone), whose ``key`` is that id."""
    def check(answer, ids):
        value = result(answer)
        if isinstance(value, list):
            assert len(value) == 1, value
            value = value[0]
        assert value[key] == ids[ids_key]
    return check


def fixed(params):
    return lambda emulator, ids: params


def account_of_alice(emulator, ids):
    return {"UserId": ids["user"], "Email": "alice@local.test", "IncomingLogin": "alice@local.test",
            "IncomingPassword": "secret", "Server": {"ServerId": ids["server"]}}


# What each method answers with the database gone (docs/aurora-api-notes.md "Database down"), and afterwards.
CASES = [
    Case("AdminAuth", "LoginAsSuperadmin",
         lambda emulator, ids: {"Login": emulator.admin_login, "Password": emulator.admin_password},
         gives_token, gives_token, token=False),
    Case("Core", "GetUsers", fixed({"TenantId": 0}), no_item, lists("PublicId", ["alice@local.test"])),
    Case("Core", "GetTenants", fixed({}), no_item, lists("Name", ["Default"])),
    Case("Core", "GetUser", lambda emulator, ids: {"Id": ids["user"]}, is_false, gives("Id", "user")),
    Case("Mail", "GetServer", lambda emulator, ids: {"ServerId": ids["server"]}, is_false, gives("Id", "server")),
    Case("Mail", "GetAccounts", lambda emulator, ids: {"UserId": ids["user"]}, is_false, gives("Id", "account")),
    Case("Core", "GetUserByPublicId", fixed({"PublicId": "alice@local.test"}), error_is(116), error_is(116)),
    Case("Mail", "CreateServer", fixed(dict(SERVER, Name="second")), is_false, is_id),
    Case("Mail", "UpdateServer", lambda emulator, ids: dict(SERVER, ServerId=ids["server"], Name="renamed"),
         is_false, is_true),
    Case("Mail", "DeleteServer", lambda emulator, ids: {"ServerId": ids["server"]}, is_false, is_true),
    Case("Mail", "CreateAccount", account_of_alice, is_false, error_is(704)),
    Case("Core", "CreateUser", fixed({"TenantId": 0, "PublicId": "bob@local.test"}),
         error_is(103, "InvalidInputParameter"), is_id),
    Case("Core", "DeleteUser", lambda emulator, ids: {"UserId": ids["user"]}, connection_refused, is_true),
    # Not observed with the database down: Aurora's answer to a failed query it catches, and settings (no query).
    Case("Core", "UpdateUser", lambda emulator, ids: {"UserId": ids["user"], "Note": "n"}, is_false, is_true),
    Case("Mail", "GetServers", fixed({}), is_false, lists("Name", ["local"])),
    Case("Mail", "GetAccount", lambda emulator, ids: {"AccountId": ids["account"]}, is_false,
         gives("Id", "account")),
    Case("Mail", "UpdateAccount", lambda emulator, ids: {"AccountID": ids["account"], "FriendlyName": "A"},
         is_false, gives("Id", "account")),
    Case("Mail", "DeleteAccount", lambda emulator, ids: {"AccountID": ids["account"]}, is_false, is_true),
    Case("Core", "GetSettings", fixed(None), gives_settings, gives_settings),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{case.module}.{case.method}" for case in CASES])
def test_with_the_database_gone_aurora_answers_as_observed_and_writes_nothing(emulator, stored, case):
    before = emulator.state()
    emulator.faults({"fault": "db-down", "seconds": SHORT_WINDOW})
    case.during(case.send(emulator, stored), stored)
    assert emulator.state() == before
    emulator.wait_outages_over()
    case.after(case.send(emulator, stored), stored)


def test_the_window_opens_at_the_chosen_call_and_spans_calls_until_cleared(emulator, stored):
    emulator.faults({"fault": "db-down", "skip": 2, "seconds": LONG_WINDOW})
    for dummy in range(2):
        assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}))["Count"] == 1
    for dummy in range(5):  # the window is time, not a count of calls
        assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}))["Count"] == 0
    assert 0 < emulator.outages()["db-down"]["remaining_ms"] <= LONG_WINDOW * 1000
    emulator.faults_clear()
    assert emulator.outages()["db-down"] == {"active": False, "remaining_ms": 0}
    assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}))["Count"] == 1


def test_the_window_ends_by_time(emulator, stored):
    started = time.monotonic()
    emulator.faults({"fault": "db-down", "seconds": SHORT_WINDOW})
    assert result(emulator.api("Core", "GetUser", {"Id": stored["user"]})) is False
    emulator.wait_outages_over()
    assert time.monotonic() - started >= SHORT_WINDOW
    assert result(emulator.api("Core", "GetUser", {"Id": stored["user"]}))["PublicId"] == "alice@local.test"


def test_an_after_rule_leaves_its_call_alone_and_the_next_one_meets_the_outage(emulator, stored):
    emulator.faults({"fault": "db-down", "when": "after", "seconds": LONG_WINDOW})
    assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}))["Count"] == 1
    assert result(emulator.api("Core", "GetUsers", {"TenantId": 0}))["Count"] == 0


def test_a_user_token_cannot_be_checked_while_the_database_is_gone(emulator, imap_stub):
    imap_stub.add_user("alice@local.test", "alice-pw")
    server_id = result(emulator.api("Mail", "CreateServer", dict(SERVER, IncomingServer="127.0.0.1",
                                                                 IncomingPort=imap_stub.port)))
    user_id = result(emulator.api("Core", "CreateUser", {"TenantId": 0, "PublicId": "alice@local.test"}))
    result(emulator.api("Mail", "CreateAccount", {
        "UserId": user_id, "Email": "alice@local.test", "IncomingLogin": "alice@local.test",
        "IncomingPassword": "alice-pw", "Server": {"ServerId": server_id}}))
    login = {"Login": "alice@local.test", "Password": "alice-pw"}
    token = result(emulator.api("Core", "Login", login, token=None))["AuthToken"]
    assert emulator.api("Mail", "GetSettings", token=token)["AuthenticatedUserId"] == user_id
    emulator.faults({"fault": "db-down", "seconds": LONG_WINDOW})
    answer = emulator.api("Mail", "GetSettings", token=token)
    assert error(answer)[0] == 101 and answer["AuthenticatedUserId"] == 0


def test_maildomains_catches_no_query_error_so_its_calls_answer_2002(corporate_emulator):
    corporate_emulator.faults({"fault": "db-down", "seconds": LONG_WINDOW})
    answer = corporate_emulator.api("MailDomains", "GetDomains", {"TenantId": 1})
    code, message = error(answer)
    assert code == 2002 and message.startswith(REFUSED_CONNECTION) and answer["Module"] == "MailDomains"


@pytest.mark.parametrize("rule, message", [
    ({"fault": "db-down"}, "seconds must be above 0"),
    ({"fault": "db-down", "seconds": 1, "times": 2}, "times must be 1"),
    ({"fault": "web-down", "seconds": 1, "when": "before"}, "when must be 'after'"),
])
def test_outage_rules_are_checked(emulator, rule, message):
    answer = emulator.control("POST", "faults", rule)
    assert answer.status == 400 and message in answer.json()["error"]


# ---- the web server down ----------------------------------------------------------------------------------------


def refused(exception):
    """Whether ECONNREFUSED is somewhere in an exception's chain (requests wraps urllib3's wrappers)."""
    seen, pending = set(), [exception]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ECONNREFUSED:
            return True
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        pending += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
    return False


def address(url):
    parts = urlsplit(url)
    return parts.hostname, parts.port


def test_the_web_server_refuses_connections_for_its_window_then_serves_again(emulator):
    web = requests.Session()
    web.trust_env = False
    headers = {"Authorization": f"Bearer {emulator.admin_token}"}

    def get_users():
        return web.post(emulator.url + "?/Api/", data={"Module": "Core", "Method": "GetUsers",
                                                       "Parameters": json.dumps({"TenantId": 0})},
                        headers=headers, timeout=10)

    window = 2.0
    assert get_users().json()["Result"]["Count"] == 0  # the session keeps this connection open
    idle = socket.create_connection(address(emulator.url), timeout=10)  # another client's idle connection
    emulator.faults({"fault": "web-down", "seconds": window})
    started = time.monotonic()
    striking = get_users()  # answered; then the window opens
    assert striking.status_code == 200 and striking.headers["Connection"] == "close"

    with pytest.raises(requests.ConnectionError) as caught:
        get_users()
    assert refused(caught.value), caught.value
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address(emulator.url), timeout=10)
    assert idle.recv(1) == b""  # the server closed it
    idle.close()
    # The host side stays: the control endpoints, and Aurora's PHP API on the host (the in-process entry).
    assert emulator.outages()["web-down"]["active"]
    in_process = emulator.http("POST", "?/Api/", b"Module=Core&Method=GetUsers",
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "X-Emulator-Php-Key": emulator.php_entry()["key"]}, base_url=emulator.host_url)
    assert in_process.status == 200 and in_process.json()["Result"]["Count"] == 0
    assert emulator.http("POST", "?/Api/", b"Module=Core&Method=GetUsers",
                         {"Content-Type": "application/x-www-form-urlencoded"}, base_url=emulator.host_url).status \
        == 404

    emulator.wait_outages_over()
    assert time.monotonic() - started >= window
    assert get_users().json()["Result"]["Count"] == 0  # the same port listens again


def test_clearing_the_faults_ends_a_web_server_outage_at_once(emulator):
    emulator.faults({"fault": "web-down", "seconds": LONG_WINDOW})
    assert "Result" in emulator.api("Core", "GetSettings")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address(emulator.url), timeout=10)
    started = time.monotonic()
    emulator.faults_clear()
    emulator.wait_outages_over()  # over once the web side listens again
    assert time.monotonic() - started < LONG_WINDOW
    assert "Result" in emulator.api("Core", "GetSettings")
