# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of the benchmark: a plain Python ``requests`` script making, one after the other, only the calls a job needs.

    python benchmarks/floor.py URL ADMIN_PASSWORD JOB_JSON writes|reads

JOB_JSON holds ``{"bench_servers": [...], "bench_accounts": [...]}`` as the benchmark's playbooks get them.

writes: one login; per server, GetServers (find it) + CreateServer; per user, GetUsers (find it) + CreateUser +
        CreateAccount. What creating the job from nothing needs.
reads:  one login; one paged listing of the servers and one of the users (200 per page); Mail.GetAccounts per user.
        What a run that finds nothing to change must read: Aurora has no call returning the accounts of many users.

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


def main(argv):
    url, password, job_file, mode = argv
    with open(job_file) as handle:
        job = json.load(handle)
    api = Plain(url)
    api.login(password)
    if mode == 'writes':
        writes(api, job['bench_servers'], job['bench_accounts'])
    else:
        reads(api)
    print(api.calls)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
