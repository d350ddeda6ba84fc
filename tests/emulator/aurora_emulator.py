"""Command line of the Aurora emulator, the package ``aurora`` beside this file (its __init__ says what it is).

    python3 tests/emulator/aurora_emulator.py --host 127.0.0.1 --port 0 \
        [--admin-login superadmin] [--admin-password PW] [--latency-ms N] \
        [--deadlock-probability P] [--seed N] [--write-window-ms W] \
        [--profile lite|corporate|multi-accounts] [--host-side-port N]

The first stdout line is ``listening on http://HOST:PORT/`` (the web API), the second ``host side on
http://HOST:PORT/`` (control endpoints and in-process calls, which a web-server outage does not reach:
aurora/server.py); it then serves until SIGTERM/SIGINT.
"""
import sys

if __package__:  # imported as tests.emulator.aurora_emulator
    from .aurora.cli import main
else:  # run as a script: this file's folder is sys.path[0]
    from aurora.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
