"""Replay the contracts recorded on real Aurora servers against fresh emulators.

tests/contract/README.md says how: one super-admin login, then every step in order, each answer compared with the
recorded one (HTTP status, key sets and values, recursively) except the values that differ between any two runs of
the real server.  contract.json (WebMail Lite 9.8.5) is replayed whole on the lite profile; corporate.json (the same
core with MailDomains, EnableMultiTenant and AllowGroups: tenants, tenant servers, mail domains, groups, users in
tenants and the cascades of their deletion) and corporate-accounts.json (several accounts for one user, without the
unlicensed MailMultiAccountsPlugin) are replayed whole on the corporate profile; settings.json (GetSettings of each
module as anonymous and as super-admin, Core.UpdateSettings with good, cast, ignored and refused values,
UpdateLoggingSettings, and settings changed in the files between steps) whole on the lite profile.

The IMAP logins of the replays reach the tests' own IMAP stand-in, never a mail server of the machine: the recorded
IMAP server's address is routed to an ImapStub holding the recorded mailboxes, and every other address cannot be
connected to (as the recorded unresolvable hosts could not).
"""
import contextlib
import functools
import json
import re

import pytest
import requests

from tests.emulator.fixtures import Emulator
from tests.emulator.imap_stub import ImapStub
from tests.emulator.recordings import recorded_steps

CONTRACT = "contract.json"
CORPORATE_CONTRACT = "corporate.json"
ACCOUNTS_CONTRACT = "corporate-accounts.json"
SETTINGS_CONTRACT = "settings.json"
VOLATILE_KEYS = {"@Time", "@TimeApiInit", "CreatedAt", "UpdatedAt", "UUID"}
OPTIONAL_KEYS = {"@LoggerGuid"}  # only present when the real server logs requests
NEVER_ISSUED_TOKEN = "bm90LWEtcmVhbC10b2tlbi1mcm9tLWF1cm9yYQ"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
# The IMAP server the recordings' mail servers name (Dovecot on the recording machine) and its mailboxes there.
RECORDED_IMAP_ADDRESS = "127.0.0.1:10143"
RECORDED_MAILBOXES = {"alice@local.test": "AlicePass1", "bob@local.test": "BobPass1"}


@functools.lru_cache(maxsize=None)
def contract_steps(name=CONTRACT):
    return recorded_steps(name)


# The test parameter of each contract's steps.
STEP_PARAMETERS = {"index": CONTRACT, "corporate_index": CORPORATE_CONTRACT, "accounts_index": ACCOUNTS_CONTRACT,
                   "settings_index": SETTINGS_CONTRACT}


def pytest_generate_tests(metafunc):
    """One test per recorded step; a contract that cannot be read fails one test instead of the collection."""
    for parameter, name in STEP_PARAMETERS.items():
        if parameter not in metafunc.fixturenames:
            continue
        try:
            steps = contract_steps(name)
        except (OSError, ValueError) as error:
            metafunc.parametrize(parameter, [pytest.param(error, id="unreadable-contract")])
            continue
        metafunc.parametrize(parameter, range(len(steps)),
                             ids=[f"{i + 1:02d}-{step['title']}" for i, step in enumerate(steps)])


def assert_same(expected, actual, path="$"):
    """Recursive comparison; volatile values only need the same JSON type."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        expected_keys, actual_keys = set(expected) - OPTIONAL_KEYS, set(actual) - OPTIONAL_KEYS
        assert expected_keys == actual_keys, (
            f"{path}: missing keys {sorted(expected_keys - actual_keys)}, "
            f"unexpected keys {sorted(actual_keys - expected_keys)}")
        for key in sorted(expected_keys):
            if key in VOLATILE_KEYS:
                assert type(actual[key]) is type(expected[key]), f"{path}.{key}: {actual[key]!r}"
            else:
                assert_same(expected[key], actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} items instead of {len(expected)}"
        for index, (want, got) in enumerate(zip(expected, actual)):
            assert_same(want, got, f"{path}[{index}]")
    else:
        assert type(actual) is type(expected) and actual == expected, f"{path}: {actual!r} != {expected!r}"


class Replay:
    """Sends the steps strictly in order, once each, whatever order the tests ask for them in."""

    def __init__(self, emulator, steps):
        self.emulator = emulator
        self.steps = steps
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy for 127.0.0.1
        login = self.http.post(emulator.url + "?/Api/", data={
            "Module": "AdminAuth", "Method": "LoginAsSuperadmin",
            "Parameters": json.dumps({"Login": emulator.admin_login, "Password": emulator.admin_password})})
        self.login_answer = login.json()
        self.token = self.login_answer["Result"]["AuthToken"]
        self.answers = []

    def answer(self, index):
        while len(self.answers) <= index:
            self.answers.append(self.send(self.steps[len(self.answers)]))
        return self.answers[index]

    def send(self, step):
        for module, name, value in step.get("settings", []):
            self.emulator.settings({module: {name: value}})
        fields = {}
        for field, key in (("Module", "module"), ("Method", "method")):
            if step[key] is not None:
                fields[field] = step[key]
        if "parameters" in step:
            parameters = step["parameters"]
            fields["Parameters"] = parameters if isinstance(parameters, str) else json.dumps(parameters)
        token = {"admin": self.token, "invalid": NEVER_ISSUED_TOKEN, "none": None}[step.get("auth", "admin")]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.post(self.emulator.url + "?/Api/", data=fields, headers=headers, timeout=60)


@contextlib.contextmanager
def recording_emulator(profile):
    """A fresh emulator process (default super-admin, empty password, empty database) whose IMAP logins reach only
    an ImapStub standing for the recorded IMAP server; yields (emulator, stub)."""
    with ImapStub(RECORDED_MAILBOXES) as stub, Emulator(profile=profile) as emulator:
        emulator.imap_routes({RECORDED_IMAP_ADDRESS: f"{stub.host}:{stub.port}", "*": None})
        yield emulator, stub


@pytest.fixture(scope="module")
def replay():
    with recording_emulator("lite") as (emulator, dummy):
        yield Replay(emulator, contract_steps(CONTRACT))


@pytest.fixture(scope="module")
def corporate_replay():
    with recording_emulator("corporate") as (emulator, dummy):
        yield Replay(emulator, contract_steps(CORPORATE_CONTRACT))


def test_login_gives_an_opaque_token_and_the_superadmin_identity(replay):
    assert set(replay.login_answer) == {"AuthenticatedUserId", "@Time", "Module", "Method", "Result",
                                        "SubscriptionsResult", "@TimeApiInit"}
    assert replay.login_answer["AuthenticatedUserId"] == -1
    assert set(replay.login_answer["Result"]) == {"AuthToken"}
    assert TOKEN_PATTERN.match(replay.token)


def check_step(replay, name, index):
    if isinstance(index, Exception):
        pytest.fail(f"tests/contract/{name} cannot be read: {index}")
    recorded = replay.steps[index]["response"]
    answer = replay.answer(index)
    assert answer.status_code == recorded["status"]
    if "json" in recorded:
        assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
        assert_same(recorded["json"], answer.json())
    else:
        assert answer.text == recorded["body"]


def test_contract_step(replay, index):
    check_step(replay, CONTRACT, index)


def test_corporate_contract_step(corporate_replay, corporate_index):
    check_step(corporate_replay, CORPORATE_CONTRACT, corporate_index)


@pytest.fixture(scope="module")
def settings_replay():
    with recording_emulator("lite") as (emulator, dummy):
        yield Replay(emulator, contract_steps(SETTINGS_CONTRACT))


def test_settings_contract_step(settings_replay, settings_index):
    check_step(settings_replay, SETTINGS_CONTRACT, settings_index)


@pytest.fixture(scope="module")
def accounts_stub():
    with recording_emulator("corporate") as (emulator, stub):
        yield Replay(emulator, contract_steps(ACCOUNTS_CONTRACT)), stub


@pytest.fixture
def accounts_replay(accounts_stub):
    return accounts_stub[0]


def test_accounts_contract_step(accounts_replay, accounts_index):
    check_step(accounts_replay, ACCOUNTS_CONTRACT, accounts_index)


def test_accounts_contract_logs_in_to_the_imap_stand_in_only_while_the_check_is_on(accounts_stub):
    replay, stub = accounts_stub
    replay.answer(len(replay.steps) - 1)
    # Steps 7 to 9 (IMAP check on): the right password, a second account refused after its login, a wrong password.
    assert stub.attempts == [("alice@local.test", "AlicePass1", True), ("bob@local.test", "BobPass1", True),
                             ("bob@local.test", "wrong-pass", False)]
