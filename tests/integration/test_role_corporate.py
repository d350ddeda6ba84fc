"""The provision role for a whole Aurora Corporate (playbooks/vars/example-corporate.yml), on the emulator's corporate
profile with MailMultiAccountsPlugin: tenants, their servers and domains, users, further accounts and groups; and the
opt-in exclusive mode with its guard."""

import json
import os
import re

import pytest
import yaml

from tests.helpers.collection import REPO_ROOT
from tests.integration.test_role_provision import TASK_RESULT_LINE, connection_of, provision, recap

EXAMPLE = os.path.join(REPO_ROOT, 'playbooks', 'vars', 'example-corporate.yml')
SETTINGS = {'Mail': {'DoImapLoginOnAccountCreate': False}, 'MailMultiAccountsPlugin': {'Enabled': True}}
READS = ('LoginAsSuperadmin', 'Login')


@pytest.fixture
def aurora(corporate_emulator):
    corporate_emulator.settings(SETTINGS)
    corporate_emulator.calls_clear()
    return corporate_emulator


def example():
    with open(EXAMPLE) as handle:
        return yaml.safe_load(handle)


def write_vars(tmp_path, data, name='vars.yml'):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return '@' + str(path)


def writes(emulator, start=0):
    return [call['Method'] for call in emulator.calls()[start:]
            if not call['Method'].startswith('Get') and call['Method'] not in READS]


def held(emulator):
    """What Aurora holds, in a comparable form."""
    state = emulator.state()
    tenants = dict((tenant['Id'], tenant['Name']) for tenant in state['tenants'])
    users = dict((user['Id'], user['PublicId']) for user in state['users'])
    return {
        'tenants': sorted(tenants.values()),
        'servers': sorted((server['Name'], tenants.get(server['TenantId'])) for server in state['servers']),
        'domains': sorted(domain['Name'] for domain in state['domains']),
        'users': sorted((user['PublicId'], tenants[user['IdTenant']]) for user in state['users']),
        'accounts': sorted((users[account['IdUser']], account['Email']) for account in state['accounts']),
        'groups': sorted((group['Name'], tenants[group['TenantId']]) for group in state['groups']),
        'members': sorted(users[link['UserId']] for link in state['group_users']),
    }


def test_the_corporate_example_converges_in_one_run_then_reports_nothing_to_change(tmp_path, aurora):
    code, output = provision(tmp_path, '-e', '@' + EXAMPLE, connection=connection_of(aurora))
    assert code == 0 and recap(output)['localhost'][2] == 0, output
    state = held(aurora)
    assert state['tenants'] == ['Default', 'acme', 'beta']
    assert state['servers'] == [('mail', 'acme'), ('mail', 'beta')]
    assert state['domains'] == ['acme.example', 'acme.net', 'beta.example']
    assert state['users'] == [('al@acme.example', 'acme'), ('ann@acme.example', 'acme'), ('bob@beta.example', 'beta'),
                              ('cy@acme.net', 'acme')]
    assert ('ann@acme.example', 'sales@acme.example') in state['accounts']
    assert state['groups'] == [('Staff', 'acme'), ('Staff', 'beta')] and len(state['members']) == 4
    for options in ((), ('--check', '--diff')):
        start = len(aurora.calls())
        code, output = provision(tmp_path, '-e', '@' + EXAMPLE, *options, connection=connection_of(aurora))
        assert code == 0 and recap(output)['localhost'][1] == 0, (options, output)
        assert writes(aurora, start) == [] and held(aurora) == state


def item_statuses(output):
    """[(item, status, msg)] of every item of the bulk tasks, in order; an item is named with its owner, as
    'sales@acme.example (ann@acme.example)'."""
    statuses = []
    for line in TASK_RESULT_LINE.findall(output):
        for item in json.loads(line).get('results', []):
            name = item.get('name') or item.get('email')
            owner = next((item[key] for key in ('tenant', 'user') if isinstance(item.get(key), str)), None)
            status = 'failed' if item.get('failed') else 'changed' if item.get('changed') else 'ok'
            statuses.append(('%s (%s)' % (name, owner) if owner else name, status, item.get('msg')))
    return statuses


def test_check_run_on_an_empty_aurora_predicts_the_real_run_and_writes_nothing(tmp_path, aurora):
    code, checked = provision(tmp_path, '-e', '@' + EXAMPLE, '--check', '--diff', connection=connection_of(aurora))
    assert code == 0, checked
    assert writes(aurora) == [] and held(aurora) == held_when_empty()
    assert re.findall(r'"\w+": -\d', checked) == []  # no placeholder id of a planned object is shown
    code, real = provision(tmp_path, '-e', '@' + EXAMPLE, connection=connection_of(aurora))
    assert code == 0, real
    data = example()
    assert len(item_statuses(real)) == sum(len(data[kind]) for kind in data if kind.startswith('aurora_'))
    assert item_statuses(checked) == item_statuses(real)
    assert [status for dummy, status, msg in item_statuses(real)] == ['changed'] * len(item_statuses(real))
    assert recap(checked)['localhost'][1] == recap(real)['localhost'][1]


def held_when_empty():
    return {'tenants': ['Default'], 'servers': [], 'domains': [], 'users': [], 'accounts': [], 'groups': [],
            'members': []}


def test_exclusive_users_lists_a_user_added_by_hand_then_deletes_it(tmp_path, aurora):
    data = dict(example(), aurora_exclusive=['users'])
    code, output = provision(tmp_path, '-e', write_vars(tmp_path, data), connection=connection_of(aurora))
    assert code == 0, output
    tenant_id = [tenant['Id'] for tenant in aurora.state()['tenants'] if tenant['Name'] == 'acme'][0]
    assert isinstance(aurora.api('Core', 'CreateUser', {'TenantId': tenant_id, 'PublicId': 'hand@acme.example'})
                      ['Result'], int)
    before = held(aurora)
    start = len(aurora.calls())
    code, checked = provision(tmp_path, '-e', write_vars(tmp_path, data), '--check', '--diff',
                              connection=connection_of(aurora))
    assert code == 0 and 'hand@acme.example' in checked, checked
    assert writes(aurora, start) == [] and held(aurora) == before
    code, real = provision(tmp_path, '-e', write_vars(tmp_path, data), connection=connection_of(aurora))
    assert code == 0 and recap(real)['localhost'][1] == 1, real
    assert writes(aurora, start) == ['DeleteUser']
    assert [user for user, dummy in held(aurora)['users'] if user == 'hand@acme.example'] == []
    assert held(aurora)['users'] == [user for user in before['users'] if user[0] != 'hand@acme.example']


def test_a_run_that_would_delete_more_than_the_guard_allows_deletes_nothing(tmp_path, aurora):
    data = example()
    code, output = provision(tmp_path, '-e', write_vars(tmp_path, data), connection=connection_of(aurora))
    assert code == 0, output
    tenant_id = [tenant['Id'] for tenant in aurora.state()['tenants'] if tenant['Name'] == 'beta'][0]
    for number in range(10):  # with bob@, 11 users the lists below do not name
        aurora.api('Core', 'CreateUser', {'TenantId': tenant_id, 'PublicId': 'extra%d@beta.example' % number})
    before = held(aurora)
    start = len(aurora.calls())
    data['aurora_user_accounts'] = [user for user in data['aurora_user_accounts'] if user['tenant'] == 'acme']
    data['aurora_groups'] = [group for group in data['aurora_groups'] if group['tenant'] == 'acme']
    data['aurora_exclusive'] = ['users']
    code, output = provision(tmp_path, '-e', write_vars(tmp_path, data), connection=connection_of(aurora))
    assert code != 0 and 'would delete 11 objects' in output, output
    assert 'extra0@beta.example' in output and 'bob@beta.example' in output
    assert writes(aurora, start) == [] and held(aurora) == before
