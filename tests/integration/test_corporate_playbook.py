"""A small hosting set-up on the emulator's corporate profile, as a real ansible-playbook: two tenants, each with
its own mail server of one name, its mail domains registered with MailDomains (two for acme), its users (one of
them found by its domain alone), and a group of three. Changed on the first run, ok on the rerun, ok in check mode;
deleting a tenant that holds users fails without force and leaves everything in place."""

import textwrap

from tests.helpers.playbook import connected_play, connection_vars, run_playbook

PLAYBOOK = connected_play('''\
      vars:
        tenants: [acme, beta]
      tasks:
        - name: The tenants
          afterlogic.aurora.aurora_tenant:
            name: "{{ item }}"
            description: "{{ item | capitalize }} hosting customer"
          loop: "{{ tenants }}"

        - name: A server of each tenant, both named mail
          afterlogic.aurora.aurora_mail_server:
            name: mail
            tenant: "{{ item }}"
            incoming_server: "imap.{{ item }}.example"
            outgoing_server: "smtp.{{ item }}.example"
          loop: "{{ tenants }}"

        - name: The tenants' mail domains, each on its tenant's own server
          afterlogic.aurora.aurora_mail_domain:
            name: "{{ item.name }}"
            tenant: "{{ item.tenant }}"
            server: mail
          loop:
            - {name: acme.example, tenant: acme}
            - {name: acme.net, tenant: acme}
            - {name: beta.example, tenant: beta}

        - name: The tenants' users, each on its own tenant's server
          afterlogic.aurora.aurora_user_accounts:
            accounts:
              - {email: ann@acme.example, password: "{{ mailbox_password }}", tenant: acme, server: mail}
              - {email: al@acme.example, password: "{{ mailbox_password }}", tenant: acme, server: mail,
                 role: tenant_admin}
              - {email: bob@beta.example, password: "{{ mailbox_password }}", tenant: beta}
              - {email: cy@acme.net, password: "{{ mailbox_password }}"}

        - name: One more user, by the single module
          afterlogic.aurora.aurora_user_account:
            email: bea@beta.example
            password: "{{ mailbox_password }}"
            tenant: beta
            server: mail

        - name: A group of acme
          afterlogic.aurora.aurora_group:
            name: Admins
            tenant: acme
            members: [ann@acme.example, al@acme.example, cy@acme.net]
''')

DELETE_TENANT = textwrap.dedent('''\
    - hosts: localhost
      connection: local
      gather_facts: false
      tasks:
        - name: Delete a tenant that still holds users
          afterlogic.aurora.aurora_tenant:
            api_url: "{{ aurora_url }}"
            api_username: "{{ aurora_login }}"
            api_password: "{{ aurora_password }}"
            name: acme
            state: absent
''')


def test_two_tenants_with_same_named_servers_converge_and_are_kept(tmp_path, corporate_emulator):
    emulator = corporate_emulator
    emulator.settings({'Mail': {'DoImapLoginOnAccountCreate': False}})  # the mail hosts do not exist
    extra_vars = dict(connection_vars(emulator), mailbox_password='Corporate-Playbook-Secret-1')
    first = run_playbook(tmp_path, PLAYBOOK, extra_vars)
    assert first.returncode == 0 and first.recap() == (6, 6, 0), first.output
    state = emulator.state()
    tenants = dict((tenant['Name'], tenant['Id']) for tenant in state['tenants'])
    servers = dict((server['TenantId'], server['Id']) for server in state['servers'] if server['Name'] == 'mail')
    assert sorted(servers) == sorted([tenants['acme'], tenants['beta']]), state['servers']
    logins = dict((account['IdUser'], account['ServerId']) for account in state['accounts'])
    placed = sorted((user['PublicId'], user['IdTenant'], logins[user['Id']]) for user in state['users'])
    assert placed == sorted((email, tenants[tenant], servers[tenants[tenant]]) for email, tenant in (
        ('ann@acme.example', 'acme'), ('al@acme.example', 'acme'), ('bob@beta.example', 'beta'),
        ('bea@beta.example', 'beta'), ('cy@acme.net', 'acme'))), placed
    assert sorted((domain['Name'], domain['MailServerId']) for domain in state['domains']) == [
        ('acme.example', servers[tenants['acme']]), ('acme.net', servers[tenants['acme']]),
        ('beta.example', servers[tenants['beta']])]
    assert len(state['group_users']) == 3
    assert [(group['Name'], group['TenantId']) for group in state['groups']] == [('Admins', tenants['acme'])]

    for options in ((), ('--check',)):
        again = run_playbook(tmp_path, PLAYBOOK, extra_vars, options=options)
        assert again.returncode == 0 and again.recap() == (6, 0, 0), (options, again.output)
    assert emulator.state() == state

    refused = run_playbook(tmp_path, DELETE_TENANT, connection_vars(emulator))
    assert refused.recap()[2] == 1 and "refusing to delete tenant 'acme'" in refused.output, refused.output
    assert emulator.state() == state
    assert 'Corporate-Playbook-Secret-1' not in first.output + refused.output
