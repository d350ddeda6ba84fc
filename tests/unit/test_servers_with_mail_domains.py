"""aurora_mail_server(s) on an Aurora with the MailDomains module (the emulator's corporate profile), through the
modules' real main().

There the domains of a server belong to MailDomains: GetServer(s) show the registered domain names (a catch-all
server shows "*" + CRLF) with AllowEditDomains false, and UpdateServer clears the Domains it is sent. A server module
that compared or sent domains would report a change on every run, so the domains are left to MailDomains.
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
    assert (created['server']['Domains'], created['server']['AllowEditDomains']) == ('', False), created['server']
    for check_mode in (True, False):
        assert run(check_mode=check_mode, **SERVER)['changed'] is False
    updated = run(incoming_port=993, **SERVER)
    assert updated['msg'] == 'updated: incoming_port 143\u2192993', updated
    assert run(incoming_port=993, **SERVER)['changed'] is False
    servers = [dict(SERVER, incoming_port=993), dict(SERVER, name='other')]
    bulk = module_task(corporate_emulator, 'aurora_mail_servers')(servers=servers)
    assert (bulk['summary']['unchanged'], bulk['summary']['created']) == (1, 1), bulk


@pytest.mark.parametrize('domains', [['acme.example'], ['*', 'acme.example']])
def test_domains_to_register_fail_before_any_write_and_point_to_aurora_mail_domain(corporate_emulator, run, domains):
    start = len(corporate_emulator.calls())
    for check_mode in (True, False):
        result = run(check_mode=check_mode, domains=domains, **SERVER)
        assert result.failed and 'MailDomains module owns the domains' in result['msg'], result
        assert 'afterlogic.aurora.aurora_mail_domain' in result['msg'] and 'acme.example' in result['msg'], result
    run(**SERVER)
    changed = run(domains=domains, **SERVER)
    assert changed.failed and 'MailDomains module owns the domains' in changed['msg'], changed
    assert writes(corporate_emulator, start) == ['CreateServer']


def test_a_catch_all_server_is_created_but_never_updated_into_losing_it(corporate_emulator, run):
    created = run(domains=['*'], **SERVER)
    assert created['changed'] and stored(corporate_emulator)['Domains'] == '*', created
    assert run(domains=['*'], **SERVER)['changed'] is False
    start = len(corporate_emulator.calls())
    refused = run(domains=['*'], incoming_port=993, **SERVER)
    assert refused.failed and "would drop its catch-all domain '*'" in refused['msg'], refused
    assert writes(corporate_emulator, start) == [] and stored(corporate_emulator)['Domains'] == '*'
