"""The role provision configures Aurora (aurora_settings, aurora_admin_password) before it fills it, from one vars
file: over the web API with a new super-administrator login and password, which the later tasks and the next runs log
in with; its refusal, before any write, of lists that need a setting that is off; and over the PHP transport, an
Aurora Corporate with multi-tenancy and groups off that the role switches on, with a check run that predicts it."""

import json
import re

import pytest

from tests.integration.test_role_corporate import example as corporate_example, held, item_statuses, write_vars
from tests.integration.test_role_provision import LOGINS, connection_of, example, provision, recap

LOOP_ITEM_LINE = re.compile(r'^(ok|changed): \[[^\]]+\] => \(item=([^)]*)\) => (\{.*\})$', re.MULTILINE)
NEW_PASSWORD = 'New-Admin-Secret-42'  # a placeholder, not a secret
NEW_LOGIN = 'chief'
WEB_SETTINGS = [
    {'module': 'Core', 'settings': {'SiteName': 'Acme Mail', 'TimeFormat': 'F12'}},
    {'module': 'system', 'settings': {'AdminLogin': NEW_LOGIN, 'LoggingLevel': 'Warning', 'EnableLogging': True}},
]
CORPORATE_OFF = {'System': {'EnableMultiTenant': False}, 'Core': {'AllowGroups': False}}
CORPORATE_SETTINGS = [{'module': 'system', 'settings': {'EnableMultiTenant': True}},
                      {'module': 'Core', 'settings': {'AllowGroups': True}}]
ACCOUNTS = {'Mail': {'DoImapLoginOnAccountCreate': False}, 'MailMultiAccountsPlugin': {'Enabled': True}}


def settings_statuses(output):
    """[(module, status, msg)] of the items of the settings task, in order (output at -v)."""
    return [(module, status, json.loads(result).get('msg'))
            for status, module, result in LOOP_ITEM_LINE.findall(output)]


def stored(emulator, path, key):
    return json.loads(emulator.settings_files()[path])[key][0]


def writes(emulator, start=0):
    """Module.Method of every call since ``start`` but reads and logins (a settings file read by the PHP API, in
    process, is Core.@ReadSettings, its save Core.@WriteSettings)."""
    return [call['Module'] + '.' + call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith(('Get', '@Read')) and call['Method'] not in LOGINS]


def logins(emulator, start=0):
    return [call['Parameters']['Login'] for call in emulator.calls()[start:] if call['Method'] in LOGINS]


def test_web_settings_come_first_and_the_new_admin_login_and_password_serve_every_later_login(tmp_path, emulator):
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    emulator.calls_clear()
    data = dict(example(), aurora_settings=WEB_SETTINGS, aurora_admin_password=NEW_PASSWORD)
    data_file = write_vars(tmp_path, data)
    files = emulator.settings_files()

    code, checked = provision(tmp_path, '-e', data_file, '--check', '--diff', connection=connection_of(emulator))
    assert code == 0, checked
    assert writes(emulator) == [] and emulator.settings_files() == files and emulator.state()['servers'] == []
    # the login and password to be are tried first, then the ones given
    assert logins(emulator) == [NEW_LOGIN, emulator.admin_login]

    # Every token issued so far stops working after the first server is made: the tasks from then on log in again,
    # which only the new login and password can.
    emulator.faults([{'call': 'Mail.CreateServer', 'fault': 'revoke', 'when': 'after'}])
    start = len(emulator.calls())
    code, real = provision(tmp_path, '-e', data_file, '--diff', connection=connection_of(emulator))
    assert code == 0, real
    made = writes(emulator, start)
    # Core's settings; the system's; the password: before anything else
    assert made[:4] == ['Core.UpdateSettings'] * 3 + ['Mail.CreateServer'], made
    assert 'Core.UpdateSettings' not in made[3:], made
    assert logins(emulator, start)[:2] == [NEW_LOGIN, emulator.admin_login]
    assert set(logins(emulator, start)[2:]) == {NEW_LOGIN}, logins(emulator, start)
    assert stored(emulator, 'modules/Core.config.json', 'SiteName') == 'Acme Mail'
    assert stored(emulator, 'modules/Core.config.json', 'TimeFormat') == 'F12'
    assert stored(emulator, 'config.json', 'LoggingLevel') == 'Warning'
    assert stored(emulator, 'config.json', 'EnableLogging') is True
    assert emulator.login(NEW_LOGIN, NEW_PASSWORD)
    with pytest.raises(AssertionError):
        emulator.login(NEW_LOGIN, emulator.admin_password)
    assert settings_statuses(checked) == settings_statuses(real)
    assert [status for dummy, status, msg in settings_statuses(real)] == ['changed', 'changed']
    assert item_statuses(checked) == item_statuses(real)
    assert len(item_statuses(real)) == len(data['aurora_mail_servers']) + len(data['aurora_user_accounts'])
    assert NEW_PASSWORD not in checked + real and emulator.admin_password not in checked + real

    # The same vars again: the new login and password log in at once, and nothing changes.
    for options in (('-vvv',), ('--check', '--diff')):
        start = len(emulator.calls())
        code, again = provision(tmp_path, '-e', data_file, *options, connection=connection_of(emulator))
        assert code == 0 and recap(again)['localhost'][1] == 0, (options, again)
        assert writes(emulator, start) == [] and logins(emulator, start) == [NEW_LOGIN], options
        assert NEW_PASSWORD not in again and emulator.admin_password not in again, options


def test_lists_that_need_a_setting_that_is_off_fail_before_any_write_naming_the_item_to_add(
        tmp_path, corporate_emulator):
    aurora = corporate_emulator
    aurora.settings(dict(CORPORATE_OFF, **ACCOUNTS))
    aurora.calls_clear()
    data = dict(corporate_example(), aurora_settings=[
        {'module': 'Core', 'settings': {'SiteName': 'Acme Mail', 'AllowGroups': False}}])
    files = aurora.settings_files()
    code, output = provision(tmp_path, '-e', write_vars(tmp_path, data), connection=connection_of(aurora))
    assert code != 0, output
    assert ('aurora_tenants needs multi-tenancy, which is off on this Aurora: add {module: system, settings: '
            '{EnableMultiTenant: true}} to aurora_settings, with aurora_api_transport: php') in output
    assert "aurora_groups needs groups, and aurora_settings gives Core AllowGroups False: make that item " \
           "{module: Core, settings: {AllowGroups: true}}" in output
    assert 'aurora_mail_domains' not in output.split('Nothing was changed')[1]  # MailDomains is on
    assert writes(aurora) == [] and aurora.settings_files() == files


def test_php_switches_multi_tenancy_and_groups_on_then_fills_and_a_check_run_predicts_it(
        tmp_path, corporate_emulator, fake_aurora):
    """The re-run and the check run after it report no change: extensions/molecule/corporate, which runs this over
    php too."""
    aurora = corporate_emulator
    aurora.settings(dict(CORPORATE_OFF, **ACCOUNTS))
    path = fake_aurora(aurora)
    aurora.calls_clear()
    data = dict(corporate_example(), aurora_settings=CORPORATE_SETTINGS)
    data_file = write_vars(tmp_path, data)
    php = dict(aurora_api_transport='php', aurora_path=str(path))
    empty, files = held(aurora), aurora.settings_files()

    code, checked = provision(tmp_path, '-e', data_file, '--check', '--diff', connection=php)
    assert code == 0, checked
    assert writes(aurora) == [] and held(aurora) == empty and aurora.settings_files() == files
    code, real = provision(tmp_path, '-e', data_file, '--diff', connection=php)
    assert code == 0, real
    assert stored(aurora, 'config.json', 'EnableMultiTenant') is True
    assert stored(aurora, 'modules/Core.config.json', 'AllowGroups') is True
    assert held(aurora)['tenants'] == ['Default', 'acme', 'beta'] and len(held(aurora)['groups']) == 2
    predicted = settings_statuses(checked)
    assert predicted == settings_statuses(real) and [status for dummy, status, msg in predicted] == \
        ['changed', 'changed']
    assert item_statuses(checked) == item_statuses(real)
    assert [status for dummy, status, msg in item_statuses(real)] == ['changed'] * len(item_statuses(real))
    assert len(item_statuses(real)) == sum(len(data[kind]) for kind in data
                                           if kind.startswith('aurora_') and kind != 'aurora_settings')
