# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the bulk modules against the API's own floor (issue 7). Not part of the tests.

    python benchmarks/bench.py [--users 1000] [--servers 10] [--parallel 4] [--loop-users 100]
                               [--memory-accounts 10000] [--latency-ms 10] [--info-users 10000]

Starts the Aurora emulator with --latency-ms 10 (every API call then takes at least 10 ms, as a real Aurora's
reads do) with Aurora's IMAP check off (the generated hosts do not exist), and prints one table:

* floor, writes: benchmarks/floor.py, a plain ``requests`` script making, one after the other, exactly the calls
  the job needs: one login; GetServers (find) + CreateServer per server; GetUsers (find) + CreateUser +
  CreateAccount per user.
* floor, reads: the same script making the least an idempotent re-run or a --check run must read: one login, one
  paged listing of the servers and one of the users (200 per page), and Mail.GetAccounts once per user (Aurora has
  no call that returns the accounts of many users).
* the role afterlogic.aurora.provision through a real ``ansible-playbook`` (its bulk modules aurora_mail_servers then
  aurora_user_accounts, after one login with aurora_api_token): first run
  with parallel=1 and parallel=N, re-run and --check run with both; ratio to the matching floor. One more first
  run with parallel=N has the emulator's lock contention on (--deadlock-probability): overlapping writes into one
  table are deadlock victims by that chance, answered ``Result: false``, and the modules read back and retry.
* the loop of the single modules over --loop-users users, and its own write floor.
* the peak memory (maximum resident set size) of the module process: ansible-playbook runs the module under a
  wrapper interpreter that waits for it and reads getrusage(RUSAGE_CHILDREN), so the controller is not counted.
  The last rows do it for --memory-accounts accounts at latency 0 (to save time).
* api_transport php (--php 1): the role through Aurora's PHP API, in a fake Aurora (tests/php/fake-aurora) whose
  calls reach the emulator, so that each call costs what it costs over the web API; first run, re-run and --check
  run against benchmarks/floor.php, a minimal in-process PHP script making the job's calls through the same fake.
* aurora_info reading --info-users users (each with its login account, on --servers servers) at --latency-ms, with
  parallel=N: one paged listing of the servers and one of the users, then Mail.GetAccounts per user. The users are
  created straight through the API beforehand, many calls at once, and that is not timed.

The goals (issue 7): first run <= 1.2 x floor with parallel=1 and <= 0.5 x floor with parallel=N; re-run and
--check run <= 1.2 x the read floor with parallel=N (the modules' default, as the role runs them; the parallel=1
rows are shown for information); module peak < 150 MiB for 10,000 accounts; aurora_info of 10,000 users < 60 s.
The exit status is 0 when all are met.

"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path


REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.emulator.fixtures import Emulator, make_fake_aurora  # noqa: E402  pylint: disable=wrong-import-position
from tests.helpers.collection import ensure_collection_on_path  # noqa: E402  pylint: disable=wrong-import-position
from tests.helpers.playbook import connection_vars, run_playbook  # noqa: E402  pylint: disable=wrong-import-position

ensure_collection_on_path()

from ansible_collections.afterlogic.aurora.plugins.module_utils._module import (  # noqa: E402  pylint: disable=wrong-import-position
    DEFAULT_PARALLEL,
)

ADMIN_PASSWORD = 'bench-admin-pw'
IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}
GOAL_FIRST_SEQUENTIAL = 1.2
GOAL_FIRST_PARALLEL = 0.5
GOAL_READS = 1.2
GOAL_MEMORY_MB = 150
GOAL_INFO_SECONDS = 45
GOAL_CORPORATE_FIRST = 0.5  # the corporate first run, against the write floor
GOAL_CORPORATE_READS = 1.0  # a corporate re-run or --check run, against the read floor
GOAL_PHP = 1.2  # api_transport php: a first run and a re-run, against the in-process PHP script's floors
MULTI_ACCOUNTS_ON = {'MailMultiAccountsPlugin': {'Enabled': True}}
SEED_THREADS = 8  # concurrent API calls that fill the emulator before the aurora_info row (not timed)

# ---- data --------------------------------------------------------------------------------------------


def servers_data(count):
    return [dict(name='srv%02d' % number, incoming_server='imap%02d.bench.example' % number,
                 outgoing_server='smtp%02d.bench.example' % number, domains=['d%02d.bench.example' % number])
            for number in range(1, count + 1)]


def accounts_data(count, servers):
    accounts = []
    for number in range(1, count + 1):
        server = servers[number % len(servers)]
        accounts.append(dict(email='user%05d@%s' % (number, server['domains'][0]), password='Pw-%05d-secret' % number,
                             friendly_name='User %d' % number, server=server['name']))
    return accounts


def corporate_data(tenants, users_per_tenant=100):
    """Per tenant: 2 servers, 3 domains, ``users_per_tenant`` users, a further account for each tenth user, 3 groups."""
    data = dict(tenants=[], servers=[], domains=[], users=[], accounts=[], groups=[])
    for number in range(1, tenants + 1):
        tenant = 't%02d' % number
        data['tenants'].append(dict(name=tenant))
        for server in ('mail-a', 'mail-b'):
            data['servers'].append(dict(name=server, tenant=tenant, incoming_server='%s.%s.example' % (server, tenant)))
        domains = ['%s-%s.example' % (tenant, letter) for letter in 'abc']
        data['domains'] += [dict(name=domain, tenant=tenant, server='mail-a' if index < 2 else 'mail-b')
                            for index, domain in enumerate(domains)]
        emails = []
        for index in range(users_per_tenant):
            email = 'u%03d@%s' % (index, domains[index % 3])
            emails.append(email)
            data['users'].append(dict(email=email, tenant=tenant, password='Pw-%s-secret' % email,
                                      server='mail-a' if index % 3 < 2 else 'mail-b'))
            if index % 10 == 0:
                data['accounts'].append(dict(user=email, email='x%03d@%s' % (index, domains[0]), tenant=tenant,
                                             password='Pw-x%03d-%s' % (index, tenant), server='mail-a'))
        data['groups'] += [dict(name='g%d' % group, tenant=tenant, members=emails[group::3]) for group in range(3)]
    return data


# ---- the floor: a plain requests script ----------------------------------------------------------------

FLOOR_SCRIPT = Path(__file__).resolve().with_name('floor.py')
PHP_FLOOR_SCRIPT = Path(__file__).resolve().with_name('floor.php')


def run_floor(workdir, script, job, mode):
    """Seconds of a floor script run as the script it is (interpreter start and imports included); ``script``: its
    command line before JOB_JSON MODE; ``job``: what JOB_JSON holds."""
    job_file = Path(workdir) / 'floor-job.json'
    job_file.write_text(json.dumps(job))
    started = time.monotonic()
    subprocess.run(script + [str(job_file), mode], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def web_floor(emulator):
    """The command line of benchmarks/floor.py against ``emulator``, before JOB_JSON MODE."""
    return [sys.executable, str(FLOOR_SCRIPT), emulator.url, ADMIN_PASSWORD]


# ---- ansible-playbook runs -----------------------------------------------------------------------------

ROLE_PLAYBOOK = textwrap.dedent('''\
    - hosts: localhost
      connection: local
      gather_facts: false
      roles:
        - role: afterlogic.aurora.provision
          vars:
            aurora_api_url: "{{ aurora_url }}"
            aurora_api_username: "{{ aurora_login }}"
            aurora_api_password: "{{ aurora_password }}"
            aurora_mail_servers: "{{ bench_servers }}"
            aurora_user_accounts: "{{ bench_accounts }}"
            aurora_parallel: "{{ bench_parallel }}"
''')

WEB_CONNECTION = '''\
        aurora_api_url: "{{ aurora_url }}"
        aurora_api_username: "{{ aurora_login }}"
        aurora_api_password: "{{ aurora_password }}"
'''
assert WEB_CONNECTION in ROLE_PLAYBOOK
PHP_ROLE_PLAYBOOK = ROLE_PLAYBOOK.replace(WEB_CONNECTION, '''\
        aurora_api_transport: php
        aurora_path: "{{ bench_aurora_path }}"
''')

LOOP_PLAYBOOK = textwrap.dedent('''\
    - hosts: localhost
      connection: local
      gather_facts: false
      tasks:
        - name: Mail servers, one task run per server
          afterlogic.aurora.aurora_mail_server:
            api_url: "{{ aurora_url }}"
            api_username: "{{ aurora_login }}"
            api_password: "{{ aurora_password }}"
            name: "{{ item.name }}"
            incoming_server: "{{ item.incoming_server }}"
            outgoing_server: "{{ item.outgoing_server }}"
            domains: "{{ item.domains }}"
          loop: "{{ bench_servers }}"
          loop_control:
            label: "{{ item.name }}"
        - name: Users with their login accounts, one task run per user
          afterlogic.aurora.aurora_user_account:
            api_url: "{{ aurora_url }}"
            api_username: "{{ aurora_login }}"
            api_password: "{{ aurora_password }}"
            email: "{{ item.email }}"
            password: "{{ item.password }}"
            friendly_name: "{{ item.friendly_name }}"
            server: "{{ item.server }}"
          loop: "{{ bench_accounts }}"
          loop_control:
            label: "{{ item.email }}"
''')

CORPORATE_PLAYBOOK = textwrap.dedent('''\
    - hosts: localhost
      connection: local
      gather_facts: false
      roles:
        - role: afterlogic.aurora.provision
          vars:
            aurora_api_url: "{{ aurora_url }}"
            aurora_api_username: "{{ aurora_login }}"
            aurora_api_password: "{{ aurora_password }}"
            aurora_tenants: "{{ bench_corporate.tenants }}"
            aurora_mail_servers: "{{ bench_corporate.servers }}"
            aurora_mail_domains: "{{ bench_corporate.domains }}"
            aurora_user_accounts: "{{ bench_corporate.users }}"
            aurora_mail_accounts: "{{ bench_corporate.accounts | map('dict2items') | map('rejectattr', 'key', 'equalto', 'tenant') | map('items2dict') }}"
            aurora_groups: "{{ bench_corporate.groups }}"
            aurora_parallel: "{{ bench_parallel }}"
''')

INFO_PLAYBOOK = textwrap.dedent('''\
    - hosts: localhost
      connection: local
      gather_facts: false
      tasks:
        - name: Read every kind Aurora has
          afterlogic.aurora.aurora_info:
            api_url: "{{ aurora_url }}"
            api_username: "{{ aurora_login }}"
            api_password: "{{ aurora_password }}"
            parallel: "{{ bench_parallel }}"
          register: bench_info
        - name: Check that every user was read
          ansible.builtin.assert:
            that: bench_info.users | length == bench_users
''')

WRAPPER = textwrap.dedent('''\
    #!{python}
    """Run the module with the real interpreter, then log its peak RSS (KiB) and its arguments."""
    import resource, subprocess, sys
    code = subprocess.call([{python!r}] + sys.argv[1:])
    with open({log!r}, 'a') as log:
        log.write('%d %s\\n' % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, ' '.join(sys.argv[1:])))
    sys.exit(code)
''')


class Runner:
    """ansible-playbook in one scratch directory, with the module processes measured by the wrapper interpreter."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.rss_log = self.workdir / 'module-rss.log'
        self.wrapper = self.workdir / 'python-measured'
        self.wrapper.write_text(WRAPPER.format(python=sys.executable, log=str(self.rss_log)))
        self.wrapper.chmod(self.wrapper.stat().st_mode | stat.S_IXUSR)

    def run(self, emulator, playbook, servers, accounts, parallel, options=(), measure=True, extra=None, data=None):
        """(seconds, peak RSS in MiB of the largest module process or None) of one ansible-playbook run; ``data``:
        further variables of its data.json (too big for the command line), given as ``-e @data.json`` as the
        provision playbook's vars file is (a play's vars_files would be read again for every task)."""
        (self.workdir / 'data.json').write_text(json.dumps(
            dict({'bench_servers': servers, 'bench_accounts': accounts, 'bench_parallel': parallel}, **(data or {}))))
        if self.rss_log.exists():
            self.rss_log.unlink()
        extra_vars = dict(connection_vars(emulator), bench_parallel=parallel, **(extra or {}))
        if measure:
            extra_vars['ansible_python_interpreter'] = str(self.wrapper)
        started = time.monotonic()
        run = run_playbook(self.workdir, playbook, extra_vars, ('-e', '@data.json') + tuple(options))
        seconds = time.monotonic() - started
        if run.returncode != 0:
            sys.exit('ansible-playbook failed:\n' + run.output[-5000:])
        peak = None
        if measure and self.rss_log.exists():
            peak = max(int(line.split()[0]) for line in self.rss_log.read_text().splitlines()) / 1024
        return seconds, peak


# ---- the table -----------------------------------------------------------------------------------------

def shown(pattern, value):
    return '' if value is None else pattern % value


class Table:
    def __init__(self):
        self.rows = []

    def add(self, name, seconds, calls, floor=None, floor_calls=None, peak=None):
        ratio = seconds / floor if floor else None
        self.rows.append((name, seconds, calls, floor_calls, ratio, peak))
        extra = shown('  ratio %.2f', ratio) + shown('  peak %.0f MiB', peak)
        print('  %-66s %8.2f s %7d calls%s' % (name, seconds, calls, extra), flush=True)
        return ratio

    def render(self):
        header = ('run', 'seconds', 'API calls', 'floor calls', 'ratio to floor', 'module peak MiB')
        lines = ['| ' + ' | '.join(header) + ' |', '|' + '|'.join(['---'] + ['---:'] * 5) + '|']
        for name, seconds, calls, floor_calls, ratio, peak in self.rows:
            lines.append('| %s | %.2f | %d | %s | %s | %s |' % (
                name, seconds, calls, shown('%d', floor_calls), shown('%.2f', ratio), shown('%.0f', peak)))
        return '\n'.join(lines)


def seed(emulator, servers, accounts):
    """Create the servers, and the users with their login accounts, straight through the API, many calls at once."""
    ids = dict((server['name'], emulator.add_server(server['name'], IncomingServer=server['incoming_server'],
                                                    OutgoingServer=server['outgoing_server'],
                                                    Domains=server['domains'][0])) for server in servers)

    def create(account):
        user = emulator.api('Core', 'CreateUser', {'TenantId': 0, 'PublicId': account['email']})
        created = emulator.api('Mail', 'CreateAccount', {
            'UserId': user['Result'], 'FriendlyName': account['friendly_name'], 'Email': account['email'],
            'IncomingLogin': account['email'], 'IncomingPassword': account['password'],
            'Server': {'ServerId': ids[account['server']]}})
        if not isinstance(created.get('Result'), dict):
            raise RuntimeError('seeding %s failed: %s' % (account['email'], created))
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        list(pool.map(create, accounts))


def fresh(emulator):
    emulator.reset()
    emulator.settings(IMAP_CHECK_OFF)


class Bench:
    """The rows of the table, each measured against an emulator reset to the state the row needs."""

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.parallel = args.parallel
        self.servers = servers_data(args.servers)
        self.table = Table()
        self.goals = []

    def goal(self, text, met, counted=True):
        self.goals.append((text if counted else text + ' (for information)', met, counted))

    def floor(self, emulator, name, mode, accounts=()):
        seconds = run_floor(self.workdir, web_floor(emulator),
                            {'bench_servers': self.servers, 'bench_accounts': list(accounts)}, mode)
        calls = len(emulator.calls())
        self.table.add('floor, %s' % name, seconds, calls, seconds, calls)
        return seconds, calls

    def speed(self):
        """Floor, first runs, re-runs and --check runs of the whole job at --latency-ms."""
        args, table, n = self.args, self.table, self.parallel
        accounts = accounts_data(args.users, self.servers)
        job = '%d servers + %d users' % (args.servers, args.users)
        with Emulator(admin_password=ADMIN_PASSWORD, latency_ms=args.latency_ms) as emulator:
            print('emulator at %s, latency %d ms; %s' % (emulator.url, args.latency_ms, job), flush=True)
            runner = Runner(self.workdir)
            fresh(emulator)
            floor, floor_calls = self.floor(emulator, 'writes: requests script, %s' % job, 'writes', accounts)
            for parallel in sorted({1, n}):
                fresh(emulator)
                seconds, peak = runner.run(emulator, ROLE_PLAYBOOK, self.servers, accounts, parallel)
                ratio = table.add('role, first run, parallel=%d' % parallel, seconds, len(emulator.calls()), floor,
                                  floor_calls, peak)
                goal = GOAL_FIRST_SEQUENTIAL if parallel == 1 else GOAL_FIRST_PARALLEL
                self.goal('first run, parallel=%d: <= %.1f x floor' % (parallel, goal), ratio <= goal)
            if args.deadlock_probability:
                fresh(emulator)
                emulator.contention(probability=args.deadlock_probability)
                seconds, peak = runner.run(emulator, ROLE_PLAYBOOK, self.servers, accounts, n)
                deadlocks = emulator.contention_state()['deadlocks']
                ratio = table.add('role, first run, parallel=%d, %d deadlocks (probability %g per overlap)'
                                  % (n, deadlocks, args.deadlock_probability), seconds, len(emulator.calls()), floor,
                                  floor_calls, peak)
                self.goal('first run with deadlocks, parallel=%d: <= %.1f x floor' % (n, GOAL_FIRST_PARALLEL),
                          ratio <= GOAL_FIRST_PARALLEL)

            emulator.calls_clear()
            floor, floor_calls = self.floor(emulator, 'reads: login + listings + GetAccounts per user', 'reads')
            for name, options in (('re-run', ()), ('--check run', ('--check',))):
                for parallel in sorted({1, n}):
                    emulator.calls_clear()
                    before = emulator.state()
                    seconds, peak = runner.run(emulator, ROLE_PLAYBOOK, self.servers, accounts, parallel, options)
                    if emulator.state() != before:
                        sys.exit('the %s changed Aurora' % name)
                    ratio = table.add('role, %s, parallel=%d (nothing to change)' % (name, parallel), seconds,
                                      len(emulator.calls()), floor, floor_calls, peak)
                    self.goal('%s, parallel=%d: <= %.1f x read floor' % (name, parallel, GOAL_READS),
                              ratio <= GOAL_READS, counted=parallel == n)

            if args.loop_users:
                loop_accounts = accounts[:args.loop_users]
                loop_job = '%d servers + %d users' % (args.servers, args.loop_users)
                fresh(emulator)
                floor, floor_calls = self.floor(emulator, 'writes: requests script, %s' % loop_job, 'writes',
                                                loop_accounts)
                fresh(emulator)
                seconds, dummy = runner.run(emulator, LOOP_PLAYBOOK, self.servers, loop_accounts, 1, measure=False)
                table.add('loop of the single modules, %s, first run' % loop_job, seconds, len(emulator.calls()),
                          floor, floor_calls)

    def php(self):
        """The role with api_transport php, through a fake Aurora whose calls reach the emulator at --latency-ms,
        against a minimal in-process PHP script making the same calls through the same fake (benchmarks/floor.php)."""
        args, table, n = self.args, self.table, self.parallel
        accounts = accounts_data(args.users, self.servers)
        job = '%d servers + %d users' % (args.servers, args.users)
        with Emulator(admin_password=ADMIN_PASSWORD, latency_ms=args.latency_ms) as emulator:
            aurora_path = make_fake_aurora(emulator, Path(self.workdir) / 'fake-aurora')
            runner = Runner(self.workdir)

            def floor(mode):
                emulator.calls_clear()
                seconds = run_floor(self.workdir, ['php', str(PHP_FLOOR_SCRIPT), str(aurora_path)],
                                    {'bench_servers': self.servers, 'bench_accounts': accounts}, mode)
                table.add('floor, PHP API %s: in-process script, %s' % (mode, job), seconds, len(emulator.calls()),
                          seconds, len(emulator.calls()))
                return seconds, len(emulator.calls())

            fresh(emulator)
            writes = floor('writes')
            fresh(emulator)
            reads = None
            for name, options in (('first run', ()), ('re-run', ()), ('--check run', ('--check',))):
                if name == 're-run':
                    reads = floor('reads')
                emulator.calls_clear()
                seconds, peak = runner.run(emulator, PHP_ROLE_PLAYBOOK, self.servers, accounts, n, options,
                                           extra={'bench_aurora_path': str(aurora_path)})
                if any(call.get('Transport') != 'php' for call in emulator.calls()):
                    sys.exit('the api_transport php run called the web API')
                against = writes if name == 'first run' else reads
                ratio = table.add('role, api_transport php, %s, parallel=%d' % (name, n), seconds,
                                  len(emulator.calls()), against[0], against[1], peak)
                self.goal('api_transport php, %s: %.2f x in-process floor (goal <= %.1f)' % (name, ratio, GOAL_PHP),
                          ratio <= GOAL_PHP)

    def memory(self):
        """Peak memory of the module process for --memory-accounts accounts, at latency 0 to save time."""
        args, n = self.args, self.parallel
        big = accounts_data(args.memory_accounts, self.servers)
        with Emulator(admin_password=ADMIN_PASSWORD, latency_ms=0) as emulator:
            runner = Runner(self.workdir)
            fresh(emulator)
            runner.run(emulator, ROLE_PLAYBOOK, self.servers, [], 1, measure=False)
            for name, options in (('--check --diff run on an empty Aurora', ('--check', '--diff')),
                                  ('first run', ()), ('re-run', ())):
                emulator.calls_clear()
                seconds, peak = runner.run(emulator, ROLE_PLAYBOOK, self.servers, big, n, options)
                self.table.add('role, %d accounts at latency 0, %s, parallel=%d' % (args.memory_accounts, name, n),
                               seconds, len(emulator.calls()), peak=peak)
                self.goal('%s of %d accounts: module peak < %d MiB' % (name, args.memory_accounts, GOAL_MEMORY_MB),
                          peak < GOAL_MEMORY_MB)

    def corporate(self):
        """The provision role on a whole Aurora Corporate (--corporate-tenants tenants) against its floors."""
        args, table, n = self.args, self.table, self.parallel
        data = corporate_data(args.corporate_tenants)
        job = '%d tenants, %d users' % (args.corporate_tenants, len(data['users']))
        with Emulator(admin_password=ADMIN_PASSWORD, latency_ms=args.latency_ms, profile='multi-accounts') as emulator:
            runner = Runner(self.workdir)

            def reset():
                emulator.reset()
                emulator.settings(dict(IMAP_CHECK_OFF, **MULTI_ACCOUNTS_ON))

            def floor(mode):
                emulator.calls_clear()
                return run_floor(self.workdir, web_floor(emulator), {'bench_corporate': data}, mode), \
                    len(emulator.calls())

            reset()
            writes, writes_calls = floor('corporate-writes')
            table.add('floor, corporate writes: requests script, %s' % job, writes, writes_calls, writes, writes_calls)
            reads, reads_calls = floor('corporate-reads')
            table.add('floor, corporate reads', reads, reads_calls, reads, reads_calls)
            reset()
            runs = (('first run', (), writes, writes_calls, GOAL_CORPORATE_FIRST),
                    ('re-run', (), reads, reads_calls, GOAL_CORPORATE_READS),
                    ('--check run', ('--check',), reads, reads_calls, GOAL_CORPORATE_READS))
            for name, options, floor_seconds, floor_calls, goal in runs:
                emulator.calls_clear()
                seconds, peak = runner.run(emulator, CORPORATE_PLAYBOOK, [], [], n, options,
                                           data={'bench_corporate': data})
                ratio = table.add('role, corporate %s, parallel=%d' % (name, n), seconds, len(emulator.calls()),
                                  floor_seconds, floor_calls, peak)
                self.goal('role, corporate %s: <= %.1fx floor' % (name, goal), ratio <= goal)

    def info(self):
        """aurora_info reading --info-users users with their accounts at --latency-ms, with parallel=N."""
        args, n = self.args, self.parallel
        accounts = accounts_data(args.info_users, self.servers)
        with Emulator(admin_password=ADMIN_PASSWORD, latency_ms=args.latency_ms, write_window_ms=0) as emulator:
            fresh(emulator)
            print('seeding %d users at latency %d ms (not timed)' % (args.info_users, args.latency_ms), flush=True)
            seed(emulator, self.servers, accounts)
            emulator.calls_clear()
            seconds, peak = Runner(self.workdir).run(emulator, INFO_PLAYBOOK, [], [], n,
                                                     extra={'bench_users': args.info_users})
            self.table.add('aurora_info, %d servers + %d users at latency %d ms, parallel=%d'
                           % (args.servers, args.info_users, args.latency_ms, n), seconds, len(emulator.calls()),
                           peak=peak)
            self.goal('aurora_info of %d users: < %d s' % (args.info_users, GOAL_INFO_SECONDS),
                      seconds < GOAL_INFO_SECONDS)

    def report(self):
        print()
        print(self.table.render())
        print()
        for text, met, dummy in self.goals:
            print('%s  %s' % ('met   ' if met else 'MISSED', text))
        return 0 if all(met for dummy, met, counted in self.goals if counted) else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', type=int, default=1000, help='users of the timed job (0 skips it)')
    parser.add_argument('--servers', type=int, default=10)
    parser.add_argument('--parallel', type=int, default=DEFAULT_PARALLEL,
                        help='the N of the "parallel=N" rows (default: the modules\' default, %(default)s)')
    parser.add_argument('--loop-users', type=int, default=100, help='users of the single-module loop (0 skips it)')
    parser.add_argument('--memory-accounts', type=int, default=10000, help='accounts of the memory rows (0 skips them)')
    parser.add_argument('--latency-ms', type=int, default=10)
    parser.add_argument('--info-users', type=int, default=10000,
                        help='users that aurora_info reads, at --latency-ms (0 skips the row)')
    parser.add_argument('--corporate-tenants', type=int, default=20,
                        help='tenants of the corporate rows, each with 2 servers, 3 domains, 100 users, 10 further '
                             'accounts and 3 groups (0 skips them)')
    parser.add_argument('--web', type=int, default=1, help='the web API rows of the --users job (0 skips them)')
    parser.add_argument('--php', type=int, default=1, help='the api_transport php rows of the --users job (0 skips them)')
    parser.add_argument('--deadlock-probability', type=float, default=0.1,
                        help='a first run with lock contention: the chance that a write overlapping another write '
                             'into its table is a deadlock victim (0 skips the row)')
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='aurora-bench-') as workdir:
        bench = Bench(args, workdir)
        if args.users and args.web:
            bench.speed()
        if args.users and args.php:
            bench.php()
        if args.memory_accounts:
            bench.memory()
        if args.info_users:
            bench.info()
        if args.corporate_tenants:
            bench.corporate()
        return bench.report()


if __name__ == '__main__':
    sys.exit(main())
