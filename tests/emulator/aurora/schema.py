"""The columns of the Aurora tables, and how a strict-mode MariaDB stores a value in one."""
import math
import re
from dataclasses import dataclass

from .errors import DbError
from .php import php_str
from .roles import ROLE_NORMAL


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "int" | "bool" | "str"
    default: object = None
    nullable: bool = False
    length: int = 0  # a VARCHAR's maximum length; 0: no limit enforced


def _mysql_integer(value, column):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(math.copysign(math.floor(abs(value) + 0.5), value))
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise DbError(f"Incorrect integer value: '{value}' for column '{column}'")


def to_column(column, value):
    """Store ``value`` the way a strict-mode MariaDB column would, or raise DbError."""
    if value is None:
        if column.nullable:
            return None
        raise DbError(f"Column '{column.name}' cannot be null")
    if column.kind == "str":
        if isinstance(value, (list, dict)):
            raise DbError(f"Array to string conversion for column '{column.name}'")
        text = php_str(value)
        if column.length and len(text) > column.length:
            raise DbError(f"Data too long for column '{column.name}'")
        return text
    number = _mysql_integer(value, column.name)
    return number != 0 if column.kind == "bool" else number


def _timestamps():
    return [Column("CreatedAt", "str", None, True), Column("UpdatedAt", "str", None, True)]


SERVER_COLUMNS = [
    Column("TenantId", "int", 0), Column("Name", "str", ""), Column("IncomingServer", "str", ""),
    Column("IncomingPort", "int", 143), Column("IncomingUseSsl", "bool", False),
    Column("OutgoingServer", "str", ""), Column("OutgoingPort", "int", 25), Column("OutgoingUseSsl", "bool", False),
    Column("SmtpAuthType", "str", "0"), Column("SmtpLogin", "str", ""), Column("SmtpPassword", "str", ""),
    Column("OwnerType", "str", "account"), Column("Domains", "str", None, True),
    Column("EnableSieve", "bool", False), Column("SievePort", "int", 4190), Column("EnableThreading", "bool", True),
    Column("UseFullEmailAddressAsLogin", "bool", True), Column("SetExternalAccessServers", "bool", False),
    Column("ExternalAccessImapServer", "str", ""), Column("ExternalAccessImapPort", "int", 143),
    Column("ExternalAccessImapAlterPort", "int", 0), Column("ExternalAccessSmtpServer", "str", ""),
    Column("ExternalAccessSmtpPort", "int", 25), Column("ExternalAccessSmtpAlterPort", "int", 0),
    Column("ExternalAccessPop3Server", "str", ""), Column("ExternalAccessPop3Port", "int", 110),
    Column("ExternalAccessPop3AlterPort", "int", 0), Column("OAuthEnable", "bool", False),
    Column("OAuthName", "str", ""), Column("OAuthType", "str", ""), Column("OAuthIconUrl", "str", ""),
    *_timestamps(),
    Column("ExternalAccessImapUseSsl", "bool", False), Column("ExternalAccessPop3UseSsl", "bool", False),
    Column("ExternalAccessSmtpUseSsl", "bool", False),
]

USER_DOMAIN_LINK = "MailDomains::DomainId"

USER_COLUMNS = [
    Column("UUID", "str", ""), Column("Name", "str", ""), Column("PublicId", "str", ""),
    Column("IdTenant", "int", 0), Column("IsDisabled", "bool", False), Column("IdSubscription", "int", 0),
    Column("Role", "int", ROLE_NORMAL), Column("LastLogin", "str", None, True), Column("LastLoginNow", "str", ""),
    Column("LoginsCount", "int", 0), Column("Note", "str", None, True), Column("Language", "str", "English"),
    Column("TimeFormat", "int", 0), Column("DateFormat", "str", "DD/MM/YYYY"),
    Column("Question1", "str", ""), Column("Question2", "str", ""), Column("Answer1", "str", ""),
    Column("Answer2", "str", ""), Column("SipEnable", "bool", True), Column("SipImpi", "str", ""),
    Column("SipPassword", "str", ""), Column("DesktopNotifications", "bool", False), Column("Capa", "str", ""),
    Column("CustomFields", "str", ""), Column("FilesEnable", "bool", True), Column("EmailNotification", "str", ""),
    Column("PasswordResetHash", "str", ""), Column("WriteSeparateLog", "bool", False),
    Column("DefaultTimeZone", "str", ""), *_timestamps(),
    # MailDomains' extended property (in the Properties column): the domain the user was created in.  Not part of
    # the user object the emulator shows.  # inferred: whether GetUser would show it is not recorded.
    Column(USER_DOMAIN_LINK, "int", None, True),
]

ACCOUNT_COLUMNS = [
    Column("IsDisabled", "bool", False), Column("IdUser", "int", 0), Column("UseToAuthorize", "bool", False),
    Column("Email", "str", ""), Column("FriendlyName", "str", ""), Column("IncomingLogin", "str", ""),
    Column("IncomingPassword", "str", ""), Column("IncludeInUnifiedMailbox", "bool", False),
    Column("UseSignature", "bool", False), Column("Signature", "str", ""), Column("ServerId", "int", 0),
    Column("FoldersOrder", "str", ""), Column("UseThreading", "bool", False),
    Column("SaveRepliesToCurrFolder", "bool", False), Column("ShowUnifiedMailboxLabel", "bool", False),
    Column("UnifiedMailboxLabelText", "str", ""), Column("UnifiedMailboxLabelColor", "str", ""),
    Column("XOAuth", "str", None, True), *_timestamps(),
]

# inferred: defaults of the tenant columns not shown by tests/contract/ are the migration's likely defaults.
TENANT_COLUMNS = [
    Column("IdChannel", "int", 0), Column("IsDisabled", "bool", False), Column("IsDefault", "bool", False),
    # inferred: Name is a VARCHAR(255) (a 300-character name is Result false: docs/aurora-api-notes.md).
    Column("Name", "str", "", length=255), Column("Description", "str", ""), Column("WebDomain", "str", ""),
    Column("UserCountLimit", "int", 0), Column("Capa", "str", ""), Column("AllowChangeAdminEmail", "bool", True),
    Column("AllowChangeAdminPassword", "bool", True), Column("Expared", "int", 0), Column("PayUrl", "str", ""),
    Column("IsTrial", "bool", False), Column("LogoUrl", "str", ""),
    Column("CalendarNotificationEmailAccount", "str", ""), Column("InviteNotificationEmailAccount", "str", ""),
    *_timestamps(),
    Column("SiteName", "str", None, True),  # a tenant-level setting, not part of the tenant object
]

# MailDomains' table (mail_domains).
DOMAIN_COLUMNS = [Column("TenantId", "int", 0), Column("MailServerId", "int", 0), Column("Name", "str", "")]

CHANNEL_COLUMNS = [Column("Login", "str", ""), Column("Password", "str", ""), Column("Description", "str", "")]

# Core's groups (core_groups) and their members (core_group_user).  # inferred: no IsAll ("All") group ever
# exists: only Core.GetAllGroup creates one, and the web API may not call it.
GROUP_COLUMNS = [Column("TenantId", "int", 0), Column("Name", "str", ""), Column("IsAll", "bool", False)]
GROUP_USER_COLUMNS = [Column("GroupId", "int", 0), Column("UserId", "int", 0)]
