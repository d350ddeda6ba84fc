"""aurora_info through its real main() against the emulator: each kind's items in the option names of the module that
manages it, given back to that module with nothing to change; the filters; capabilities; no password anywhere."""

import json

import pytest

from tests.helpers.module_runner import create_tenants, module_task

MAILBOX_PASSWORD = 'Info-Mailbox-Secret-1'
SMTP_PASSWORD = 'Info-Relay-Secret-2'
IMAP_CHECK_OFF = {'Mail': {'DoImapLoginOnAccountCreate': False}}  # the mail hosts do not exist

RELAY_SERVER = dict(
    name='example-org', incoming_server='imap.example.org', incoming_port=993, incoming_use_ssl=True,
    outgoing_server='smtp.example.org', outgoing_port=465, outgoing_use_ssl=True,
    smtp_auth_type='specified_credentials', smtp_login='relay@example.org', smtp_password=SMTP_PASSWORD,
    domains=['Example.org', 'mail.example.org'], enable_sieve=True, oauth_enable=True, oauth_name='Sign in',
    oauth_type='google', external_access={'imap': {'server': 'imap.example.org', 'port': 993, 'use_ssl': True}})


def reads_only(emulator, start=0):
    """The calls since ``start`` that are not reads (the PHP API's settings objects read with @ReadSettings)."""
    return [call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith(('Get', '@Read')) and call['Method'] not in ('LoginAsSuperadmin', 'Login')]


def no_secret_in(result, *secrets):
    for secret in secrets + ('*****',):
        assert secret not in result.printed
    for kind in ('servers', 'users', 'accounts'):
        for item in result.get(kind) or []:
            assert not [key for key in item if 'password' in key], item


@pytest.fixture
def lite(emulator, through_task):
    emulator.settings(IMAP_CHECK_OFF)
    server = through_task(emulator, 'aurora_mail_server')
    assert server(name='mydomain', incoming_server='mail.mydomain.com', domains=['mydomain.com'])['changed']
    assert server(**RELAY_SERVER)['changed']
    user = through_task(emulator, 'aurora_user_account')
    for task in (dict(email='user@mydomain.com', server='mydomain'),
                 dict(email='admin@example.org', server='example-org', role='tenant_admin', friendly_name='Admin'),
                 dict(email='jane@example.org', incoming_login='jane', disabled=True)):
        assert user(password=MAILBOX_PASSWORD, **task)['changed']
    emulator.calls_clear()
    return emulator


def test_servers_and_users_come_in_the_modules_options_and_feed_back_unchanged(lite, through_task):
    info = through_task(lite, 'aurora_info')(check_mode=True)
    assert not info.failed and info['changed'] is False, info
    assert reads_only(lite) == []
    assert sorted(key for key in info if key in ('capabilities', 'tenants', 'servers', 'domains', 'users', 'accounts',
                                                 'groups')) == ['accounts', 'capabilities', 'servers', 'users']
    relay, = [item for item in info['servers'] if item['name'] == 'example-org']
    assert relay == dict(
        name='example-org', incoming_server='imap.example.org', incoming_port=993, incoming_use_ssl=True,
        outgoing_server='smtp.example.org', outgoing_port=465, outgoing_use_ssl=True,
        smtp_auth_type='specified_credentials', smtp_login='relay@example.org',
        domains=['example.org', 'mail.example.org'], enable_threading=True, enable_sieve=True, sieve_port=4190,
        use_full_email_address_as_login=True, oauth_enable=True, oauth_name='Sign in', oauth_type='google',
        oauth_icon_url='', external_access={
            'enabled': True, 'imap': {'server': 'imap.example.org', 'port': 993, 'alter_port': 0, 'use_ssl': True},
            'smtp': {'server': '', 'port': 25, 'alter_port': 0, 'use_ssl': False},
            'pop3': {'server': '', 'port': 110, 'alter_port': 0, 'use_ssl': False}})
    plain, = [item for item in info['servers'] if item['name'] == 'mydomain']
    assert plain['external_access'] == {'enabled': False} and 'oauth_name' not in plain, plain
    assert info['users'] == [
        dict(email='admin@example.org', role='tenant_admin', disabled=False, server='example-org', friendly_name='Admin',
             incoming_login='admin@example.org'),
        dict(email='jane@example.org', role='user', disabled=True, server='example-org', friendly_name='',
             incoming_login='jane'),
        dict(email='user@mydomain.com', role='user', disabled=False, server='mydomain', friendly_name='',
             incoming_login='user@mydomain.com')]
    assert info['accounts'] == []
    no_secret_in(info, MAILBOX_PASSWORD, SMTP_PASSWORD, lite.admin_password)

    start = len(lite.calls())
    for module, kind in (('aurora_mail_server', 'servers'), ('aurora_user_account', 'users')):
        run = through_task(lite, module)
        for item in info[kind]:
            for check_mode in (True, False):
                again = run(check_mode=check_mode, diff=True, **item)
                assert not again.failed and again['changed'] is False, (item, again)
                assert not again.warning_texts, again
    assert reads_only(lite, start) == []


def test_the_items_recreate_the_same_objects_on_an_empty_aurora(lite, through_task):
    info = through_task(lite, 'aurora_info')(gather=['servers', 'users'])
    before = through_task(lite, 'aurora_info')(gather=['servers', 'users'])
    assert (before['servers'], before['users']) == (info['servers'], info['users'])
    lite.reset()
    lite.settings(IMAP_CHECK_OFF)
    servers = through_task(lite, 'aurora_mail_server')
    for item in info['servers']:
        password = dict(smtp_password=SMTP_PASSWORD) if item['smtp_auth_type'] == 'specified_credentials' else {}
        assert servers(**dict(item, **password))['changed']
    users = through_task(lite, 'aurora_user_account')
    for item in info['users']:
        assert users(password=MAILBOX_PASSWORD, **item)['changed']
    again = through_task(lite, 'aurora_info')(gather=['servers', 'users'])
    assert (again['servers'], again['users']) == (info['servers'], info['users'])


def test_search_filters_names_and_emails_and_parallel_reads_give_the_same(lite, through_task):
    info = through_task(lite, 'aurora_info')
    found = info(search='EXAMPLE', parallel=1)
    assert [item['name'] for item in found['servers']] == ['example-org']
    assert [item['email'] for item in found['users']] == ['admin@example.org', 'jane@example.org']
    assert found['msg'] == 'gathered 1 servers, 2 users, 0 accounts', found
    assert info(search='EXAMPLE', parallel=8)['users'] == found['users']
    lite.calls_clear()
    users_only = info(gather=['users'], search='jane')
    assert [item['email'] for item in users_only['users']] == ['jane@example.org']
    # Without the extra accounts, only the users the search keeps have their accounts read.
    assert [call['Method'] for call in lite.calls()].count('GetAccounts') == 1
    assert info(search='nobody')['users'] == []


def test_capabilities_and_kinds_lite_does_not_have(lite, through_task):
    info = through_task(lite, 'aurora_info')
    everything = info()
    assert everything['capabilities'] == dict(multi_tenancy=False, groups=False, mail_domains=False,
                                              multi_accounts=False, imap_check_on_account_creation=None)
    lite.calls_clear()
    skipped = info(gather=['domains', 'groups', 'tenants'])
    assert not skipped.failed and (skipped['domains'], skipped['groups'], skipped['tenants']) == ([], [], []), skipped
    assert [call['Module'] + '.' + call['Method'] for call in lite.calls()
            if call['Module'] == 'MailDomains' or call['Method'] in ('GetGroups', 'GetTenant')] == []
    warned = skipped.warning_texts
    assert len(warned) == 3 and any('domains: not gathered' in text and 'MailDomains' in text for text in warned), warned


def test_wrong_options_fail_naming_them(lite, through_task):
    info = through_task(lite, 'aurora_info')
    missing = info(tenant='nowhere')
    assert missing.failed and "no tenant named 'nowhere'" in missing['msg'], missing
    assert info(parallel=0).failed
    assert info(gather=['servers', 'passwords']).failed


@pytest.fixture
def corporate(corporate_emulator, through_task):
    aurora = corporate_emulator
    aurora.settings(dict(IMAP_CHECK_OFF, MailMultiAccountsPlugin={'Enabled': True}))
    create_tenants(aurora, 'acme', 'beta')
    assert through_task(aurora, 'aurora_tenant')(name='acme', description='Acme Inc', site_name='Acme Mail')['changed']
    server = through_task(aurora, 'aurora_mail_server')
    assert server(name='acme-mail', tenant='acme', incoming_server='imap.acme.example')['changed']
    assert server(name='shared', incoming_server='imap.shared.example', domains=['*'])['changed']
    domain = through_task(aurora, 'aurora_mail_domain')
    assert domain(name='acme.example', tenant='acme', server='acme-mail')['changed']
    assert domain(name='beta.example', tenant='beta', server='shared')['changed']
    user = through_task(aurora, 'aurora_user_account')
    for email, tenant, server_name in (('ann@acme.example', 'acme', 'acme-mail'), ('bob@acme.example', 'acme', 'acme-mail'),
                                       ('zed@beta.example', 'beta', 'shared'), ('root@example.net', 'Default', 'shared')):
        assert user(email=email, tenant=tenant, server=server_name, password=MAILBOX_PASSWORD)['changed']
    ann = [item for item in aurora.state()['users'] if item['PublicId'] == 'ann@acme.example'][0]
    extra = aurora.api('Mail', 'CreateAccount', {
        'UserId': ann['Id'], 'FriendlyName': 'Ann at home', 'Email': 'Ann.Home@example.net', 'IncomingLogin': 'annhome',
        'IncomingPassword': MAILBOX_PASSWORD, 'Server': {'ServerId': server_id(aurora, 'shared')}})
    assert isinstance(extra.get('Result'), dict), extra
    assert through_task(aurora, 'aurora_group')(name='Sales', tenant='acme', members=['bob@acme.example'])['changed']
    aurora.calls_clear()
    return aurora


def server_id(emulator, name):
    return [server['Id'] for server in emulator.state()['servers'] if server['Name'] == name][0]


def test_every_kind_of_a_corporate_aurora_feeds_back_unchanged(corporate, through_task):
    info = through_task(corporate, 'aurora_info')()
    assert not info.failed, info
    assert info['capabilities'] == dict(multi_tenancy=True, groups=True, mail_domains=True, multi_accounts=True,
                                        imap_check_on_account_creation=None)
    assert info['tenants'] == [dict(name='acme', description='Acme Inc', site_name='Acme Mail', web_domain=''),
                               dict(name='beta', description='', site_name='Afterlogic WebMail Lite PHP', web_domain='')]
    servers = dict((item['name'], item) for item in info['servers'])
    assert servers['acme-mail']['tenant'] == 'acme' and 'domains' not in servers['acme-mail']
    assert 'tenant' not in servers['shared'] and servers['shared']['domains'] == ['*']
    assert info['domains'] == [dict(name='acme.example', tenant='acme', server='acme-mail'),
                               dict(name='beta.example', tenant='beta', server='shared')]
    assert sorted((item['email'], item['tenant'], item['server']) for item in info['users']) == [
        ('ann@acme.example', 'acme', 'acme-mail'), ('bob@acme.example', 'acme', 'acme-mail'),
        ('root@example.net', 'Default', 'shared'), ('zed@beta.example', 'beta', 'shared')]
    assert info['accounts'] == [dict(user='ann@acme.example', email='ann.home@example.net', server='shared',
                                     incoming_login='annhome', friendly_name='Ann at home')]
    assert info['groups'] == [dict(name='Sales', tenant='acme', members=['bob@acme.example'])]
    no_secret_in(info, MAILBOX_PASSWORD, corporate.admin_password)

    start = len(corporate.calls())
    for module, kind in (('aurora_tenant', 'tenants'), ('aurora_mail_server', 'servers'),
                         ('aurora_mail_domain', 'domains'), ('aurora_user_account', 'users'), ('aurora_group', 'groups'),
                         ('aurora_mail_account', 'accounts')):
        run = through_task(corporate, module)
        for item in info[kind]:
            again = run(check_mode=True, **item)
            assert not again.failed and again['changed'] is False, (module, item, again)
    assert reads_only(corporate, start) == []


def test_tenant_limits_every_kind_to_that_tenant(corporate, through_task):
    info = through_task(corporate, 'aurora_info')(tenant='acme')
    assert [item['name'] for item in info['tenants']] == ['acme']
    assert sorted(item['name'] for item in info['servers']) == ['acme-mail', 'shared']
    assert [item['name'] for item in info['domains']] == ['acme.example']
    assert [item['email'] for item in info['users']] == ['ann@acme.example', 'bob@acme.example']
    assert [item['email'] for item in info['accounts']] == ['ann.home@example.net']
    assert [item['name'] for item in info['groups']] == ['Sales']
    beta = through_task(corporate, 'aurora_info')(tenant='beta', search='zed')
    assert (beta['tenants'], beta['groups'], [item['email'] for item in beta['users']]) == ([], [], ['zed@beta.example'])
    # An extra account is found by its own address or by its user's.
    assert through_task(corporate, 'aurora_info')(gather=['accounts'], search='home@')['accounts'][0]['user'] == \
        'ann@acme.example'
    default = through_task(corporate, 'aurora_info')(tenant='Default', gather=['tenants', 'users'])
    assert default['tenants'] == [] and [item['email'] for item in default['users']] == ['root@example.net']


def test_compare_lists_what_the_description_does_not_name_within_its_tenants(corporate, through_task):
    """The deletions of the provision role's exclusive mode: scoped to the tenants named, identities compared as
    Aurora compares them, each returned as the item that deletes it."""
    described = {
        'tenants': [dict(name='ACME')],  # names compare ignoring case; beta is not named
        'servers': [dict(name='acme-mail', tenant='acme')],  # 'shared' (the super-administrator's) is not named
        'users': [dict(email='ANN@acme.example', tenant='acme')],
        'accounts': [],
        'groups': [dict(name='sales', tenant='acme')],
        'domains': [dict(name='acme.example', tenant='acme')],
    }
    zed = [user['Id'] for user in corporate.state()['users'] if user['PublicId'] == 'zed@beta.example'][0]
    extra = corporate.api('Mail', 'CreateAccount', {  # an account of a user of beta, which is out of scope
        'UserId': zed, 'FriendlyName': '', 'Email': 'zed.home@example.net', 'IncomingLogin': 'zedhome',
        'IncomingPassword': MAILBOX_PASSWORD, 'Server': {'ServerId': server_id(corporate, 'shared')}})
    assert isinstance(extra.get('Result'), dict), extra
    info = through_task(corporate, 'aurora_info')(compare=described)
    assert not info.failed, info
    unlisted = info['unlisted']
    assert unlisted['tenants'] == [dict(name='beta', state='absent')]
    assert unlisted['servers'] == [dict(name='shared', state='absent')]
    assert unlisted['users'] == [dict(email='bob@acme.example', state='absent')]  # zed@ and root@: other tenants
    assert unlisted['accounts'] == [dict(user='ann@acme.example', email='ann.home@example.net', state='absent')]
    assert unlisted['groups'] == [] and unlisted['domains'] == []
    everywhere = through_task(corporate, 'aurora_info')(gather=['users'], compare={'users': []})
    assert sorted(item['email'] for item in everywhere['unlisted']['users']) == [
        'ann@acme.example', 'bob@acme.example', 'root@example.net', 'zed@beta.example']


# ---- settings ------------------------------------------------------------------------------------

SETTING_SECRETS = {'config.json': ('DBPassword', 'Database-Secret-9'),
                   'modules/Mail.config.json': ('SieveGeneralPassword', 'Sieve-Secret-8'),
                   'modules/Min.config.json': ('SecretKey', 'Storage-Secret-7')}  # as S3Filestorage keeps its key


def edit_files(emulator, edits):
    """Change the settings files as an operator would: ``{path: {key: [value, type, spec, description]}}``."""
    files = emulator.settings_files()
    changed = {}
    for path, keys in edits.items():
        content = json.loads(files[path])
        content.update(keys)
        changed[path] = json.dumps(content)
    emulator.settings_files(changed)


def test_the_settings_come_as_aurora_settings_items_without_a_secret_and_feed_back_unchanged(emulator, through_task):
    emulator.settings({'Core': {'SiteName': 'Acme Mail', 'TimeFormat': 'F12'}, 'System': {'LoggingLevel': 'Warning'}})
    edits = dict((path, {key: [secret, 'string', None, '']}) for path, (key, secret) in SETTING_SECRETS.items())
    edits['modules/Mail.config.json']['AllowAddAccounts'] = ['no', 'string', None, '']  # a type of the file's own
    edit_files(emulator, edits)
    run = through_task(emulator, 'aurora_info')
    info = run(gather=['settings'])
    assert not info.failed and list(info) and info['capabilities']['multi_tenancy'] is False, info
    items = dict((item['module'], item['settings']) for item in info['settings'])
    on_host = run.transport == 'php'
    assert [item['module'] for item in info['settings']] == (
        ['system', 'AdminAuth', 'Core', 'CoreWebclient', 'Mail', 'Min'] if on_host else
        ['system', 'Core', 'CoreWebclient', 'Mail'])
    assert (items['Core']['SiteName'], items['Core']['TimeFormat'], items['system']['LoggingLevel']) == (
        'Acme Mail', 'F12', 'Warning')  # enums by the name Aurora stores
    assert 'Disabled' not in items['Core'] and ('Language' in items['Core'])  # the web API shows it as CommonLanguage
    for key, secret in SETTING_SECRETS.values():
        assert secret not in info.printed and not [item for item in info['settings'] if key in item['settings']]
    assert 'AdminPassword' not in items['system'] and 'LicenseKey' not in items['system']
    if on_host:
        assert items['Mail']['AllowAddAccounts'] == 'no' and items['Min'] == {'Disabled': False}
        assert items['Mail']['DoImapLoginOnAccountCreate'] is True and items['system']['DBType'] == 'MySQL'
        assert info.warning_texts == [], info.warning_texts
    else:  # Mail.UpdateSettings writes AllowAddAccounts as a bool: "no" is not a value aurora_settings takes
        assert 'AllowAddAccounts' not in items['Mail'] and len(info.warning_texts) == 1, info.warning_texts
        assert 'AllowAddAccounts of Mail is left out' in info.warning_texts[0], info.warning_texts

    emulator.calls_clear()
    files = emulator.settings_files()
    settings = through_task(emulator, 'aurora_settings')
    for item in info['settings']:
        again = settings(**item)
        assert not again.failed and again['changed'] is False, (item['module'], again['msg'])
    assert reads_only(emulator) == [] and emulator.settings_files() == files


def test_settings_aurora_settings_would_refuse_are_left_out_naming_each(emulator, fake_aurora):
    """On the host: an empty AdminLogin and AdminAuth switched off, which aurora_settings refuses to set (they would
    let anyone in, or lock the administrator out)."""
    edit_files(emulator, {'config.json': {'AdminLogin': ['', 'string', None, '']},
                          'modules/AdminAuth.config.json': {'Disabled': [True, 'bool', None, '']}})
    info = module_task(emulator, 'aurora_info', fake_aurora(emulator))(gather=['settings'])
    assert not info.failed, info
    items = dict((item['module'], item['settings']) for item in info['settings'])
    assert 'AdminLogin' not in items['system'] and 'Disabled' not in items['AdminAuth'], items
    assert items['AdminAuth'] == {'AllowLoginFromCoreModule': False, 'SuperadminWhitelistIp': []}
    warned = info.warning_texts
    assert len(warned) == 2, warned
    assert 'AdminLogin of system is left out' in warned[0] and 'must be a login name' in warned[0], warned
    assert 'Disabled of AdminAuth is left out' in warned[1] and 'set force: true' in warned[1], warned
