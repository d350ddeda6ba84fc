"""aurora_settings through its real main() with api_transport php: Aurora's settings objects on the host, in a fake
Aurora install (tests/php/fake-aurora) whose settings files are the emulator's, mirrored on disk where Aurora keeps
them. Skipped without php."""

import json
import shutil

import pytest

from tests.emulator.fake_aurora import sync_settings_files
from tests.helpers.module_runner import module_task, start_module_task

pytestmark = pytest.mark.skipif(shutil.which('php') is None, reason='the PHP transport needs php')

CORE_FILE = 'modules/Core.config.json'


@pytest.fixture
def host(emulator, fake_aurora):
    """(the emulator, the fake Aurora's folder, aurora_settings through the PHP API)."""
    folder = fake_aurora(emulator)
    return emulator, folder, module_task(emulator, 'aurora_settings', folder)


def stored(emulator, path, key):
    return json.loads(emulator.settings_files()[path])[key]


def test_any_setting_can_be_set_on_the_host_and_the_web_api_sees_it(host):
    emulator, folder, settings = host
    first = settings(module='system', settings={'EnableMultiTenant': True, 'PasswordMinLength': 8}, diff=True)
    assert first['changed'] and not first.failed, first['msg']
    assert first['diff'] == {'before': {'EnableMultiTenant': False, 'PasswordMinLength': 0},
                             'after': {'EnableMultiTenant': True, 'PasswordMinLength': 8}}
    assert stored(emulator, 'config.json', 'EnableMultiTenant')[:2] == [True, 'bool']
    assert emulator.api('Core', 'GetSettings')['Result']['EnableMultiTenant'] is True
    again = settings(module='System', settings={'EnableMultiTenant': True, 'PasswordMinLength': 8})
    assert not again['changed'], again['msg']


def test_enums_take_the_stored_name_or_the_reported_number(host):
    emulator, folder, settings = host
    assert settings(module='Core', settings={'TimeFormat': 1})['settings'] == {'TimeFormat': 'F12'}
    assert stored(emulator, CORE_FILE, 'TimeFormat')[0] == 'F12'
    assert not settings(module='core', settings={'TimeFormat': 'F12'})['changed']


def test_a_module_is_switched_off_and_on_and_the_essential_ones_need_force(host):
    emulator, folder, settings = host
    assert settings(module='Min', settings={'Disabled': True})['changed']
    assert emulator.api('Min', 'GetSettings').get('ErrorCode') == 113
    refused = settings(module='CoreWebclient', settings={'Disabled': True})
    assert refused.failed and 'set force: true' in refused['msg'], refused['msg']
    assert settings(module='Min', settings={'Disabled': False})['changed']
    assert 'ErrorCode' not in emulator.api('Min', 'GetSettings')


def test_the_admin_password_is_changed_only_when_it_is_not_already_the_password(host):
    emulator, folder, settings = host
    result = settings(module='system', admin_password=emulator.admin_password)
    assert not result['changed'] and not result['password_changed'], result['msg']
    changed = settings(module='system', admin_password='Host-Admin-Secret-3')
    assert changed['changed'] and changed['password_changed'] and 'Host-Admin-Secret-3' not in changed.printed
    assert emulator.login(password='Host-Admin-Secret-3')
    assert not settings(module='system', admin_password='Host-Admin-Secret-3')['changed']


def test_an_unknown_setting_names_the_close_ones_and_credentials_never_show(host):
    emulator, folder, settings = host
    files = emulator.settings_files()
    config = json.loads(files['config.json'])
    config['DBPassword'][0] = 'Database-Secret-9'
    emulator.settings_files({'config.json': json.dumps(config)})
    sync_settings_files(emulator, folder)
    result = settings(module='system', settings={'EnableMultiTenent': True}, diff=True)
    assert result.failed and 'EnableMultiTenent is not a setting of system; the closest are EnableMultiTenant' \
        in result['msg'], result['msg']
    shown = settings(module='system', settings={'DBHost': stored(emulator, 'config.json', 'DBHost')[0]}, diff=True)
    assert not shown.failed and 'Database-Secret-9' not in result.printed + shown.printed


@pytest.mark.parametrize('damage, words', [(None, 'cannot be read'), ('{"SiteName": [', 'is not valid JSON')])
def test_a_missing_or_broken_settings_file_stops_the_task_before_anything(host, damage, words):
    emulator, folder, settings = host
    emulator.settings_files({CORE_FILE: damage})
    sync_settings_files(emulator, folder)
    emulator.calls_clear()
    result = settings(module='Core', settings={'SiteName': 'Acme'})
    assert result.failed and words in result['msg'] and 'Aurora would' in result['msg'], result['msg']
    assert emulator.calls() == []  # not even php started, so Aurora did not replace the file
    assert emulator.settings_files().get(CORE_FILE) == damage


def test_concurrent_runs_on_one_file_take_turns_and_keep_every_value(host):
    emulator, folder, dummy = host
    # Two saves of Core's file that overlap lose one's values (the emulator makes them overlap when both arrive);
    # the runs' lock lets only one at a time read, change and save.
    emulator.settings_race(CORE_FILE, writers=2, at='save', seconds=1.5)
    php = dict(api_transport='php', aurora_path=str(folder))
    runs = [start_module_task(emulator, 'aurora_settings', module='Core', settings={'SiteName': 'Turns'}, **php),
            start_module_task(emulator, 'aurora_settings', module='Core', settings={'AllowGroups': True}, **php)]
    results = [run() for run in runs]
    assert [result.failed for result in results] == [False, False], [result['msg'] for result in results]
    assert stored(emulator, CORE_FILE, 'SiteName')[0] == 'Turns'
    assert stored(emulator, CORE_FILE, 'AllowGroups')[0] is True
