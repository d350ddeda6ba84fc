"""Provisioning runs for the reliability tests (interrupted runs, concurrent runs).

A generated vars file of mail servers and users, ``ansible-playbook afterlogic.aurora.provision -e @vars`` started as a
real process (so that it can be killed, or run eight at once), and the check that Aurora then holds exactly what the
vars file asks for: each server once with its settings, each user once with exactly its login account, nothing else.
The tests only use the playbook, so they hold whichever modules the role uses.
"""

import json
import os
import signal
import subprocess
import sys
import time

import yaml

from tests.helpers.collection import ensure_collection_on_path

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
SERVER_COUNT = 3
PLAYBOOK_TIMEOUT = 600

# The Aurora fields of each server the vars ask for (the module's option -> Aurora's field, as stored).
SERVER_FIELDS = (('incoming_server', 'IncomingServer'), ('incoming_port', 'IncomingPort'),
                 ('incoming_use_ssl', 'IncomingUseSsl'), ('outgoing_server', 'OutgoingServer'),
                 ('outgoing_port', 'OutgoingPort'), ('outgoing_use_ssl', 'OutgoingUseSsl'),
                 ('smtp_login', 'SmtpLogin'), ('smtp_password', 'SmtpPassword'))
AUTH_TYPES = {'user_credentials': '2', 'specified_credentials': '1', 'no_authentication': '0'}
ROLES = {'user': 2, 'tenant_admin': 1}


def provisioning(user_count):
    """The vars of a provisioning: SERVER_COUNT mail servers and ``user_count`` users spread over them.

    Every other user names its server; the others are placed by Aurora from their domain. One server sends with
    its own SMTP credentials (a password to store), every seventh user is a tenant admin.
    """
    servers = []
    for number in range(SERVER_COUNT):
        server = dict(name='site-%d' % number, incoming_server='imap.site%d.example' % number, incoming_port=993,
                      incoming_use_ssl=True, outgoing_server='smtp.site%d.example' % number, outgoing_port=465,
                      outgoing_use_ssl=True, smtp_auth_type='user_credentials',
                      domains=['site%d.example' % number, 'mail.site%d.example' % number])
        if number == 1:
            server.update(smtp_auth_type='specified_credentials', smtp_login='relay@site1.example',
                          smtp_password='relay-secret-site1')
        servers.append(server)
    users = []
    for number in range(user_count):
        site = number % SERVER_COUNT
        user = dict(email='user%04d@site%d.example' % (number, site), password='mailbox-secret-%04d' % number,
                    friendly_name='User %d' % number)
        if number % 2 == 0:
            user['server'] = 'site-%d' % site
        if number % 7 == 3:
            user['role'] = 'tenant_admin'
        users.append(user)
    return dict(aurora_mail_servers=servers, aurora_user_accounts=users)


def write_vars(directory, data):
    path = directory / 'provisioning.yml'
    path.write_text(yaml.safe_dump(data))
    return path


# A callback plugin that appends each task's result (changed, failed, a bulk module's per-item results) to a file.
RECORDER = """
import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, failed):
        # The task's own name: ansible-core 2.21 prefixes task_name with the role's, and calls _task task.
        task = getattr(result, 'task', None) or result._task
        line = {'task': task.name, 'failed': failed, 'changed': bool(result._result.get('changed')),
                'results': result._result.get('results')}
        with open(os.environ['RECORD_RESULTS_FILE'], 'a') as handle:
            handle.write(json.dumps(line) + '\\n')

    def v2_runner_on_ok(self, result):
        self._record(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, True)
"""
RESULTS_FILE = 'results.jsonl'
# The role's tasks whose results recorded() gives, by name.
SERVERS_TASK = 'Make the mail servers exist as listed'
USERS_TASK = 'Make the users and their login mail accounts exist as listed'


def _recording(directory):
    """The environment that makes a run record its task results in ``directory``/results.jsonl."""
    plugins = directory / 'callback_plugins'
    plugins.mkdir(exist_ok=True)
    (plugins / 'record_results.py').write_text(RECORDER)
    return dict(ANSIBLE_CALLBACK_PLUGINS=str(plugins), ANSIBLE_CALLBACKS_ENABLED='record_results',
                RECORD_RESULTS_FILE=str(directory / RESULTS_FILE))


def recorded(directory):
    """{task name: its recorded result} of a run started with ``record=True``."""
    path = directory / RESULTS_FILE
    lines = path.read_text().splitlines() if path.exists() else []
    return dict((task['task'], task) for task in (json.loads(line) for line in lines))


def start_provision(emulator, vars_file, directory, record=False):
    """``ansible-playbook afterlogic.aurora.provision -e @vars_file``, started; the connection comes from AURORA_*
    as an AWX credential gives it. Output goes to ``directory``/output.txt, and with ``record`` each task's result
    to ``directory``/results.jsonl (see recorded()); returns the Popen."""
    directory.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=str(directory / 'ansible-tmp'),
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
               AURORA_URL=emulator.url, AURORA_USERNAME=emulator.admin_login, AURORA_PASSWORD=emulator.admin_password)
    env.pop('AURORA_TOKEN', None)
    if record:
        env.update(_recording(directory))
    command = [ANSIBLE_PLAYBOOK, 'afterlogic.aurora.provision', '-e', '@%s' % vars_file,
               '-e', 'ansible_python_interpreter=%s' % sys.executable]
    output = open(str(directory / 'output.txt'), 'w')
    try:
        return subprocess.Popen(command, env=env, cwd=str(directory), stdout=output, stderr=subprocess.STDOUT)
    finally:
        output.close()


def finish(process, directory):
    """Wait for a started run; (return code, output)."""
    returncode = process.wait(timeout=PLAYBOOK_TIMEOUT)
    return returncode, (directory / 'output.txt').read_text()


def provision(emulator, vars_file, directory):
    return finish(start_provision(emulator, vars_file, directory), directory)


GATE_POLL_SECONDS = 0.02


def open_gates(emulator, gates, processes, bound):
    """Watch the emulator's gates (rule ids, see Emulator.gate) while ``processes`` run; {gate: seconds to open}.

    A gate opens when its last call arrives, which uses its rule up. The seconds count from now, so call this right
    after installing the gates: a gate that opened within ``bound`` opened by count, as no held call had waited its
    bound yet. If a run ends first, its calls will never arrive, so the gates are cleared and every held call is let
    go at once (the caller then finds the failed run); likewise after ``bound`` seconds. Gates not opened by count are
    missing from the answer.
    """
    started = time.monotonic()
    opened = {}
    while True:
        pending = set(rule['id'] for rule in emulator.fault_rules())
        elapsed = time.monotonic() - started  # after the read: an upper bound of when the gates seen open opened
        opened.update((gate, elapsed) for gate in gates if gate not in pending and gate not in opened)
        if len(opened) == len(gates):
            return opened
        if elapsed > bound or any(process.poll() is not None for process in processes):
            emulator.faults_clear()
            emulator.release()
            return opened
        time.sleep(GATE_POLL_SECONDS)


def _children():
    """{pid: [child pids]} of every process on this machine (Linux /proc)."""
    children = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat.rsplit(')', 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def process_tree(pid):
    children = _children()
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def kill_tree(process):
    """SIGKILL ansible-playbook and everything it started, as a crash or a killed job container would.

    Ansible's workers call setsid(), so a process group would miss them and the module they run would go on alone;
    the tree is stopped first (nothing forks while it is killed), then killed. Returns how many processes died.
    """
    tree = process_tree(process.pid)
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for pid in tree:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
    process.wait(timeout=30)
    return len(tree)


# ---- what Aurora holds ---------------------------------------------------------------------------

def _server_problems(servers, wanted):
    problems = []
    by_name = {}
    for server in servers:
        by_name.setdefault(server['Name'], []).append(server)
    for name, copies in sorted(by_name.items()):
        if name not in wanted:
            problems.append('stray mail server %r (ids %s)' % (name, [server['Id'] for server in copies]))
        elif len(copies) > 1:
            ids = [server['Id'] for server in copies]
            problems.append('mail server %r exists %d times (ids %s)' % (name, len(copies), ids))
    for name, options in sorted(wanted.items()):
        if name not in by_name:
            problems.append('mail server %r is missing' % name)
            continue
        server = by_name[name][0]
        expected = dict((field, options.get(option, '')) for option, field in SERVER_FIELDS)
        expected['SmtpAuthType'] = AUTH_TYPES[options['smtp_auth_type']]
        expected['Domains'] = sorted(options['domains'])
        stored = dict((field, server[field]) for field in expected)
        stored['Domains'] = sorted(server['Domains'].split('\n'))
        if stored != expected:
            problems.append('mail server %r holds %r, not %r' % (name, stored, expected))
    return problems


def _server_of(options, servers_by_name):
    if options.get('server'):
        return servers_by_name.get(options['server'])
    domain = options['email'].split('@', 1)[1]
    return next((server for server in servers_by_name.values() if domain in server['Domains'].split('\n')), None)


def _user_problems(state, wanted, servers_by_name):
    problems = []
    users = {}
    for user in state['users']:
        users.setdefault(user['PublicId'].lower(), []).append(user)
    accounts = {}
    for account in state['accounts']:
        accounts.setdefault(account['IdUser'], []).append(account)
    for email, copies in sorted(users.items()):
        if email not in wanted:
            problems.append('stray user %s' % email)
        elif len(copies) > 1:
            problems.append('user %s exists %d times' % (email, len(copies)))
    known_ids = set(user['Id'] for user in state['users'])
    for user_id in sorted(set(accounts) - known_ids):
        problems.append('accounts %s belong to no user' % [account['Email'] for account in accounts[user_id]])
    for email, options in sorted(wanted.items()):
        if email not in users:
            problems.append('user %s is missing' % email)
            continue
        user = users[email][0]
        if user['Role'] != ROLES[options.get('role', 'user')] or user['IsDisabled']:
            problems.append('user %s has role %s, disabled %s' % (email, user['Role'], user['IsDisabled']))
        mine = accounts.get(user['Id'], [])
        if len(mine) != 1:
            problems.append('user %s has %d mail accounts (%s), not exactly its own'
                            % (email, len(mine), [account['Email'] for account in mine]))
            continue
        account = mine[0]
        server = _server_of(options, servers_by_name)
        stored = (account['Email'], account['FriendlyName'], account['IncomingLogin'], account['IncomingPassword'],
                  account['ServerId'], account['UseToAuthorize'], account['IsDisabled'])
        expected = (email, options.get('friendly_name', ''), email, options['password'], server and server['Id'], True,
                    False)
        if stored != expected:
            problems.append('the account of %s holds %r, not %r' % (email, stored, expected))
    return problems


def differences(state, data):
    """What keeps Aurora's state (``emulator.state()``) from being exactly what ``data`` asks for; [] when exact."""
    wanted_servers = dict((server['name'], server) for server in data['aurora_mail_servers'])
    wanted_users = dict((user['email'].lower(), user) for user in data['aurora_user_accounts'])
    problems = _server_problems(state['servers'], wanted_servers)
    servers_by_name = dict((server['Name'], server) for server in sorted(state['servers'], key=lambda s: -s['Id']))
    return problems + _user_problems(state, wanted_users, servers_by_name)


def half_made_users(state):
    """Users that have no mail account (what an interruption between CreateUser and CreateAccount leaves)."""
    with_account = set(account['IdUser'] for account in state['accounts'])
    return sorted(user['PublicId'] for user in state['users'] if user['Id'] not in with_account)


WRITES = ('CreateServer', 'UpdateServer', 'DeleteServer', 'CreateUser', 'UpdateUser', 'DeleteUser', 'CreateAccount',
          'UpdateAccount', 'DeleteAccount')


def writes_done(emulator):
    """{(method, what it was about): how many times it reached Aurora's database} of the writes in the call log: a
    write sent while the database was down changed nothing (the log marks it "DatabaseDown"), and one the web server
    refused is not in the log."""
    done = {}
    for call in emulator.calls():
        if call['Method'] in WRITES and not call.get('DatabaseDown'):
            params = call.get('Parameters') or {}
            about = params.get('PublicId') or params.get('Name') or params.get('Email') or params.get('UserId')
            done[(call['Method'], about)] = done.get((call['Method'], about), 0) + 1
    return done


def fresh(emulator):
    """An empty Aurora whose IMAP check is off: the generated mail hosts do not exist."""
    emulator.reset()
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
