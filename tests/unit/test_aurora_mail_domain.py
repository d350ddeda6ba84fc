"""Behaviour of aurora_mail_domain, run through its real main() against the emulator's corporate profile."""

import pytest

from tests.helpers.module_runner import create_tenants, module_task

READS = ('LoginAsSuperadmin', 'Login')
ACME = dict(name='acme.example', tenant='acme', server='mail')


@pytest.fixture
def aurora(corporate_emulator):
    corporate_emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})  # the mail hosts do not exist
    ids = corporate_emulator.tenant_ids = create_tenants(corporate_emulator, 'acme', 'beta')
    corporate_emulator.server_ids = dict(
        (owner, corporate_emulator.add_server('mail', Domains='', TenantId=ids[owner])) for owner in ('acme', 'beta'))
    corporate_emulator.calls_clear()
    return corporate_emulator


@pytest.fixture
def run(aurora, through):
    return module_task(aurora, 'aurora_mail_domain', through(aurora))


def writes(emulator, start=0):
    return [call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def domains(emulator):
    return sorted((domain['Name'], domain['TenantId'], domain['MailServerId']) for domain in emulator.state()['domains'])


def add_user(emulator, email, tenant_id):
    user_id = emulator.api('Core', 'CreateUser', {'TenantId': tenant_id, 'PublicId': email})['Result']
    assert isinstance(user_id, int), user_id
    return user_id


def test_a_domain_is_registered_then_left_alone_and_its_server_shows_it(aurora, run):
    acme, server_id = aurora.tenant_ids['acme'], aurora.server_ids['acme']
    predicted = run(check_mode=True, diff=True, **ACME)
    assert writes(aurora) == [] and domains(aurora) == []
    created = run(diff=True, **ACME)
    assert (created['changed'], created['msg']) == (True, 'created'), created
    assert {key: predicted[key] for key in ('changed', 'msg', 'diff')} == {key: created[key] for key in ('changed', 'msg', 'diff')}
    assert created['domain'] == dict(id=created['domain_id'], name='acme.example', tenant='acme', tenant_id=acme,
                                     server='mail', server_id=server_id, user_count=0)
    assert domains(aurora) == [('acme.example', acme, server_id)]
    for check_mode in (True, False):
        again = run(check_mode=check_mode, name='ACME.example', tenant='acme', server='mail')
        assert (again['changed'], again['domain_id']) == (False, created['domain_id']), again
    server = module_task(aurora, 'aurora_mail_server')(name='mail', tenant='acme', domains=['acme.example'])
    assert server['changed'] is False and not server.failed, server


def test_a_domain_of_another_tenant_is_named_not_taken_and_moved_only_with_force(aurora, run):
    beta = aurora.tenant_ids['beta']
    run(**ACME)
    add_user(aurora, 'ann@acme.example', aurora.tenant_ids['acme'])
    start = len(aurora.calls())
    for check_mode in (True, False):
        refused = run(check_mode=check_mode, name='acme.example', tenant='beta', server='mail')
        assert refused.failed and "registered in tenant 'acme'" in refused['msg'], refused
        assert 'ann@acme.example' in refused['msg'], refused
    assert writes(aurora, start) == []
    moved = run(name='acme.example', tenant='beta', server='mail', force=True)
    assert moved['changed'] and moved['msg'].startswith('registered again:'), moved
    assert moved['deleted_users'] == ['ann@acme.example'] and moved['kept_users'] == [], moved
    assert writes(aurora, start) == ['DeleteDomains', 'CreateDomain']
    assert domains(aurora) == [('acme.example', beta, aurora.server_ids['beta'])]


def test_deleting_a_domain_with_users_needs_force_and_reports_who_stays(aurora, run):
    acme = aurora.tenant_ids['acme']
    run(**ACME)
    add_user(aurora, 'ann@acme.example', acme)
    grouped = add_user(aurora, 'gus@acme.example', acme)
    group_id = aurora.api('Core', 'CreateGroup', {'TenantId': acme, 'Name': 'Sales'})['Result']
    assert aurora.api('Core', 'AddUsersToGroup', {'GroupId': group_id, 'UserIds': [grouped]})['Result'] is True
    start = len(aurora.calls())
    refused = run(name='acme.example', state='absent')
    assert refused.failed and 'ann@acme.example, gus@acme.example' in refused['msg'], refused
    assert writes(aurora, start) == [] and len(domains(aurora)) == 1
    predicted = run(check_mode=True, name='acme.example', state='absent', force=True)
    deleted = run(name='acme.example', state='absent', force=True)
    assert (deleted['deleted_users'], deleted['kept_users']) == (['ann@acme.example'], ['gus@acme.example']), deleted
    assert (predicted['deleted_users'], predicted['kept_users']) == (deleted['deleted_users'], deleted['kept_users'])
    assert domains(aurora) == []
    assert sorted(user['PublicId'] for user in aurora.state()['users']) == ['gus@acme.example']
    start = len(aurora.calls())
    gone = run(name='acme.example', state='absent')
    assert (gone['changed'], gone['msg']) == (False, 'absent') and writes(aurora, start) == []


def test_without_mail_domains_the_task_fails_in_check_mode_too(emulator):
    run = module_task(emulator, 'aurora_mail_domain')
    for check_mode in (True, False):
        result = run(check_mode=check_mode, name='acme.example', state='absent')
        assert result.failed and 'has no MailDomains module' in result['msg'], result
