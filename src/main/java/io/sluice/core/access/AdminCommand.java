package io.sluice.core.access;

import java.util.List;

/** One administrative statement, as {@link AdminStatementParser} read it. Names are as written (unquoted). */
public sealed interface AdminCommand {

    record CreateUser(String name, boolean ifNotExists) implements AdminCommand {
    }

    record DropUser(String name) implements AdminCommand {
    }

    record CreateRole(String name, boolean ifNotExists) implements AdminCommand {
    }

    record DropRole(String name) implements AdminCommand {
    }

    record GrantRole(String role, String user, boolean revoke) implements AdminCommand {
    }

    /** GRANT/REVOKE privileges ON TABLE t | ON ALL TABLES IN SCHEMA s | ON SCHEMA s TO/FROM ROLE r. */
    record GrantPrivileges(List<Privilege> privileges, Grant.ObjectKind on, List<String> objectName, String role,
                           boolean revoke) implements AdminCommand {
    }

    /** SHOW GRANTS, SHOW GRANTS TO ROLE r, SHOW GRANTS TO USER u. */
    record ShowGrants(String toRole, String toUser) implements AdminCommand {
    }

    record ShowUsers() implements AdminCommand {
    }

    record ShowRoles() implements AdminCommand {
    }

    record CreateApiKey(String user) implements AdminCommand {
    }

    record DropApiKey(String keyId) implements AdminCommand {
    }

    record SetRsaPublicKey(String user, String slot, String key) implements AdminCommand {
    }

    /**
     * ALTER ROLE r SET STATEMENT_TIMEOUT_IN_SECONDS | SPOOL_QUOTA_BYTES | EXPORT_QUOTA_BYTES = n, or UNSET it
     * ({@code value} null): a ceiling for the role's members (see {@link RoleLimit}).
     */
    record SetRoleLimit(String role, RoleLimit limit, Long value) implements AdminCommand {
    }
}
