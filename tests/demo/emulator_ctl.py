"""Start the bundled Aurora emulator in the background, or stop it again; for `make demo` and molecule.

    python3 tests/demo/emulator_ctl.py start DIR [--admin-password PW] [--no-imap-check] [--profile NAME]
        starts the emulator in the background (as the product PROFILE, default lite) and prints its base URL
    python3 tests/demo/emulator_ctl.py stop DIR
        stops the emulator started with DIR
    python3 tests/demo/emulator_ctl.py fake-aurora DIR
        makes DIR/fake-aurora, a fake Aurora install wired to the emulator started with DIR (tests/php/fake-aurora,
        tests/emulator/fake_aurora.py), for the PHP transport (aurora_path), and prints its path

DIR keeps the emulator's files: ``url`` (its base URL), ``host_url`` (its host side), ``pid`` and ``emulator.log``.
``--no-imap-check`` turns off Aurora's IMAP login on account creation (Mail.DoImapLoginOnAccountCreate), which is on by
default as in Aurora: the example mail hosts (mail.mydomain.com, ...) do not exist, so no mailbox could be checked.
Standard library only; stops only the process whose id it wrote, and only if that process is still the emulator.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO_ROOT)
from tests.emulator.fake_aurora import make_fake_aurora  # noqa: E402  (the checkout's, found through REPO_ROOT)

EMULATOR = os.path.join(REPO_ROOT, 'tests', 'emulator', 'aurora_emulator.py')
START_TIMEOUT = 15
STOP_TIMEOUT = 10


def _read(path):
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return ''


def _is_emulator(pid):
    """True while ``pid`` is a live process running aurora_emulator.py (and not a reused id)."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            cmdline = handle.read().decode('utf-8', 'replace')
    except OSError:
        return False
    return 'aurora_emulator.py' in cmdline and '\0' in cmdline


def _control(url, path, payload=None):
    """POST a JSON payload to one of the emulator's /_emulator/ endpoints (GET without one), without any proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url + '_emulator/' + path, data=data, headers={'Content-Type': 'application/json'},
                                     method='GET' if payload is None else 'POST')
    with opener.open(request, timeout=10) as answer:
        return json.loads(answer.read())


class _HostSide:
    """The host side of a running emulator, as make_fake_aurora() reads it."""

    def __init__(self, host_url):
        self.host_url = host_url

    def php_entry(self):
        return _control(self.host_url, 'php')

    def settings_files(self):
        return _control(self.host_url, 'settings/files')['files']


def start(directory, admin_login, admin_password, imap_check, profile='lite'):
    os.makedirs(directory, exist_ok=True)
    pid_file, url_file = os.path.join(directory, 'pid'), os.path.join(directory, 'url')
    old = _read(pid_file)
    if old.isdigit() and _is_emulator(int(old)):
        sys.exit('an emulator started with %s is still running (pid %s); stop it first' % (directory, old))
    log_path = os.path.join(directory, 'emulator.log')
    with open(log_path, 'w') as log:
        process = subprocess.Popen(
            [sys.executable, EMULATOR, '--host', '127.0.0.1', '--port', '0',
             '--admin-login', admin_login, '--admin-password', admin_password, '--profile', profile],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    with open(pid_file, 'w') as handle:
        handle.write('%d\n' % process.pid)
    deadline = time.monotonic() + START_TIMEOUT
    url = host_url = ''
    while time.monotonic() < deadline and process.poll() is None:
        lines = _read(log_path).split('\n')
        if lines[0].startswith('listening on ') and len(lines) > 1 and lines[1].startswith('host side on '):
            url = lines[0][len('listening on '):].strip()
            host_url = lines[1][len('host side on '):].strip()
            break
        time.sleep(0.05)
    if not url:
        stop(directory)
        sys.exit('the Aurora emulator did not start; its output: %r' % _read(log_path))
    if not imap_check:
        _control(url, 'settings', {'Mail': {'DoImapLoginOnAccountCreate': False}})
    with open(os.path.join(directory, 'host_url'), 'w') as handle:
        handle.write(host_url + '\n')
    with open(url_file, 'w') as handle:
        handle.write(url + '\n')
    print(url)


def fake_aurora(directory):
    """A fake Aurora install in DIR/fake-aurora, wired to the emulator started with DIR (made anew each time)."""
    host_url = _read(os.path.join(directory, 'host_url'))
    if not host_url:
        sys.exit('no emulator was started with %s' % directory)
    folder = Path(directory) / 'fake-aurora'
    shutil.rmtree(folder, ignore_errors=True)
    print(make_fake_aurora(_HostSide(host_url), folder))


def stop(directory):
    pid_file = os.path.join(directory, 'pid')
    text = _read(pid_file)
    if not text.isdigit():
        print('no emulator was started with %s' % directory)
        return
    pid = int(text)
    if _is_emulator(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while _is_emulator(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _is_emulator(pid):
            os.kill(pid, signal.SIGKILL)
        print('stopped the Aurora emulator (pid %d)' % pid)
    else:
        print('the Aurora emulator (pid %d) had already stopped' % pid)
    for name in ('pid', 'url', 'host_url'):
        try:
            os.remove(os.path.join(directory, name))
        except OSError:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    commands = parser.add_subparsers(dest='command', required=True)
    start_parser = commands.add_parser('start', help='start an emulator and print its URL')
    start_parser.add_argument('directory')
    start_parser.add_argument('--admin-login', default='superadmin')
    start_parser.add_argument('--admin-password', default='')
    start_parser.add_argument('--no-imap-check', action='store_true',
                              help="turn off Aurora's IMAP login on account creation")
    start_parser.add_argument('--profile', default='lite',
                              help='the product to answer as: lite, corporate or multi-accounts')
    stop_parser = commands.add_parser('stop', help='stop the emulator started with the same directory')
    stop_parser.add_argument('directory')
    fake_parser = commands.add_parser('fake-aurora', help='make a fake Aurora install wired to that emulator')
    fake_parser.add_argument('directory')
    args = parser.parse_args(argv)
    if args.command == 'start':
        start(args.directory, args.admin_login, args.admin_password, imap_check=not args.no_imap_check,
              profile=args.profile)
    elif args.command == 'fake-aurora':
        fake_aurora(args.directory)
    else:
        stop(args.directory)


if __name__ == '__main__':
    main()
