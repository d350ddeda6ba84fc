"""The HTTP layer: routes, form fields, tokens from headers and cookies, faults, answers, on two sides.

The emulator listens on two ports.  The web side is Aurora's web server: the web API (and, for convenience, the
control endpoints), and the port a "web-down" outage closes.  The host side stands for the Aurora host itself: the
control endpoints and the in-process entry of the PHP bridge (tests/php/fake-aurora), which no web-server outage
reaches; it answers nothing else.
"""
import json
import select
import socket
import socketserver
import struct
import threading
import time
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .control import ControlApi
from .faults import OUTAGE_FAULTS


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

    def handle_one_request(self):
        if not self.server.connections.wait_for_request(self.connection):
            self.close_connection = True  # the web server went down while this connection was busy
            return
        super().handle_one_request()

    def parse_request(self):
        self.server.connections.serving(self.connection)  # a request line came: no longer idle
        return super().parse_request()

    def finish(self):
        self.server.connections.serving(self.connection)
        super().finish()

    def dispatch(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/_emulator"):
            status, answer = self.server.control.handle(self.command, url.path, body)
            self.send(status, json.dumps(answer).encode(), "application/json")
        elif self.server.host_side and not self.emulator.is_php_key(self.headers.get(PHP_KEY_HEADER)):
            self.send(404, json.dumps({"error": "the host side serves the control endpoints and in-process calls "
                                                "only"}).encode(), "application/json")
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
        logged = self.emulator.log_call(fields, token, in_process)
        call_name = f"{fields.get('Module')}.{fields.get('Method')}"
        fault = self.emulator.take_fault(call_name, "before")
        if fault and self.apply_fault(fault, in_process):
            return
        time.sleep(self.emulator.latency)
        answer = self.emulator.api(fields, token, self.client_address[0],
                                   web_client=self.headers.get("X-Client") == "WebClient",
                                   deadlock=bool(fault) and fault["fault"] == "deadlock", in_process=in_process,
                                   base_url=f"http://{self.headers.get('Host', '')}/", logged=logged)
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
        if kind in OUTAGE_FAULTS:
            self.emulator.outages.open(kind, fault["seconds"])
            if kind == "web-down":
                self.close_connection = True  # its answer is the last this connection carries
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
        if self.close_connection:
            self.send_header("Connection", "close")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class Connections:
    """The open connections of a server that wait for their next request, to close them when it goes down."""

    def __init__(self):
        self._lock = threading.Lock()
        self._idle = set()
        self._down = False

    def wait_for_request(self, connection):
        """Note ``connection`` as idle; False when the server is down and the connection is to be closed."""
        with self._lock:
            if not self._down:
                self._idle.add(connection)
            return not self._down

    def serving(self, connection):
        with self._lock:
            self._idle.discard(connection)

    def go_down(self):
        """Close every idle connection (its handler's read ends); busy ones close after their answer."""
        with self._lock:
            self._down = True
            idle, self._idle = self._idle, set()
        for connection in idle:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # the client closed it meanwhile

    def go_up(self):
        with self._lock:
            self._down = False


class EmulatorServer(ThreadingHTTPServer):
    """One side of the emulator (the module docstring); the web side stops listening during "web-down" outages."""

    daemon_threads = True
    allow_reuse_address = True
    poll_seconds = 0.05

    def __init__(self, address, emulator, host_side=False):
        super().__init__(address, AuroraRequestHandler)
        self.emulator = emulator
        self.host_side = host_side
        self.control = ControlApi(emulator)
        self.connections = Connections()
        self._listen_lock = threading.Lock()  # held while the serve loop waits for and accepts a connection
        self._listening = True
        if not host_side:
            emulator.outages.on_open("web-down", self.stop_listening)

    def serve_forever(self, poll_interval=None):
        """Serve until interrupted; the web side closes its listening socket during "web-down" outages."""
        poll_interval = poll_interval or self.poll_seconds
        if self.host_side:
            super().serve_forever(poll_interval)
            return
        outages = self.emulator.outages
        while True:
            outages.wait_due("web-down")
            with self._listen_lock:
                if not self._listening:
                    if not outages.due("web-down"):
                        continue  # another window opened meanwhile
                    self.listen_again()
                    outages.end("web-down")
                ready, dummy, dummy = select.select([self.socket], [], [], poll_interval)
                if ready:
                    self.accept_one()

    def accept_one(self):
        try:
            request, client_address = self.get_request()
        except OSError:
            return
        if self.verify_request(request, client_address):
            self.process_request(request, client_address)  # ThreadingMixIn: a thread per connection
        else:
            self.shutdown_request(request)

    def stop_listening(self):
        """Close the listening socket, so connections are refused, and the idle connections."""
        with self._listen_lock:
            if self._listening:
                self._listening = False
                self.socket.close()
        self.connections.go_down()

    def listen_again(self):
        """A new listening socket on the same address (called holding the listen lock)."""
        while True:
            self.socket = socket.socket(self.address_family, self.socket_type)
            try:
                socketserver.TCPServer.server_bind(self)  # not HTTPServer's: no name lookup again
                self.server_activate()
                break
            except OSError:
                self.socket.close()  # the port is still busy: try again shortly
                time.sleep(self.poll_seconds)
        self._listening = True
        self.connections.go_up()
