"""Check mode over several tasks (module_utils/_planned.py): each bulk task is given what the earlier ones would
create or change (``planned``), and predicts exactly what the real run then does, on the emulator's corporate
profile, through the modules' real main()."""

import re

import pytest

from tests.helpers.module_runner import module_task

READS = ('LoginAsSuperadmin', 'Login')
PASSWORD = 'fake-password-for-tests'  # a placeholder, not a secret


@pytest.fixture
def aurora(corporate_emulator):
    corporate_emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    return corporate_emulator


def existing(aurora):
    """Tenant acme with its server, domain and user ann, made by real runs."""
    module_task(aurora, 'aurora_tenant')(name='acme')
    module_task(aurora, 'aurora_mail_server')(name='mail', tenant='acme', incoming_server='imap.acme.example')
    module_task(aurora, 'aurora_mail_domain')(name='acme.example', tenant='acme', server='mail')
    made = module_task(aurora, 'aurora_user_account')(email='ann@acme.example', password=PASSWORD, tenant='acme')
    assert made['changed'], made


TASKS = (
    ('aurora_tenants', 'tenants', [dict(name='acme'), dict(name='beta')]),
    ('aurora_mail_servers', 'servers', [dict(name='mail', tenant='acme', incoming_server='imap.acme.example'),
                                        dict(name='mail', tenant='beta', incoming_server='imap.beta.example')]),
    ('aurora_mail_domains', 'domains', [dict(name='acme.example', tenant='acme', server='mail'),
                                        dict(name='beta.example', tenant='beta', server='mail')]),
    # ann moves to the new tenant; bob's server is found by his domain, which the run registers
    ('aurora_user_accounts', 'accounts', [dict(email='ann@acme.example', password=PASSWORD, tenant='beta'),
                                          dict(email='bob@beta.example', password=PASSWORD, tenant='beta')]),
    ('aurora_groups', 'groups', [dict(name='Staff', tenant='beta', members=['ann@acme.example', 'bob@beta.example'])]),
)


def chain(aurora, check_mode):
    """The tasks in order, each given the plans of those before it; their results."""
    planned, results = [], []
    for module, option, items in TASKS:
        result = module_task(aurora, module)(check_mode=check_mode, diff=True, planned=planned, **{option: items})
        assert not result.failed, (module, result)
        planned += result['planned']
        results.append(result)
    return results


def outline(result):
    return (result['summary'], result['msg'],
            [(item.get('msg'), item['changed'], item.get('diff', {}).get('before')) for item in result['results']])


def test_a_check_run_given_the_plans_predicts_the_real_run_of_a_new_tenant_and_a_moved_user(aurora):
    existing(aurora)
    before = aurora.state()
    checked = chain(aurora, check_mode=True)
    assert aurora.state() == before
    assert [(entry['kind'], entry['name']) for result in checked for entry in result['planned']] == [
        ('tenant', 'beta'), ('mail_server', 'mail'), ('mail_domain', 'beta.example'), ('user', 'ann@acme.example'),
        ('user', 'bob@beta.example')]
    real = chain(aurora, check_mode=False)
    assert [outline(result) for result in checked] == [outline(result) for result in real]
    assert [result['planned'] for result in real] == [[]] * len(TASKS)
    members = [user['PublicId'] for user in aurora.state()['users']
               if any(link['UserId'] == user['Id'] for link in aurora.state()['group_users'])]
    assert sorted(members) == ['ann@acme.example', 'bob@beta.example']


def test_without_the_plans_a_check_run_fails_where_the_real_run_succeeds(aurora):
    """What the plans are for: each later task looks for what the check run did not make."""
    existing(aurora)
    module, option, items = TASKS[1]
    result = module_task(aurora, module)(check_mode=True, **{option: items})
    assert result.failed and "no tenant named 'beta'" in result['msg'], result


def test_a_failure_names_a_planned_tenant_by_its_name_not_its_placeholder(aurora):
    """ann stays in acme, so the group of the new tenant beta cannot hold her: the check run fails as the real run
    would, naming the tenant as the task does."""
    existing(aurora)
    planned = []
    for module, option, items in TASKS[:3]:
        planned += module_task(aurora, module)(check_mode=True, planned=planned, **{option: items})['planned']
    group = module_task(aurora, 'aurora_groups')(check_mode=True, planned=planned, groups=[
        dict(name='Staff', tenant='beta', members=['ann@acme.example'])])
    assert group.failed and "users of tenant 'beta'" in group['msg'], group
    assert not re.search(r'(?<![\w.-])-[0-9]', group.printed), group.printed


SETTINGS = (('system', {'EnableMultiTenant': True}), ('Core', {'AllowGroups': True}),
            ('MailDomains', {'Disabled': False}))


def configured_chain(aurora, path, check_mode):
    """aurora_settings for each of SETTINGS, then the bulk tasks, all over the PHP API, each given the plans of those
    before it; their results."""
    planned, results = [], []
    for module, settings in SETTINGS:
        run = module_task(aurora, 'aurora_settings', path)
        result = run(check_mode=check_mode, diff=True, module=module, settings=settings)
        assert not result.failed, (module, result)
        planned += result['planned']
        results.append(result)
    for module, option, items in TASKS:
        result = module_task(aurora, module, path)(check_mode=check_mode, diff=True, planned=planned,
                                                   **{option: items})
        assert not result.failed, (module, result)
        planned += result['planned']
        results.append(result)
    return results


def test_a_check_run_sees_multi_tenancy_groups_and_mail_domains_that_an_earlier_task_would_switch_on(
        corporate_emulator, fake_aurora):
    """Multi-tenancy and groups off, MailDomains installed but off: given what aurora_settings would set, the bulk
    tasks of a check run predict the tenants, domains and groups that the real run makes once it has set them."""
    aurora = corporate_emulator
    aurora.settings({'Mail': {'DoImapLoginOnAccountCreate': False}, 'System': {'EnableMultiTenant': False},
                     'Core': {'AllowGroups': False}, 'MailDomains': {'Disabled': True}})
    path = fake_aurora(aurora)
    before, files = aurora.state(), aurora.settings_files()
    checked = configured_chain(aurora, path, check_mode=True)
    assert aurora.state() == before and aurora.settings_files() == files
    assert [(entry['kind'], entry['name'], entry['settings']) for result in checked[:3]
            for entry in result['planned']] == [('settings', module, settings) for module, settings in SETTINGS]
    real = configured_chain(aurora, path, check_mode=False)
    assert [(result['changed'], result['msg'], result['diff']) for result in checked[:3]] == \
        [(result['changed'], result['msg'], result['diff']) for result in real[:3]]
    assert [outline(result) for result in checked[3:]] == [outline(result) for result in real[3:]]
    assert [result['summary']['created'] for result in real[3:]] == [2, 2, 2, 2, 1]
    assert [result['planned'] for result in real] == [[]] * len(real)
