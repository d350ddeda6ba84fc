"""The IMAP LOGIN Aurora makes before it saves an account or logs a mail user in, and where the emulator connects.

The LOGIN goes to the server's IncomingServer and IncomingPort unless the IMAP routes (test wiring, set through
POST /_emulator/imap-routes) send it elsewhere: {"HOST:PORT": "HOST:PORT"} connects to the second address instead,
{"HOST:PORT": null} cannot connect (as an unresolvable host does: 4001), and the key "*" stands for every address
without a route of its own.  Answers still name the server's own host and port.  So a test can give a recorded
server address (e.g. 127.0.0.1:10143) its own IMAP stand-in, and leave nothing to whatever else runs on the machine.
"""
import imaplib
import re
import ssl

from .errors import ApiError


IMAP_TIMEOUT_SECONDS = 10


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


def split_address(text):
    """("host", port) of "host:port"; ValueError when it is not one."""
    host, colon, port = text.rpartition(":") if isinstance(text, str) else ("", "", "")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} is not HOST:PORT")
    return host, int(port)


class ImapRoutes:
    """Where the emulator connects for an IMAP host and port (test wiring, not Aurora's: the module docstring)."""

    def __init__(self):
        self.routes = {}

    def replace(self, routes):
        """Use exactly ``routes`` ({"HOST:PORT" or "*": "HOST:PORT" or None}); ValueError leaves them unchanged."""
        if not isinstance(routes, dict):
            raise ValueError("IMAP routes must be a JSON object of \"HOST:PORT\" (or \"*\"): \"HOST:PORT\" or null")
        for source, target in routes.items():
            if source != "*":
                split_address(source)
            if target is not None:
                split_address(target)
        self.routes = dict(routes)

    def address(self, host, port):
        """(host, port) to connect to for the server's ``host`` and ``port``, or None: it cannot be connected to."""
        key = f"{host}:{port}"
        if key not in self.routes and "*" not in self.routes:
            return host, port
        target = self.routes[key] if key in self.routes else self.routes["*"]
        return None if target is None else split_address(target)


def _connect(address, use_ssl):
    host, port = address
    if use_ssl:
        return imaplib.IMAP4_SSL(host, port, ssl_context=_lenient_tls(), timeout=IMAP_TIMEOUT_SECONDS)
    return imaplib.IMAP4(host, port, timeout=IMAP_TIMEOUT_SECONDS)


def imap_login(routes, server, login, password):
    """LOGIN on the IMAP server of ``server`` (a row) as Aurora does before saving; raise 4001/4002 on failure."""
    host, port, use_ssl = server["IncomingServer"], server["IncomingPort"], server["IncomingUseSsl"]
    connect_error = ApiError(4001, f'Can\'t connect to host "{"ssl" if use_ssl else "tcp"}://{host}:{port}"')
    # inferred: "tcp://:143" cannot be connected to (Python would pick localhost)
    address = routes.address(host, port) if host else None
    if address is None:
        raise connect_error
    try:
        client = _connect(address, use_ssl)
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
