"""A tiny IMAP4rev1 responder for tests (standard library only).

It greets, answers CAPABILITY, LOGIN (checked against a dict of users), LOGOUT and NOOP,
and BAD to anything else.  Every LOGIN attempt is recorded in ``attempts`` as
``(login, password, accepted)``.

    stub = ImapStub(users={"alice@example.test": "secret"}).start()
    ... stub.port ...
    stub.stop()

As a program:  python3 tests/emulator/imap_stub.py --port 0 --user a@b:pw ...
prints ``listening on HOST:PORT`` and serves until SIGTERM/SIGINT.
"""
from __future__ import annotations

import argparse
import re
import signal
import socketserver
import sys
import threading

GREETING = "* OK [CAPABILITY IMAP4rev1] IMAP stub ready."
CAPABILITIES = "IMAP4rev1"
LITERAL = re.compile(rb"\{(\d+)(\+?)\}$")


class ProtocolError(Exception):
    """A command line this stub cannot parse."""


class ImapSession(socketserver.StreamRequestHandler):
    """One client connection."""

    def handle(self):
        self.reply(GREETING)
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, dummy, rest = line.rstrip(b"\r\n").partition(b" ")
            command, dummy, arguments = rest.partition(b" ")
            if not tag or not command:
                self.reply("* BAD Error in IMAP command received by server.")
                continue
            if not self.execute(tag.decode("utf-8", "replace"), command.decode("utf-8", "replace").upper(),
                                arguments):
                return

    def execute(self, tag, command, arguments):
        """Answer one command; False when the connection should end."""
        if command == "CAPABILITY":
            self.reply(f"* CAPABILITY {CAPABILITIES}", f"{tag} OK Capability completed.")
        elif command == "NOOP":
            self.reply(f"{tag} OK NOOP completed.")
        elif command == "LOGOUT":
            self.reply("* BYE Logging out", f"{tag} OK Logout completed.")
            return False
        elif command == "LOGIN":
            self.login(tag, arguments)
        else:
            self.reply(f"{tag} BAD Error in IMAP command received by server.")
        return True

    def login(self, tag, arguments):
        try:
            values = self.read_strings(arguments)
        except ProtocolError:
            values = []
        if len(values) != 2:
            self.reply(f"{tag} BAD Error in IMAP command received by server.")
            return
        login, password = values
        accepted = self.server.stub.check(login, password)
        if accepted:
            self.reply(f"{tag} OK [CAPABILITY {CAPABILITIES}] Logged in")
        else:
            self.reply(f"{tag} NO [AUTHENTICATIONFAILED] Authentication failed.")

    def read_strings(self, data):
        """The astring arguments of a command: atoms, quoted strings and literals."""
        values = []
        while True:
            data = data.lstrip(b" ")
            if not data:
                return values
            literal = LITERAL.match(data)
            if literal:
                if not literal.group(2):
                    self.reply("+ Ready for literal data")
                values.append(self.rfile.read(int(literal.group(1))).decode("utf-8", "replace"))
                data = self.rfile.readline().rstrip(b"\r\n")
            elif data.startswith(b'"'):
                match = re.match(rb'"((?:[^"\\]|\\.)*)"', data)
                if not match:
                    raise ProtocolError("unterminated quoted string")
                values.append(re.sub(rb"\\(.)", rb"\1", match.group(1)).decode("utf-8", "replace"))
                data = data[match.end():]
            else:
                atom, dummy, data = data.partition(b" ")
                values.append(atom.decode("utf-8", "replace"))

    def reply(self, *lines):
        self.wfile.write("".join(line + "\r\n" for line in lines).encode("utf-8"))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ImapStub:
    """An IMAP server on a background thread that accepts the given ``users``."""

    def __init__(self, users=None, host="127.0.0.1", port=0):
        self.users = dict(users or {})
        self.host = host
        self.port = port
        self.attempts = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def add_user(self, login, password):
        self.users[login] = password

    def check(self, login, password):
        accepted = login in self.users and self.users[login] == password
        with self._lock:
            self.attempts.append((login, password, accepted))
        return accepted

    def start(self):
        self._server = _Server((self.host, self.port), ImapSession)
        self._server.stub = self
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="imap-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()


def _stop(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description="Tiny IMAP4rev1 stub for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user", action="append", default=[], metavar="LOGIN:PASSWORD",
                        help="an accepted login (repeatable); split at the first ':'")
    args = parser.parse_args(argv)
    if any(":" not in user for user in args.user):
        parser.error("--user takes LOGIN:PASSWORD")
    stub = ImapStub(dict(user.split(":", 1) for user in args.user), args.host, args.port).start()
    print(f"listening on {stub.host}:{stub.port}", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
