# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of the benchmark: a plain Python ``requests`` script making, one after the other, only the calls a job needs.

    python benchmarks/floor.py URL ADMIN_PASSWORD JOB_JSON writes|reads

JOB_JSON holds ``{"bench_servers": [...], "bench_accounts": [...]}`` as the benchmark's playbooks get them.

writes: one login; per server, GetServers (find it) + CreateServer; per user, GetUsers (find it) + CreateUser +
        CreateAccount. What creating the job from nothing needs.
reads:  one login; one paged listing of the servers and one of the users (200 per page); Mail.GetAccounts per user.
        What a run that finds nothing to change must read: Aurora has no call returning the accounts of many users.

corporate-writes / corporate-reads: the same for the corporate job of JOB_JSON's ``bench_corporate`` (tenants with
        their servers, domains, users, further accounts and groups): writes finds and creates each object (a tenant,
        a server, a domain, a user with its account, a further account, a group with its members); reads lists each
        kind once (per tenant where Aurora lists per tenant), reads each user's accounts and each group's members.

Prints the number of calls made.
"""

import json
import sys

import requests

PAGE = 200


class Plain:
    """The smallest possible client: one requests.Session, one POST per call, JSON decoded."""

    def __init__(self, url):
        self.endpoint = url + '?/Api/'
        self.session = requests.Session()
        self.token = None
        self.calls = 0

    def call(self, module, method, params):
        self.calls += 1
        headers = {'Authorization': 'Bearer ' + self.token} if self.token else {}
        answer = self.session.post(self.endpoint, data={'Module': module, 'Method': method,
                                                        'Parameters': json.dumps(params)}, headers=headers).json()
        if 'Result' not in answer:
            raise RuntimeError('%s.%s: %s' % (module, method, answer))
        return answer['Result']

    def login(self, password):
        self.token = self.call('AdminAuth', 'LoginAsSuperadmin', {'Login': 'superadmin', 'Password': password})['AuthToken']

    def pages(self, module, method, params):
        offset = 0
        while True:
            result = self.call(module, method, dict(params, Offset=offset, Limit=PAGE))
            yield from result['Items']
            offset += len(result['Items'])
            if len(result['Items']) < PAGE or offset >= result['Count']:
                return


def writes(api, servers, accounts):
    server_ids = {}
    for server in servers:
        found = [item for item in api.call('Mail', 'GetServers', {'TenantId': 0, 'Search': server['name'],
                                                                  'Offset': 0, 'Limit': PAGE})['Items']
                 if item['Name'] == server['name']]
        if found:
            raise RuntimeError('the server %s exists already' % server['name'])
        server_ids[server['name']] = api.call('Mail', 'CreateServer', {
            'Name': server['name'], 'IncomingServer': server['incoming_server'], 'IncomingPort': 143,
            'IncomingUseSsl': False, 'OutgoingServer': server['outgoing_server'], 'OutgoingPort': 25,
            'OutgoingUseSsl': False, 'SmtpAuthType': '2', 'Domains': '\n'.join(server['domains']), 'TenantId': 0})
    for account in accounts:
        found = [item for item in api.call('Core', 'GetUsers', {'TenantId': 0, 'Search': account['email'],
                                                                'Offset': 0, 'Limit': PAGE})['Items']
                 if item['PublicId'] == account['email']]
        if found:
            raise RuntimeError('the user %s exists already' % account['email'])
        user_id = api.call('Core', 'CreateUser', {'TenantId': 0, 'PublicId': account['email'], 'Role': 2,
                                                  'IsDisabled': False})
        api.call('Mail', 'CreateAccount', {
            'UserId': user_id, 'FriendlyName': account['friendly_name'], 'Email': account['email'],
            'IncomingLogin': account['email'], 'IncomingPassword': account['password'],
            'Server': {'ServerId': server_ids[account['server']]}})


def reads(api):
    list(api.pages('Mail', 'GetServers', {'TenantId': 0, 'Search': ''}))
    for user in list(api.pages('Core', 'GetUsers', {'TenantId': 0, 'Search': ''})):
        api.call('Mail', 'GetAccounts', {'UserId': user['Id']})


def first(items, key, value):
    return [item for item in items if item[key] == value]


def corporate_writes(api, job):
    tenants, server_ids, user_ids = {}, {}, {}
    for tenant in job['tenants']:
        if first(api.call('Core', 'GetTenants', {'Search': tenant['name'], 'Offset': 0, 'Limit': PAGE})['Items'],
                 'Name', tenant['name']):
            raise RuntimeError('the tenant %s exists already' % tenant['name'])
        tenants[tenant['name']] = api.call('Core', 'CreateTenant', {'Name': tenant['name']})
    for server in job['servers']:
        tenant_id = tenants[server['tenant']]
        api.call('Mail', 'GetServers', {'TenantId': tenant_id, 'Search': server['name'], 'Offset': 0, 'Limit': PAGE})
        server_ids[server['tenant'], server['name']] = api.call('Mail', 'CreateServer', {
            'Name': server['name'], 'IncomingServer': server['incoming_server'], 'IncomingPort': 143,
            'IncomingUseSsl': False, 'OutgoingServer': server['incoming_server'], 'OutgoingPort': 25,
            'OutgoingUseSsl': False, 'SmtpAuthType': '2', 'Domains': '', 'TenantId': tenant_id})
    for domain in job['domains']:
        tenant_id = tenants[domain['tenant']]
        api.call('MailDomains', 'GetDomains', {'TenantId': tenant_id, 'Search': domain['name'], 'Offset': 0, 'Limit': PAGE})
        api.call('MailDomains', 'CreateDomain', {'TenantId': tenant_id, 'DomainName': domain['name'],
                                                 'MailServerId': server_ids[domain['tenant'], domain['server']]})
    for user in job['users']:
        api.call('Core', 'GetUsers', {'TenantId': 0, 'Search': user['email'], 'Offset': 0, 'Limit': PAGE})
        user_ids[user['email']] = user_id = api.call('Core', 'CreateUser', {
            'TenantId': tenants[user['tenant']], 'PublicId': user['email'], 'Role': 2, 'IsDisabled': False})
        api.call('Mail', 'CreateAccount', {
            'UserId': user_id, 'FriendlyName': '', 'Email': user['email'], 'IncomingLogin': user['email'],
            'IncomingPassword': user['password'], 'Server': {'ServerId': server_ids[user['tenant'], user['server']]}})
    for account in job['accounts']:
        api.call('Mail', 'GetAccounts', {'UserId': user_ids[account['user']]})
        api.call('Mail', 'CreateAccount', {
            'UserId': user_ids[account['user']], 'FriendlyName': '', 'Email': account['email'],
            'IncomingLogin': account['email'], 'IncomingPassword': account['password'],
            'Server': {'ServerId': server_ids[account['tenant'], account['server']]}})
    for group in job['groups']:
        tenant_id = tenants[group['tenant']]
        api.call('Core', 'GetGroups', {'TenantId': tenant_id, 'Search': ''})
        group_id = api.call('Core', 'CreateGroup', {'TenantId': tenant_id, 'Name': group['name']})
        api.call('Core', 'AddUsersToGroup', {'GroupId': group_id,
                                             'UserIds': [user_ids[email] for email in group['members']]})


def corporate_reads(api):
    tenants = [tenant['Id'] for tenant in api.pages('Core', 'GetTenants', {'Search': ''})]
    list(api.pages('Mail', 'GetServers', {'TenantId': 0, 'Search': ''}))
    for tenant_id in tenants:
        list(api.pages('MailDomains', 'GetDomains', {'TenantId': tenant_id, 'Search': ''}))
        for group in api.call('Core', 'GetGroups', {'TenantId': tenant_id, 'Search': ''})['Items']:
            api.call('Core', 'GetGroupUsers', {'TenantId': tenant_id, 'GroupId': group['Id']})
        for user in list(api.pages('Core', 'GetUsers', {'TenantId': tenant_id, 'Search': ''})):
            api.call('Mail', 'GetAccounts', {'UserId': user['Id']})


def main(argv):
    url, password, job_file, mode = argv
    with open(job_file) as handle:
        job = json.load(handle)
    api = Plain(url)
    api.login(password)
    if mode == 'writes':
        writes(api, job['bench_servers'], job['bench_accounts'])
    elif mode == 'corporate-writes':
        corporate_writes(api, job['bench_corporate'])
    elif mode == 'corporate-reads':
        corporate_reads(api)
    else:
        reads(api)
    print(api.calls)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
