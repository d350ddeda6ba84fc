"""The bulk forms aurora_tenants, aurora_mail_domains and aurora_groups, through their real main() against the
emulator's corporate profile: each item gets what its single module does, with one login for the whole task."""

import pytest


READS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def aurora(corporate_emulator):
    corporate_emulator.calls_clear()
    return corporate_emulator


def logins(emulator, start=0):
    return len([call for call in emulator.calls()[start:] if call['Method'] in READS])


def test_tenants_domains_and_groups_in_one_task_each(aurora, through_task):
    tenants = through_task(aurora, 'aurora_tenants')
    first = tenants(tenants=[dict(name=name, description=name.title()) for name in ('acme', 'beta', 'gamma')],
                    parallel=3)
    one_login = 1 if tenants.transport == 'web' else 0  # Aurora's PHP API needs no login
    assert (first['summary']['created'], first['changed'], logins(aurora)) == (3, True, one_login), first
    assert [result['name'] for result in first['results']] == ['acme', 'beta', 'gamma']
    for tenant in ('acme', 'beta'):
        through_task(aurora, 'aurora_mail_server')(name='mail', tenant=tenant, incoming_server='imap.%s.example' % tenant)
    domains = [dict(name='%s.example' % tenant, tenant=tenant, server='mail') for tenant in ('acme', 'beta')]
    created = through_task(aurora, 'aurora_mail_domains')(domains=domains)
    assert created['summary']['created'] == 2, created
    groups = [dict(name='Staff', tenant='acme'), dict(name='Staff', tenant='beta')]  # one name, two tenants
    made = through_task(aurora, 'aurora_groups')(groups=groups)
    assert made['summary']['created'] == 2, made
    for module, option, items in (('aurora_mail_domains', 'domains', domains), ('aurora_groups', 'groups', groups)):
        for check_mode in (True, False):
            again = through_task(aurora, module)(check_mode=check_mode, **{option: items})
            assert (again['changed'], again['summary']['unchanged']) == (False, 2), again
    removed = tenants(tenants=[dict(name='gamma', state='absent'), dict(name='acme', state='absent')])
    assert (removed['summary']['deleted'], removed['summary']['failed']) == (1, 1), removed
    assert "refusing to delete tenant 'acme'" in removed['results'][1]['msg'], removed['results'][1]
    assert sorted(tenant['Name'] for tenant in aurora.state()['tenants']) == ['Default', 'acme', 'beta']


def test_an_item_named_twice_fails_the_task_before_any_write(aurora, through_task):
    start = len(aurora.calls())
    result = through_task(aurora, 'aurora_groups')(groups=[dict(name='Staff', tenant='acme'),
                                                           dict(name='Staff', tenant='acme', members=[])])
    assert result.failed and 'the same name as' in result['msg'], result
    assert [call for call in aurora.calls()[start:] if call['Method'] not in READS] == []


# Two items for one object, compared as Aurora compares the objects: each bulk module refuses them itself, before
# any call to Aurora (not even a login), naming both items; whatever their state.
SAME_OBJECT = [
    ('aurora_tenants', 'tenants', [dict(name='acme'), dict(name='beta'), dict(name='ACME', state='absent')],
     "tenants[2] 'ACME': the same name as tenants[0] 'acme'"),
    ('aurora_mail_domains', 'domains', [dict(name='acme.example', tenant='acme', server='mail'),
                                        dict(name='Acme.Example', state='absent')],
     "domains[1] 'Acme.Example': the same name as domains[0] 'acme.example'"),
    ('aurora_groups', 'groups', [dict(name='Staff', tenant='acme'), dict(name='Staff', tenant='beta'),
                                 dict(name='staff', tenant='ACME', members=[])],
     "groups[2] 'staff': the same name as groups[0] 'Staff'"),
    ('aurora_mail_servers', 'servers', [dict(name='mail', tenant='acme'), dict(name='mail'),
                                        dict(name='mail', tenant='Acme', state='absent')],
     "servers[2] 'mail': the same name as servers[0] 'mail'"),
    ('aurora_user_accounts', 'accounts', [dict(email='ann@acme.example', password='Ann-Secret-1'),
                                          dict(email=' ANN@acme.example', state='absent')],
     "accounts[1] 'ann@acme.example': the same email as accounts[0] 'ann@acme.example'"),
    ('aurora_mail_accounts', 'accounts', [dict(user='ann@acme.example', email='sales@acme.example'),
                                          dict(user='bob@acme.example', email='sales@acme.example'),
                                          dict(user='Ann@acme.example', email='Sales@acme.example', state='absent')],
     "accounts[2] 'sales@acme.example': the same email as accounts[0] 'sales@acme.example'"),
]


@pytest.mark.parametrize('module, option, items, message', SAME_OBJECT, ids=[case[0] for case in SAME_OBJECT])
def test_two_items_for_one_object_fail_the_task_before_any_call(aurora, through_task, module, option, items,
                                                                message):
    result = through_task(aurora, module)(**{option: items})
    assert result.failed and result['changed'] is False, result
    assert result['msg'] == '1 problem(s) in %s, nothing was changed: %s; give each one once per task' % (
        option, message), result
    assert aurora.calls() == []
    assert 'Ann-Secret-1' not in result.printed
