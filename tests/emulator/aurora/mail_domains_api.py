"""MailDomains handlers and its subscribers to Core (afterlogic/aurora-module-mail-domains Module.php).

Domain names are unique system-wide ignoring case (1002, Module "MailDomains"); there is no UpdateDomain.  A
domain's users are those Core.CreateUser linked to it; the ones in any group escape its Count and its deletion
(store.Database.users_of_domain).
"""
import re

from .addresses import email_domain
from .collation import collation_key, like_pattern_contains
from .errors import ApiError, DbError, PhpFatal
from .listing import page
from .mail_accounts_api import mail_create_account
from .php import lookup_id, php_foreach, php_str, php_truthy, strict_int_equals
from .registry import api_method
from .render import render_domain
from .roles import ROLE_SUPERADMIN, ROLE_TENANTADMIN
from .schema import USER_DOMAIN_LINK


def valid_domain_name(name):
    """MailSo ValidateDomain as observed: "bad domain" (step 33) and surrounding spaces are 103, IDN is kept."""
    # inferred: the MailSo version Aurora 9.8.5 ships was not readable; any whitespace refuses the name.
    return isinstance(name, str) and name != "" and not re.search(r"\s", name)


@api_method("MailDomains", "CreateDomain")
def maildomains_create_domain(call, TenantId=0, MailServerId=0, DomainName=""):
    call.require_role(ROLE_SUPERADMIN)
    if not valid_domain_name(DomainName):
        raise ApiError(103)  # Notifications::InvalidInputParameter without a message (recorded)
    # No check that the server belongs to the tenant.  (The name's trim() that follows changes nothing left.)
    if not call.db.tenants.get(TenantId) or not call.db.servers.get(MailServerId):
        raise ApiError(103)
    if call.db.domain_by_name(DomainName):
        raise ApiError(1002)  # DomainExists, a module exception: recorded without a message
    # inferred: no unique key on the name is known, so overlapping creates may both insert.
    with call.transaction(call.db.domains):
        return call.db.domains.insert({"TenantId": TenantId, "MailServerId": MailServerId,
                                       "Name": DomainName})["Id"]


@api_method("MailDomains", "GetDomains")
def maildomains_get_domains(call, TenantId=0, Offset=0, Limit=0, Search=""):
    own = call.caller.role == ROLE_TENANTADMIN and strict_int_equals(TenantId, call.caller.tenant_id)
    call.require_role(ROLE_TENANTADMIN if own else ROLE_SUPERADMIN)
    if strict_int_equals(TenantId, 0):
        raise ApiError(103)
    # Name LIKE '%Search%' without escaping: % and _ are wildcards.  Sorted by Name; Count is every match.
    matching = [d for d in call.db.domains.all() if d["TenantId"] == lookup_id(TenantId)
                and (not php_truthy(Search) or like_pattern_contains(d["Name"], php_str(Search)))]
    matching.sort(key=lambda d: (collation_key(d["Name"]), d["Id"]))  # inferred: ties in Id order
    # inferred: the items are the domain models as GetDomain shows them (no item is recorded).
    return {"Count": len(matching), "Items": [render_domain(call.db, d) for d in page(matching, Offset, Limit)]}


@api_method("MailDomains", "GetDomain")
def maildomains_get_domain(call, Id):
    call.require_role(ROLE_SUPERADMIN)
    domain = call.db.domains.get(Id)
    if not domain:
        raise PhpFatal("Attempt to assign property \"Count\" on null")
    return render_domain(call.db, domain)


@api_method("MailDomains", "DeleteDomains")
def maildomains_delete_domains(call, TenantId, IdList):
    """TenantId is not used: any tenant's domain is deleted.  An id already deleted is a PHP fatal error."""
    call.require_role(ROLE_SUPERADMIN)
    result = False
    for domain_id in php_foreach(IdList):
        with call.transaction(call.db.domains):
            result = call.db.delete_domain(lookup_id(domain_id))
    return result


# ---- MailDomains' subscribers to Core

def link_new_user(call, user_id, public_id, tenant_id):
    """Core::CreateUser::after: a user whose e-mail domain is registered is linked to it and moved to its tenant.

    ``public_id`` and ``tenant_id`` are the arguments as sent: with TenantId 0 any tenant's domain matches, with
    another only that tenant's.  Returns the domain, or None.
    """
    domain = call.db.domain_by_name(email_domain(php_str(public_id)),
                                    None if strict_int_equals(tenant_id, 0) else lookup_id(tenant_id))
    if domain:
        with call.transaction(call.db.users):
            user = call.db.users.rows.get(user_id)
            if user:
                call.db.users.update(user, {USER_DOMAIN_LINK: domain["Id"], "IdTenant": domain["TenantId"]})
    return domain


def create_domain_account(call, user_id, public_id, password, domain):
    """Core::CreateUser::after with Password: the account on the domain's server; if that fails the user goes.

    Called without the lock (Mail.CreateAccount takes it, and leaves it for the IMAP login).
    """
    with call.lock:
        server = call.db.servers.rows.get(domain["MailServerId"])
    if not server:
        return
    try:
        mail_create_account(call, UserId=user_id, FriendlyName="", Email=public_id, IncomingLogin=public_id,
                            IncomingPassword=password, Server={"ServerId": server["Id"]})
    except (ApiError, DbError):
        with call.lock, call.transaction(call.db.users):  # Core.DeleteUser, then the exception goes on
            user = call.db.users.rows.get(user_id)
            if user:
                call.db.delete_user(user)
        raise


def domain_filter(call, DomainId):
    """Core::GetUsers::before: a DomainId argument other than -1 keeps the users linked to that domain."""
    if call.db.domains is None or DomainId is None or strict_int_equals(DomainId, -1):
        return lambda user: True
    wanted = lookup_id(DomainId)
    return lambda user: user[USER_DOMAIN_LINK] is not None and user[USER_DOMAIN_LINK] == wanted
