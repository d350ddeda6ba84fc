# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The PHP transport: Aurora's own PHP API, called on the Aurora host through a bridge script run by ``php``.

``PhpBridge`` writes the bridge script (``_php_bridge_script``) to a file, starts ``php`` on it once, and exchanges
one JSON line per call over stdin/stdout: the request is the web API's triple (Module, Method, Parameters), the
answer the web API's envelope (``Result``, or ``ErrorCode``/``ErrorMessage``/``Module``), so the client above the
transport stays as it is. Secrets travel only over stdin: never in argv or the environment. Every failure raises
AuroraTransportError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading

try:
    import queue
except ImportError:  # pragma: no cover - Python 2 is not supported, import sanity only
    import Queue as queue

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraTransportError
from ansible_collections.afterlogic.aurora.plugins.module_utils._php_bridge_script import BRIDGE_SOURCE
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings_catalog import is_credential

# Aurora 9 (WebMail Lite 9.x, framework 0.10.x): the framework's composer.json in the public repository names no
# PHP requirement, so this floor is the bridge's own; it goes to the bridge as MinPhpVersion.
MIN_PHP_VERSION = '7.4.0'
STDERR_LINES = 10  # the last lines of php's stderr quoted in an error
EXCERPT = 200  # characters of an unexpected stdout line quoted in an error
MASK = '********'
STOP_SECONDS = 5  # how long close() waits for php to end after its stdin closed, before killing it
SCRIPT_PREFIX = 'aurora_php_bridge_'
# A quoted name, then as JSON or PHP give its value ("Name": "v", "Name": ["v", ..., 'Name' => 'v', 'Name' => array (
# 0 => 'v'), and the value: php's trace of a settings save may quote the whole file, every stored credential in it,
# which no caller knows to list as secrets.
QUOTED_VALUE = re.compile(r"""(["'])([^"'\\\n]{1,100})\1(\s*(?::|=>)\s*(?:\[\s*|array\s*\(\s*(?:0\s*=>\s*)?)?)"""
                          r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def _secret_forms(secrets):
    """The texts to mask: each secret, and the JSON-escaped forms PHP or Python may print of it."""
    forms = set()
    for secret in secrets:
        if not secret or not isinstance(secret, str):
            continue
        forms.add(secret)
        escaped = json.dumps(secret)[1:-1]
        forms.add(escaped)
        forms.add(escaped.replace('/', '\\/'))
        forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    return sorted(forms, key=len, reverse=True)


def _password_values(params):
    """Values of parameters whose name says password: masked even when the caller did not list them."""
    if not isinstance(params, dict):
        return []
    return [value for key, value in params.items() if 'password' in str(key).lower() and isinstance(value, str)]


class _PhpProcess:
    """One running php: its pipes, a thread that queues stdout lines, and one that keeps the last stderr lines."""

    def __init__(self, argv):
        # Not run_command: it waits for the process to end, and this php answers call after call over its pipes.
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # pylint: disable=ansible-bad-function
                                        stderr=subprocess.PIPE, close_fds=True)
        self.lines = queue.Queue()
        self.stderr = collections.deque(maxlen=STDERR_LINES)  # (number, line)
        self.stderr_seen = 0  # stderr lines read so far
        self.stderr_mark = 0  # the number of the first stderr line of the current call
        self.secrets = set()  # every secret sent to this php: its stderr may echo any of them later
        self.stdout_reader = threading.Thread(target=self._read_stdout, name='php-bridge-stdout')
        self.stderr_reader = threading.Thread(target=self._read_stderr, name='php-bridge-stderr')
        for reader in (self.stdout_reader, self.stderr_reader):
            reader.daemon = True
            reader.start()

    @property
    def pid(self):
        return self.process.pid

    def _read_stdout(self):
        try:
            for raw in iter(self.process.stdout.readline, b''):
                self.lines.put(raw.decode('utf-8', 'replace'))
        except (OSError, ValueError):
            pass
        self.lines.put(None)  # end of stdout: php ended or closed it

    def _read_stderr(self):
        try:
            for raw in iter(self.process.stderr.readline, b''):
                line = raw.decode('utf-8', 'replace').rstrip('\r\n')
                if line.strip():
                    self.stderr.append((self.stderr_seen, line))
                    self.stderr_seen += 1
        except (OSError, ValueError):
            pass

    def alive(self):
        return self.process.poll() is None

    def write(self, text):
        self.process.stdin.write(text.encode('utf-8'))
        self.process.stdin.flush()

    def next_line(self, wait):
        """The next stdout line, None at its end; queue.Empty after ``wait`` seconds without one."""
        return self.lines.get(timeout=max(wait, 0.001))

    def stderr_tail(self):
        """The last stderr lines of the current call (once php ended, the reader gets a moment to read its end)."""
        if not self.alive() or self.process.stdin.closed:
            self.stderr_reader.join(STOP_SECONDS)
        return [line for number, line in list(self.stderr) if number >= self.stderr_mark]

    def exit_status(self):
        try:
            return self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, kill=False):
        """End php: close its stdin (the bridge then exits) and wait, or kill it; then reap it and its readers."""
        if not kill:
            try:
                self.process.stdin.close()
            except (OSError, ValueError):
                pass
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                kill = True
        if kill and self.alive():
            self.process.kill()
        self.process.wait()
        for reader in (self.stdout_reader, self.stderr_reader):
            reader.join(STOP_SECONDS)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass


class PhpBridge:
    """Aurora's PHP API through one ``php`` process on the Aurora host, started on the first send().

    ``aurora_path``: the Aurora install folder (the one holding system/autoload.php); ``php_executable``: the PHP
    command-line interpreter; ``timeout``: the seconds to wait for an answer; ``workdir``: where the bridge script
    is written (a private temporary folder, removed by close(), when None). Calls are serialised: one php, one
    call at a time. After php died, the next send() starts a fresh one.
    """

    def __init__(self, aurora_path, php_executable='php', timeout=30, workdir=None):
        self.aurora_path = aurora_path
        self.php_executable = php_executable or 'php'
        self.timeout = timeout
        self.workdir = workdir
        self.min_php_version = MIN_PHP_VERSION
        self.php_version = None  # from the Ready line
        self.aurora_version = None
        self.calls = 0
        self.starts = 0  # php processes started
        self._lock = threading.Lock()
        self._php = None
        self._script = None
        self._tempdir = None

    @property
    def pid(self):
        """The process id of the running php, or None."""
        return self._php.pid if self._php is not None and self._php.alive() else None

    @property
    def script_path(self):
        """The file the bridge script was written to (mode 0600), or None before the first send() and after close()."""
        return self._script

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def send(self, module, method, params, wait=None, secrets=()):
        """Call ``module``.``method`` with ``params`` (a dict, or None for none); return the envelope (a dict).

        ``wait``: the seconds to wait for the answer (default: timeout), and for php's Ready line when this call
        starts php; ``secrets``: values (passwords) to mask in any error text, besides the values of parameters
        whose name holds "password". Raises AuroraTransportError.
        """
        wait = self.timeout if wait is None else wait
        secrets = list(secrets or ()) + _password_values(params)
        request = json.dumps({'Module': module, 'Method': method, 'Parameters': {} if params is None else params})
        with self._lock:
            php = self._running(module, method, wait, secrets)
            php.secrets.update(s for s in secrets if s)
            php.stderr_mark = php.stderr_seen
            self.calls += 1
            try:
                php.write(request + '\n')
            except (OSError, ValueError):
                raise self._died(php, module, method, 'php ended before it read the request', sent=False)
            return self._answer(php, module, method, wait)

    def close(self):
        """Stop php and remove the bridge script (and its temporary folder)."""
        with self._lock:
            self._stop()
            if self._script is not None:
                try:
                    os.remove(self._script)
                except OSError:
                    pass
                self._script = None
            if self._tempdir is not None:
                shutil.rmtree(self._tempdir, ignore_errors=True)
                self._tempdir = None

    # ---- php process ---------------------------------------------------------------------

    def _running(self, module, method, wait, secrets):
        if self._php is not None and not self._php.alive():
            self._stop()
        if self._php is None:
            self._start(module, method, wait, secrets)
        return self._php

    def _write_script(self):
        if self._script is not None and os.path.exists(self._script):
            return self._script
        folder = self.workdir
        if folder is None:
            if self._tempdir is None:
                self._tempdir = tempfile.mkdtemp(prefix=SCRIPT_PREFIX)
            folder = self._tempdir
        handle, path = tempfile.mkstemp(prefix=SCRIPT_PREFIX, suffix='.php', dir=folder)  # mode 0600
        with os.fdopen(handle, 'wb') as script:
            script.write(BRIDGE_SOURCE.encode('utf-8'))
        self._script = path
        return path

    def _start(self, module, method, wait, secrets):
        script = self._write_script()
        argv = [self.php_executable, '-d', 'display_errors=stderr', script]
        try:
            php = _PhpProcess(argv)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise AuroraTransportError(
                'cannot run the PHP executable %r (%s); install PHP\'s command-line interpreter on the Aurora host '
                '(Debian: php-cli) or set php_executable (AURORA_PHP) to its path' % (self.php_executable, reason),
                module, method, sent=False, retryable=False)
        self.starts += 1
        config = {'AuroraPath': os.path.abspath(self.aurora_path), 'MinPhpVersion': self.min_php_version}
        try:
            php.write(json.dumps(config) + '\n')
            line = php.next_line(wait)
        except (OSError, ValueError):
            line = None
        except queue.Empty:
            php.stop(kill=True)
            raise AuroraTransportError('the PHP bridge was not ready within %s s (timeout); php was stopped%s'
                                       % (_seconds(wait), self._tail(php, secrets)), module, method, sent=False,
                                       timed_out=True, limit=wait)
        if line is None:
            status = php.exit_status()
            tail = self._tail(php, secrets)
            php.stop(kill=True)
            raise AuroraTransportError('php (%s) ended with status %s before the PHP bridge was ready%s'
                                       % (self.php_executable, status, tail), module, method, sent=False,
                                       retryable=False)
        answer = self._decode(php, line, module, method, secrets, sent=False)
        if 'Fatal' in answer:
            php.stop(kill=True)
            raise AuroraTransportError('Aurora\'s PHP API did not start: %s' % self._scrub(_text(answer['Fatal']), php,
                                                                                           secrets),
                                       module, method, sent=False, retryable=False)
        if answer.get('Ready') is not True:
            php.stop(kill=True)
            raise AuroraTransportError('the PHP bridge answered %s instead of its Ready line'
                                       % self._excerpt(line, php, secrets), module, method, sent=False,
                                       retryable=False)
        self.php_version = answer.get('PhpVersion')
        self.aurora_version = answer.get('AuroraVersion')
        self._php = php

    def _answer(self, php, module, method, wait):
        try:
            line = php.next_line(wait)
        except queue.Empty:
            self._stop(kill=True)
            raise AuroraTransportError('no answer from the PHP bridge within %s s (timeout); php was stopped'
                                       % _seconds(wait), module, method, timed_out=True, limit=wait)
        if line is None:
            raise self._died(php, module, method, 'php ended before it answered')
        envelope = self._decode(php, line, module, method, (), sent=True)
        if 'Fatal' in envelope:
            php.exit_status()  # the bridge exits after a Fatal line: let its stderr end
            tail = self._tail(php, ())
            self._stop(kill=True)
            raise AuroraTransportError('%s%s' % (self._scrub(_text(envelope['Fatal']), php, ()), tail), module, method)
        if 'Result' not in envelope and 'ErrorCode' not in envelope:
            self._stop(kill=True)
            raise AuroraTransportError('the PHP bridge answered with JSON that is not an Aurora answer: %s'
                                       % self._excerpt(line, php, ()), module, method)
        return envelope

    def _decode(self, php, line, module, method, secrets, sent):
        try:
            decoded = json.loads(line)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            if php is self._php:
                self._stop(kill=True)
            else:
                php.stop(kill=True)
            raise AuroraTransportError('the PHP bridge wrote a line that is not a JSON object (php was stopped): %s'
                                       % self._excerpt(line, php, secrets), module, method, sent=sent,
                                       retryable=sent)
        return decoded

    def _died(self, php, module, method, what, sent=True):
        status = php.exit_status()
        tail = self._tail(php, ())
        if php is self._php:
            self._stop(kill=True)
        return AuroraTransportError('%s (exit status %s)%s' % (what, status, tail), module, method, sent=sent)

    def _stop(self, kill=False):
        if self._php is not None:
            php, self._php = self._php, None
            php.stop(kill=kill)

    # ---- error texts -----------------------------------------------------------------------

    def _scrub(self, text, php, secrets):
        for form in _secret_forms(set(secrets) | php.secrets):
            text = text.replace(form, MASK)
        return QUOTED_VALUE.sub(_credential_masked, text)

    def _tail(self, php, secrets):
        # PHP's own "Fatal error:" lines repeat the bridge's Fatal sentence
        lines = [line for line in php.stderr_tail() if not line.startswith(('Fatal error:', 'PHP Fatal error:'))]
        if not lines:
            return ''
        return '; php\'s stderr ends with: %s' % self._scrub(' | '.join(lines), php, secrets)

    def _excerpt(self, line, php, secrets):
        text = self._scrub(line.rstrip('\r\n'), php, secrets)
        return repr(text[:EXCERPT] + ('...' if len(text) > EXCERPT else ''))


def _credential_masked(found):
    """The quoted name and value ``found`` (QUOTED_VALUE), the value masked when the name is a credential's."""
    if not is_credential(found.group(2)):
        return found.group(0)
    quote = found.group(4)[0]
    return found.group(1) + found.group(2) + found.group(1) + found.group(3) + quote + MASK + quote


def _text(value):
    return value if isinstance(value, str) else json.dumps(value)


def _seconds(value):
    return ('%.1f' % value).rstrip('0').rstrip('.') if isinstance(value, float) else str(value)


class PhpBridges:
    """Up to ``size`` PhpBridge, one per call being made at once: a module working on ``parallel`` items makes that
    many calls at a time, as the web transport does over as many connections. Each php starts on first need."""

    def __init__(self, aurora_path, php_executable='php', timeout=30, workdir=None, size=1):
        self.aurora_path = aurora_path
        self._make = lambda: PhpBridge(aurora_path, php_executable, timeout, workdir)
        self._size = max(1, size)
        self._all = []
        self._free = queue.LifoQueue()  # the most recently used php first: fewer php are started
        self._lock = threading.Lock()

    def _take(self):
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._all) < self._size:
                bridge = self._make()
                self._all.append(bridge)
                return bridge
        return self._free.get()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def send(self, module, method, params, wait=None, secrets=()):
        bridge = self._take()
        try:
            return bridge.send(module, method, params, wait, secrets)
        finally:
            self._free.put(bridge)

    def close(self):
        with self._lock:
            bridges, self._all = self._all, []
        for bridge in bridges:
            bridge.close()
