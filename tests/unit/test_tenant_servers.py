"""Mail servers that belong to a tenant (option ``tenant``), through the modules' real main().

On a multi-tenant Aurora ``GetServers`` with TenantId 0 lists every tenant's servers, and ``UpdateServer`` and
``DeleteServer`` must be sent the server's own TenantId (``DeleteServer`` with another one deletes the server's users
and keeps the server). A server is found only among its owner's servers, and its own TenantId is always sent.

The emulator runs its default profile with multi-tenancy on: the corporate profile also has MailDomains, which owns
the servers' domains, and a server module that leaves them to MailDomains is the next step.
"""

import pytest

from tests.helpers.module_runner import create_tenants, module_task

SERVER = dict(name='mail', incoming_server='imap.example.net', domains=['example.net'])
READS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def aurora(emulator):
    emulator.settings({'System': {'EnableMultiTenant': True}})
    emulator.tenant_ids = create_tenants(emulator, 'acme', 'beta')
    return emulator


@pytest.fixture
def run(aurora):
    return module_task(aurora, 'aurora_mail_server')


def servers(emulator):
    return sorted((server['Name'], server['OwnerType'], server['TenantId'], server['IncomingPort'])
                  for server in emulator.state()['servers'])


def writes(emulator):
    return [(call['Method'], call['Parameters'].get('TenantId')) for call in emulator.calls()
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def test_each_tenant_and_the_super_administrator_have_their_own_server_of_one_name(aurora, run):
    acme, beta = aurora.tenant_ids['acme'], aurora.tenant_ids['beta']
    results = [run(tenant='acme', **SERVER), run(tenant_id=beta, **SERVER), run(**SERVER)]
    assert [(result['changed'], result['msg']) for result in results] == [(True, 'created')] * 3, results
    assert servers(aurora) == [('mail', 'superadmin', 0, 143), ('mail', 'tenant', acme, 143), ('mail', 'tenant', beta, 143)]
    assert writes(aurora) == [('CreateServer', acme), ('CreateServer', beta), ('CreateServer', 0)]
    for check_mode in (True, False):
        again = [run(check_mode=check_mode, tenant='acme', **SERVER), run(check_mode=check_mode, tenant='beta', **SERVER),
                 run(check_mode=check_mode, **SERVER)]
        assert [result['changed'] for result in again] == [False] * 3, again
    assert [result['server_id'] for result in again] == [result['server_id'] for result in results]


def test_updates_and_deletions_send_the_servers_own_tenant(aurora, run):
    acme, beta = aurora.tenant_ids['acme'], aurora.tenant_ids['beta']
    for tenant in ('acme', 'beta'):
        run(tenant=tenant, **SERVER)
    aurora.calls_clear()
    updated = run(tenant='beta', **dict(SERVER, incoming_port=993))
    assert updated['msg'] == 'updated: incoming_port 143\u2192993', updated
    deleted = run(tenant='acme', name='mail', state='absent')
    assert deleted['msg'] == 'deleted', deleted
    assert writes(aurora) == [('UpdateServer', beta), ('DeleteServer', acme)]
    assert servers(aurora) == [('mail', 'tenant', beta, 993)]


def test_a_missing_tenant_fails_before_any_write_and_names_it(aurora, run):
    for check_mode in (True, False):
        result = run(check_mode=check_mode, tenant='nobody', **SERVER)
        assert result.failed and "no tenant named 'nobody'" in result['msg'], result
    result = run(tenant_id=999, **SERVER)
    assert result.failed and 'tenant_id: no tenant with id 999' in result['msg'], result
    assert writes(aurora) == [] and servers(aurora) == []


def test_the_bulk_module_keeps_each_owner_apart(aurora):
    acme = aurora.tenant_ids['acme']
    bulk = module_task(aurora, 'aurora_mail_servers')
    items = [dict(SERVER, tenant='acme'), dict(SERVER, tenant='beta'), dict(SERVER), dict(SERVER, name='other', tenant='acme')]
    first = bulk(servers=items, parallel=4)
    assert first['summary']['created'] == 4 and not first.get('failed'), first
    again = bulk(servers=items, parallel=4)
    assert again['summary']['unchanged'] == 4, again
    changed = bulk(servers=[dict(SERVER, tenant='acme', incoming_port=995)], parallel=4)
    assert changed['summary']['updated'] == 1 and ('UpdateServer', acme) in writes(aurora), changed
    assert [server for server in servers(aurora) if server[3] == 995] == [('mail', 'tenant', acme, 995)]
