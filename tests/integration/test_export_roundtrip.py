"""The playbook afterlogic.aurora.export against the emulator: an Aurora provisioned from a vars file is exported, and
the exported file, with its vault variables defined, provisions the same Aurora with nothing to change."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.emulator.fake_aurora import sync_settings_files
from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path
from tests.helpers.module_runner import create_tenants, module_task
from tests.helpers.playbook import connected_play, connection_vars, run_playbook

EXAMPLE_VARS = os.path.join(REPO_ROOT, 'playbooks', 'vars', 'example.yml')
RECAP = re.compile(r'^localhost\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', re.MULTILINE)
IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}  # the example hosts do not exist
CORPORATE_PASSWORD = 'Export-Corporate-Secret-5'
SETTINGS = {'Core': {'SiteName': 'Acme Mail', 'TimeFormat': 'F12'}, 'System': {'LoggingLevel': 'Warning'}}
WEB_SETTINGS_FILES = ['system', 'Core', 'CoreWebclient', 'Mail']  # those a GetSettings shows


class VarsLoader(yaml.SafeLoader):
    """Reads a vars file as Ansible does, with a value tagged !unsafe (never templated) as its plain text."""


VarsLoader.add_constructor('!unsafe', lambda loader, node: loader.construct_scalar(node))


def role_takes_settings():
    with open(os.path.join(REPO_ROOT, 'roles', 'provision', 'meta', 'argument_specs.yml')) as handle:
        return 'aurora_settings' in yaml.safe_load(handle)['argument_specs']['main']['options']


# Until the role applies aurora_settings, provisioning ignores what the export writes there.
NEEDS_ROLE_SETTINGS = pytest.mark.skipif(not role_takes_settings(), reason='the role afterlogic.aurora.provision has '
                                         'no variable aurora_settings yet (issue 27, item 2)')


def collection_playbook(tmp_path, name, *args, env=None):
    """ansible-playbook afterlogic.aurora.NAME ARGS with only ``env``'s AURORA_* variables; (returncode, output,
    (ok, changed, failed))."""
    full_env = dict((key, value) for key, value in os.environ.items() if not key.startswith('AURORA_'))
    full_env.update(ANSIBLE_COLLECTIONS_PATH=ensure_collection_on_path(), ANSIBLE_NOCOLOR='1',
                    ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
                    ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', **(env or {}))
    finished = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                               'afterlogic.aurora.' + name] + list(args), env=full_env, cwd=str(tmp_path),
                              capture_output=True, text=True, timeout=300, check=False)
    output = finished.stdout + finished.stderr
    found = RECAP.search(output)
    return finished.returncode, output, tuple(int(number) for number in found.groups()) if found else None


def connection_env(emulator, aurora_path=None):
    """The AURORA_* connection to ``emulator``: its web API, or with ``aurora_path`` (a fake Aurora wired to it) its
    PHP API."""
    if aurora_path is not None:
        return {'AURORA_API_TRANSPORT': 'php', 'AURORA_PATH': str(aurora_path)}
    return {'AURORA_URL': emulator.url, 'AURORA_USERNAME': emulator.admin_login,
            'AURORA_PASSWORD': emulator.admin_password}


def export(tmp_path, emulator, aurora_path=None):
    """Run the export playbook with the connection from the AURORA_* environment; the written file, loaded, and its
    text."""
    path = tmp_path / 'exported.yml'
    code, output, recap = collection_playbook(tmp_path, 'export', '-e', 'aurora_export_path=%s' % path,
                                              env=connection_env(emulator, aurora_path))
    assert code == 0 and recap[2] == 0, output
    assert emulator.admin_password not in output
    assert oct(path.stat().st_mode & 0o777) == '0o600'
    text = path.read_text()
    return yaml.load(text, Loader=VarsLoader), text


def vault_name(prefix, name):
    return prefix + re.sub('[^A-Za-z0-9]', '_', name)


def provision_from(tmp_path, path, vault, emulator, aurora_path=None):
    return collection_playbook(tmp_path, 'provision', '-e', '@%s' % path, '-e', json.dumps(vault),
                               env=connection_env(emulator, aurora_path))


def settings_of(exported):
    return dict((item['module'], item['settings']) for item in exported['aurora_settings'])


def test_an_aurora_provisioned_from_the_example_exports_a_file_that_provisions_it_unchanged(tmp_path, emulator):
    emulator.settings(IMAP_CHECK_OFF)
    with open(EXAMPLE_VARS) as handle:
        example = yaml.safe_load(handle)
    code, output, recap = collection_playbook(tmp_path, 'provision', '-e', '@' + EXAMPLE_VARS, '-e', json.dumps(dict(
        aurora_api_url=emulator.url, aurora_api_username=emulator.admin_login,
        aurora_api_password=emulator.admin_password)))
    assert code == 0 and recap[1] > 0, output
    emulator.settings(SETTINGS)  # set by hand, after whatever the example sets

    exported, text = export(tmp_path, emulator)
    assert sorted(exported) == ['aurora_mail_accounts', 'aurora_mail_servers', 'aurora_settings',
                                'aurora_user_accounts']
    assert [item['module'] for item in exported['aurora_settings']] == WEB_SETTINGS_FILES
    settings = settings_of(exported)
    assert (settings['Core']['SiteName'], settings['Core']['TimeFormat'], settings['system']['LoggingLevel']) == (
        'Acme Mail', 'F12', 'Warning')
    assert sorted(server['name'] for server in exported['aurora_mail_servers']) == \
        sorted(server['name'] for server in example['aurora_mail_servers'])
    assert sorted(account['email'] for account in exported['aurora_user_accounts']) == \
        sorted(account['email'] for account in example['aurora_user_accounts'])
    secrets = [server['smtp_password'] for server in example['aurora_mail_servers'] if 'smtp_password' in server] + \
        [account['password'] for account in example['aurora_user_accounts']]
    assert not [secret for secret in secrets if secret in text]
    relay, = [server for server in exported['aurora_mail_servers'] if server.get('smtp_password')]
    assert relay['smtp_password'] == '{{ vault_aurora_smtp_password_example_org }}'
    assert [account['password'] for account in exported['aurora_user_accounts']] == [
        '{{ %s }}' % vault_name('vault_aurora_password_', account['email']) for account in exported['aurora_user_accounts']]

    vault = dict((vault_name('vault_aurora_password_', account['email']), account['password'])
                 for account in example['aurora_user_accounts'])
    vault['vault_aurora_smtp_password_example_org'] = 'fake-relay-password-CHANGE-ME'
    path = tmp_path / 'exported.yml'
    code, output, recap = provision_from(tmp_path, path, vault, emulator)
    assert code == 0 and recap[1:] == (0, 0), output

    # A vault variable left undefined stops the run instead of sending an empty password.
    del vault['vault_aurora_password_user_mydomain_com']
    code, output, recap = provision_from(tmp_path, path, vault, emulator)
    assert code != 0 and 'vault_aurora_password_user_mydomain_com' in output, output


@pytest.fixture
def corporate(corporate_emulator):
    aurora = corporate_emulator
    aurora.settings(IMAP_CHECK_OFF)
    create_tenants(aurora, 'acme')
    assert module_task(aurora, 'aurora_tenant')(name='acme', description='Acme Inc')['changed']
    server = module_task(aurora, 'aurora_mail_server')
    assert server(name='acme-mail', tenant='acme', incoming_server='imap.acme.example', outgoing_port=587)['changed']
    assert server(name='shared', incoming_server='imap.shared.example')['changed']
    assert module_task(aurora, 'aurora_mail_domain')(name='acme.example', tenant='acme', server='acme-mail')['changed']
    user = module_task(aurora, 'aurora_user_account')
    for email, tenant, server_name in (('ann@acme.example', 'acme', 'acme-mail'), ('bob@acme.example', 'acme', 'shared'),
                                       ('cy@example.net', 'Default', 'shared')):
        assert user(email=email, tenant=tenant, server=server_name, password=CORPORATE_PASSWORD)['changed']
    assert module_task(aurora, 'aurora_group')(name='Sales', tenant='acme', members=['ann@acme.example'])['changed']
    return aurora


MANAGED_BY_MODULES = """\
vars_files:
  - exported.yml
tasks:
  - name: Tenants
    afterlogic.aurora.aurora_tenant:
      name: "{{ item.name }}"
      description: "{{ item.description }}"
      web_domain: "{{ item.web_domain }}"
      site_name: "{{ item.site_name }}"
    loop: "{{ aurora_tenants }}"
  - name: Mail domains
    afterlogic.aurora.aurora_mail_domain:
      name: "{{ item.name }}"
      tenant: "{{ item.tenant }}"
      server: "{{ item.server }}"
    loop: "{{ aurora_mail_domains }}"
  - name: Groups
    afterlogic.aurora.aurora_group:
      name: "{{ item.name }}"
      tenant: "{{ item.tenant }}"
      members: "{{ item.members }}"
    loop: "{{ aurora_groups }}"
"""


def test_a_corporate_aurora_exports_tenants_servers_and_users_that_provision_it_unchanged(tmp_path, corporate):
    exported, dummy = export(tmp_path, corporate)
    assert sorted(exported) == ['aurora_groups', 'aurora_mail_accounts', 'aurora_mail_domains', 'aurora_mail_servers',
                                'aurora_settings', 'aurora_tenants', 'aurora_user_accounts']
    assert settings_of(exported)['system']['EnableMultiTenant'] is True and settings_of(exported)['Core']['AllowGroups']
    assert [(server['name'], server.get('tenant')) for server in exported['aurora_mail_servers']] == [
        ('acme-mail', 'acme'), ('shared', None)]
    assert sorted((user['email'], user['tenant'], user['server']) for user in exported['aurora_user_accounts']) == [
        ('ann@acme.example', 'acme', 'acme-mail'), ('bob@acme.example', 'acme', 'shared'),
        ('cy@example.net', 'Default', 'shared')]
    assert exported['aurora_tenants'] == [dict(name='acme', description='Acme Inc', site_name='Afterlogic WebMail Lite PHP',
                                               web_domain='')]
    assert exported['aurora_mail_domains'] == [dict(name='acme.example', tenant='acme', server='acme-mail')]
    assert exported['aurora_groups'] == [dict(name='Sales', tenant='acme', members=['ann@acme.example'])]

    vault = dict((vault_name('vault_aurora_password_', user['email']), CORPORATE_PASSWORD)
                 for user in exported['aurora_user_accounts'])
    code, output, recap = provision_from(tmp_path, tmp_path / 'exported.yml', vault, corporate)
    assert code == 0 and recap[1:] == (0, 0), output

    run = run_playbook(tmp_path, connected_play(MANAGED_BY_MODULES), connection_vars(corporate))
    assert run.returncode == 0 and run.recap() == (3, 0, 0), run.output


@NEEDS_ROLE_SETTINGS
def test_settings_exported_on_the_host_put_back_what_changed_since_then_stay_unchanged(tmp_path, emulator, fake_aurora):
    """On the host every setting is exported, Mail's SieveSpamRuleCondition among them, whose "{{Value}}" Ansible
    must not template (over the web API, the first test's roundtrip has the settings GetSettings shows)."""
    emulator.settings(SETTINGS)
    folder = fake_aurora(emulator)
    exported, text = export(tmp_path, emulator, folder)
    settings = settings_of(exported)
    assert settings['Core']['SiteName'] == 'Acme Mail' and len(settings) > len(WEB_SETTINGS_FILES), settings
    assert '{{Value}}' in settings['Mail']['SieveSpamRuleCondition'] and '!unsafe' in text

    emulator.settings({'Core': {'SiteName': 'Changed by hand', 'TimeFormat': 'F24'}, 'System': {'LoggingLevel': 'Full'}})
    sync_settings_files(emulator, folder)
    code, output, recap = provision_from(tmp_path, tmp_path / 'exported.yml', {}, emulator, folder)
    assert code == 0 and recap[1] >= 1, output
    now = emulator.settings()
    assert (now['Core']['SiteName'], now['Core']['TimeFormat'], now['System']['LoggingLevel']) == ('Acme Mail', 1, 50)
    code, output, recap = provision_from(tmp_path, tmp_path / 'exported.yml', {}, emulator, folder)
    assert code == 0 and recap[1:] == (0, 0), output
