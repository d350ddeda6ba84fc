"""The mail server of Aurora's tutorial, as Mail.CreateServer parameters."""

TUTORIAL_SERVER_FIELDS = {
    'Name': 'mydomain',
    'IncomingServer': 'mail.mydomain.com', 'IncomingPort': 143, 'IncomingUseSsl': False,
    'OutgoingServer': 'mail.mydomain.com', 'OutgoingPort': 25, 'OutgoingUseSsl': False,
    'SmtpAuthType': '2', 'Domains': 'mydomain.com',
}
