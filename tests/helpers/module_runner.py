"""Run a module of this collection through its real entry point (main()), in this process.

The module talks to the emulator over a real socket; only the way Ansible hands it
its arguments (a JSON buffer) and reads its answer (JSON on stdout) is reproduced here.
Runs that must overlap (races) each get a process of their own: start_module_task().
"""

import contextlib
import importlib
import io
import json
import subprocess
import sys

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings

from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path

ensure_collection_on_path()
from ansible_collections.afterlogic.aurora.plugins.module_utils._client import close_bridges  # noqa: E402

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

MODULE_PACKAGE = 'ansible_collections.afterlogic.aurora.plugins.modules.'


class ModuleResult(dict):
    """The module's JSON answer, plus what it printed (for secret scans)."""

    @property
    def failed(self):
        return bool(self.get('failed'))

    @property
    def warning_texts(self):
        """The texts of the module's warnings (ansible-core 2.19 returns each as a summary object)."""
        return [warning if isinstance(warning, str) else (warning.get('event') or warning).get('msg')
                for warning in self.get('warnings') or []]


def run_module(name, args, check_mode=False, diff=False, invocation=False):
    """Run plugins/modules/<name>.py with ``args`` and return its result (a ModuleResult). With ``invocation``, the
    result echoes the arguments as ``invocation``, as when the controller asks for it (ansible-core 2.21 does only
    with its INJECT_INVOCATION setting; older releases always do)."""
    module = importlib.import_module(MODULE_PACKAGE + name)
    full_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    if invocation:
        full_args['_ansible_inject_invocation'] = True
    # A module process starts with no warnings; in this process they would pile up from run to run.
    ansible_warnings._global_warnings.clear()
    ansible_warnings._global_deprecations.clear()
    out = io.StringIO()
    with patch_module_args(full_args), contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit:
            pass
        finally:
            close_bridges()  # php ends with the module's process; this process outlives many modules
    printed = out.getvalue()
    result = ModuleResult(json.loads(printed))
    result.printed = printed
    return result


def connection_options(emulator, aurora_path=None):
    """The connection options of a task on ``emulator``: its web API, or with ``aurora_path`` (a fake Aurora wired to
    it, the fixture ``fake_aurora``) its PHP API."""
    if aurora_path is not None:
        return dict(api_transport='php', aurora_path=str(aurora_path))
    return dict(api_url=emulator.url, api_username=emulator.admin_login, api_password=emulator.admin_password)


def module_task(emulator, name, aurora_path=None):
    """``run(check_mode=False, diff=False, **options)``: the module ``name`` connected to ``emulator``, through its
    web API or, with ``aurora_path``, its PHP API."""
    def run(check_mode=False, diff=False, invocation=False, **options):
        args = connection_options(emulator, aurora_path)
        args.update(options)
        return run_module(name, args, check_mode=check_mode, diff=diff, invocation=invocation)
    run.transport = 'web' if aurora_path is None else 'php'
    return run


def web_api_only(run):
    """Skip a test of what goes over the web API's wire: in-process, a fake Aurora forwards PHP's arguments, with
    those at their defaults left out, so the emulator does not see the module's request as it was made."""
    if run.transport != 'web':
        pytest.skip('the web API request as sent; the PHP transport sends the same through the bridge')


MODULE_PROCESS_TIMEOUT = 120


def start_module_task(emulator, module_name, **options):
    """Start the module ``module_name`` connected to ``emulator`` in a process of its own, as Ansible runs each task;
    returns a function that waits for it and gives its result (a ModuleResult)."""
    args = dict(api_url=emulator.url, api_username=emulator.admin_login, api_password=emulator.admin_password)
    args.update(options)
    process = subprocess.Popen([sys.executable, '-m', 'tests.helpers.module_runner', module_name], cwd=REPO_ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    process.stdin.write(json.dumps(args))
    process.stdin.close()

    def result():
        printed = process.stdout.read()
        process.wait(timeout=MODULE_PROCESS_TIMEOUT)
        process.stdout.close()
        answer = ModuleResult(json.loads(printed))
        answer.printed = printed
        return answer
    return result


if __name__ == '__main__':
    ensure_collection_on_path()
    sys.stdout.write(run_module(sys.argv[1], json.load(sys.stdin)).printed)


def create_tenants(emulator, *names):
    """``{name: id}`` of the tenants ``names``, created through aurora_tenant; the calls log is cleared after."""
    tenant = module_task(emulator, 'aurora_tenant')
    ids = dict((name, tenant(name=name)['tenant_id']) for name in names)
    emulator.calls_clear()
    return ids
