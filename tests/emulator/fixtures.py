"""Pytest plugin with the Aurora emulator and IMAP stub fixtures (standard library only).

Enable it from a conftest.py (or a test module):

    pytest_plugins = ["tests.emulator.fixtures"]

Fixtures:
  emulator          one emulator process per session, RESET before every test; an ``Emulator``
  emulator_session  the same object without the reset
  corporate_emulator          one emulator process per session in the corporate profile (MailDomains,
                              multi-tenancy, groups), RESET to that profile's fresh state before every test
  corporate_emulator_session  the same object without the reset
  imap_stub         a started ``ImapStub`` with no users (``imap_stub.add_user(login, password)``)
  through           a factory, once per transport: ``through(emulator)`` -> None (web API) or a fake_aurora path
  through_task      ``through_task(emulator, name)``: module_task through each transport
  fake_aurora       a factory: ``fake_aurora(emulator, version="9.8.5")`` -> the folder (a Path) of a new copy of
                    tests/php/fake-aurora wired to ``emulator`` (its URL and in-process key in
                    data/settings/emulator.json; ``version`` in VERSION): the ``aurora_path`` of a PhpBridge, whose
                    calls then reach that emulator as in-process calls (needs ``php``: ``make venv`` installs it).
                    Its data/settings/ holds a copy of the emulator's settings files (config.json,
                    modules/<Module>.config.json and their .bak), where a real install has them: made here, again at
                    each Api::Init, and by each Save() of the fake for the file saved (system/Fake/SettingsMirror.php)

Functions (in tests/emulator/fake_aurora.py, standard library only):
  make_fake_aurora(emulator, folder)  the fake_aurora fixture's copy, made in ``folder``
  sync_settings_files(emulator, folder)  copy the emulator's settings files to the fake Aurora in ``folder`` again
                    (after a test changed them through the control API or the web API): each file whose text differs
                    is rewritten in place, a file the emulator no longer has is removed; returns {path: text}

``Emulator`` (also usable directly: ``with Emulator(latency_ms=50) as emu: ...``; further arguments
deadlock_probability=0.0, seed=0, write_window_ms=2 start the process with that write contention;
profile="lite" (WebMail Lite) or "corporate" the product it answers as, aurora/profiles.py):
  .url                          base URL of the web side (the web API) ending in "/"
  .host_url                     base URL of the host side (control endpoints, in-process calls: aurora/server.py),
                                  which the control methods below use, so they work during a web-server outage
  .admin_login, .admin_password the super-admin credentials the process was started with
  .admin_token                  a super-admin token (tokens are stateless and survive resets)
  .api(module, method, params=None, token=ADMIN)   -> the JSON answer (dict); params: dict/list
                                  (sent as JSON), str (sent as is) or None (field not sent);
                                  token: ADMIN, None (no Authorization header) or a token string
  .call(...)                    -> HttpAnswer(status, headers, body) for raw checks (same arguments
                                  plus query=, fields=, multipart=, headers=, http_method=)
  .login(login=None, password=None) -> a token (AdminAuth.LoginAsSuperadmin, Core.Login on 113/114)
  .state() .reset() .settings(changes=None) .calls() .calls_clear()
  .settings_files(files=None)   {path: text} of the settings files under data/settings/ (aurora/control.py); with
                                  ``files`` ({path: text or None}) writes or deletes those first, as an operator
  .settings_race(file, writers=2, at="save", seconds=10)  make the next ``writers`` saves of ``file`` race
                                  (aurora/settings_files.py); .settings_races() the armed race gates
  .faults(rules) .faults_clear() .revoke_tokens()
  .outages()                    {"db-down": {"active", "remaining_ms"}, "web-down": {...}} (aurora/outage.py)
  .wait_outages_over(limit=30)  wait until no outage window is open (they end by time)
  .imap_routes(routes=None)     read, or replace, where IMAP logins connect (aurora/imap_check.py), e.g.
                                  {"127.0.0.1:10143": f"127.0.0.1:{stub.port}", "*": None}; a reset clears them
  .php_entry()                  {"key", "modules", "enums"}: the in-process entry of the fake Aurora framework
                                  (control.py)
  .wait_idle(limit=30)            wait until no API request is being served (e.g. one a "delay" fault holds)
  .held() .release(drop=False)    calls that "hold" faults hold now; end every hold (drop: no answer)
  .wait_held(count, limit=30, alive=None)  wait until ``count`` calls are held (False if ``alive()`` turns
                                  false first, e.g. the process under test ended)
  .fault_rules()                the fault rules still pending (each with its "id")
  .gate(call, count, bound)     hold ``call`` until ``count`` of them are held, then release them together (a
                                  race); ``bound`` seconds only bounds a gate that never fills; returns the rule id
  .contention(probability=None, seed=None, window_ms=None)  change the given contention settings (POST
                                  /_emulator/faults/contention; a seed re-seeds); returns the new contention state
  .contention_state()           {"probability", "seed", "window_ms", "deadlocks", "overlaps"} (reset and
                                  faults_clear() return to the start values and zero the counts)
"""
from __future__ import annotations

import json
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .fake_aurora import make_fake_aurora
from .imap_stub import ImapStub

EMULATOR_SCRIPT = Path(__file__).resolve().with_name("aurora_emulator.py")
STARTUP_TIMEOUT_SECONDS = 15
ADMIN = object()  # "use the super-admin token" (the default of Emulator.api/call)
IDLE_POLL_SECONDS = 0.02


@dataclass
class HttpAnswer:
    status: int
    body: bytes
    headers: dict = field(default_factory=dict)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def _multipart(fields):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8")
    return body, f"multipart/form-data; boundary={boundary}"


class Emulator:
    """An emulator subprocess plus a small client for its API and control endpoints."""

    def __init__(self, admin_login="superadmin", admin_password="", latency_ms=0, deadlock_probability=0.0, seed=0,
                 write_window_ms=2, profile="lite"):
        self.profile = profile
        self.admin_login = admin_login
        self.admin_password = admin_password
        self.latency_ms = latency_ms
        self.deadlock_probability = deadlock_probability
        self.seed = seed
        self.write_window_ms = write_window_ms
        self.url = None
        self.host_url = None
        self._process = None
        self._stderr = None
        self._stderr_output = ""  # what the process wrote to stderr, once stopped
        self._admin_token = None
        # Never go through a proxy from the environment: the emulator is on 127.0.0.1.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # ---- process

    def start(self):
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, str(EMULATOR_SCRIPT), "--host", "127.0.0.1", "--port", "0",
             "--admin-login", self.admin_login, "--admin-password", self.admin_password,
             "--latency-ms", str(self.latency_ms), "--deadlock-probability", str(self.deadlock_probability),
             "--seed", str(self.seed), "--write-window-ms", str(self.write_window_ms), "--profile", self.profile],
            stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        ready, dummy, dummy = select.select([self._process.stdout], [], [], STARTUP_TIMEOUT_SECONDS)
        self.url = self._announced("listening on ", ready)
        # The next line follows at once (it may already be in stdout's buffer, where select() cannot see it).
        self.host_url = self._announced("host side on ", ready)
        return self

    def _announced(self, prefix, ready):
        """The URL of stdout's next line, which starts with ``prefix``."""
        line = self._process.stdout.readline() if ready else ""
        if not line.startswith(prefix):
            self.stop()
            raise RuntimeError(f"the emulator did not start: {line!r} {self._stderr_output}")
        return line[len(prefix):].strip()

    def stop(self):
        if self._process:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stdout.close()
            self._process = None
        if self._stderr:
            self._stderr.seek(0)
            self._stderr_output = self._stderr.read().decode("utf-8", "replace")
            self._stderr.close()
            self._stderr = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()

    # ---- HTTP

    def http(self, http_method, path_and_query, body=b"", headers=None, base_url=None):
        """One raw request (to the web side unless ``base_url``); any HTTP status comes back as an HttpAnswer
        (transport errors raise)."""
        request = urllib.request.Request((base_url or self.url) + path_and_query.lstrip("/"), data=body or None,
                                         headers=headers or {}, method=http_method)
        try:
            with self._opener.open(request, timeout=120) as response:
                return HttpAnswer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            with error:
                return HttpAnswer(error.code, error.read(), dict(error.headers))

    def call(self, module=None, method=None, params=None, token=ADMIN, *, query="?/Api/", fields=None,
             multipart=False, headers=None, http_method="POST"):
        if fields is None:
            fields = {}
            for name, value in (("Module", module), ("Method", method)):
                if value is not None:
                    fields[name] = value
            if params is not None:
                fields["Parameters"] = params if isinstance(params, str) else json.dumps(params)
        headers = dict(headers or {})
        if token is ADMIN:
            token = self.admin_token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if multipart:
            body, headers["Content-Type"] = _multipart(fields)
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.http(http_method, query, body, headers)

    def api(self, module, method, params=None, token=ADMIN):
        answer = self.call(module, method, params, token)
        try:
            return answer.json()
        except ValueError:
            raise AssertionError(f"{module}.{method}: HTTP {answer.status}, not JSON: {answer.body[:200]!r}") from None

    def add_server(self, name, **fields):
        """The id of a new mail server ``name`` on mail.<name>.example for <name>.example; ``fields`` override."""
        params = dict(Name=name, IncomingServer=f"mail.{name}.example", IncomingPort=143, IncomingUseSsl=False,
                      OutgoingServer=f"mail.{name}.example", OutgoingPort=25, OutgoingUseSsl=False, SmtpAuthType="2",
                      Domains=f"{name}.example")
        params.update(fields)
        answer = self.api("Mail", "CreateServer", params)
        assert answer.get("Result"), answer
        return answer["Result"]

    def login(self, login=None, password=None):
        credentials = {"Login": self.admin_login if login is None else login,
                       "Password": self.admin_password if password is None else password}
        answer = self.api("AdminAuth", "LoginAsSuperadmin", credentials, token=None)
        if answer.get("ErrorCode") in (113, 114):  # Aurora 8: the super-admin logs in through Core
            answer = self.api("Core", "Login", credentials, token=None)
        if "Result" not in answer:
            raise AssertionError(f"login failed: {answer}")
        return answer["Result"]["AuthToken"]

    @property
    def admin_token(self):
        if self._admin_token is None:
            self._admin_token = self.login()
        return self._admin_token

    # ---- control endpoints

    def control(self, http_method, path, payload=None):
        """A /_emulator/ request on the host side (reachable during web-server outages); the HttpAnswer whatever
        its status."""
        body = json.dumps(payload).encode() if payload is not None else b""
        return self.http(http_method, "_emulator/" + path, body, {"Content-Type": "application/json"},
                         base_url=self.host_url)

    def _control_ok(self, http_method, path, payload=None):
        answer = self.control(http_method, path, payload)
        if answer.status != 200:
            raise AssertionError(f"{http_method} /_emulator/{path}: HTTP {answer.status} {answer.text}")
        return answer.json()

    def reset(self):
        self._control_ok("POST", "reset")

    def state(self):
        return self._control_ok("GET", "state")

    def settings(self, changes=None):
        if changes is None:
            return self._control_ok("GET", "settings")
        return self._control_ok("POST", "settings", changes)

    def settings_files(self, files=None):
        if files is None:
            return self._control_ok("GET", "settings/files")["files"]
        return self._control_ok("POST", "settings/files", files)["files"]

    def settings_race(self, file, writers=2, at="save", seconds=10):
        return self._control_ok("POST", "settings/race", {"file": file, "writers": writers, "at": at,
                                                          "seconds": seconds})["races"]

    def settings_races(self):
        return self._control_ok("GET", "settings/race")["races"]

    def calls(self):
        return self._control_ok("GET", "calls")

    def calls_clear(self):
        self._control_ok("POST", "calls/clear")

    def faults(self, rules):
        return self._control_ok("POST", "faults", rules)

    def faults_clear(self):
        self._control_ok("DELETE", "faults")

    def fault_rules(self):
        return self._control_ok("GET", "faults")

    def gate(self, call, count, bound):
        """A "hold" gate: the first ``count`` calls of ``call`` wait until all of them are held, then go together.

        Its rule is used up (gone from fault_rules()) when the ``count``-th call arrives, which opens the gate;
        ``bound`` (seconds) lets the held calls go if that never happens. Returns the rule's id.
        """
        rules = self.faults({"call": call, "fault": "hold", "release_at": count, "times": count, "seconds": bound})
        return max(rule["id"] for rule in rules)

    def contention(self, probability=None, seed=None, window_ms=None):
        changes = {name: value for name, value in
                   (("probability", probability), ("seed", seed), ("window_ms", window_ms)) if value is not None}
        return self._control_ok("POST", "faults/contention", changes)

    def contention_state(self):
        return self._control_ok("GET", "faults/contention")

    def imap_routes(self, routes=None):
        if routes is None:
            return self._control_ok("GET", "imap-routes")
        return self._control_ok("POST", "imap-routes", routes)

    def outages(self):
        return self._control_ok("GET", "outages")

    def wait_outages_over(self, limit=30):
        """Return once no outage window is open (they end by time); AssertionError after ``limit`` seconds."""
        deadline = time.monotonic() + limit
        while any(outage["active"] for outage in self.outages().values()):
            if time.monotonic() > deadline:
                raise AssertionError(f"an outage is still open after {limit} s")
            time.sleep(IDLE_POLL_SECONDS)

    def revoke_tokens(self):
        self._control_ok("POST", "revoke-tokens")

    def php_entry(self):
        return self._control_ok("GET", "php")

    def wait_idle(self, limit=30):
        """Return once the emulator serves no API request; AssertionError after ``limit`` seconds."""
        deadline = time.monotonic() + limit
        while self._control_ok("GET", "in-flight")["in_flight"]:
            if time.monotonic() > deadline:
                raise AssertionError(f"the emulator still serves API requests after {limit} s")
            time.sleep(IDLE_POLL_SECONDS)

    def held(self):
        return self._control_ok("GET", "held")["held"]

    def release(self, drop=False):
        self._control_ok("POST", "release", {"drop": drop})

    def wait_held(self, count, limit=30, alive=None):
        """True once ``count`` calls are held; False when ``alive()`` turns false first; AssertionError after ``limit`` s."""
        deadline = time.monotonic() + limit
        while self.held() < count:
            if alive is not None and not alive():
                return self.held() >= count
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} held API calls expected within {limit} s, {self.held()} held")
            time.sleep(IDLE_POLL_SECONDS)
        return True


@pytest.fixture(scope="session")
def emulator_session():
    with Emulator(admin_password="emulator-admin-pw") as emulator:
        yield emulator


@pytest.fixture
def emulator(emulator_session):
    emulator_session.reset()
    return emulator_session


@pytest.fixture(scope="session")
def corporate_emulator_session():
    with Emulator(admin_password="emulator-admin-pw", profile="corporate") as emulator:
        yield emulator


@pytest.fixture
def corporate_emulator(corporate_emulator_session):
    corporate_emulator_session.reset()
    return corporate_emulator_session


@pytest.fixture
def imap_stub():
    with ImapStub() as stub:
        yield stub


@pytest.fixture(params=["web", "php"])
def through(request, fake_aurora):
    """``through(emulator)``: None for the web API, or for the PHP transport the aurora_path of a fake Aurora wired to
    ``emulator``; a test that uses it runs once with each transport (``module_task(emulator, name, through(emulator))``)."""
    paths = {}

    def path_for(emulator):
        if request.param == "web":
            return None
        if id(emulator) not in paths:
            paths[id(emulator)] = fake_aurora(emulator)
        return paths[id(emulator)]

    return path_for


@pytest.fixture
def through_task(through):
    """``through_task(emulator, name)``: the module ``name`` (tests.helpers.module_runner.module_task) on ``emulator``,
    once through each transport."""
    from tests.helpers.module_runner import module_task  # the runner imports the collection, set up by conftest
    return lambda emulator, name: module_task(emulator, name, through(emulator))


@pytest.fixture
def fake_aurora(tmp_path_factory):
    def make(emulator, version="9.8.5"):
        if shutil.which("php") is None:
            pytest.fail("php is not installed: `make venv` installs Debian's php-cli (or: apt-get install php-cli)")
        return make_fake_aurora(emulator, tmp_path_factory.mktemp("fake-aurora"), version)

    return make
