"""Behaviour of aurora_mail_account, run through its real main() against the emulator: the multi-accounts profile
switch (MailMultiAccountsPlugin, modelled from its source, not recorded) and the WebMail Lite profile (one account
per user)."""

import pytest

from tests.helpers.module_runner import module_task, start_module_task

PASSWORD = 'Extra-Account-Secret-8'
USER = 'ann@example.net'
EXTRAS = ['sales@example.net', 'support@example.net', 'info@example.org']
PLUGIN_ON = {'MailMultiAccountsPlugin': {'Enabled': True}, 'Mail': {'DoImapLoginOnAccountCreate': False}}
READS = ('LoginAsSuperadmin', 'Login')


def seed(emulator):
    """Server mail (id 1) and the user ann@ with her login account on it."""
    server_id = emulator.add_server('mail', Domains='')
    user_id = emulator.api('Core', 'CreateUser', {'TenantId': 0, 'PublicId': USER})['Result']
    answer = emulator.api('Mail', 'CreateAccount', {'UserId': user_id, 'FriendlyName': '', 'Email': USER,
                                                    'IncomingLogin': USER, 'IncomingPassword': 'pw',
                                                    'Server': {'ServerId': server_id}})
    assert answer.get('Result'), answer
    emulator.calls_clear()
    return user_id


@pytest.fixture
def aurora(corporate_emulator):
    corporate_emulator.settings(PLUGIN_ON)
    corporate_emulator.user_id = seed(corporate_emulator)
    return corporate_emulator


@pytest.fixture
def run(aurora, through):
    return module_task(aurora, 'aurora_mail_account', through(aurora))


def accounts(emulator):
    """``{e-mail: (UseToAuthorize, FriendlyName)}`` of ann's accounts."""
    user_id = emulator.user_id
    return dict((account['Email'], (account['UseToAuthorize'], account['FriendlyName']))
                for account in emulator.state()['accounts'] if account['IdUser'] == user_id)


def writes(emulator, start=0):
    return [call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def test_three_extra_accounts_converge_and_one_goes_alone(aurora, run):
    tasks = [dict(user=USER, email=email, password=PASSWORD, server='mail') for email in EXTRAS]
    predicted = [run(check_mode=True, diff=True, **task) for task in tasks[:1]]
    assert writes(aurora) == []
    created = [run(diff=True, **task) for task in tasks]
    assert [(result['changed'], result['msg'], result['created']) for result in created] == [(True, 'created', True)] * 3
    assert {key: predicted[0][key] for key in ('changed', 'msg', 'diff')} == {
        key: created[0][key] for key in ('changed', 'msg', 'diff')}
    assert created[0]['account']['use_to_authorize'] is False and created[0]['user_id'] == aurora.user_id
    assert 'user' not in created[0] and PASSWORD not in created[0].printed
    assert accounts(aurora) == dict([(USER, (True, ''))] + [(email, (False, '')) for email in EXTRAS])
    for check_mode in (True, False):
        again = [run(check_mode=check_mode, **task) for task in tasks]
        assert [result['changed'] for result in again] == [False] * 3, again
    start = len(aurora.calls())
    removed = run(user=USER, email='support@example.net', state='absent')
    assert (removed['changed'], removed['msg'], removed['account']) == (True, 'deleted', None), removed
    assert removed['account_id'] == created[1]['account_id']
    assert writes(aurora, start) == ['DeleteAccount']
    assert accounts(aurora) == {USER: (True, ''), 'sales@example.net': (False, ''), 'info@example.org': (False, '')}
    assert run(user=USER, email='support@example.net', state='absent')['msg'] == 'absent'


def test_an_update_keeps_the_account_an_extra_one(aurora, run):
    run(user=USER, email='sales@example.net', password=PASSWORD, server='mail')
    start = len(aurora.calls())
    updated = run(diff=True, user=USER, email='sales@example.net', friendly_name='Sales')
    assert updated['msg'] == "updated: friendly_name ''\u2192'Sales'", updated
    update, = [call for call in aurora.calls()[start:] if call['Method'] == 'UpdateAccount']
    if run.transport == 'web':  # in-process, false is the parameter's default, which the fake Aurora leaves out
        assert update['Parameters']['UseToAuthorize'] is False, update
    assert accounts(aurora) == {USER: (True, ''), 'sales@example.net': (False, 'Sales')}


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_the_login_account_is_refused_and_left_to_aurora_user_account(aurora, run, state):
    result = run(user=USER, email=USER.upper(), password=PASSWORD, state=state)
    assert result.failed and 'is the login account of the user ann@example.net' in result['msg'], result
    assert 'afterlogic.aurora.aurora_user_account' in result['msg'] and writes(aurora) == []


def test_a_missing_user_fails_before_any_write(aurora, run):
    result = run(user='nobody@example.net', email='sales@example.net', password=PASSWORD, server='mail')
    assert result.failed and 'no Aurora user nobody@example.net' in result['msg'], result
    assert writes(aurora) == []


def test_without_the_plugin_a_second_account_fails_first_naming_it(emulator):
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    emulator.user_id = seed(emulator)
    run = module_task(emulator, 'aurora_mail_account')
    for check_mode in (True, False):
        result = run(check_mode=check_mode, user=USER, email='sales@example.net', password=PASSWORD, server='mail')
        assert result.failed and 'MailMultiAccountsPlugin' in result['msg'] and 'nothing was changed' in result['msg']
    assert writes(emulator) == [] and list(accounts(emulator)) == [USER]


def test_two_runs_creating_one_account_at_once_leave_one(aurora):
    aurora.contention(window_ms=300)
    aurora.gate('Mail.CreateAccount', 2, 30)
    task = dict(user=USER, email='sales@example.net', password=PASSWORD, server='mail')
    results = [runner() for runner in [start_module_task(aurora, 'aurora_mail_account', **task) for dummy in range(2)]]
    assert [result.failed for result in results] == [False, False], results
    assert sorted(account['Email'] for account in aurora.state()['accounts']) == ['ann@example.net', 'sales@example.net']
    assert len(set(result['account_id'] for result in results)) == 1, results
    assert any('deleted the duplicate' in result['msg'] for result in results), results


def test_the_bulk_module_lists_each_users_accounts_once(aurora):
    bulk = module_task(aurora, 'aurora_mail_accounts')
    items = [dict(user=USER, email=email, password=PASSWORD, server='mail') for email in EXTRAS]
    first = bulk(accounts=items, parallel=4)
    assert first['summary']['created'] == 3 and not first.get('failed'), first
    start = len(aurora.calls())
    again = bulk(accounts=items + [dict(user=USER, email='gone@example.net', state='absent')], parallel=4)
    assert (again['summary']['unchanged'], again['changed']) == (4, False), again
    assert len([call for call in aurora.calls()[start:] if call['Method'] == 'GetAccounts']) == 1
    same_twice = bulk(accounts=[items[0], dict(items[0], friendly_name='Sales')])
    assert same_twice.failed and 'the same email' in same_twice['msg'] and writes(aurora, start) == [], same_twice
    removed = bulk(accounts=[dict(user=USER, email=EXTRAS[0], state='absent')])
    assert removed['summary']['deleted'] == 1 and EXTRAS[0] not in accounts(aurora), removed
