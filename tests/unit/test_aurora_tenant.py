"""Behaviour of aurora_tenant, run through its real main() against the emulator's corporate profile over a socket."""

import pytest

from tests.helpers.module_runner import module_task, start_module_task

ACME = dict(name='acme', description='Acme Inc', web_domain='mail.acme.example', site_name='Acme Mail')
READS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def run(corporate_emulator, through):
    corporate_emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})  # the mail hosts do not exist
    return module_task(corporate_emulator, 'aurora_tenant', through(corporate_emulator))


def tenants(emulator):
    return dict((tenant['Name'], tenant) for tenant in emulator.state()['tenants'])


def writes(emulator, start=0):
    return [call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def add_server(emulator, name, tenant_id):
    return emulator.add_server(name, TenantId=tenant_id)


def add_user(emulator, email, tenant_id, server_id=None):
    user_id = emulator.api('Core', 'CreateUser', {'TenantId': tenant_id, 'PublicId': email})['Result']
    assert isinstance(user_id, int), user_id
    if server_id is not None:
        answer = emulator.api('Mail', 'CreateAccount', {
            'UserId': user_id, 'FriendlyName': '', 'Email': email, 'IncomingLogin': email, 'IncomingPassword': 'pw',
            'Server': {'ServerId': server_id}})
        assert answer.get('Result'), answer
    return user_id


def test_tenant_is_created_then_left_alone_then_changed(corporate_emulator, run):
    created = run(diff=True, **ACME)
    stored = tenants(corporate_emulator)['acme']
    assert created['changed'] and created['msg'] == 'created' and created['tenant_id'] == stored['Id']
    assert created['tenant'] == dict(ACME, id=stored['Id'])
    assert created['diff'] == {'before': {}, 'after': dict(ACME)}
    again = run(**ACME)
    assert (again['changed'], again['msg'], again['tenant']) == (False, 'unchanged', created['tenant'])
    changed = run(diff=True, name='acme', description='Acme Corporation')
    assert changed['msg'] == "updated: description 'Acme Inc'\u2192'Acme Corporation'"
    assert changed['diff']['before']['description'] == 'Acme Inc'
    assert changed['diff']['after'] == dict(ACME, description='Acme Corporation')
    assert tenants(corporate_emulator)['acme']['Description'] == 'Acme Corporation'
    assert tenants(corporate_emulator)['acme']['WebDomain'] == 'mail.acme.example'  # not set by the task: kept


def test_check_mode_predicts_the_real_run_and_writes_nothing(corporate_emulator, run):
    start = len(corporate_emulator.calls())
    predicted = run(check_mode=True, diff=True, name='beta')
    assert writes(corporate_emulator, start) == [] and 'beta' not in tenants(corporate_emulator)
    real = run(diff=True, name='beta')
    assert predicted['tenant_id'] is None and real['tenant_id'] == tenants(corporate_emulator)['beta']['Id']
    for key in ('changed', 'msg', 'diff'):
        assert predicted[key] == real[key], key
    assert dict(predicted['tenant'], id=real['tenant_id']) == real['tenant']
    assert real['tenant']['site_name'] == 'Afterlogic WebMail Lite PHP'  # a tenant without one shows Aurora's
    assert run(check_mode=True, name='beta')['changed'] is False


@pytest.mark.parametrize('name', ['acme:', ' acme', 'a/b', 'a*b?'])
def test_a_name_aurora_would_change_is_refused_before_any_call(corporate_emulator, run, name):
    corporate_emulator.calls_clear()
    result = run(name=name)
    assert result.failed and 'would be stored by Aurora as' in result['msg'], result
    assert corporate_emulator.calls() == []


def test_a_name_stored_in_another_case_fails_and_names_it(corporate_emulator, run):
    run(**ACME)
    start = len(corporate_emulator.calls())
    result = run(name='ACME', description='x')
    assert result.failed and "Aurora holds this tenant as 'acme'" in result['msg'], result
    assert writes(corporate_emulator, start) == []


def test_multi_tenancy_off_fails_in_check_mode_too(emulator):
    run = module_task(emulator, 'aurora_tenant')
    for check_mode in (True, False):
        result = run(check_mode=check_mode, name='acme')
        assert result.failed and 'EnableMultiTenant' in result['msg'], result
    assert [tenant['Name'] for tenant in emulator.state()['tenants']] == ['Default']


def test_deleting_a_tenant_that_holds_users_or_servers_needs_force(corporate_emulator, run):
    acme_id = run(**ACME)['tenant_id']
    other_id = run(name='other')['tenant_id']
    server_id = add_server(corporate_emulator, 'acme-mail', acme_id)
    add_user(corporate_emulator, 'ann@acme.example', acme_id, server_id)
    add_user(corporate_emulator, 'bob@other.example', other_id, server_id)  # another tenant's user on acme's server
    before = corporate_emulator.state()
    start = len(corporate_emulator.calls())

    refused = run(name='acme', state='absent')
    assert refused.failed and refused['changed'] is False, refused
    assert 'refusing to delete tenant' in refused['msg'] and 'ann@acme.example' in refused['msg']
    assert 'bob@other.example' in refused['msg'] and 'acme-mail' in refused['msg']
    assert refused['blocking'] == {'users': ['ann@acme.example'], 'servers': ['acme-mail'],
                                   'other_users': ['bob@other.example']}
    nothing_else = {'domains': [], 'other_domains': [], 'groups': []}
    assert writes(corporate_emulator, start) == [] and corporate_emulator.state() == before

    predicted = run(check_mode=True, name='acme', state='absent', force=True)
    assert predicted['changed'] and corporate_emulator.state() == before
    forced = run(name='acme', state='absent', force=True)
    assert forced['changed'] and forced['msg'] == 'deleted' and forced['tenant'] is None
    assert forced['deleted_with_it'] == predicted['deleted_with_it'] == dict(refused['blocking'], **nothing_else)
    assert 'acme' not in tenants(corporate_emulator)
    assert run(name='acme', state='absent')['msg'] == 'absent'


def register_domain(emulator, name, tenant_id, server_id):
    answer = emulator.api('MailDomains', 'CreateDomain', {'TenantId': tenant_id, 'MailServerId': server_id,
                                                          'DomainName': name})
    assert answer['Result'], answer


def test_domains_block_a_deletion_and_groups_are_listed(corporate_emulator, run):
    acme_id, beta_id = run(name='acme')['tenant_id'], run(name='beta')['tenant_id']
    register_domain(corporate_emulator, 'acme.example', acme_id, add_server(corporate_emulator, 'shared', 0))
    assert corporate_emulator.api('Core', 'CreateGroup', {'TenantId': acme_id, 'Name': 'Sales'})['Result']
    refused = run(name='acme', state='absent')
    assert refused.failed and refused['blocking'] == {'domains': ['acme.example']}, refused
    assert 'its mail domains with their users (acme.example)' in refused['msg'], refused
    forced = run(name='acme', state='absent', force=True)
    assert forced['deleted_with_it'] == {'users': [], 'servers': [], 'other_users': [], 'domains': ['acme.example'],
                                         'other_domains': [], 'groups': ['Sales']}, forced
    assert corporate_emulator.state()['domains'] == [] and corporate_emulator.state()['groups'] == []

    acme_id = run(name='acme')['tenant_id']
    register_domain(corporate_emulator, 'beta.example', beta_id, add_server(corporate_emulator, 'acme-mail', acme_id))
    refused = run(name='acme', state='absent')
    assert refused['blocking'] == {'servers': ['acme-mail'], 'other_domains': ['beta.example']}, refused


def test_an_empty_tenant_is_deleted_and_the_default_tenant_never(corporate_emulator, run):
    run(name='empty')
    deleted = run(name='empty', state='absent')
    assert deleted['changed'] and deleted['deleted_with_it'] == {
        'users': [], 'servers': [], 'other_users': [], 'domains': [], 'other_domains': [], 'groups': []}
    start = len(corporate_emulator.calls())
    refused = run(name='Default', state='absent', force=True)
    assert refused.failed and 'default tenant' in refused['msg'], refused
    assert writes(corporate_emulator, start) == [] and 'Default' in tenants(corporate_emulator)


def test_a_tenant_another_run_created_first_is_adopted(corporate_emulator, run):
    """CreateTenant answered 1002: the run reads the tenant back and adopts it, reporting no change of its own."""
    corporate_emulator.faults([{'call': 'Core.CreateTenant', 'fault': 'hold', 'when': 'before', 'times': 1}])
    running = start_module_task(corporate_emulator, 'aurora_tenant', name='raced')
    assert corporate_emulator.wait_held(1)
    other = corporate_emulator.api('Core', 'CreateTenant', {'ChannelId': 0, 'Name': 'raced'})['Result']
    corporate_emulator.release()
    result = running()
    assert not result.failed and result['changed'] is False, result
    assert result['tenant_id'] == other and 'another run created tenant' in result['msg']


WRITES = [('create', 'Core.CreateTenant', dict(name='fresh', description='new')),
          ('update', 'Core.UpdateTenant', dict(name='acme', description='changed')),
          ('delete', 'Core.DeleteTenant', dict(name='acme', state='absent'))]


@pytest.mark.parametrize('fault', ['deadlock', 'http500-after', 'http500-before'])
@pytest.mark.parametrize('action, call, task', WRITES, ids=[write[0] for write in WRITES])
def test_a_refused_or_lost_write_is_read_back(corporate_emulator, run, fault, action, call, task):
    """A deadlock is sent again once; a lost answer is settled by reading back, never by a second write."""
    run(**ACME)
    kind, dummy, when = fault.partition('-')
    corporate_emulator.faults([{'call': call, 'fault': kind, 'when': when or 'before', 'times': 1}])
    start = len(corporate_emulator.calls())
    result = run(**task)
    sent = writes(corporate_emulator, start)
    assert sent == [call.split('.')[1]] * (2 if fault == 'deadlock' else 1), sent
    if fault == 'http500-before':  # not done: one clear sentence, nothing changed, and a rerun converges
        assert result.failed and 'reading Aurora back shows it was not' in result['msg'] and not result['changed']
        assert not run(**task).failed
    else:
        assert not result.failed and result['changed'], result
        assert result['retries'] == (1 if fault == 'deadlock' else 0)
    assert run(**task)['changed'] is False
