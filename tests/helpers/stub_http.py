"""A scripted HTTP(S) server for client tests that need to see raw requests or send odd answers."""

import http.server
import json
import os
import ssl
import subprocess
import threading
import urllib.parse


class BackgroundServer:
    """An HTTP(S) server on a free port of 127.0.0.1 with ``handler``, serving in a thread inside a with block."""

    def __init__(self, handler, tls_cert=None):
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        scheme = 'http'
        if tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls_cert)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = 'https'
        self.url = '%s://127.0.0.1:%d/' % (scheme, self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class StubServer(BackgroundServer):
    """Answers every POST with ``responder(request) -> (status, headers, body)`` and records the requests."""

    def __init__(self, responder, tls_cert=None):
        self.requests = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                raw = self.rfile.read(length).decode()
                request = {
                    'path': self.path,
                    'headers': dict(self.headers.items()),
                    'form': dict(urllib.parse.parse_qsl(raw, keep_blank_values=True)),
                }
                stub.requests.append(request)
                status, headers, body = responder(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(Handler, tls_cert)


def aurora_answer(result, set_cookie=False):
    """A success envelope as Aurora 9 sends it."""
    headers = {'Content-Type': 'application/json; charset=utf-8'}
    if set_cookie:
        headers['Set-Cookie'] = 'AuthToken=from-cookie; Path=/'
    body = {'AuthenticatedUserId': -1, '@Time': '0.0100', 'Module': 'Core', 'Method': 'X', 'Result': result,
            'SubscriptionsResult': None}
    return 200, headers, json.dumps(body).encode()


def self_signed_certificate(directory):
    """(cert, key) paths of a fresh self-signed certificate for 127.0.0.1, made with the openssl command."""
    cert = os.path.join(directory, 'cert.pem')
    key = os.path.join(directory, 'key.pem')
    subprocess.run(
        ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
         '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
        check=True, capture_output=True)
    return cert, key
