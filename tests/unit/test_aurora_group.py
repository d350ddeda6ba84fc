"""Behaviour of aurora_group, run through its real main() against the emulator's corporate profile."""

import pytest

from tests.helpers.module_runner import create_tenants, module_task

READS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def aurora(corporate_emulator):
    ids = corporate_emulator.tenant_ids = create_tenants(corporate_emulator, 'acme', 'beta')
    for email, tenant in (('ann@acme.example', 'acme'), ('bob@acme.example', 'acme'), ('cy@acme.example', 'acme'),
                          ('zed@beta.example', 'beta')):
        answer = corporate_emulator.api('Core', 'CreateUser', {'TenantId': ids[tenant], 'PublicId': email})
        assert isinstance(answer['Result'], int), answer
    corporate_emulator.calls_clear()
    return corporate_emulator


@pytest.fixture
def run(aurora, through):
    return module_task(aurora, 'aurora_group', through(aurora))


def writes(emulator, start=0):
    return [call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def members(emulator, name='Sales'):
    """``{group name: sorted member e-mails}`` as Aurora holds them."""
    state = emulator.state()
    users = dict((user['Id'], user['PublicId']) for user in state['users'])
    group, = [group for group in state['groups'] if group['Name'] == name]
    return sorted(users[link['UserId']] for link in state['group_users'] if link['GroupId'] == group['Id'])


def test_a_group_is_created_with_its_members_then_left_alone(aurora, run):
    task = dict(name='Sales', tenant='acme', members=['ann@acme.example', 'Bob@acme.example'])
    predicted = run(check_mode=True, diff=True, **task)
    assert writes(aurora) == [] and aurora.state()['groups'] == []
    created = run(diff=True, **task)
    assert (created['changed'], created['msg'], created['added']) == (True, 'created', ['ann@acme.example', 'bob@acme.example'])
    assert {key: predicted[key] for key in ('changed', 'msg', 'diff', 'added')} == {
        key: created[key] for key in ('changed', 'msg', 'diff', 'added')}
    assert created['group'] == dict(id=created['group_id'], name='Sales', tenant_id=aurora.tenant_ids['acme'],
                                    members=['ann@acme.example', 'bob@acme.example'])
    assert members(aurora) == ['ann@acme.example', 'bob@acme.example']
    assert writes(aurora) == ['CreateGroup', 'AddUsersToGroup']
    for check_mode in (True, False):
        assert run(check_mode=check_mode, **task)['changed'] is False


def test_members_are_the_exact_set_unless_append(aurora, run):
    run(name='Sales', tenant='acme', members=['ann@acme.example', 'bob@acme.example'])
    appended = run(name='Sales', tenant='acme', members=['cy@acme.example'], append=True)
    assert (appended['msg'], appended['removed']) == ('updated: added cy@acme.example', []), appended
    assert members(aurora) == ['ann@acme.example', 'bob@acme.example', 'cy@acme.example']
    exact = run(diff=True, name='Sales', tenant='acme', members=['cy@acme.example'])
    assert exact['msg'] == 'updated: removed ann@acme.example, bob@acme.example', exact
    assert exact['diff']['after']['members'] == ['cy@acme.example'] and members(aurora) == ['cy@acme.example']
    untouched = run(name='Sales', tenant='acme')
    assert untouched['changed'] is False and untouched['group']['members'] == ['cy@acme.example'], untouched


def test_members_of_another_tenant_or_missing_fail_before_any_write(aurora, run):
    start = len(aurora.calls())
    for check_mode in (True, False):
        result = run(check_mode=check_mode, name='Sales', tenant='acme',
                     members=['ann@acme.example', 'zed@beta.example', 'nobody@acme.example'])
        assert result.failed, result
        assert 'in another tenant: zed@beta.example' in result['msg'] and 'no such user: nobody@acme.example' in result['msg']
    assert writes(aurora, start) == [] and aurora.state()['groups'] == []


def test_a_name_in_another_case_is_named_and_a_group_is_deleted_once(aurora, run):
    run(name='Sales', tenant='acme', members=['ann@acme.example'])
    other_case = run(name='SALES', tenant='acme')
    assert other_case.failed and "holds this group as 'Sales'" in other_case['msg'], other_case
    same_name_elsewhere = run(name='Sales', tenant='beta')
    assert same_name_elsewhere['changed'] and same_name_elsewhere['msg'] == 'created', same_name_elsewhere
    deleted = run(name='Sales', tenant='acme', state='absent')
    assert (deleted['changed'], deleted['msg']) == (True, 'deleted'), deleted
    assert [group['TenantId'] for group in aurora.state()['groups']] == [aurora.tenant_ids['beta']]
    assert 'ann@acme.example' in [user['PublicId'] for user in aurora.state()['users']]
    start = len(aurora.calls())
    assert run(name='Sales', tenant='acme', state='absent')['msg'] == 'absent' and writes(aurora, start) == []


def test_groups_off_fail_in_check_mode_too(corporate_emulator):
    corporate_emulator.settings({'Core': {'AllowGroups': False}})
    run = module_task(corporate_emulator, 'aurora_group')
    for check_mode in (True, False):
        result = run(check_mode=check_mode, name='Sales', tenant='acme')
        assert result.failed and 'groups off' in result['msg'], result
