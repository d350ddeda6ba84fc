"""Mail handlers for mail servers."""
from .addresses import trim_domains
from .errors import access_denied
from .listing import page
from .php import lookup_id, php_str, php_truthy, strict_int_equals
from .registry import api_method
from .render import MASK, render_server
from .roles import ROLE_NORMAL, ROLE_SUPERADMIN, ROLE_TENANTADMIN


EXTERNAL_ACCESS_FIELDS = (
    "ExternalAccessImapServer", "ExternalAccessImapPort", "ExternalAccessImapAlterPort", "ExternalAccessImapUseSsl",
    "ExternalAccessPop3Server", "ExternalAccessPop3Port", "ExternalAccessPop3AlterPort", "ExternalAccessPop3UseSsl",
    "ExternalAccessSmtpServer", "ExternalAccessSmtpPort", "ExternalAccessSmtpAlterPort", "ExternalAccessSmtpUseSsl",
)
OAUTH_FIELDS = ("OAuthName", "OAuthType", "OAuthIconUrl")


def shown_server(call, server):
    return render_server(call.db, server, viewer_tenant=call.caller.tenant_id)


def server_fields(args):
    """The columns CreateServer/UpdateServer write from their arguments."""
    fields = {name: args[name] for name in (
        "Name", "IncomingServer", "IncomingPort", "IncomingUseSsl", "OutgoingServer", "OutgoingPort",
        "OutgoingUseSsl", "SmtpAuthType", "SmtpLogin", "SmtpPassword", "EnableThreading", "EnableSieve",
        "SievePort", "UseFullEmailAddressAsLogin", "SetExternalAccessServers", "OAuthEnable")}
    fields["Domains"] = trim_domains(args["Domains"])
    if php_truthy(args["SetExternalAccessServers"]):
        fields.update((name, args[name]) for name in EXTERNAL_ACCESS_FIELDS)
    if php_truthy(args["OAuthEnable"]):
        fields.update((name, args[name]) for name in OAUTH_FIELDS)
    return fields


@api_method("Mail", "CreateServer")
def mail_create_server(call, Name, IncomingServer, IncomingPort, IncomingUseSsl, OutgoingServer, OutgoingPort,
                       OutgoingUseSsl, SmtpAuthType, Domains, EnableThreading=True, EnableSieve=False,
                       SievePort=4190, SmtpLogin="", SmtpPassword="", UseFullEmailAddressAsLogin=True, TenantId=0,
                       SetExternalAccessServers=False, ExternalAccessImapServer="", ExternalAccessImapPort=143,
                       ExternalAccessImapAlterPort=0, ExternalAccessImapUseSsl=False, ExternalAccessPop3Server="",
                       ExternalAccessPop3Port=143, ExternalAccessPop3AlterPort=0, ExternalAccessPop3UseSsl=False,
                       ExternalAccessSmtpServer="", ExternalAccessSmtpPort=25, ExternalAccessSmtpAlterPort=0,
                       ExternalAccessSmtpUseSsl=False, OAuthEnable=False, OAuthName="", OAuthType="",
                       OAuthIconUrl=""):
    # A tenant admin fails too: the tenant branch compares an int role with a string.
    call.require_role(ROLE_SUPERADMIN)
    args = dict(locals())
    fields = server_fields(args)
    fields["TenantId"] = TenantId
    fields["OwnerType"] = "superadmin" if strict_int_equals(TenantId, 0) else "tenant"
    with call.transaction(call.db.servers):
        return call.db.servers.insert(fields)["Id"]


@api_method("Mail", "UpdateServer")
def mail_update_server(call, ServerId, Name, IncomingServer, IncomingPort, IncomingUseSsl, OutgoingServer,
                       OutgoingPort, OutgoingUseSsl, SmtpAuthType, Domains, EnableThreading, EnableSieve, SievePort,
                       SmtpLogin="", SmtpPassword="", UseFullEmailAddressAsLogin=True, TenantId=0,
                       SetExternalAccessServers=False, ExternalAccessImapServer="", ExternalAccessImapPort=143,
                       ExternalAccessImapAlterPort=0, ExternalAccessImapUseSsl=False, ExternalAccessPop3Server="",
                       ExternalAccessPop3Port=143, ExternalAccessPop3AlterPort=0, ExternalAccessPop3UseSsl=False,
                       ExternalAccessSmtpServer="", ExternalAccessSmtpPort=25, ExternalAccessSmtpAlterPort=0,
                       ExternalAccessSmtpUseSsl=False, OAuthEnable=False, OAuthName="", OAuthType="",
                       OAuthIconUrl=""):
    args = dict(locals())
    server = call.db.servers.get(ServerId)
    call.require_role(ROLE_SUPERADMIN if server and server["OwnerType"] == "superadmin" else ROLE_TENANTADMIN)
    if not server or not (server["OwnerType"] == "superadmin" or (
            server["OwnerType"] == "tenant" and strict_int_equals(TenantId, server["TenantId"]))):
        return False
    fields = server_fields(args)
    if SmtpPassword == MASK:
        del fields["SmtpPassword"]
    if call.db.domains is not None:
        fields["Domains"] = ""  # MailDomains' Mail::UpdateServer::after: domains are its own
    with call.transaction(call.db.servers):
        call.db.servers.update(server, fields)
    return True


@api_method("Mail", "GetServer")
def mail_get_server(call, ServerId):
    call.require_role(ROLE_NORMAL)
    server = call.db.servers.get(ServerId)
    if not call.caller.is_superadmin and (not server or server["TenantId"] != call.caller.tenant_id):
        raise access_denied()
    return shown_server(call, server) if server else None


@api_method("Mail", "GetServers")
def mail_get_servers(call, TenantId=0, Offset=0, Limit=0, Search=""):
    call.require_role(ROLE_NORMAL)
    if not call.caller.is_superadmin:
        if not strict_int_equals(TenantId, 0) and lookup_id(TenantId) != call.caller.tenant_id:
            raise access_denied()
        TenantId = call.caller.tenant_id
    search = php_str(Search).casefold()
    servers = [s for s in call.db.servers.all()
               if s["OwnerType"] != "account"
               and (strict_int_equals(TenantId, 0) or s["OwnerType"] == "superadmin"
                    or s["TenantId"] == lookup_id(TenantId))
               and search in s["Name"].casefold()]
    servers.sort(key=lambda s: (s["Name"].casefold(), s["Id"]))
    return {"Items": [shown_server(call, s) for s in page(servers, Offset, Limit)], "Count": len(servers)}


@api_method("Mail", "DeleteServer")
def mail_delete_server(call, ServerId, TenantId=0):
    call.require_role(ROLE_SUPERADMIN)
    server = call.db.servers.get(ServerId)
    if not server:
        return False
    with call.transaction(call.db.servers):
        return call.db.delete_server(server, TenantId)


@api_method("Mail", "GetMailServerByDomain")
def mail_get_mail_server_by_domain(call, Domain, AllowWildcardDomain=False):
    # No role check at all: callable anonymously.
    tenant_id = None if call.caller.is_superadmin else call.caller.tenant_id
    server, wildcard = call.db.server_for_domain(php_str(Domain), php_truthy(AllowWildcardDomain), tenant_id)
    return {"Server": shown_server(call, server), "FoundWithWildcard": wildcard} if server else []
