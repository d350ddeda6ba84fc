"""Fault rules: which API calls are spoiled, how, and when (added and cleared through control.py).

A rule: {"call": "Module.Method" or "*", "fault": KIND, "when": "before" | "after", "times": N, "seconds": S}, and
optionally "skip": N and "release_at": N.  "before" replaces the call (it is not executed), "after" executes it and
then spoils the answer (a committed write whose answer is lost).  "times" (default 1) is how many calls the rule
strikes before it is used up.  Faults never strike the control endpoints, and strike before any latency.

KIND:
  "http500"   HTTP 500 with an empty body
  "empty"     HTTP 200 with an empty body
  "html"      HTTP 200 with a PHP fatal error page
  "reset"     TCP reset, no answer
  "delay"     wait S seconds, then go on: before = the call runs late, after = the answer comes late
  "revoke"    revoke every token issued so far, then go on: before = the call itself answers 101, after = the calls
              that follow do
  "hold"      wait until POST /_emulator/release, or until "release_at" calls of this rule are held at once (a gate
              that makes them race), or until S seconds when S > 0; then go on (holds.py)
  "deadlock"  ("before" only) the call runs until its first database write and fails there as a deadlock victim:
              nothing written, HTTP 200, ``Result: false`` without ErrorCode, counted in the contention's
              "deadlocks"; a call that reaches no write is answered normally (contention.py)
  "php-kill"  the php process dies: an in-process call of the fake Aurora framework (tests/php/fake-aurora) gets
              {"@Kill": true} and the fake kills its own php process (SIGKILL); a web call is reset as with "reset".
              "after" = the call ran (a committed write whose answer is lost)
  "db-down"   Aurora's database is gone for S seconds (> 0) from this call on: every call that starts meanwhile
              answers as Aurora does then (HTTP 200, empty lists, Result false, 103 or 2002), and changes nothing;
              before = this call is the first one in the outage, after = it is the last one before (outage.py)
  "web-down"  ("after" only, its default) this call is answered, then the web server refuses connections for S
              seconds (> 0): the listening socket is closed and reopened (outage.py)

"db-down" and "web-down" strike once ("times" 1), and their window ends by time, not by a count of calls.

"skip": N lets the first N matching calls through untouched (e.g. {"call": "*", "fault": "hold", "skip": 41,
"times": 1000000} holds every call from the 42nd on: a kill point counted in calls, not in seconds).
"""
import itertools

from .php import is_php_int


OUTAGE_FAULTS = ("db-down", "web-down")
FAULT_KINDS = ("http500", "empty", "html", "reset", "delay", "revoke", "hold", "deadlock", "php-kill") + OUTAGE_FAULTS


def check_fault_rule(rule):
    if not isinstance(rule, dict):
        raise ValueError("a fault rule must be a JSON object")
    unknown = set(rule) - {"call", "fault", "seconds", "when", "times", "skip", "release_at"}
    if unknown:
        raise ValueError(f"unknown fault rule keys: {sorted(unknown)}")
    checked = {"call": rule.get("call", "*"), "fault": rule.get("fault"), "seconds": rule.get("seconds", 0),
               "when": rule.get("when", "after" if rule.get("fault") == "web-down" else "before"),
               "times": rule.get("times", 1)}
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
    if checked["fault"] in OUTAGE_FAULTS:
        check_outage_rule(checked)
    checked["skip"] = rule.get("skip", 0)
    if not is_php_int(checked["skip"]) or checked["skip"] < 0:
        raise ValueError("skip must be a non-negative integer")
    if "release_at" in rule:
        if checked["fault"] != "hold" or not is_php_int(rule["release_at"]) or rule["release_at"] < 1:
            raise ValueError("release_at is a positive integer, for hold faults only")
        checked["release_at"] = rule["release_at"]
    return checked


def check_outage_rule(checked):
    if checked["seconds"] <= 0:
        raise ValueError("an outage lasts some time: seconds must be above 0")
    if checked["times"] != 1:
        raise ValueError("an outage fault strikes once: times must be 1")
    if checked["fault"] == "web-down" and checked["when"] != "after":
        raise ValueError("the web server goes down once its call is answered: when must be 'after'")


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
