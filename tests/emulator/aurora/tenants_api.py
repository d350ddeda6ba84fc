"""Core handlers for tenants (Core Traits/Tenants.php)."""
import re

from .collation import collation_key, like_contains
from .errors import ApiError, DbUnreachable, access_denied, invalid_input
from .listing import page
from .php import is_php_int, lookup_id, php_foreach, php_int, php_str, php_trim, php_truthy, strict_int_equals
from .settings_schema import SITE_NAME as SYSTEM_SITE_NAME
from .registry import api_method
from .render import render_tenant
from .roles import ROLE_SUPERADMIN, ROLE_TENANTADMIN

# Utils::getSanitizedFilename() removes these from a tenant name (docs/aurora-api-notes.md).
FORBIDDEN_IN_TENANT_NAME = re.compile(r"[/*?\[\]^<>|:]")


def tenant_site_name(row):
    return row["SiteName"] if row["SiteName"] is not None else SYSTEM_SITE_NAME


@api_method("Core", "GetTenants")
def core_get_tenants(call, Offset=0, Limit=0, Search=""):
    call.require_role(ROLE_TENANTADMIN)
    try:
        tenants = call.db.tenants.all()
    except DbUnreachable:  # the tenants manager catches the failed query: no tenant, not even Default
        tenants = []
    matching = [t for t in tenants if like_contains(t["Name"], php_str(Search))]
    matching.sort(key=lambda t: (collation_key(t["Name"]), t["Id"]))  # inferred: ties in Id order
    # A tenant admin's own tenant is picked from the page, and Count is then the page's, as Aurora does.
    visible = [t for t in page(matching, Offset, Limit)
               if call.caller.is_superadmin or t["Id"] == call.caller.tenant_id]
    items = [{"Id": t["Id"], "Name": t["Name"], "SiteName": tenant_site_name(t)} for t in visible]
    return {"Items": items, "Count": len(matching) if php_int(Limit) > 0 else len(visible)}


@api_method("Core", "GetTenant")
def core_get_tenant(call, Id):
    own = call.caller.user is not None and strict_int_equals(Id, call.caller.tenant_id)
    call.require_role(ROLE_TENANTADMIN if own else ROLE_SUPERADMIN)
    tenant = call.db.tenants.get(Id)
    return render_tenant(tenant) if tenant else None


@api_method("Core", "CreateTenant")
def core_create_tenant(call, ChannelId=0, Name="", Description="", WebDomain="", SiteName=None):
    call.require_role(ROLE_SUPERADMIN)
    channels = call.db.channels.all()
    if strict_int_equals(ChannelId, 0):
        ChannelId = channels[0]["Id"] if len(channels) == 1 else 0
    name = php_trim(FORBIDDEN_IN_TENANT_NAME.sub("", php_str(Name)))
    channel_id = lookup_id(ChannelId)
    if not name or channel_id is None or channel_id <= 0:
        raise invalid_input()
    in_channel = [t for t in call.db.tenants.all() if t["IdChannel"] == channel_id]
    if in_channel and not call.setting("System", "EnableMultiTenant"):
        return False
    if not call.db.channels.rows.get(channel_id):
        raise ApiError(1001)  # ChannelDoesNotExist; inferred: without a message, like the recorded 1002
    if any(collation_key(t["Name"]) == collation_key(name) for t in call.db.tenants.all()):
        raise ApiError(1002)  # TenantAlreadyExists, recorded without a message
    # inferred: no unique key on tenant names is known, so overlapping creates may both insert.
    with call.transaction(call.db.tenants):
        tenant = call.db.tenants.insert({"IdChannel": channel_id, "Name": name, "Description": Description,
                                         "WebDomain": WebDomain, "SiteName": SiteName})
    return tenant["Id"]


@api_method("Core", "UpdateTenant")
def core_update_tenant(call, TenantId, Description=None, WebDomain=None, SiteName=None, ChannelId=0):
    """There is no Name argument: a sent Name binds to nothing (tenant names cannot change)."""
    call.require_role(ROLE_TENANTADMIN)
    if call.caller.role == ROLE_TENANTADMIN and not strict_int_equals(TenantId, call.caller.tenant_id):
        raise access_denied()
    call.require_role(ROLE_SUPERADMIN)  # so even a tenant admin's own tenant is refused
    if not php_truthy(TenantId):
        raise invalid_input()
    tenant = call.db.tenants.get(TenantId)
    if not tenant:
        return False
    if SiteName is not None:  # a settings file, written before the row
        tenant["SiteName"] = call.db.tenants.coerce({"SiteName": SiteName})["SiteName"]
    changes = {name: value for name, value in (("Description", Description), ("WebDomain", WebDomain))
               if value is not None}
    if php_truthy(ChannelId):
        changes["IdChannel"] = ChannelId
    with call.transaction(call.db.tenants):
        call.db.tenants.update(tenant, changes)
    return True


@api_method("Core", "DeleteTenant")
def core_delete_tenant(call, TenantId):
    call.require_role(ROLE_SUPERADMIN)
    if not php_truthy(TenantId):
        raise invalid_input()
    tenant = call.db.tenants.get(TenantId)
    if not tenant:
        return False  # inferred: Mail's after-hook then deletes no servers (it looks for the deleted tenant's)
    with call.transaction(call.db.tenants):
        if tenant["Id"] not in call.db.tenants.rows:
            return False  # an overlapping call deleted it meanwhile
        # MailDomains' after-hook keeps the listed domains whose TenantId === the argument: a string id keeps none.
        call.db.delete_tenant(tenant, own_domains=is_php_int(TenantId))
    return True


@api_method("Core", "DeleteTenants")
def core_delete_tenants(call, IdList):
    call.require_role(ROLE_SUPERADMIN)
    result = True
    for tenant_id in php_foreach(IdList):
        # PHP's "$result && DeleteTenant(...)": after the first false the remaining ids are not even tried.
        result = result and core_delete_tenant(call, tenant_id)
    return result
