"""Test-control endpoints under /_emulator/ (JSON in and out; never subject to faults or latency), on both sides of
the emulator (server.py): the host side serves them during a web-server outage too.

  POST /_emulator/reset            the fresh state of the profile it was started in (profiles.py): database and
                                   settings; no faults/calls/blocks/revocations/IMAP routes, contention as started
  GET|POST /_emulator/settings     read / change settings, e.g. {"Mail": {"DoImapLoginOnAccountCreate": false}};
                                   "System" stands for data/settings/config.json, e.g. {"System":
                                   {"EnableMultiTenant": false}}.  GET: every file's values as Aurora loads them
                                   (a spec key as the API reports it: TimeFormat 1); POST: an operator editing the
                                   files (no .bak): each value of the key's type, a spec key by name ("F12") or
                                   value (1); all or nothing; 400 names a bad one (settings.py).  Also the
                                   emulator's own switches System AuroraMajor and MailMultiAccountsPlugin Enabled
  GET|POST /_emulator/settings/files  the settings files as text, {"files": {path: text}}, paths under
                                   data/settings/ ("config.json", "modules/Mail.config.json", and their ".bak"):
                                   what Aurora wrote, 4-slot arrays.  POST {path: text or null} writes any text (not
                                   JSON too) or deletes the file, as an operator would; the next request reacts as
                                   Aurora does (reads the .bak, or saves the defaults)
  GET|POST /_emulator/settings/race  race gates on settings saves (settings_files.py): POST {"file": path,
                                   "writers": N, "at": "save" | "write", "seconds": bound} makes the next N saves of
                                   that file wait for each other, then write one by one in their order of arrival
                                   ("save": all read the file before any writes, a lost update; "write": all
                                   truncated it before any writes, a torn file); GET {"races": [{"file", "writers",
                                   "at", "arrived", "waiting", "done"}]}.  Reset and DELETE /_emulator/faults
                                   disarm them
  GET  /_emulator/state            every stored object with its stored (unmasked) values
  GET  /_emulator/calls            API calls received since the last reset
  POST /_emulator/calls/clear      forget them
  POST /_emulator/revoke-tokens    every token issued so far becomes invalid
  GET|POST|DELETE /_emulator/faults  list / add / clear fault rules (faults.py; DELETE also restores contention,
                                   ends any outage and disarms the settings race gates)
  GET  /_emulator/outages          {"db-down": {"active": bool, "remaining_ms": N}, "web-down": {...}}: the outage
                                   windows that "db-down" and "web-down" faults opened (outage.py)
  GET  /_emulator/faults/contention {"probability": P, "seed": N, "window_ms": W, "deadlocks": victims so far,
                                   "overlaps": overlapping write pairs so far}
  POST /_emulator/faults/contention  any of {"probability": 0..1, "seed": int, "window_ms": int >= 0}; a seed
                                   re-seeds the generator; bad values: 400.  Reset and DELETE /_emulator/faults
                                   return to the command-line values and zero the counts (contention.py).
  GET|POST /_emulator/imap-routes  read / replace where IMAP logins connect, e.g. {"127.0.0.1:10143":
                                   "127.0.0.1:40123", "*": null} (imap_check.py); bad routes: 400
  GET  /_emulator/in-flight        {"in_flight": N}: API requests received and not yet answered (or dropped)
  GET  /_emulator/held             {"held": N}: API requests that "hold" faults are holding now
  POST /_emulator/release          {"drop": true|false}: end every hold; drop = no answer, and with "before"
                                   the call is not executed (its client is gone), else the call goes on
  GET  /_emulator/php              {"key": K, "modules": {module: {method: [[name] or [name, default], ...]}},
                                   "enums": {class: {name: value}}}: the in-process entry's key (sent in the
                                   X-Emulator-Php-Key header), the PHP signatures of the handlers and the enum
                                   classes of the settings, for the fake Aurora framework (tests/php/fake-aurora)
  POST /_emulator/php/init         the fake's Api::Init: a settings file Aurora cannot read is saved with the
                                   defaults, as any request's start does; answers the entry above with "files":
                                   {path: text} of every settings file, which the fake copies to its data/settings/

An unknown endpoint answers 404, a body that is not JSON or a refused value 400, always as {"error": "..."}.
"""
import copy
import json

from .contention import check_contention


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
            ("GET", "/_emulator/settings/files"): self.get_settings_files,
            ("POST", "/_emulator/settings/files"): self.set_settings_files,
            ("GET", "/_emulator/settings/race"): self.get_races,
            ("POST", "/_emulator/settings/race"): self.add_race,
            ("GET", "/_emulator/state"): self.state,
            ("GET", "/_emulator/calls"): self.calls,
            ("POST", "/_emulator/calls/clear"): self.clear_calls,
            ("POST", "/_emulator/revoke-tokens"): self.revoke_tokens,
            ("GET", "/_emulator/faults"): self.get_faults,
            ("POST", "/_emulator/faults"): self.add_faults,
            ("DELETE", "/_emulator/faults"): self.clear_faults,
            ("GET", "/_emulator/outages"): self.get_outages,
            ("GET", "/_emulator/faults/contention"): self.get_contention,
            ("POST", "/_emulator/faults/contention"): self.set_contention,
            ("GET", "/_emulator/imap-routes"): self.get_imap_routes,
            ("POST", "/_emulator/imap-routes"): self.set_imap_routes,
            ("GET", "/_emulator/in-flight"): self.get_in_flight,
            ("GET", "/_emulator/held"): self.get_held,
            ("POST", "/_emulator/release"): self.release,
            ("GET", "/_emulator/php"): self.php,
            ("POST", "/_emulator/php/init"): self.php_init,
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
        except ValueError as error:  # a value the endpoint refuses (the checks raise ValueError, naming it)
            return 400, {"error": str(error)}

    def reset(self, _payload):
        self.emulator.reset()
        return {"ok": True}

    def get_settings(self, _payload):
        return self.emulator.settings.values

    def set_settings(self, payload):
        self.emulator.settings.update(payload)
        return self.emulator.settings.values

    def get_settings_files(self, _payload):
        return {"files": self.emulator.settings.disk.files}

    def set_settings_files(self, payload):
        if not isinstance(payload, dict):
            raise ControlError(400, "the body must be a JSON object of {path: text or null}")
        self.emulator.settings.disk.write_files(payload)
        return self.get_settings_files(None)

    def get_races(self, _payload):
        return {"races": self.emulator.settings.disk.races()}

    def add_race(self, payload):
        self.emulator.settings.disk.arm(payload)
        return self.get_races(None)

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
        self.emulator.faults.add(payload)
        return self.emulator.faults.rules

    def clear_faults(self, _payload):
        self.emulator.clear_faults()
        return {"ok": True}

    def get_outages(self, _payload):
        return self.emulator.outages.state()

    def get_contention(self, _payload):
        return self.emulator.contention.state()

    def set_contention(self, payload):
        checked = check_contention({} if payload is None else payload)
        self.emulator.contention.configure(checked)
        return self.emulator.contention.state()

    def get_imap_routes(self, _payload):
        return self.emulator.imap_routes.routes

    def set_imap_routes(self, payload):
        self.emulator.imap_routes.replace(payload)
        return self.emulator.imap_routes.routes

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

    def php(self, _payload):
        return self.emulator.php_entry()

    def php_init(self, _payload):
        return self.emulator.php_init()
