"""The HTTP layer: routes, form fields, tokens from headers and cookies, faults, answers."""
import json
import socket
import struct
import time
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .control import ControlApi


HTML_FATAL_PAGE = (
    b"<br />\n<b>Fatal error</b>:  Uncaught Error: Call to a member function toResponseArray() on null in "
    b"/var/www/webmail/vendor/afterlogic/aurora-framework/src/Managers/Response.php:88\n"
    b"Stack trace:\n#0 {main}\n  thrown in <b>/var/www/webmail/vendor/afterlogic/aurora-framework/src/Managers/"
    b"Response.php</b> on line <b>88</b><br />\n"
)
# The in-process entry: the fake Aurora framework of the PHP bridge's tests sends the emulator's key in this header.
PHP_KEY_HEADER = "X-Emulator-Php-Key"
# inferred: any non-API route of index.php renders the web client page.
WEBCLIENT_PAGE = (b"<!DOCTYPE html><html><head><title>Afterlogic WebMail Lite</title></head>"
                  b"<body><div id=\"auroraContent\"></div></body></html>")


def route_name(query):
    """Aurora Router: the first '/'-item of the query string, trimmed, cut at '&' and '=', lower-cased."""
    item = query.split("&", 1)[0].strip(" /").split("/", 1)[0]
    return item.split("=", 1)[0].strip().lower()


def parse_form(content_type, body):
    """PHP's $_POST: url-encoded or multipart form fields (files ignored); other bodies give nothing."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if media_type == "multipart/form-data":
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
        if not message.is_multipart():
            return {}
        return {part.get_param("name", header="content-disposition"):
                (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
                for part in message.iter_parts()
                if part.get_filename() is None and part.get_param("name", header="content-disposition")}
    return {}


def bearer_token(authorization):
    scheme, dummy, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def cookie_token(cookie_header):
    for item in (cookie_header or "").split(";"):
        name, dummy, value = item.strip().partition("=")
        if name == "AuthToken":
            return value
    return None


class AuroraRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the client's delayed ACK.
    disable_nagle_algorithm = True
    server_version = "Apache"
    sys_version = ""
    timeout = 120

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests read stdout, not an access log
        pass

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    @property
    def emulator(self):
        return self.server.emulator

    def dispatch(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/_emulator"):
            status, answer = self.server.control.handle(self.command, url.path, body)
            self.send(status, json.dumps(answer).encode(), "application/json")
        elif url.path not in ("/", "/index.php"):  # inferred: index.php is the base path's script
            self.send(404, b"<h1>Not Found</h1>", "text/html; charset=iso-8859-1")
        elif route_name(url.query) != "api":
            self.send(200, WEBCLIENT_PAGE, "text/html; charset=UTF-8")
        else:
            self.api(body)

    def api(self, body):
        with self.emulator.lock:
            self.emulator.in_flight += 1
        try:
            self.serve_api(body)
        finally:
            with self.emulator.lock:
                self.emulator.in_flight -= 1

    def serve_api(self, body):
        fields = parse_form(self.headers.get("Content-Type", ""), body) if self.command == "POST" else {}
        header_token = bearer_token(self.headers.get("Authorization"))
        cookie = cookie_token(self.headers.get("Cookie"))
        in_process = self.emulator.is_php_key(self.headers.get(PHP_KEY_HEADER))
        if in_process:
            token = None  # Aurora's PHP API on the host: no token, the super-administrator (Api::Init(true))
        elif self.emulator.settings("System", "AuroraMajor") == 8:
            token = header_token or cookie
        else:
            token = cookie or header_token  # framework >= 0.10.135: the cookie wins over the header
        self.emulator.log_call(fields, token, in_process)
        call_name = f"{fields.get('Module')}.{fields.get('Method')}"
        fault = self.emulator.take_fault(call_name, "before")
        if fault and self.apply_fault(fault, in_process):
            return
        time.sleep(self.emulator.latency)
        answer = self.emulator.api(fields, token, self.client_address[0],
                                   web_client=self.headers.get("X-Client") == "WebClient",
                                   deadlock=bool(fault) and fault["fault"] == "deadlock", in_process=in_process)
        fault = self.emulator.take_fault(call_name, "after")
        if fault and self.apply_fault(fault, in_process):
            return
        headers = {"Set-Cookie": answer.cookie} if answer.cookie else {}
        self.send(answer.status, answer.body, answer.content_type, headers)

    def apply_fault(self, fault, in_process=False):
        """Apply a fault; True when it replaced the answer, False when the answer still follows."""
        kind = fault["fault"]
        if kind == "php-kill" and in_process:
            # The fake Aurora framework kills its own php process when it reads this (tests/php/fake-aurora).
            self.send(200, b'{"@Kill":true}', "application/json; charset=utf-8")
            return True
        if kind == "deadlock":
            return False  # it strikes at the call's first write (Call.transaction)
        if kind == "delay":
            time.sleep(fault["seconds"])
            return False
        if kind == "hold":
            if not self.emulator.holds.hold(fault):
                return False
            self.close_connection = True  # dropped: the client never gets an answer
            return True
        if kind == "revoke":
            with self.emulator.lock:
                self.emulator.tokens.revoke_all()
            return False
        if kind in ("reset", "php-kill"):  # a web call's PHP worker killed: the connection ends with no answer
            self.reset_connection()
        elif kind == "http500":
            self.send(500, b"", "text/html; charset=UTF-8")
        elif kind == "empty":
            self.send(200, b"", "text/html; charset=UTF-8")
        else:
            self.send(200, HTML_FATAL_PAGE, "text/html; charset=UTF-8")
        return True

    def reset_connection(self):
        """Close the TCP connection with an RST and no answer at all."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # drops the makefile() reference so that close() really closes
        self.connection.close()

    def send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, emulator):
        super().__init__(address, AuroraRequestHandler)
        self.emulator = emulator
        self.control = ControlApi(emulator)
