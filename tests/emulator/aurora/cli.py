"""The command line: start an emulator, print where it listens, serve until SIGTERM or SIGINT.

stdout: ``listening on http://HOST:PORT/`` (the web side), then ``host side on http://HOST:PORT/`` (server.py).
"""
import argparse
import signal
import threading

from .contention import check_contention
from .emulator import Emulator
from .profiles import PROFILES
from .server import EmulatorServer

DESCRIPTION = "Emulator of the Afterlogic Aurora web API (WebMail Lite 9.8.5 / Aurora 0.10.x) for tests."


def _stop(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host-side-port", type=int, default=0,
                        help="the port of the host side: control endpoints and in-process calls (server.py)")
    parser.add_argument("--admin-login", default="superadmin")
    parser.add_argument("--admin-password", default="")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--deadlock-probability", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-window-ms", type=int, default=2)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="lite",
                        help="the product to answer as (profiles.py): lite (WebMail Lite), corporate (MailDomains, "
                             "multi-tenancy and groups) or multi-accounts (corporate with MailMultiAccountsPlugin)")
    args = parser.parse_args(argv)
    if args.latency_ms < 0:
        parser.error("--latency-ms must not be negative")
    try:
        check_contention({"probability": args.deadlock_probability, "seed": args.seed,
                          "window_ms": args.write_window_ms})
    except ValueError as error:
        parser.error(f"contention: {error}")
    emulator = Emulator(args.admin_login, args.admin_password, args.latency_ms, args.deadlock_probability,
                        args.seed, args.write_window_ms, args.profile)
    server = EmulatorServer((args.host, args.port), emulator)
    host_side = EmulatorServer((args.host, args.host_side_port), emulator, host_side=True)
    print(f"listening on {url(server)}", flush=True)
    print(f"host side on {url(host_side)}", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    threading.Thread(target=host_side.serve_forever, name="host-side", daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        host_side.server_close()
    return 0


def url(server):
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"
