"""The filter afterlogic.aurora.repeated_items, with which the role provision refuses all its lists before its login,
in a real ansible-playbook run: the objects that two items describe, compared as the bulk modules compare them (the
role's own refusal is in test_role_provision.py, the bulk modules' in tests/unit/test_bulk_each.py)."""

import json

from tests.helpers.playbook import run_playbook

PLAYBOOK = """\
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The repeated items of each case
      ansible.builtin.copy:
        dest: "{{ out }}/{{ item.key }}.json"
        content: "{{ item.value | afterlogic.aurora.repeated_items | to_json }}"
        mode: '0600'
      loop: "{{ cases | dict2items }}"

""" + ''.join("""
    - name: Input that is no lists of items, case %(case)d (one task each, as ansible-core 2.16 fails a whole loop)
      ansible.builtin.debug:
        msg: "{{ bad[%(case)d] | afterlogic.aurora.repeated_items }}"
      register: refused%(case)d
      ignore_errors: true
""" % dict(case=case) for case in range(3)) + """
    - name: Their errors
      ansible.builtin.copy:
        dest: "{{ out }}/refused.json"
        content: "{{ [refused0.msg, refused1.msg, refused2.msg] | to_json }}"
        mode: '0600'
"""

DISTINCT = {
    'aurora_groups': [dict(name='Sales', tenant='acme'), dict(name='sales', tenant_id=3), dict(name='Sales', tenant='beta')],
    'aurora_user_accounts': [dict(email='b@x.example'), dict(email='a@x.example')],
    'aurora_mail_servers': [dict(name='mail'), dict(name='Mail'), dict(name='mail', tenant='acme')],
    'aurora_mail_accounts': [dict(user='a@x.example', email='s@x.example'), dict(user='b@x.example', email='s@x.example')],
    'aurora_tenants': None,
    'aurora_settings': [dict(module='Core'), dict(module='Mail'), dict(module='system')],
}
REPEATED = {
    'aurora_groups': DISTINCT['aurora_groups'] + [dict(name='SALES', tenant='Acme')],
    'aurora_user_accounts': DISTINCT['aurora_user_accounts'] + [dict(email=' A@X.example '),
                                                                dict(email='b@x.example', state='absent')],
    'aurora_mail_servers': DISTINCT['aurora_mail_servers'] + [dict(name='mail', tenant='ACME')],
    'aurora_mail_accounts': DISTINCT['aurora_mail_accounts'] + [dict(user='B@x.example', email='S@x.example')],
    'aurora_tenants': [dict(name='acme'), dict(name='Acme', state='absent')],
    'aurora_mail_domains': [dict(name='x.example'), dict(name='X.example')],
    'aurora_settings': DISTINCT['aurora_settings'] + [dict(module=' core ', settings={'SiteName': 'x'}),
                                                      dict(module='System')],
}
BAD = [[], {'aurora_tenants': 'acme'}, {'aurora_users': []}]


def test_each_object_described_twice_is_named_once_as_its_first_item_spells_it(tmp_path):
    run = run_playbook(tmp_path, PLAYBOOK, dict(out=str(tmp_path), cases=dict(distinct=DISTINCT, repeated=REPEATED),
                                                bad=BAD))
    assert run.returncode == 0, run.output
    assert json.loads((tmp_path / 'distinct.json').read_text()) == []
    assert json.loads((tmp_path / 'repeated.json').read_text()) == [
        'the settings of module Core', 'the system settings', 'tenant acme', 'mail server mail (tenant acme)', 'mail domain x.example', 'user b@x.example',
        'user a@x.example', 'mail account s@x.example of b@x.example', 'group Sales (tenant acme)']
    refused = json.loads((tmp_path / 'refused.json').read_text())
    for message, expected in zip(refused, ('expects a dictionary of lists', 'aurora_tenants must be a list of dictionaries',
                                           'no bulk module is named aurora_users')):
        assert expected in message, refused
    assert len(refused) == 3
