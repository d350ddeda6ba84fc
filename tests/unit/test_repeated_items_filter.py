"""The filter afterlogic.aurora.repeated_items, with which the role provision refuses all its lists before its login:
the objects that two items describe, compared as the bulk modules compare them (the role's own refusal is in
tests/integration/test_role_provision.py, the modules' in tests/unit/test_bulk_each.py)."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.afterlogic.aurora.plugins.filter.repeated_items import FilterModule

repeated_items = FilterModule().filters()['repeated_items']


def test_each_object_described_twice_is_named_once_as_its_first_item_spells_it():
    lists = {
        'aurora_groups': [dict(name='Sales', tenant='acme'), dict(name='sales', tenant_id=3),
                          dict(name='Sales', tenant='beta')],
        'aurora_user_accounts': [dict(email='b@x.example'), dict(email='a@x.example')],
        'aurora_mail_servers': [dict(name='mail'), dict(name='Mail'), dict(name='mail', tenant='acme')],
        'aurora_mail_accounts': [dict(user='a@x.example', email='s@x.example'),
                                 dict(user='b@x.example', email='s@x.example')],
        'aurora_tenants': None,
    }
    assert repeated_items(lists) == []
    lists['aurora_groups'].append(dict(name='SALES', tenant='Acme'))
    lists['aurora_user_accounts'] += [dict(email=' A@X.example '), dict(email='b@x.example', state='absent')]
    lists['aurora_mail_servers'].append(dict(name='mail', tenant='ACME'))
    lists['aurora_mail_accounts'].append(dict(user='B@x.example', email='S@x.example'))
    lists['aurora_tenants'] = [dict(name='acme'), dict(name='Acme', state='absent')]
    lists['aurora_mail_domains'] = [dict(name='x.example'), dict(name='X.example')]
    assert repeated_items(lists) == [
        'tenant acme', 'mail server mail (tenant acme)', 'mail domain x.example', 'user b@x.example',
        'user a@x.example', 'mail account s@x.example of b@x.example', 'group Sales (tenant acme)']


@pytest.mark.parametrize('lists, message', [
    ([], 'expects a dictionary of lists'),
    ({'aurora_tenants': 'acme'}, 'aurora_tenants must be a list of dictionaries'),
    ({'aurora_users': []}, 'no bulk module is named aurora_users'),
])
def test_anything_but_lists_of_items_by_bulk_module_is_refused(lists, message):
    with pytest.raises(AnsibleFilterError, match=message):
        repeated_items(lists)
