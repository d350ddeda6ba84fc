"""aurora_settings through its real main(), over the web API, against the emulator (settings as
docs/aurora-api-notes.md "Settings" records them); the PHP transport's are in test_aurora_settings_php.py."""

import json

import pytest

from tests.helpers.module_runner import module_task, start_module_task

WRITERS = ('UpdateSettings', 'UpdateLoggingSettings', 'UpdateConfig')


@pytest.fixture
def settings(emulator):
    return module_task(emulator, 'aurora_settings')


def stored(emulator, path, key):
    """The value slot of ``key`` in the settings file ``path`` (config.json, modules/Core.config.json, ...)."""
    return json.loads(emulator.settings_files()[path])[key][0]


def writes(emulator):
    return [call['Module'] + '.' + call['Method'] for call in emulator.calls() if call['Method'] in WRITERS]


def test_named_settings_are_set_once_then_ok_and_enums_go_by_the_name_aurora_stores(emulator, settings):
    first = settings(module='Core', settings={'SiteName': 'Acme Mail', 'TimeFormat': 'F12'}, diff=True)
    assert first['changed'] and not first.failed, first['msg']
    assert first['settings'] == {'SiteName': 'Acme Mail', 'TimeFormat': 'F12'}
    assert first['diff']['after'] == {'SiteName': 'Acme Mail', 'TimeFormat': 'F12'}
    assert first['diff']['before']['TimeFormat'] == 'F24'
    assert stored(emulator, 'modules/Core.config.json', 'SiteName') == 'Acme Mail'
    assert stored(emulator, 'modules/Core.config.json', 'TimeFormat') == 'F12'
    emulator.calls_clear()
    again = settings(module='core', settings={'SiteName': 'Acme Mail', 'TimeFormat': 1})  # the number means F12
    assert not again['changed'] and again['msg'] == 'unchanged' and again['module'] == 'Core'
    assert writes(emulator) == []


def test_check_mode_predicts_the_run_and_writes_nothing(emulator, settings):
    task = dict(module='system', settings={'LoggingLevel': 'Warning', 'EnableLogging': False})
    before = emulator.settings_files()
    predicted = settings(check_mode=True, diff=True, **task)
    assert emulator.settings_files() == before and writes(emulator) == []
    done = settings(diff=True, **task)
    for key in ('changed', 'msg', 'settings', 'diff'):
        assert predicted[key] == done[key], key
    assert stored(emulator, 'config.json', 'LoggingLevel') == 'Warning'


@pytest.mark.parametrize('module, wanted, words', [
    ('Core', {'AutodetectLanguage': 'false'}, "AutodetectLanguage must be true or false (a YAML boolean, not a word)"),
    ('Core', {'SiteName': 42}, 'SiteName must be a text'),
    ('system', {'EnableLogging': 1}, 'EnableLogging must be true or false'),
    ('Core', {'TimeFormat': 'F13'}, 'TimeFormat must be one of F12, F24 (or 0, 1, as the API reports them)'),
    ('system', {'LoggingLevel': True}, 'LoggingLevel must be one of Error, Full, Warning'),
    ('Core', {'SiteNam': 'x'}, 'SiteNam is not among the settings of Core that its GetSettings shows over the web '
                               'API, so it cannot be read or written there: set api_transport: php to manage it on '
                               'the Aurora host; the closest are SiteName'),
    ('Core', {'AllowGroups': True}, 'AllowGroups cannot be written over the web API'),
    ('Mail', {'DoImapLoginOnAccountCreate': False}, 'set api_transport: php'),
    ('AdminAuth', {'AllowLoginFromCoreModule': True}, 'cannot be read over the web API'),
    ('Nowhere', {'A': 1}, "module 'Nowhere' is not among the modules Aurora serves"),
    ('system', {'AdminLogin': ''}, 'AdminLogin must be a login name'),
    ('system', {'AdminPassword': 'x'}, 'give it as admin_password'),
    ('system', {'DBPassword': 'x'}, 'DBPassword holds a credential'),
    ('Core', {'Disabled': True}, 'Core cannot be switched off'),
    ('AdminAuth', {'Disabled': True}, 'switching AdminAuth off means no administrator could log in'),
])
def test_a_bad_value_fails_before_any_write_and_names_the_setting(emulator, settings, module, wanted, words):
    before = emulator.settings_files()
    result = settings(module=module, settings=wanted)
    assert result.failed and words in result['msg'], result['msg']
    assert writes(emulator) == [] and emulator.settings_files() == before


def test_a_setting_that_only_php_can_write_is_ok_where_it_already_holds_the_value(emulator, settings):
    result = settings(module='system', settings={'EnableMultiTenant': False, 'PasswordMinLength': 0})
    assert not result.failed and not result['changed'], result['msg']


def test_the_admin_password_changes_once_and_only_the_new_one_logs_in(emulator, settings):
    token = emulator.login()
    new = 'New-Admin-Secret-7'
    changed = settings(module='system', admin_password=new, diff=True)
    assert changed['changed'] and changed['password_changed'], changed['msg']
    assert changed['diff'] == {'before': {'admin_password': '<hidden>'},
                               'after': {'admin_password': '<hidden, changed>'}}
    assert new not in changed.printed and emulator.admin_password not in changed.printed
    with pytest.raises(AssertionError):
        emulator.login(password=emulator.admin_password)
    assert emulator.login(password=new)
    assert emulator.api('Core', 'GetSettings', token=token)['Result']['AdminLogin'] == emulator.admin_login
    again = settings(module='system', admin_password=new, api_password=new)
    assert not again['changed'] and not again['password_changed'], again['msg']


def test_the_admin_password_over_the_web_api_needs_the_current_one(emulator, settings):
    token = emulator.login()
    run = module_task(emulator, 'aurora_settings')
    result = run(module='system', admin_password='Other-Secret-1', api_password=None, api_token=token)
    assert result.failed and 'needs api_password, the current password' in result['msg']


def test_a_value_lost_to_another_writer_of_the_same_file_fails_naming_it_and_a_rerun_converges(emulator):
    emulator.settings_race('modules/Core.config.json', writers=2, at='save', seconds=20)
    runs = [start_module_task(emulator, 'aurora_settings', module='Core', settings={'SiteName': 'Race'}),
            start_module_task(emulator, 'aurora_settings', module='Core', settings={'Language': 'German'})]
    results = [run() for run in runs]
    failed = [result for result in results if result.failed]
    assert len(failed) == 1, [result['msg'] for result in results]
    assert 'did not keep' in failed[0]['msg'] and ('SiteName' in failed[0]['msg'] or 'Language' in failed[0]['msg'])
    settings = module_task(emulator, 'aurora_settings')
    for wanted in ({'SiteName': 'Race'}, {'Language': 'German'}):
        assert not settings(module='Core', settings=wanted).failed
    assert stored(emulator, 'modules/Core.config.json', 'SiteName') == 'Race'
    assert stored(emulator, 'modules/Core.config.json', 'Language') == 'German'
