"""Aurora's user roles (Aurora\\System\\Enums\\UserRole); a smaller number is a more privileged role."""


USER_ROLES = {"SuperAdmin": 0, "TenantAdmin": 1, "NormalUser": 2, "Customer": 3, "Anonymous": 4}
ROLE_SUPERADMIN, ROLE_TENANTADMIN, ROLE_NORMAL = 0, 1, 2
ROLE_ANONYMOUS = 4
