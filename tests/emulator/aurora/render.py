"""Stored rows as the API shows them: model objects with "@Object", appended keys and masked secrets."""
from .schema import USER_DOMAIN_LINK


MASK = "*****"

SERVER_OBJECT = "Object/Aurora\\Modules\\Mail\\Models\\Server"
ACCOUNT_OBJECT = "Object/Aurora\\Modules\\Mail\\Models\\MailAccount"
USER_OBJECT = "Object/Aurora\\Modules\\Core\\Models\\User"
TENANT_OBJECT = "Object/Aurora\\Modules\\Core\\Models\\Tenant"
DOMAIN_OBJECT = "Object/Aurora\\Modules\\MailDomains\\Models\\Domain"


def render_server(db, row, with_object=True, viewer_tenant=None):
    """``viewer_tenant``: the tenant of a calling user (not the super-admin), whose domains alone MailDomains lists."""
    data = {"@Object": SERVER_OBJECT} if with_object else {}
    data.update(row)
    data["SmtpPassword"] = MASK
    data.update(EntityId=row["Id"], ServerId=row["Id"], UUID="", ParentUUID="", ModuleName="")
    if db.domains is not None:  # MailDomains' Mail::ServerToResponseArray subscriber
        data["AllowEditDomains"] = False
        names = "\r\n".join(db.domain_names_of_server(row["Id"], viewer_tenant))
        data["Domains"] = "*\r\n" + names if "*" in (row["Domains"] or "") else names
    return data


def render_user(row):
    data = {"@Object": USER_OBJECT, **row, "ParentUUID": "", "ModuleName": "Core"}
    del data[USER_DOMAIN_LINK]
    return data


def render_user_groups(db, user_id):
    """The ``Groups`` of a Core.GetUsers item (Traits/Users.php GetUsers): the user's groups but "All"."""
    return [{"Id": g["Id"], "TenantId": g["TenantId"], "Name": g["Name"]}
            for g in db.groups_of_user(user_id) if not g["IsAll"]]


def render_domain(db, row):
    """A MailDomains domain (tests/contract/corporate.json step 41); Count: the users it would delete.

    GetDomains also trims Name, a no-op: CreateDomain refuses names with surrounding spaces.
    """
    return {"@Object": DOMAIN_OBJECT, **row, "Count": len(db.users_of_domain(row["Id"]))}


def render_tenant(row):
    data = {"@Object": TENANT_OBJECT, **row}
    del data["SiteName"]
    data.update(EntityId=row["Id"], UUID="", ParentUUID="", ModuleName="Core")
    return data


# The attributes a freshly created MailAccount model carries (tests/contract/contract.json steps 32 and 49).
CREATED_ACCOUNT_KEYS = ("IdUser", "FriendlyName", "Email", "IncomingLogin", "IncomingPassword", "ServerId",
                        "UseThreading", "XOAuth", "UseToAuthorize", "UpdatedAt", "CreatedAt", "Id")


def created_account_keys(row):
    """CreateAccount sets UseToAuthorize on the new model only to make it a login account: else it has no such key."""
    return [key for key in CREATED_ACCOUNT_KEYS if key != "UseToAuthorize" or row["UseToAuthorize"]]


def render_account(db, row, created=False, viewer_tenant=None):
    data = {"@Object": ACCOUNT_OBJECT}
    data.update((key, row[key]) for key in (created_account_keys(row) if created else row))
    data["IncomingPassword"] = MASK
    server = db.servers.rows.get(row["ServerId"])
    sieve = bool(server and server["EnableSieve"])
    data.update(
        EntityId=row["Id"],
        Server=render_server(db, server, False, viewer_tenant) if server else None,
        UUID="", ParentUUID="", ModuleName="", AccountID=row["Id"],
        AllowFilters=sieve, AllowForward=sieve, AllowAutoresponder=sieve,
        # inferred: the allow/block-list module setting is off (contract.json step 49: false with Sieve on).
        EnableAllowBlockLists=False,
    )
    if created:
        data["Signature"] = row["Signature"]  # an appended accessor, so it follows the set attributes
    data["CanBeUsedToAuthorize"] = db.authorizing_account(row["Email"], excluding_id=row["Id"]) is None
    return data
