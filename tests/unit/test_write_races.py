"""Runs that race inside Aurora's check-then-insert writes, each module run in a process of its own.

Aurora's ``Mail.CreateAccount`` checks for the account (704), then inserts, with no lock and no unique key on
(user, e-mail). Two runs creating one account at once both pass the check: on WebMail Lite the second insert is
refused by the one-account limit (``Result: false``, no error code); where several accounts per user are allowed
(MailMultiAccountsPlugin) both are inserted. The emulator's write window makes the two calls overlap there, and a
gate makes them arrive together.
"""

import pytest

from tests.helpers.module_runner import start_module_task

PASSWORD = 'Race-Secret-5'
IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}
MULTI_ACCOUNTS = {'MailMultiAccountsPlugin': {'Enabled': True}}
WIDE_WINDOW_MS = 300  # between the 704 check and the insert: both racing calls are inside it at once
GATE_BOUND = 30
EMAIL = 'racer@race.example'
ADOPTED = 'another run created the mail account %s at the same time; adopted it' % EMAIL


@pytest.fixture
def aurora(emulator):
    emulator.settings(IMAP_CHECK_OFF)
    emulator.server_id = emulator.add_server('race')
    return emulator


def add_user(emulator, email=EMAIL):
    user_id = emulator.api('Core', 'CreateUser', {'TenantId': 0, 'PublicId': email})['Result']
    assert isinstance(user_id, int), user_id
    return user_id


def accounts_of(state, user_id):
    return sorted((account for account in state['accounts'] if account['IdUser'] == user_id),
                  key=lambda account: account['Id'])


def methods(emulator, name):
    return [call for call in emulator.calls() if call['Method'] == name]


def race(emulator, count=2, **options):
    """``count`` runs of aurora_user_account whose CreateAccount calls arrive together; their results."""
    emulator.contention(window_ms=WIDE_WINDOW_MS)
    emulator.gate('Mail.CreateAccount', count, GATE_BOUND)
    task = dict(email=EMAIL, password=PASSWORD, server='race', **options)
    runs = [start_module_task(emulator, 'aurora_user_account', **task) for dummy in range(count)]
    return [result() for result in runs]


def test_a_create_refused_by_the_one_account_limit_adopts_the_winner_and_deletes_nothing(aurora):
    user_id = add_user(aurora)

    results = race(aurora)

    assert [result.failed for result in results] == [False, False], results
    account, = accounts_of(aurora.state(), user_id)
    assert [result['account_id'] for result in results] == [account['Id']] * 2
    winner = [result for result in results if result['changed']]
    loser = [result for result in results if not result['changed']]
    assert len(winner) == len(loser) == 1, results
    assert ADOPTED in loser[0]['msg'], loser[0]['msg']
    assert methods(aurora, 'DeleteUser') == methods(aurora, 'DeleteAccount') == []
    assert len(methods(aurora, 'CreateAccount')) == 2  # both passed Aurora's check: the race really happened


def test_two_copies_of_one_account_keep_the_lowest_id(aurora):
    """Where several accounts per user are allowed, both inserts land; the run whose copy is not the lowest id
    deletes it and adopts the kept one."""
    aurora.settings(MULTI_ACCOUNTS)
    user_id = add_user(aurora)

    results = race(aurora)

    assert [result.failed for result in results] == [False, False], results
    account, = accounts_of(aurora.state(), user_id)
    deleted, = [call['Parameters']['AccountID'] for call in methods(aurora, 'DeleteAccount')]
    assert deleted > account['Id'] and account['UseToAuthorize'], (deleted, account)
    assert [result['account_id'] for result in results] == [account['Id']] * 2
    notes = [result['msg'] for result in results if 'deleted the duplicate id %s' % deleted in result['msg']]
    assert len(notes) == 1 and 'kept id %s' % account['Id'] in notes[0], results
    assert methods(aurora, 'DeleteUser') == []


def test_a_failed_run_keeps_the_user_it_created_when_another_run_gave_it_an_account(aurora):
    """The run creates the user; its CreateAccount never gets an answer and was not done; meanwhile another run gave
    the user an account. Deleting "the user this run created" would delete that account too: the user stays."""
    aurora.settings(MULTI_ACCOUNTS)
    aurora.faults([{'call': 'Mail.CreateAccount', 'fault': 'hold', 'when': 'before', 'times': 1}])
    running = start_module_task(aurora, 'aurora_user_account', email=EMAIL, password=PASSWORD, server='race')
    assert aurora.wait_held(1)
    user, = aurora.state()['users']
    other = aurora.api('Mail', 'CreateAccount', {
        'UserId': user['Id'], 'FriendlyName': '', 'Email': 'other@race.example', 'IncomingLogin': 'other@race.example',
        'IncomingPassword': PASSWORD, 'Server': {'ServerId': aurora.server_id}})['Result']
    aurora.release(drop=True)  # the run's CreateAccount is dropped unanswered and not executed

    result = running()

    assert result.failed and result['changed'], result
    assert 'the user %s (id %s) this run created was kept' % (EMAIL, user['Id']) in result['msg'], result['msg']
    assert 'other@race.example' in result['msg'] and '\n' not in result['msg']
    assert [account['Id'] for account in accounts_of(aurora.state(), user['Id'])] == [other['AccountID']]
    assert methods(aurora, 'DeleteUser') == []
    rerun = start_module_task(aurora, 'aurora_user_account', email=EMAIL, password=PASSWORD, server='race')()
    assert not rerun.failed and rerun['changed'] and rerun['user_id'] == user['Id'], rerun
