"""Core handlers for groups (afterlogic/aurora-module-core Traits/Groups.php), switched on by Core AllowGroups.

No tenant checks beyond a tenant admin's own tenant: a group may name a missing tenant, and members may come from
any tenant.  Names are neither trimmed nor checked; the duplicate check (1003) ignores case (the *_ci collation).
"""
from .collation import collation_key, like_contains
from .errors import ApiError, DbError, access_denied
from .php import ascii_lower, lookup_id, php_foreach, php_str, php_truthy, strict_int_equals
from .registry import api_method
from .roles import ROLE_NORMAL, ROLE_SUPERADMIN, ROLE_TENANTADMIN


def require_groups(call):
    if not call.setting("Core", "AllowGroups"):
        raise ApiError(116, "MethodAccessDenied")


def check_tenant_admin(call, tenant_id):
    """A tenant admin only reaches its own tenant's groups (compared with ===)."""
    if call.caller.role == ROLE_TENANTADMIN and not strict_int_equals(tenant_id, call.caller.tenant_id):
        raise access_denied()


def check_member(call, tenant_id):
    """GetGroups/GetGroupUsers: a tenant admin or user only reaches its own tenant's groups."""
    if call.caller.user and call.caller.role in (ROLE_TENANTADMIN, ROLE_NORMAL) \
            and not strict_int_equals(tenant_id, call.caller.tenant_id):
        raise access_denied()


def same_name(group, name):
    """``where('Name', $Name)``: ignoring case; a null name is ``IS NULL`` and matches no group."""
    return name is not None and collation_key(group["Name"]) == collation_key(php_str(name))


def pivot_ids(value):
    """The ids Eloquent's parseIds() makes of an argument: a list's (or object's) values, a scalar alone."""
    # inferred: null is no id; an id MySQL cannot cast to an integer makes the write fail.
    values = [] if value is None else php_foreach(value) if isinstance(value, (list, dict)) else [value]
    ids = []
    for item in values:
        item_id = lookup_id(item)
        if item_id is None:
            raise DbError(f"Incorrect integer value: '{item}' for column 'UserId'")
        if item_id not in ids:
            ids.append(item_id)
    return ids


@api_method("Core", "CreateGroup")
def core_create_group(call, TenantId, Name):
    require_groups(call)
    call.require_role(ROLE_TENANTADMIN)
    check_tenant_admin(call, TenantId)
    tenant_id = lookup_id(TenantId)
    if any(g["TenantId"] == tenant_id and same_name(g, Name) for g in call.db.groups.all()):
        raise ApiError(1003)  # GroupAlreadyExists, a module exception: recorded without a message
    # inferred: no unique key on (TenantId, Name) is known, so overlapping creates may both insert.
    with call.transaction(call.db.groups):
        return call.db.groups.insert({"TenantId": TenantId, "Name": Name})["Id"]


@api_method("Core", "GetGroups")
def core_get_groups(call, TenantId, Search=""):
    if not call.setting("Core", "AllowGroups"):
        return {"Items": [], "Count": 0}
    call.require_role(ROLE_NORMAL)
    check_member(call, TenantId)
    # inferred: no ORDER BY, so the groups come in Id order.
    groups = [g for g in call.db.groups.all() if g["TenantId"] == lookup_id(TenantId)]
    items = [{"Id": g["Id"], "Name": g["Name"], "Emails": "", "IsAll": g["IsAll"]} for g in groups]
    if not php_truthy(Search):
        return {"Items": items, "Count": len(items)}
    # LIKE on the escaped search (or IsAll), then PHP's stripos() with the *escaped* text, in array_filter(),
    # which keeps the keys: a list with a gap is a JSON object.
    escaped = php_str(Search).replace("%", "\\%").replace("_", "\\_")
    kept = {index: item for index, item in enumerate(items)
            if (like_contains(item["Name"], php_str(Search)) or item["IsAll"])
            and ascii_lower(escaped) in ascii_lower(item["Name"])}
    if list(kept) == list(range(len(kept))):
        return {"Items": list(kept.values()), "Count": len(kept)}
    return {"Items": {str(index): item for index, item in kept.items()}, "Count": len(kept)}


def editable_group(call, group_id):
    """The group a tenant admin of its tenant (or the super-admin) may change; None for a missing or IsAll group."""
    require_groups(call)
    call.require_role(ROLE_TENANTADMIN)
    group = call.db.groups.get(group_id)
    if not group or group["IsAll"]:
        return None
    check_tenant_admin(call, group["TenantId"])
    return group


@api_method("Core", "UpdateGroup")
def core_update_group(call, GroupId, Name):
    group = editable_group(call, GroupId)
    if not group:
        return False
    renamed = not (isinstance(Name, str) and Name == group["Name"])  # PHP !==
    # The duplicate query does not leave the group itself out: a change of case only is refused too.
    if renamed and any(g["TenantId"] == group["TenantId"] and same_name(g, Name) for g in call.db.groups.all()):
        raise ApiError(1003, "GroupAlreadyExists")
    with call.transaction(call.db.groups):
        call.db.groups.update(group, {"Name": Name})
    return True


@api_method("Core", "DeleteGroup")
def core_delete_group(call, GroupId):
    group = editable_group(call, GroupId)
    if not group:
        return False
    with call.transaction(call.db.groups):
        call.db.delete_group(group)
    return True


@api_method("Core", "DeleteGroups")
def core_delete_groups(call, IdList):
    require_groups(call)
    call.require_role(ROLE_SUPERADMIN)
    result = True
    for group_id in php_foreach(IdList):
        # PHP's "$bResult && DeleteGroup(...)": after the first false the remaining ids are not even tried.
        result = result and core_delete_group(call, group_id)
    return result


@api_method("Core", "GetGroupUsers")
def core_get_group_users(call, TenantId, GroupId):
    require_groups(call)
    call.require_role(ROLE_NORMAL)
    group = call.db.groups.get(GroupId)
    if not group or group["TenantId"] != lookup_id(TenantId):
        return []
    check_member(call, group["TenantId"])
    users = (call.db.users.rows[user_id] for user_id in call.db.member_ids(group["Id"]))
    return [{"UserId": u["Id"], "Name": u["Name"], "PublicId": u["PublicId"]} for u in users]


@api_method("Core", "AddUsersToGroup")
def core_add_users_to_group(call, GroupId, UserIds):
    group = editable_group(call, GroupId)
    if not group:
        return False
    user_ids = pivot_ids(UserIds)
    with call.transaction(call.db.group_users):
        call.db.add_members(group["Id"], user_ids)  # a missing user: DbError, Result false without ErrorCode
    return True


@api_method("Core", "RemoveUsersFromGroup")
def core_remove_users_from_group(call, GroupId, UserIds):
    require_groups(call)
    call.require_role(ROLE_TENANTADMIN)
    group = call.db.groups.get(GroupId)
    if not group:
        return False
    check_tenant_admin(call, group["TenantId"])
    # Eloquent's detach(null) detaches every member; detach([]) none.
    user_ids = None if UserIds is None else pivot_ids(UserIds)
    with call.transaction(call.db.group_users):
        call.db.remove_members(group_id=group["Id"], user_ids=user_ids)
    return True


@api_method("Core", "UpdateUserGroups")
def core_update_user_groups(call, UserId, GroupIds):
    require_groups(call)
    call.require_role(ROLE_TENANTADMIN)
    user = call.db.users.get(UserId)
    if call.caller.role == ROLE_TENANTADMIN and (not user or user["IdTenant"] != call.caller.tenant_id):
        raise access_denied()
    if not user:
        return False
    # inferred: GroupIds that is not a list selects no group (whereIn over nothing), so all are removed.
    wanted = {lookup_id(value) for value in php_foreach(GroupIds)}
    group_ids = [g["Id"] for g in call.db.groups.all() if g["Id"] in wanted and not g["IsAll"]]  # missing: dropped
    with call.transaction(call.db.group_users):
        call.db.set_user_groups(user["Id"], group_ids)
    return True
