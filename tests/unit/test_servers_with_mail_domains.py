"""aurora_mail_server(s) on an Aurora with the MailDomains module (the emulator's corporate profile), through the
modules' real main().

There the domains of a server belong to MailDomains: GetServer(s) show the registered domain names (a catch-all
server shows "*" + CRLF) with AllowEditDomains false, and UpdateServer clears the Domains it is sent. A server module
that compared or sent domains would report a change on every run, so the domains are left to MailDomains: a task's
domains that differ from the registered ones are told in a warning, and the run converges.
"""

import pytest

from tests.helpers.module_runner import module_task

SERVER = dict(name='mail', incoming_server='imap.example.net')
READS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def run(corporate_emulator):
    return module_task(corporate_emulator, 'aurora_mail_server')


def writes(emulator, start=0):
    return [call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def stored(emulator, name='mail'):
    server, = [server for server in emulator.state()['servers'] if server['Name'] == name]
    return server


def test_a_server_without_domains_is_created_updated_and_converges(corporate_emulator, run):
    predicted = run(check_mode=True, **SERVER)
    created = run(**SERVER)
    assert (created['changed'], created['msg']) == (True, 'created') and not created.failed, created
    assert {key: predicted[key] for key in ('changed', 'msg')} == {key: created[key] for key in ('changed', 'msg')}
    assert (created['server']['Domains'], created['server']['AllowEditDomains']) == ([], False), created['server']
    for check_mode in (True, False):
        assert run(check_mode=check_mode, **SERVER)['changed'] is False
    updated = run(incoming_port=993, **SERVER)
    assert updated['msg'] == 'updated: incoming_port 143\u2192993', updated
    assert run(incoming_port=993, **SERVER)['changed'] is False
    servers = [dict(SERVER, incoming_port=993), dict(SERVER, name='other')]
    bulk = module_task(corporate_emulator, 'aurora_mail_servers')(servers=servers)
    assert (bulk['summary']['unchanged'], bulk['summary']['created']) == (1, 1), bulk


def test_the_tutorials_server_converges_and_its_domains_are_told_not_fought(corporate_emulator, run):
    tutorial = dict(name='mydomain', incoming_server='mail.mydomain.com', incoming_port=143, incoming_use_ssl=False,
                    outgoing_server='mail.mydomain.com', outgoing_port=25, outgoing_use_ssl=False,
                    smtp_auth_type='user_credentials', domains=['mydomain.com'])
    first = run(**tutorial)
    assert (first['changed'], first['msg']) == (True, 'created') and not first.failed, first
    assert first['server']['Domains'] == [], first['server']
    assert 'register or remove domains with afterlogic.aurora.aurora_mail_domain' in first.warning_texts[0], first
    start = len(corporate_emulator.calls())
    for check_mode in (True, False):
        again = run(check_mode=check_mode, **tutorial)
        assert (again['changed'], again['msg']) == (False, 'unchanged'), again
        assert "the server has none registered and the task lists mydomain.com" in again.warning_texts[0], again
    assert writes(corporate_emulator, start) == []
    tenant_id = corporate_emulator.api('Core', 'CreateTenant', {'Name': 'acme'})['Result']
    answer = corporate_emulator.api('MailDomains', 'CreateDomain', {
        'TenantId': tenant_id, 'MailServerId': first['server_id'], 'DomainName': 'mydomain.com'})
    assert answer['Result'], answer
    registered = run(**tutorial)
    assert registered['changed'] is False and registered.warning_texts == [], registered
    assert registered['server']['Domains'] == ['mydomain.com'], registered['server']
    bulk = module_task(corporate_emulator, 'aurora_mail_servers')(servers=[dict(tutorial, domains=['other.example'])])
    assert bulk['summary']['unchanged'] == 1 and 'lists other.example' in bulk.warning_texts[0], bulk


def test_a_catch_all_server_is_created_and_an_update_warns_that_aurora_drops_it(corporate_emulator, run):
    created = run(domains=['*'], **SERVER)
    assert created['changed'] and stored(corporate_emulator)['Domains'] == '*', created
    assert created['server']['Domains'] == ['*'] and created.warning_texts == [], created
    assert run(domains=['*'], **SERVER)['changed'] is False
    predicted = run(check_mode=True, diff=True, domains=['*'], incoming_port=993, **SERVER)
    updated = run(diff=True, domains=['*'], incoming_port=993, **SERVER)
    assert updated['msg'] == 'updated: incoming_port 143\u2192993', updated
    assert "loses its catch-all domain '*'" in updated.warning_texts[-1], updated
    assert (predicted['msg'], predicted['diff'], predicted.warning_texts) == (
        updated['msg'], updated['diff'], updated.warning_texts)
    assert stored(corporate_emulator)['Domains'] == '' and updated['server']['Domains'] == []
    assert run(domains=['*'], incoming_port=993, **SERVER)['changed'] is False
