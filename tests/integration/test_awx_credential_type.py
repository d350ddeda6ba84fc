"""The AWX/Automation Controller credential type the collection ships, end to end.

A job in AWX gets the connection to Aurora only from the credential: the controller renders the credential type's
injectors with the credential's inputs into environment variables. These tests parse
extensions/awx/credential_type_aurora.yml, render its injectors as the controller does (tests/helpers/awx.py), and run
real ansible-playbook processes whose only connection settings are those variables: every module of the collection,
the role through the playbook afterlogic.aurora.provision (with --check, as a "Check" job, then for real), a token
instead of a password, and validate_certs. The last test runs playbooks/awx_credential_type.yml against a stand-in of
the AWX API and checks that AWX receives exactly the shipped definition.
"""

import http.server
import json
import os
import re
import subprocess
import sys
import textwrap
import urllib.parse

import pytest
import yaml

from tests.helpers import awx
from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path, module_names
from tests.helpers.rst import code_block
from tests.helpers.stub_http import BackgroundServer, StubServer, aurora_answer, self_signed_certificate
from tests.helpers.tutorial import TUTORIAL_SERVER_FIELDS

BIN = os.path.dirname(sys.executable)
EXAMPLE_VARS = os.path.join(REPO_ROOT, 'playbooks', 'vars', 'example.yml')
LOGINS = ('LoginAsSuperadmin', 'Login')
RECAP = re.compile(r'^localhost\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.MULTILINE)
MAILBOX_PASSWORD = 'Fake-Mailbox-Secret-1'

# One task for each module of the collection, without any connection option: the connection comes from the job's
# environment only. A module added to plugins/modules/ needs its task here (test_every_module_has_a_task). The play
# runs them in this order, on the corporate profile (tenants, MailDomains and groups).
MODULE_TASKS = {
    'aurora_api_token': {
        'name': 'Log in once',
        'afterlogic.aurora.aurora_api_token': None,
        'register': 'session',
        'no_log': True,
    },
    'aurora_settings': {
        'name': "Aurora's own settings",
        'afterlogic.aurora.aurora_settings': {'module': 'Core', 'settings': {'SiteName': 'Mail of Acme'}},
    },
    'aurora_mail_server': {
        'name': "The tutorial's mail server",
        'afterlogic.aurora.aurora_mail_server': {
            'name': 'mydomain', 'incoming_server': 'mail.mydomain.com', 'incoming_port': 143, 'incoming_use_ssl': False,
            'outgoing_server': 'mail.mydomain.com', 'outgoing_port': 25, 'outgoing_use_ssl': False,
            'smtp_auth_type': 'user_credentials', 'domains': ['mydomain.com']},
    },
    'aurora_tenant': {
        'name': 'A tenant',
        'afterlogic.aurora.aurora_tenant': {'name': 'acme', 'description': 'Acme Inc'},
    },
    'aurora_tenants': {
        'name': 'More tenants in one task',
        'afterlogic.aurora.aurora_tenants': {'tenants': [{'name': 'beta'}]},
    },
    'aurora_mail_domain': {
        'name': "The tutorial's domain, registered in the tenant",
        'afterlogic.aurora.aurora_mail_domain': {'name': 'mydomain.com', 'tenant': 'acme', 'server': 'mydomain'},
    },
    'aurora_mail_domains': {
        'name': 'More mail domains in one task',
        'afterlogic.aurora.aurora_mail_domains': {'domains': [{'name': 'beta.example', 'tenant': 'beta',
                                                               'server': 'mydomain'}]},
    },
    'aurora_user_account': {
        'name': "The tutorial's user",
        'afterlogic.aurora.aurora_user_account': {
            'email': 'user@mydomain.com', 'password': '{{ mailbox_password }}', 'server': 'mydomain'},
    },
    'aurora_mail_servers': {
        'name': 'More mail servers in one task',
        'afterlogic.aurora.aurora_mail_servers': {
            'servers': [{'name': 'example-org', 'incoming_server': 'imap.example.org', 'domains': ['example.org']}]},
    },
    'aurora_user_accounts': {
        'name': 'More users in one task',
        'afterlogic.aurora.aurora_user_accounts': {
            'accounts': [{'email': 'sales@example.org', 'password': '{{ mailbox_password }}', 'server': 'example-org'}]},
    },
    'aurora_mail_account': {
        'name': 'A further mail account of the user',
        'afterlogic.aurora.aurora_mail_account': {'user': 'user@mydomain.com', 'email': 'sales@mydomain.com',
                                                  'password': '{{ mailbox_password }}', 'server': 'mydomain'},
    },
    'aurora_mail_accounts': {
        'name': 'More further mail accounts in one task',
        'afterlogic.aurora.aurora_mail_accounts': {'accounts': [
            {'user': 'user@mydomain.com', 'email': 'info@mydomain.com', 'password': '{{ mailbox_password }}',
             'server': 'mydomain'}]},
    },
    'aurora_group': {
        'name': 'A group of the tenant, with the user Aurora put there by its domain',
        'afterlogic.aurora.aurora_group': {'name': 'Sales', 'tenant': 'acme', 'members': ['user@mydomain.com']},
    },
    'aurora_groups': {
        'name': 'More groups in one task',
        'afterlogic.aurora.aurora_groups': {'groups': [{'name': 'Admins', 'tenant': 'acme'}]},
    },
    'aurora_info': {
        'name': 'Read back what the tasks above made',
        'afterlogic.aurora.aurora_info': {'gather': ['servers', 'users'], 'tenant': 'acme'},
    },
}
# What each module's task leaves in Aurora: (mail server names, user e-mail addresses).
MODULE_OBJECTS = {
    'aurora_settings': ([], []),
    'aurora_tenant': ([], []),
    'aurora_mail_domain': ([], []),
    'aurora_group': ([], []),
    'aurora_mail_account': ([], []),
    'aurora_tenants': ([], []),
    'aurora_mail_domains': ([], []),
    'aurora_groups': ([], []),
    'aurora_mail_accounts': ([], []),
    'aurora_mail_server': (['mydomain'], []),
    'aurora_user_account': ([], ['user@mydomain.com']),
    'aurora_mail_servers': (['example-org'], []),
    'aurora_user_accounts': ([], ['sales@example.org']),
}


def job_env(tmp_path, credential_inputs):
    """The environment of an AWX job with one "Afterlogic Aurora" credential: no AURORA_* but the credential's."""
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith('AURORA_'))
    env.update(ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'), ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    env.update(awx.job_environment(credential_inputs))
    return env


def ansible_playbook(tmp_path, env, *args):
    finished = subprocess.run([os.path.join(BIN, 'ansible-playbook')] + list(args), env=env, cwd=str(tmp_path),
                              capture_output=True, text=True, timeout=300, check=False)
    output = finished.stdout + finished.stderr
    found = RECAP.search(output)
    return finished.returncode, output, tuple(int(number) for number in found.groups()) if found else None


def write_modules_playbook(tmp_path, modules):
    play = {'name': 'Every module of afterlogic.aurora, connected by the AWX credential only', 'hosts': 'localhost',
            'connection': 'local', 'gather_facts': False,
            'tasks': [dict(MODULE_TASKS[module]) for module in modules]}
    text = yaml.safe_dump([play], sort_keys=False)
    # Nothing in the play names a connection option: no api_* option, no module_defaults.
    assert not re.search(r'\b(api_(url|username|password|token)|validate_certs|ca_path|timeout|module_defaults)\b', text)
    path = tmp_path / 'every_module.yml'
    path.write_text(text)
    return str(path)


def logins(emulator):
    return [call for call in emulator.calls() if call['Method'] in LOGINS]


@pytest.fixture
def aurora(emulator):
    # The tutorial's hosts (mail.mydomain.com, ...) do not exist: Aurora's IMAP check on account creation is turned off.
    # Multi-tenancy on, for aurora_tenant.
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}, 'System': {'EnableMultiTenant': True}})
    emulator.calls_clear()
    return emulator


def test_every_module_has_a_task():
    assert sorted(set(module_names()) - set(MODULE_TASKS)) == []


def test_the_injectors_set_exactly_the_aurora_variables_with_safe_defaults():
    definition = awx.credential_type()
    fields = dict((field['id'], field) for field in definition['inputs']['fields'])
    assert sorted(fields) == ['password', 'token', 'url', 'username', 'validate_certs']
    assert [name for name, field in fields.items() if field.get('secret')] == ['password', 'token']
    assert definition['inputs']['required'] == ['url']
    assert sorted(definition['injectors']) == ['env']
    env = awx.job_environment({'url': 'https://mail.example.com/webmail/', 'password': 'pw'})
    assert env == {'AURORA_URL': 'https://mail.example.com/webmail/', 'AURORA_USERNAME': 'superadmin',
                   'AURORA_PASSWORD': 'pw', 'AURORA_TOKEN': '', 'AURORA_VALIDATE_CERTS': 'true'}
    env = awx.job_environment({'url': 'https://a/', 'username': 'admin', 'token': 't', 'validate_certs': 'false'})
    assert env == {'AURORA_URL': 'https://a/', 'AURORA_USERNAME': 'admin', 'AURORA_PASSWORD': '', 'AURORA_TOKEN': 't',
                   'AURORA_VALIDATE_CERTS': 'false'}
    with pytest.raises(ValueError):
        awx.job_environment({'password': 'pw'})  # no url
    with pytest.raises(ValueError):
        awx.job_environment({'url': 'https://a/', 'validate_certs': True})  # a string with two choices, not a boolean


def test_every_module_runs_with_the_connection_only_from_the_credential(tmp_path, corporate_emulator):
    aurora = corporate_emulator
    aurora.settings({'Mail': {'DoImapLoginOnAccountCreate': False}, 'MailMultiAccountsPlugin': {'Enabled': True}})
    modules = list(MODULE_TASKS)
    env = job_env(tmp_path, {'url': aurora.url, 'username': aurora.admin_login, 'password': aurora.admin_password})
    assert not any(name.startswith('AURORA_') and name not in awx.credential_type()['injectors']['env'] for name in env)
    playbook = write_modules_playbook(tmp_path, modules)
    code, output, recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', '-e', 'mailbox_password=' + MAILBOX_PASSWORD,
                                           playbook)
    assert code == 0, output
    changing = [module for module in modules if module in MODULE_OBJECTS]
    assert recap == (len(modules), len(changing), 0, 0), output
    state = aurora.state()
    assert sorted(server['Name'] for server in state['servers']) == \
        sorted(name for module in changing for name in MODULE_OBJECTS[module][0])
    assert sorted(user['PublicId'] for user in state['users']) == \
        sorted(email for module in changing for email in MODULE_OBJECTS[module][1])
    for secret in (aurora.admin_password, MAILBOX_PASSWORD):
        assert secret not in output

    # Again: nothing to change.
    code, output, recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', '-e', 'mailbox_password=' + MAILBOX_PASSWORD,
                                           playbook)
    assert code == 0 and recap == (len(modules), 0, 0, 0), output


def test_the_role_runs_as_a_check_job_then_a_run_job_with_the_connection_only_from_the_credential(tmp_path, aurora):
    env = job_env(tmp_path, {'url': aurora.url, 'username': aurora.admin_login, 'password': aurora.admin_password})
    with open(EXAMPLE_VARS) as handle:
        example = yaml.safe_load(handle)

    # Job type "Check" with "Show Changes": ansible-playbook --check --diff. It predicts and writes nothing.
    code, output, recap = ansible_playbook(tmp_path, env, 'afterlogic.aurora.provision', '-e', '@' + EXAMPLE_VARS,
                                           '--check', '--diff')
    assert code == 0, output
    assert recap[1] > 0 and recap[3] == 0, output
    state = aurora.state()
    assert state['servers'] == [] and state['users'] == [] and state['accounts'] == []

    # Job type "Run".
    code, output, recap = ansible_playbook(tmp_path, env, 'afterlogic.aurora.provision', '-e', '@' + EXAMPLE_VARS)
    assert code == 0 and recap[1] > 0, output
    state = aurora.state()
    assert sorted(server['Name'] for server in state['servers']) == \
        sorted(server['name'] for server in example['aurora_mail_servers'])
    assert sorted(user['PublicId'] for user in state['users']) == \
        sorted(account['email'] for account in example['aurora_user_accounts'])
    assert aurora.admin_password not in output


def test_the_guides_survey_job_runs_as_a_check_job_then_a_run_job(tmp_path, aurora):
    assert aurora.api('Mail', 'CreateServer', TUTORIAL_SERVER_FIELDS).get('Result') == 1
    playbook = tmp_path / 'add_mailbox.yml'
    playbook.write_text(code_block('awx.rst', 'add_mailbox.yml'))
    # The credential as the guide creates it, but without a login: the type's default, superadmin, applies.
    assert aurora.admin_login == 'superadmin'
    env = job_env(tmp_path, {'url': aurora.url, 'password': aurora.admin_password})
    survey = json.dumps({'mailbox_email': 'ann@mydomain.com', 'mailbox_display_name': 'Ann Example',
                         'mailbox_password': MAILBOX_PASSWORD, 'mailbox_server': 'mydomain'})

    code, output, recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', '-e', survey, '--check', '--diff',
                                           str(playbook))
    assert code == 0 and recap == (1, 1, 0, 0), output
    assert '"friendly_name": "Ann Example"' in output and '"password": "<hidden, changed>"' in output
    assert aurora.state()['users'] == []

    code, output, recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', '-e', survey, str(playbook))
    assert code == 0 and recap == (1, 1, 0, 0), output
    code, output, recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', '-e', survey, str(playbook))
    assert code == 0 and recap == (1, 0, 0, 0), output
    state = aurora.state()
    assert [user['PublicId'] for user in state['users']] == ['ann@mydomain.com']
    assert [account['FriendlyName'] for account in state['accounts']] == ['Ann Example']
    assert MAILBOX_PASSWORD not in output

    # The display name is an optional question: left empty, the task does not touch it.
    survey = json.dumps({'mailbox_email': 'ann@mydomain.com', 'mailbox_display_name': '',
                         'mailbox_password': MAILBOX_PASSWORD, 'mailbox_server': 'mydomain'})
    code, output, recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', '-e', survey, str(playbook))
    assert code == 0 and recap == (1, 0, 0, 0), output


def test_a_credential_with_a_token_and_no_password_logs_in_nowhere(tmp_path, aurora):
    token = aurora.login()
    aurora.calls_clear()
    env = job_env(tmp_path, {'url': aurora.url, 'token': token})
    assert env['AURORA_PASSWORD'] == '' and env['AURORA_USERNAME'] == 'superadmin'
    code, output, recap = ansible_playbook(tmp_path, env, 'afterlogic.aurora.provision', '-e', '@' + EXAMPLE_VARS)
    assert code == 0 and recap[1] > 0, output
    assert logins(aurora) == []
    assert all(call['Token'] == 'present' for call in aurora.calls())
    assert token not in output


@pytest.fixture(scope='module')
def tls_certificate(tmp_path_factory):
    return self_signed_certificate(str(tmp_path_factory.mktemp('tls')))


TOKEN_PLAYBOOK = textwrap.dedent('''\
    - name: Log in to Aurora with the connection of the credential only
      hosts: localhost
      connection: local
      gather_facts: false
      tasks:
        - name: Log in
          afterlogic.aurora.aurora_api_token:
          register: session
          no_log: true  # ansible-core before 2.19 hides the message of a failure too: the next task shows it
          ignore_errors: true

        - name: Show whether it logged in, or why not
          ansible.builtin.debug:
            msg: "{{ 'login failed: ' ~ session.msg if session is failed else 'logged in: ' ~ session.logged_in }}"
''')


def test_validate_certs_comes_from_the_credential_and_verifies_unless_set_to_false(tmp_path, tls_certificate):
    playbook = tmp_path / 'token.yml'
    playbook.write_text(TOKEN_PLAYBOOK)
    with StubServer(lambda request: aurora_answer({'AuthToken': 'stub-token'}), tls_cert=tls_certificate) as stub:
        assert stub.url.startswith('https://')
        env = job_env(tmp_path, {'url': stub.url, 'password': 'stub-admin-password'})
        code, output, _recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', str(playbook))
        assert code == 0 and 'login failed: ' in output and 'certificate' in output.lower(), output
        assert stub.requests == []  # the TLS handshake failed: nothing was sent

        env = job_env(tmp_path, {'url': stub.url, 'password': 'stub-admin-password', 'validate_certs': 'false'})
        code, output, _recap = ansible_playbook(tmp_path, env, '-i', 'localhost,', str(playbook))
        assert code == 0 and 'logged in: True' in output, output
        assert [request['form'].get('Method') for request in stub.requests] == ['LoginAsSuperadmin']
        assert 'stub-admin-password' not in output


class FakeAwx(BackgroundServer):
    """The part of AWX's API that awx.awx.credential_type uses: list by name, create, update."""

    def __init__(self):
        self.items = []
        self.writes = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('X-API-Product-Name', 'AWX')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                return json.loads(self.rfile.read(int(self.headers.get('Content-Length') or 0)) or b'{}')

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path != '/api/v2/credential_types/':
                    return self._answer(404, {'detail': 'Not found.'})
                query = dict(urllib.parse.parse_qsl(url.query))
                found = [item for item in fake.items if item['name'] == query.get('name')]
                return self._answer(200, {'count': len(found), 'next': None, 'previous': None, 'results': found})

            def do_POST(self):
                if self.path != '/api/v2/credential_types/' or self.headers.get('Authorization') != 'Bearer awx-token':
                    return self._answer(403, {'detail': 'Forbidden.'})
                body = self._body()
                fake.writes.append(('POST', body))
                number = len(fake.items) + 1
                item = dict(body, id=number, type='credential_type', url='/api/v2/credential_types/%d/' % number)
                fake.items.append(item)
                return self._answer(201, item)

            def do_PATCH(self):
                body = self._body()
                fake.writes.append(('PATCH', body))
                for item in fake.items:
                    if item['url'] == self.path:
                        item.update(body)
                        return self._answer(200, item)
                return self._answer(404, {'detail': 'Not found.'})

            def log_message(self, *args):
                pass

        super().__init__(Handler)
        self.url = self.url.rstrip('/')  # the controller host, as CONTROLLER_HOST is written


def test_the_awx_playbook_creates_exactly_the_shipped_credential_type_once(tmp_path):
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(('AURORA_', 'CONTROLLER_')))
    env.update(ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               NO_PROXY='127.0.0.1', no_proxy='127.0.0.1')
    definition = awx.credential_type()
    with FakeAwx() as fake:
        env.update(CONTROLLER_HOST=fake.url, CONTROLLER_OAUTH_TOKEN='awx-token')
        code, output, recap = ansible_playbook(tmp_path, env, 'afterlogic.aurora.awx_credential_type')
        assert code == 0 and recap == (1, 1, 0, 0), output
        assert fake.writes == [('POST', dict(definition, managed=False))]
        # The controller's templates reached AWX as they are in the file.
        assert fake.items[0]['injectors']['env']['AURORA_URL'] == '{{ url }}'

        code, output, recap = ansible_playbook(tmp_path, env, 'afterlogic.aurora.awx_credential_type')
        assert code == 0 and recap == (1, 0, 0, 0), output
        assert len(fake.writes) == 1
