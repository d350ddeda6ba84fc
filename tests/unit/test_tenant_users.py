"""Users that belong to a tenant (options ``tenant`` and ``tenant_id``), through the modules' real main(), against the
emulator's corporate profile.

No user listing says which tenant a user is in (``Core.GetUsers`` items have no IdTenant; ``Core.GetUser`` has it),
and ``Core.UpdateUser`` with ``TenantId`` moves a user without checking that the tenant exists. A server named on a
user is the one nearest the user's tenant: the tenant's own, then the super-administrator's.
"""

import pytest

from tests.helpers.module_runner import create_tenants, module_task

PASSWORD = 'Tenant-User-Secret-3'
READS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def aurora(corporate_emulator):
    corporate_emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})  # the mail hosts do not exist
    ids = corporate_emulator.tenant_ids = create_tenants(corporate_emulator, 'acme', 'beta')
    corporate_emulator.server_ids = dict(
        (owner, corporate_emulator.add_server('mail', Domains='', TenantId=ids.get(owner, 0),
                                              IncomingServer='imap.%s.example' % owner))
        for owner in ('acme', 'beta', 'superadmin'))
    corporate_emulator.calls_clear()
    return corporate_emulator


@pytest.fixture
def run(aurora):
    return module_task(aurora, 'aurora_user_account')


def users(emulator):
    """``{email: (tenant id, server id of its login account)}``."""
    state = emulator.state()
    servers = dict((account['IdUser'], account['ServerId']) for account in state['accounts'] if account['UseToAuthorize'])
    return dict((user['PublicId'], (user['IdTenant'], servers.get(user['Id']))) for user in state['users'])


def writes(emulator, start=0):
    return [(call['Method'], call['Parameters'].get('TenantId')) for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def called(emulator, method, start=0):
    return len([call for call in emulator.calls()[start:] if call['Method'] == method])


def test_users_are_created_in_their_tenant_on_its_own_server(aurora, run):
    acme, beta = aurora.tenant_ids['acme'], aurora.tenant_ids['beta']
    tasks = [dict(email='ann@acme.example', tenant='acme'), dict(email='bob@beta.example', tenant_id=beta),
             dict(email='cy@example.net')]
    created = [run(diff=True, password=PASSWORD, server='mail', **task) for task in tasks]
    assert [(result['changed'], result['msg']) for result in created] == [(True, 'created')] * 3, created
    assert users(aurora) == {'ann@acme.example': (acme, aurora.server_ids['acme']),
                             'bob@beta.example': (beta, aurora.server_ids['beta']),
                             'cy@example.net': (1, aurora.server_ids['superadmin'])}
    assert [result['user']['tenant_id'] for result in created] == [acme, beta, None]
    assert created[0]['diff']['after']['tenant'] == 'acme' and created[1]['diff']['after']['tenant_id'] == beta
    assert [write for write in writes(aurora) if write[0] == 'CreateUser'] == [
        ('CreateUser', acme), ('CreateUser', beta), ('CreateUser', 0)]
    for check_mode in (True, False):
        again = [run(check_mode=check_mode, password=PASSWORD, server='mail', **task) for task in tasks]
        assert [(result['changed'], result['msg']) for result in again] == [(False, 'unchanged')] * 3, again


def test_a_user_in_another_tenant_is_moved_and_check_mode_shows_it(aurora, run):
    acme, beta = aurora.tenant_ids['acme'], aurora.tenant_ids['beta']
    run(email='ann@acme.example', password=PASSWORD, tenant='acme', server='mail')
    start = len(aurora.calls())
    predicted = run(check_mode=True, diff=True, email='ann@acme.example', tenant='beta')
    assert writes(aurora, start) == [] and users(aurora)['ann@acme.example'][0] == acme
    assert (predicted['changed'], predicted['msg']) == (True, "updated: tenant 'acme'\u2192'beta'"), predicted
    assert (predicted['diff']['before']['tenant'], predicted['diff']['after']['tenant']) == ('acme', 'beta')
    moved = run(diff=True, email='ann@acme.example', tenant='beta')
    assert {key: moved[key] for key in ('changed', 'msg', 'diff')} == {key: predicted[key] for key in ('changed', 'msg', 'diff')}
    assert moved['user']['tenant_id'] == beta
    assert writes(aurora, start) == [('UpdateUser', beta)]
    assert users(aurora)['ann@acme.example'] == (beta, aurora.server_ids['acme'])  # the account stays on its server
    by_id = run(diff=True, email='ann@acme.example', tenant_id=acme)
    assert (by_id['msg'], by_id['diff']['before']['tenant_id']) == ('updated: tenant_id %d\u2192%d' % (beta, acme), beta)
    for check_mode in (True, False):
        assert run(check_mode=check_mode, email='ann@acme.example', tenant_id=acme)['changed'] is False


def test_without_a_tenant_the_users_tenant_is_neither_compared_nor_read(aurora, run):
    run(email='ann@acme.example', password=PASSWORD, tenant='acme', server='mail')
    start = len(aurora.calls())
    result = run(email='ann@acme.example', friendly_name='Ann')
    assert (result['changed'], result['msg']) == (True, "updated: friendly_name ''\u2192'Ann'"), result
    assert called(aurora, 'GetUser', start) == 0 and called(aurora, 'GetTenant', start) == 0
    assert users(aurora)['ann@acme.example'][0] == aurora.tenant_ids['acme']


def test_a_server_name_goes_to_the_nearest_owner_and_a_tie_fails(aurora, run):
    gamma = module_task(aurora, 'aurora_tenant')(name='gamma')['tenant_id']
    result = run(email='gil@gamma.example', password=PASSWORD, tenant='gamma', server='mail')
    assert not result.failed, result
    assert users(aurora)['gil@gamma.example'] == (gamma, aurora.server_ids['superadmin'])
    aurora.api('Mail', 'DeleteServer', {'ServerId': aurora.server_ids['superadmin'], 'TenantId': 0})
    start = len(aurora.calls())
    tie = run(email='new@example.net', password=PASSWORD, server='mail')
    assert tie.failed and "2 mail servers are named 'mail'" in tie['msg'], tie
    assert 'ids %d, %d' % (aurora.server_ids['acme'], aurora.server_ids['beta']) in tie['msg'], tie
    nowhere = run(email='new@gamma.example', password=PASSWORD, tenant='gamma', server='mail')
    assert nowhere.failed and "no mail server named 'mail' that tenant %d can use" % gamma in nowhere['msg'], nowhere
    assert writes(aurora, start) == []
    by_id = run(email='new@example.net', password=PASSWORD, server_id=aurora.server_ids['beta'])
    assert not by_id.failed and users(aurora)['new@example.net'][1] == aurora.server_ids['beta'], by_id


def test_a_missing_tenant_fails_before_any_write(aurora, run):
    run(email='ann@acme.example', password=PASSWORD, tenant='acme', server='mail')
    start = len(aurora.calls())
    for check_mode in (True, False):
        for task in (dict(email='new@acme.example', password=PASSWORD, server='mail'), dict(email='ann@acme.example')):
            result = run(check_mode=check_mode, tenant='nobody', **task)
            assert result.failed and "tenant: no tenant named 'nobody'" in result['msg'], result
    result = run(email='ann@acme.example', tenant_id=999)
    assert result.failed and 'tenant_id: no tenant with id 999' in result['msg'], result
    assert writes(aurora, start) == []
    assert users(aurora)['ann@acme.example'][0] == aurora.tenant_ids['acme']


def test_the_bulk_module_reads_each_tenant_once_and_moves_only_who_differs(aurora):
    acme, beta = aurora.tenant_ids['acme'], aurora.tenant_ids['beta']
    bulk = module_task(aurora, 'aurora_user_accounts')
    items = [dict(email='u%d@%s.example' % (number, tenant), password=PASSWORD, tenant=tenant, server='mail')
             for tenant in ('acme', 'beta') for number in range(3)]
    first = bulk(accounts=items, parallel=4)
    assert first['summary']['created'] == 6 and not first.get('failed'), first
    start = len(aurora.calls())
    again = bulk(accounts=items, parallel=4)
    assert again['summary']['unchanged'] == 6, again
    assert called(aurora, 'GetUser', start) == 0 and writes(aurora, start) == []
    assert called(aurora, 'GetTenants', start) == 2 and called(aurora, 'GetUsers', start) == 3  # all, acme's, beta's
    items[0]['tenant'] = 'beta'
    items.append(dict(email='x@acme.example', password=PASSWORD, tenant='nobody', server='mail'))
    start = len(aurora.calls())
    moved = bulk(accounts=items, parallel=4)
    assert (moved['summary']['updated'], moved['summary']['failed']) == (1, 1), moved
    assert "no tenant named 'nobody'" in moved['results'][-1]['msg'], moved['results'][-1]
    assert writes(aurora, start) == [('UpdateAccount', None), ('UpdateUser', beta)]
    assert called(aurora, 'GetUser', start) == 1  # only the user who moves is read
    assert users(aurora)['u0@acme.example'] == (beta, aurora.server_ids['beta'])  # "mail" is now beta's own
    assert sorted(tenant for email, (tenant, dummy) in users(aurora).items()) == [acme] * 2 + [beta] * 4


def test_a_user_of_a_registered_domain_goes_where_aurora_puts_it_and_check_mode_says_so(aurora, run):
    acme = aurora.tenant_ids['acme']
    answer = aurora.api('MailDomains', 'CreateDomain', {'TenantId': acme, 'MailServerId': aurora.server_ids['acme'],
                                                        'DomainName': 'acme.example'})
    assert answer['Result'], answer
    task = dict(email='dan@acme.example', password=PASSWORD)  # no tenant, no server: Aurora decides both
    predicted = run(check_mode=True, **task)
    created = run(**task)
    assert (created['changed'], created['msg']) == (True, 'created'), created
    assert predicted['user']['tenant_id'] == created['user']['tenant_id'] == acme, (predicted, created)
    assert predicted['account']['server_id'] == created['account']['server_id'] == aurora.server_ids['acme']
    assert users(aurora)['dan@acme.example'] == (acme, aurora.server_ids['acme'])
    assert [write for write in writes(aurora) if write[0] == 'CreateUser'] == [('CreateUser', 0)]
    bulk = module_task(aurora, 'aurora_user_accounts')(accounts=[task, dict(task, email='eve@acme.example')],
                                                       check_mode=True)
    assert [result['user']['tenant_id'] for result in bulk['results']] == [None, acme], bulk
