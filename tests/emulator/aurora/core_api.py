"""Core handlers for users."""
import re
import uuid

from .errors import ApiError, DbError, DbUnreachable, PhpFatal, access_denied, invalid_input
from .groups_api import core_update_user_groups
from .listing import page
from .mail_domains_api import create_domain_account, domain_filter, link_new_user
from .php import is_php_int, lookup_id, php_str, php_trim, php_truthy, strict_int_equals
from .registry import api_method
from .render import render_user, render_user_groups
from .roles import ROLE_NORMAL, ROLE_SUPERADMIN, ROLE_TENANTADMIN, USER_ROLES


def user_list_item(call, row):
    groups = render_user_groups(call.db, row["Id"]) if call.setting("Core", "AllowGroups") else []
    return {"Id": row["Id"], "UUID": row["UUID"], "Name": row["Name"], "PublicId": row["PublicId"],
            "Role": row["Role"], "IsDisabled": row["IsDisabled"], "Groups": groups}


def group_filter(call, GroupId):
    """The users manager's group id: -1 (the default) any user, 0 users in no group, above 0 that group's members."""
    if strict_int_equals(GroupId, 0):
        return lambda user: not call.db.in_a_group(user["Id"])
    group_id = lookup_id(GroupId)
    if group_id is not None and group_id > 0:
        return lambda user: user["Id"] in call.db.member_ids(group_id)
    return lambda user: True


def sort_key(value):
    if value is None:
        return (0, "")
    return (1, value.casefold() if isinstance(value, str) else value)


@api_method("Core", "GetUsers")
def core_get_users(call, TenantId=0, Offset=0, Limit=0, OrderBy="PublicId", OrderType=0, Search="",
                   Filters=None, GroupId=-1, DomainId=None):
    """``DomainId`` is no Core argument: MailDomains' Core::GetUsers::before subscriber reads it."""
    call.require_role(ROLE_TENANTADMIN)
    if not call.caller.is_superadmin and not strict_int_equals(TenantId, call.caller.tenant_id):
        raise access_denied()
    try:
        return list_users(call, TenantId, Offset, Limit, OrderBy, OrderType, Search, GroupId, DomainId)
    except DbUnreachable:  # getUserList and getUsersCount catch the failed query: no user, count 0
        return {"Items": [], "Count": 0}


def list_users(call, TenantId, Offset, Limit, OrderBy, OrderType, Search, GroupId, DomainId):
    # inferred: an unknown OrderBy column is an SQL error (Result false); OrderType 1 (strict) is DESC.
    if not isinstance(OrderBy, str) or (OrderBy not in call.db.users.columns and OrderBy != "Id"):
        raise DbError(f"Unknown column '{OrderBy}' in 'order clause'")
    search = php_str(Search).casefold()
    in_group, in_domain = group_filter(call, GroupId), domain_filter(call, DomainId)
    users = [u for u in call.db.users.all()
             if (strict_int_equals(TenantId, 0) or u["IdTenant"] == lookup_id(TenantId))
             and search in u["PublicId"].casefold() and in_group(u) and in_domain(u)]
    # inferred: ties keep Id order.
    users.sort(key=lambda u: sort_key(u[OrderBy]), reverse=strict_int_equals(OrderType, 1))
    return {"Items": [user_list_item(call, u) for u in page(users, Offset, Limit)], "Count": len(users)}


@api_method("Core", "GetUser")
def core_get_user(call, Id):
    call.require_role(ROLE_NORMAL)
    call.require_user_access(Id)
    user = call.db.users.get(Id)
    return render_user(user) if user else None


@api_method("Core", "GetUserByPublicId")
def core_get_user_by_public_id(call, PublicId):
    """In-process only: the web API denies it (116, DENIED_METHODS).  Traits/Users.php GetUserByPublicId ->
    Api::getUserByPublicId: ``User::where('PublicId', $PublicId)->first()``, no role check, null (Result false)
    when no user matches.  The *_ci collation of the column makes the match case-insensitive."""
    # inferred: where(column, null) is "IS NULL" and PublicId is NOT NULL; other JSON types match no stored PublicId
    # here; PAD SPACE collations ignore trailing spaces.
    if not isinstance(PublicId, str):
        return None
    user = call.db.user_by_public_id(PublicId.rstrip(" "))
    return render_user(user) if user else None


PUBLIC_ID_PATTERN = re.compile(r"^[a-zA-Z0-9._\-+@]+$")


@api_method("Core", "CreateUser", self_locking=True)
def core_create_user(call, TenantId=0, PublicId="", Role=ROLE_NORMAL, WriteSeparateLog=False, IsDisabled=False,
                     Note=None, Password=None):
    """``Password`` is no Core argument: MailDomains' Core::CreateUser::after subscriber reads it.

    Self-locking: with MailDomains, the account it then creates may log in to IMAP, which holds no lock.
    """
    with call.lock:
        user_id = insert_user(call, TenantId, PublicId, Role, WriteSeparateLog, IsDisabled, Note)
        domain = link_new_user(call, user_id, PublicId, TenantId) if user_id and call.db.domains is not None \
            else None
    if domain and Password is not None:
        create_domain_account(call, user_id, PublicId, Password, domain)
    return user_id


def insert_user(call, TenantId, PublicId, Role, WriteSeparateLog, IsDisabled, Note):
    """Core's own CreateUser: the new user's id, or None."""
    call.require_role(ROLE_SUPERADMIN if strict_int_equals(TenantId, 0) else ROLE_TENANTADMIN)
    # inferred: UserRole::validateValue accepts exactly the enum's ints.
    if not is_php_int(Role) or Role not in USER_ROLES.values():
        raise invalid_input()
    tenant = tenant_to_create_in(call, TenantId)
    if not tenant:
        raise invalid_input()
    call.require_tenant_access(tenant["Id"])
    public_id = php_trim(PublicId)
    if public_id.count("@") > 1 or not PUBLIC_ID_PATTERN.match(public_id) or not public_id:
        raise invalid_input()
    if call.db.user_by_public_id(public_id):
        raise ApiError(111, "UserAlreadyExists")
    if Role == ROLE_SUPERADMIN:
        return None  # inferred: the users manager refuses to save a super-admin user and returns null
    with call.transaction(call.db.users):
        call.db.check_public_id_free(public_id)  # an overlapping CreateUser may have inserted it meanwhile
        user = call.db.users.insert({"UUID": str(uuid.uuid4()), "PublicId": public_id, "IdTenant": tenant["Id"],
                                     "Role": Role, "WriteSeparateLog": WriteSeparateLog, "IsDisabled": IsDisabled,
                                     "Note": Note})
    return user["Id"]


def tenant_to_create_in(call, TenantId):
    try:
        return call.db.default_tenant() if strict_int_equals(TenantId, 0) else call.db.tenants.get(TenantId)
    except DbUnreachable:
        return None  # the tenants manager catches the failed query: no tenant, so 103


@api_method("Core", "UpdateUser")
def core_update_user(call, UserId, PublicId="", TenantId=0, Role=-1, IsDisabled=None, WriteSeparateLog=None,
                     GroupIds=None, Note=None):
    call.require_role(ROLE_TENANTADMIN)
    user = call.db.users.get(UserId)
    if not user:
        raise invalid_input()  # inferred: the same message as CreateUser's 103
    call.require_user_access(user["Id"])
    changes = {}
    if call.caller.is_superadmin:  # inferred: a tenant admin's PublicId/TenantId/Role changes are ignored
        if php_truthy(PublicId):
            changes["PublicId"] = php_trim(PublicId)
        if not strict_int_equals(TenantId, 0) and TenantId is not None:
            changes["IdTenant"] = TenantId
        if not strict_int_equals(Role, -1) and Role is not None:
            changes["Role"] = Role
    for name, value in (("IsDisabled", IsDisabled), ("WriteSeparateLog", WriteSeparateLog), ("Note", Note)):
        if value is not None:
            changes[name] = value
    with call.transaction(call.db.users):
        if "PublicId" in changes:
            call.db.check_public_id_free(changes["PublicId"], user)
        call.db.users.update(user, changes)
    if call.setting("Core", "AllowGroups") and GroupIds is not None:
        core_update_user_groups(call, UserId, GroupIds)  # its result is not Core.UpdateUser's
    return True


@api_method("Core", "DeleteUser")
def core_delete_user(call, UserId):
    call.require_role(ROLE_TENANTADMIN)
    if not is_php_int(UserId):
        raise invalid_input()
    user = call.db.users.find(UserId)  # the users manager's deleteUserById: User::find($id), no catch
    if user:
        call.require_user_access(UserId)
    with call.transaction(call.db.users):
        # Mail's Core::DeleteUser::before hook deletes the accounts first, even of a missing user.
        # inferred: it runs after the role and int checks (the emulator has no separate hook phase).
        call.db.delete_accounts_of_user(UserId)
        if not user:
            raise PhpFatal("Call to a member function delete() on null")
        call.db.delete_user(user)
    return True
