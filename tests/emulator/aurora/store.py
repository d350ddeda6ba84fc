"""The database: tables with never-reused ids, lookups, and the deletion cascades of Aurora's managers."""
import copy
from datetime import datetime, timezone

from .addresses import split_domains
from .collation import collation_key
from .errors import DbError, PhpFatal
from .php import lookup_id, strict_int_equals
from .schema import (ACCOUNT_COLUMNS, CHANNEL_COLUMNS, DOMAIN_COLUMNS, GROUP_COLUMNS, GROUP_USER_COLUMNS,
                     SERVER_COLUMNS, TENANT_COLUMNS, USER_COLUMNS, USER_DOMAIN_LINK, to_column)


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


class Table:
    """Rows keyed by an auto-increment Id that, like MySQL's, is never reused.

    ``indexes``: ``{index name: key(row)}``, looked up with ``where()`` instead of a scan of every row (10,000 accounts
    read one user at a time). Rows change only through insert(), update() and delete(), which keep them current.
    """

    def __init__(self, name, columns, indexes=None):
        self.name = name  # Aurora's table name
        self.columns = {column.name: column for column in columns}
        self.rows = {}
        self._next_id = 1
        self._indexes = {index: (key, {}) for index, key in (indexes or {}).items()}

    def _index(self, row, add=True):
        for key, ids in self._indexes.values():
            if add:
                ids.setdefault(key(row), set()).add(row["Id"])
            else:
                ids.get(key(row), set()).discard(row["Id"])

    def where(self, index, value):
        """The rows whose ``index`` key is ``value``, in Id order."""
        return [self.rows[row_id] for row_id in sorted(self._indexes[index][1].get(value, ()))]

    def coerce(self, values):
        return {name: to_column(self.columns[name], value) for name, value in values.items()}

    def insert(self, values):
        row = {"Id": 0, **{name: column.default for name, column in self.columns.items()}}
        row.update(self.coerce(values))  # raises DbError before an id is used
        row["Id"] = self._next_id
        self._next_id += 1
        if "CreatedAt" in row:
            row["CreatedAt"] = row["UpdatedAt"] = now_iso()
        self.rows[row["Id"]] = row
        self._index(row)
        return row

    def update(self, row, values):
        changed = {name: value for name, value in self.coerce(values).items() if row[name] != value}
        if changed and row["Id"] in self.rows:
            self._index(row, add=False)
            row.update(changed)
            self._index(row)
        elif changed:
            row.update(changed)
            if "UpdatedAt" in row:
                row["UpdatedAt"] = now_iso()

    def delete(self, row):
        if self.rows.pop(row["Id"], None) is not None:
            self._index(row, add=False)

    def get(self, value):
        row_id = lookup_id(value)
        return self.rows.get(row_id) if row_id is not None else None

    def find(self, value):
        """Eloquent's ``find()`` called outside any manager: like get(), but a failed query is not caught."""
        return self.get(value)

    def all(self):
        return list(self.rows.values())


class Database:
    """The Aurora tables right after a reset: channel and tenant "Default" (Id 1), nothing else.

    ``mail_domains``: the MailDomains module is installed, with its table ``domains`` (else ``domains`` is None).
    """

    table_class = Table
    reachable = True  # Aurora can reach it (outage.UnreachableDatabase is the one it cannot)

    def __init__(self, mail_domains=False):
        self.create_tables(mail_domains)
        self.channels.insert({"Login": "Default"})
        self.tenants.insert({"IdChannel": 1, "IsDefault": True, "Name": "Default"})

    def create_tables(self, mail_domains):
        table = self.table_class
        self.channels = table("au_core_channels", CHANNEL_COLUMNS)
        self.tenants = table("au_core_tenants", TENANT_COLUMNS)
        self.servers = table("au_mail_servers", SERVER_COLUMNS)
        self.users = table("au_core_users", USER_COLUMNS)
        self.accounts = table("au_mail_accounts", ACCOUNT_COLUMNS, indexes={
            "user": lambda row: row["IdUser"], "email": lambda row: row["Email"].casefold()})
        self.groups = table("au_core_groups", GROUP_COLUMNS)
        self.group_users = table("au_core_group_user", GROUP_USER_COLUMNS)
        self.domains = table("au_mail_domains", DOMAIN_COLUMNS) if mail_domains else None

    def snapshot(self):
        tables = {"tenants": self.tenants, "servers": self.servers, "users": self.users, "accounts": self.accounts,
                  "groups": self.groups, "group_users": self.group_users}
        if self.domains is not None:
            tables["domains"] = self.domains
        return {name: copy.deepcopy(table.all()) for name, table in tables.items()}

    # ---- lookups

    def default_tenant(self):
        tenants = self.tenants.all()
        return next((t for t in tenants if t["IsDefault"]), tenants[0] if tenants else None)

    def user_by_public_id(self, public_id):
        # inferred: MySQL's default *_ci collation makes the unique PublicId index case-insensitive.
        wanted = public_id.casefold()
        return next((u for u in self.users.all() if u["PublicId"].casefold() == wanted), None)

    def check_public_id_free(self, public_id, user=None):
        """The unique PublicId key: DbError when a user other than ``user`` has ``public_id``."""
        other = self.user_by_public_id(public_id)
        if other and (user is None or other["Id"] != user["Id"]):
            raise DbError(f"Duplicate entry '{public_id}' for key 'PublicId'")

    def accounts_of_user(self, user_id):
        return self.accounts.where("user", user_id)

    def account_of_user_by_email(self, user_id, email):
        return next((a for a in self.accounts_of_user(user_id) if a["Email"].casefold() == email.casefold()), None)

    def authorizing_account(self, email, excluding_id=None):
        """The account that is somebody's login account (UseToAuthorize) for ``email``."""
        return next((a for a in self.accounts.where("email", email.casefold())
                     if a["UseToAuthorize"] and a["Id"] != excluding_id), None)

    # ---- groups (Core) and their members

    def member_ids(self, group_id):
        # inferred: the pivot query has no ORDER BY; rows come in user Id order (the pivot's key order).
        return sorted(m["UserId"] for m in self.group_users.all() if m["GroupId"] == group_id)

    def groups_of_user(self, user_id):
        # inferred: in group Id order (no ORDER BY either).
        ids = {m["GroupId"] for m in self.group_users.all() if m["UserId"] == user_id}
        return [g for g in self.groups.all() if g["Id"] in ids]

    def in_a_group(self, user_id):
        return any(m["UserId"] == user_id for m in self.group_users.all())

    def add_members(self, group_id, user_ids):
        """syncWithoutDetaching(): one INSERT of the missing pairs; a missing user fails it (the foreign key)."""
        self.check_member_keys(group_id, user_ids)
        have = set(self.member_ids(group_id))
        for user_id in user_ids:
            if user_id not in have:
                self.group_users.insert({"GroupId": group_id, "UserId": user_id})

    def check_member_keys(self, group_id, user_ids):
        """The pivot's foreign keys: a row may name only a stored group and stored users."""
        if group_id not in self.groups.rows or any(user_id not in self.users.rows for user_id in user_ids):
            raise DbError("Cannot add or update a child row: a foreign key constraint fails")

    def remove_members(self, group_id=None, user_ids=None, user_id=None):
        """Delete membership rows: of ``group_id`` (only ``user_ids`` unless None), or of ``user_id``."""
        for member in self.group_users.all():
            if (member["GroupId"] == group_id and (user_ids is None or member["UserId"] in user_ids)) \
                    or (user_id is not None and member["UserId"] == user_id):
                self.group_users.delete(member)

    def set_user_groups(self, user_id, group_ids):
        """sync(): exactly ``group_ids`` for the user."""
        self.remove_members(user_id=user_id)
        for group_id in group_ids:
            self.check_member_keys(group_id, [user_id])
            self.group_users.insert({"GroupId": group_id, "UserId": user_id})

    def delete_group(self, group):
        self.remove_members(group_id=group["Id"])  # the pivot's ON DELETE CASCADE
        self.groups.delete(group)

    # ---- MailDomains' domains

    def domain_names_of_server(self, server_id, tenant_id=None):
        """MailDomains' names of the domains on a server (only ``tenant_id``'s unless None), sorted by Name."""
        # afterlogic/aurora-module-mail-domains Managers/Domains/Manager.php getDomainsNames: orderBy('Name').
        rows = [d for d in self.domains.all()
                if d["MailServerId"] == server_id and (tenant_id is None or d["TenantId"] == tenant_id)]
        return [d["Name"] for d in sorted(rows, key=lambda d: (collation_key(d["Name"]), d["Id"]))]

    def domain_by_name(self, name, tenant_id=None):
        """MailDomains getDomainByName: any tenant's domain when ``tenant_id`` is None."""
        # inferred: compared ignoring case (the table's *_ci collation; names are unique ignoring case).
        wanted = name.casefold()
        return next((d for d in self.domains.all() if d["Name"].casefold() == wanted
                     and (tenant_id is None or d["TenantId"] == tenant_id)), None)

    def server_of_registered_domain(self, domain):
        """MailDomains' server lookup: only a registered domain matches; no wildcard, no server Domains."""
        row = self.domain_by_name(domain)
        return (self.servers.rows.get(row["MailServerId"]) if row else None), False

    def users_of_domain(self, domain_id):
        """The users MailDomains counts and deletes for a domain: linked to it and in no group.

        MailDomains passes its filter to the users manager without a group id, whose default (0) adds
        "doesn't have Groups" (afterlogic/aurora-module-core Managers/Users.php getUsersCount, getUserList).
        """
        if domain_id is None:
            return []
        users = [u for u in self.users.all() if u[USER_DOMAIN_LINK] == domain_id and not self.in_a_group(u["Id"])]
        return sorted(users, key=lambda u: (u["PublicId"].casefold(), u["Id"]))

    def delete_domain(self, domain_id):
        """MailDomains DeleteDomains for one id: its users (through Core.DeleteUser), then the row."""
        for user in self.users_of_domain(domain_id):
            self.delete_user(user)
        domain = self.domains.rows.get(domain_id)
        if domain is None:  # Domain::find($iDomainId)->delete()
            raise PhpFatal("Call to a member function delete() on null")
        self.domains.delete(domain)
        return True

    def server_for_domain(self, domain, allow_wildcard, tenant_id=None):
        """Mail GetMailServerByDomain: (server, found_with_wildcard) or (None, False)."""
        if self.domains is not None:
            return self.server_of_registered_domain(domain)
        servers = [s for s in self.servers.all()
                   if s["OwnerType"] == "superadmin"
                   or (s["OwnerType"] == "tenant" and (tenant_id is None or s["TenantId"] == tenant_id))]
        # inferred: domains compare case-insensitively (DNS names; MySQL *_ci collation); first by Id wins.
        wanted = domain.casefold()
        for server in servers:
            if wanted in (d.casefold() for d in split_domains(server["Domains"])):
                return server, False
        if allow_wildcard:
            for server in servers:
                if "*" in split_domains(server["Domains"]):
                    return server, True
            for server in servers:
                if not split_domains(server["Domains"]):
                    return server, True
        return None, False

    # ---- deletions with their cascades

    def delete_account(self, account):
        """Mail DeleteAccount: the account and its own ("account"-owned) server."""
        self.accounts.delete(account)
        server = self.servers.rows.get(account["ServerId"])
        if server and server["OwnerType"] == "account":
            self.delete_server_row(server)

    def delete_accounts_of_user(self, user_id):
        for account in self.accounts_of_user(user_id):
            self.delete_account(account)

    def delete_user(self, user):
        self.delete_accounts_of_user(user["Id"])
        self.remove_members(user_id=user["Id"])  # inferred: the pivot's foreign key cascades from users too
        self.users.delete(user)

    def delete_server_row(self, server):
        """The row and, by the ON DELETE CASCADE foreign key, the accounts still on it."""
        self.servers.delete(server)
        for account in self.accounts.all():
            if account["ServerId"] == server["Id"]:
                self.accounts.delete(account)

    def delete_server(self, server, tenant_id):
        """Mail DeleteServer: users whose login account is on it, its other accounts, then the server.

        With MailDomains, its Mail::DeleteServer::before subscriber first deletes the server's domains with their
        users, whatever the tenant check below then decides.
        """
        if self.domains is not None:
            for domain in [d for d in self.domains.all() if d["MailServerId"] == server["Id"]]:
                self.delete_domain(domain["Id"])
        on_server = [a for a in self.accounts.all() if a["ServerId"] == server["Id"]]
        for user_id in sorted({a["IdUser"] for a in on_server if a["UseToAuthorize"]}):
            user = self.users.rows.get(user_id)
            if user:  # inferred: an orphan login account has no user to delete; its row goes below
                self.delete_user(user)
        for account in on_server:
            if account["Id"] in self.accounts.rows:
                self.delete_account(account)
        if server["Id"] not in self.servers.rows:
            return True  # it was account-owned and went with its last account
        if server["OwnerType"] == "tenant" and not strict_int_equals(tenant_id, server["TenantId"]):
            return False
        self.delete_server_row(server)
        return True

    def delete_tenant(self, tenant, own_domains=True):
        """Core DeleteTenant: its groups, its users with their accounts, the row, then the after-hooks: Mail's
        deletes its servers, MailDomains' its domains (``own_domains``) with their users.

        Deleting a server deletes every user whose login account is on it, whatever that user's tenant, and (with
        MailDomains) every domain on it, whatever the domain's tenant.
        """
        for group in [g for g in self.groups.all() if g["TenantId"] == tenant["Id"]]:
            self.delete_group(group)
        for user in [u for u in self.users.all() if u["IdTenant"] == tenant["Id"]]:
            self.delete_user(user)
        self.tenants.delete(tenant)
        for server in [s for s in self.servers.all() if s["OwnerType"] == "tenant" and s["TenantId"] == tenant["Id"]]:
            self.delete_server(server, tenant["Id"])
        if self.domains is not None and own_domains:
            for domain in [d for d in self.domains.all() if d["TenantId"] == tenant["Id"]]:
                self.delete_domain(domain["Id"])
