package io.sluice.core.access;

import io.sluice.core.auth.ApiKey;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.Principal;
import io.sluice.core.auth.PublicKeyStore;
import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.Engine;
import io.sluice.core.engine.EngineRequest;
import io.sluice.core.engine.EngineResult;
import io.sluice.core.engine.EngineStatement;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.core.statement.StatementGuard;
import io.sluice.core.statement.StatementRequest;
import io.sluice.core.statement.StatementStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Who may do what: users, roles and grants managed with admin statements (through any protocol) or the
 * admin API; every statement's tables — as the engine resolved them — checked against the grants before it
 * runs; per-principal rate and concurrency limits; one audit record per statement.
 *
 * <p>Admins bypass grants. A principal without grants may still run statements that touch no table.
 * Non-admins may not run anything but queries and INSERT/UPDATE/DELETE, nor call table functions that read
 * the catalog (duckdb_*, information_schema, pragma_*), so metadata of tables they cannot see stays hidden.
 */
public final class AccessControl implements StatementGuard {

    /**
     * Limits per principal; admins have them too (a runaway script should not starve everyone). The defaults
     * (64 at once, {@link #DEFAULT_PER_MINUTE} a minute) stop a flood without getting in the way of a busy
     * application; both are configuration keys. A server sets the concurrent limit to its running slots
     * (statements.maxRunning): more statements at once than the engine runs would only wait in the queue.
     */
    public record Limits(int maxConcurrent, int statementsPerMinute, java.time.Duration maxTimeout, long spoolBytes,
                         CrashCoolDown engineCrashes) {
        /**
         * Above what the server can run: one keep-alive client reaches about 5,000 small statements a second per
         * 2 cores (BENCHMARKS.md), so 10,000 a second per core never throttles a well-behaved client below the
         * server's capacity; the rate limit is a guard against floods, and concurrency is bounded separately.
         */
        public static final int DEFAULT_PER_MINUTE =
                (int) Math.min(Integer.MAX_VALUE, 600_000L * Runtime.getRuntime().availableProcessors());
        public static final Limits DEFAULT = new Limits(64, DEFAULT_PER_MINUTE, null, 0);

        /**
         * @param maxTimeout how long any one principal's statement may run, whatever it asks for (roles may set
         *     less); null for none beyond statements.maxTimeoutSeconds
         * @param spoolBytes bytes of spooled results one principal may hold (roles may set less); 0 for no quota
         *     beyond spool.quotaBytes
         * @param engineCrashes when a principal whose statements took the engine down is refused for a while
         */
        public Limits {
            java.util.Objects.requireNonNull(engineCrashes, "engineCrashes");
            if (maxConcurrent < 1 || statementsPerMinute < 1) {
                throw new IllegalArgumentException("principal limits must be at least 1");
            }
            if (maxTimeout != null && (maxTimeout.isZero() || maxTimeout.isNegative())) {
                maxTimeout = null;
            }
            if (spoolBytes < 0) {
                throw new IllegalArgumentException("limits.principalSpoolBytes must not be negative (0: no quota)");
            }
        }

        public Limits(int maxConcurrent, int statementsPerMinute, java.time.Duration maxTimeout, long spoolBytes) {
            this(maxConcurrent, statementsPerMinute, maxTimeout, spoolBytes, CrashCoolDown.DEFAULT);
        }

        public Limits(int maxConcurrent, int statementsPerMinute, java.time.Duration maxTimeout) {
            this(maxConcurrent, statementsPerMinute, maxTimeout, 0);
        }

        public Limits(int maxConcurrent, int statementsPerMinute) {
            this(maxConcurrent, statementsPerMinute, null, 0);
        }

        public Limits withSpoolBytes(long bytes) {
            return new Limits(maxConcurrent, statementsPerMinute, maxTimeout, bytes, engineCrashes);
        }

        public Limits withMaxConcurrent(int statements) {
            return new Limits(statements, statementsPerMinute, maxTimeout, spoolBytes, engineCrashes);
        }

        public Limits withEngineCrashes(CrashCoolDown coolDown) {
            return new Limits(maxConcurrent, statementsPerMinute, maxTimeout, spoolBytes, coolDown);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$@.\\-]{1,128}");
    /** Schemas that only admins can ever read, whatever is granted (the audit table lives in one). */
    private static final Set<String> RESERVED_SCHEMAS = Set.of("sluice");
    /** Where the engine keeps the audit rows; only admins ever read it. */
    public static final String AUDIT_TABLE = "sluice.main.audit";

    private final AccessStore store;
    private final ApiKeyStore keys;
    private final PublicKeyStore publicKeys;
    private final Engine engine;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean auditText;
    private final Visibility visibility;
    private volatile Limits limits = Limits.DEFAULT;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, List<String>> touched = new ConcurrentHashMap<>();
    private final Map<String, Boolean> adminOwners = new ConcurrentHashMap<>();
    private final Map<String, io.sluice.core.statement.ClientConnection> clients = new ConcurrentHashMap<>();
    private final EngineCrashLedger engineCrashes;
    private final KnownAccess knownAccess = new KnownAccess();
    /** The cluster's shared counts of the limits; null on a single node, where this node's memory is enough. */
    private volatile SharedLimits shared;

    public AccessControl(AccessStore store, ApiKeyStore keys, PublicKeyStore publicKeys, Engine engine, AuditLog audit,
                         Clock clock, boolean auditText) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.publicKeys = publicKeys;
        this.engine = Objects.requireNonNull(engine, "engine");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.auditText = auditText;
        this.engineCrashes = new EngineCrashLedger(limits.engineCrashes(), clock);
        this.visibility = new Visibility(store, engine);
    }

    public void limits(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        engineCrashes.policy(limits.engineCrashes());
        buckets.clear();
    }

    /**
     * In a cluster: counts running statements, statements per minute and engine crashes of each principal in
     * {@code limits}, which every node shares, so a limit holds for the cluster rather than for each node.
     */
    public void shareLimitsThrough(SharedLimits limits) {
        this.shared = Objects.requireNonNull(limits, "limits");
        engineCrashes.shareThrough(limits);
    }

    /** Who took engines down lately, and who is cooling down for it. */
    public EngineCrashLedger engineCrashes() {
        return engineCrashes;
    }

    public AuditLog audit() {
        return audit;
    }

    // ---- StatementGuard ------------------------------------------------------------------------------

    @Override
    public void admit(Principal principal, StatementRequest request, int active) {
        Limits current = limits;
        SluiceException refusal = null;
        Optional<SluiceError> coolingDown = engineCrashes.refusal(principal.id());
        if (coolingDown.isPresent()) {
            refusal = new SluiceException(coolingDown.get());
        } else if (active >= current.maxConcurrent()) {
            refusal = new SluiceException(ErrorCode.RATE_LIMITED, "Too many statements at once for this principal (limit "
                    + current.maxConcurrent() + "); retry when one has finished");
        } else if (shared == null && !buckets.computeIfAbsent(principal.id(), id -> new TokenBucket(current.statementsPerMinute()))
                .take(clock.millis())) {
            // In a cluster the shared bucket is taken from in claimSlot, once the statement is really created.
            refusal = new SluiceException(ErrorCode.RATE_LIMITED, "Too many statements per minute for this principal (limit "
                    + current.statementsPerMinute() + "); retry later");
        }
        if (refusal != null) {
            record(principal.id(), principal.admin(), request.client(), request.protocol(), null, request.sql(), List.of(),
                    "REFUSED", refusal.code().name(), 0, 0);
            throw refusal;
        }
    }

    /**
     * In a cluster, the principal's cluster-wide slot and per-minute token (one round trip to the shared storage);
     * {@link #admit} has already checked this node's own count, so a refusal here means other nodes hold the rest.
     */
    @Override
    public Runnable claimSlot(Principal principal, String statementId, StatementRequest request) {
        SharedLimits limitsStore = shared;
        if (limitsStore == null) {
            return NO_SLOT;
        }
        Limits current = limits;
        SharedLimits.Claim claim;
        try {
            claim = limitsStore.claim(principal.id(), statementId, current.maxConcurrent(), current.statementsPerMinute());
        } catch (SluiceException unavailable) {
            if (unavailable.code() != ErrorCode.STORAGE_UNAVAILABLE) {
                throw unavailable;
            }
            // PostgreSQL is down: the statements that still work then (streaming, on this node) are held to this
            // node's own limits, already checked in admit, and its own per-minute bucket; not refused for an outage.
            if (!buckets.computeIfAbsent(principal.id(), id -> new TokenBucket(current.statementsPerMinute())).take(clock.millis())) {
                throw new SluiceException(ErrorCode.RATE_LIMITED, "Too many statements per minute for this principal (limit "
                        + current.statementsPerMinute() + "); retry later");
            }
            return NO_SLOT;
        }
        SluiceException refusal = switch (claim.outcome()) {
            case GRANTED -> null;
            case TOO_MANY_RUNNING -> new SluiceException(ErrorCode.RATE_LIMITED, "Too many statements at once for this "
                    + "principal across the cluster (limit " + current.maxConcurrent() + "); retry when one has finished");
            case TOO_MANY_PER_MINUTE -> new SluiceException(ErrorCode.RATE_LIMITED, "Too many statements per minute for "
                    + "this principal across the cluster (limit " + current.statementsPerMinute() + "); retry later");
            case COOLING_DOWN -> new SluiceException(engineCrashes.refusal(claim.coolDownUntil()));
        };
        if (refusal != null) {
            record(principal.id(), principal.admin(), request.client(), request.protocol(), null, request.sql(), List.of(),
                    "REFUSED", refusal.code().name(), 0, 0);
            throw refusal;
        }
        return () -> limitsStore.release(statementId);
    }

    /**
     * The tightest of the configured per-principal ceiling and the ceilings of the principal's roles
     * (ALTER ROLE … SET STATEMENT_TIMEOUT_IN_SECONDS); admins too, like the other limits.
     */
    @Override
    public java.time.Duration maxTimeout(Principal principal) {
        java.time.Duration ceiling = limits.maxTimeout();
        java.util.OptionalLong role = store.timeoutCeilingSeconds(principal.id());
        if (role.isPresent() && (ceiling == null || role.getAsLong() < ceiling.toSeconds())) {
            ceiling = java.time.Duration.ofSeconds(role.getAsLong());
        }
        return ceiling;
    }

    /**
     * The tightest of the configured per-principal spool quota and the quotas of the principal's roles
     * (ALTER ROLE … SET SPOOL_QUOTA_BYTES), like the timeout ceiling; admins too.
     */
    @Override
    public long spoolQuotaBytes(Principal principal) {
        long quota = limits.spoolBytes() > 0 ? limits.spoolBytes() : Long.MAX_VALUE;
        java.util.OptionalLong role = store.tightestRoleLimit(principal.id(), RoleLimit.SPOOL_QUOTA_BYTES);
        return role.isPresent() ? Math.min(quota, role.getAsLong()) : quota;
    }

    /**
     * The tightest of the configured export quota ({@code export.quotaBytesPerUser}) and the quotas of the
     * principal's roles (ALTER ROLE … SET EXPORT_QUOTA_BYTES).
     */
    public long exportQuotaBytes(Principal principal, long configured) {
        java.util.OptionalLong role = store.tightestRoleLimit(principal.id(), RoleLimit.EXPORT_QUOTA_BYTES);
        return role.isPresent() ? Math.min(configured, role.getAsLong()) : configured;
    }

    @Override
    public EngineStatement open(Principal principal, String statementId, StatementRequest request,
                                EngineRequest engineRequest, Engine engine) {
        adminOwners.put(statementId, principal.admin());
        clients.put(statementId, request.client());
        // Before the engine sees it: a statement that takes the engine (or the server) down is on record already.
        record(principal.id(), principal.admin(), request.client(), request.protocol(), statementId, request.sql(), List.of(),
                "RUNNING", null, 0, 0, AuditRecord.STARTED);
        Optional<AdminCommand> command;
        try {
            command = AdminStatementParser.parse(request.sql());
        } catch (SluiceException e) {
            return new Refused(e);
        }
        if (command.isPresent()) {
            return new AdminStatement(principal, command.get(), engineRequest);
        }
        EngineStatement statement = engine.open(engineRequest);
        return new CheckedStatement(principal, statementId, request.sql(), engineRequest.session(), statement);
    }

    @Override
    public void finished(StatementStatus status) {
        List<String> tables = touched.remove(status.id());
        Boolean admin = adminOwners.remove(status.id());
        io.sluice.core.statement.ClientConnection client = clients.remove(status.id());
        long duration = status.elapsedMillis(clock.instant());
        record(status.ownerId(), admin != null && admin, client, status.protocol(), status.id(), status.sql(),
                tables == null ? List.of() : tables, status.state().name(),
                status.error() == null ? null : status.error().code().name(), status.rows(), duration);
        if (status.error() != null && status.error().code() == ErrorCode.ENGINE_RESTARTED) {
            // It was running when its engine died: its principal is a suspect, and one too often is cooled down.
            record(status.ownerId(), admin != null && admin, client, status.protocol(), status.id(), status.sql(),
                    tables == null ? List.of() : tables, status.state().name(), ErrorCode.ENGINE_RESTARTED.name(),
                    status.rows(), duration, AuditRecord.ENGINE_CRASH_SUSPECT);
            engineCrashes.suspect(status.ownerId(), status.id());
        }
    }

    private void record(String principal, boolean admin, io.sluice.core.statement.ClientConnection client, String protocol,
                        String statementId, String sql, List<String> tables, String outcome, String errorCode, long rows,
                        long duration) {
        record(principal, admin, client, protocol, statementId, sql, tables, outcome, errorCode, rows, duration,
                AuditRecord.STATEMENT);
    }

    private void record(String principal, boolean admin, io.sluice.core.statement.ClientConnection client, String protocol,
                        String statementId, String sql, List<String> tables, String outcome, String errorCode, long rows,
                        long duration, String event) {
        io.sluice.core.statement.ClientConnection from = client == null ? io.sluice.core.statement.ClientConnection.UNKNOWN : client;
        long bytes;
        try {
            bytes = from.bytesSent().getAsLong();
        } catch (RuntimeException e) {
            bytes = 0; // the exchange is gone; its count cannot be read any more
        }
        audit.write(new AuditRecord(clock.instant(), principal, admin, from.remoteAddress(), protocol, statementId, sha256(sql),
                auditText ? sql : null, tables, outcome, errorCode, rows, duration, bytes, event, null));
    }

    /** One record per read of a stored result: who, which statement and page, how many rows and response bytes. */
    @Override
    public void resultRead(Principal principal, String statementId, io.sluice.core.statement.ResultReader reader,
                           Integer page, long rows) {
        io.sluice.core.statement.ClientConnection from = reader.client();
        long bytes;
        try {
            bytes = from.bytesSent().getAsLong();
        } catch (RuntimeException e) {
            bytes = 0;
        }
        audit.write(new AuditRecord(clock.instant(), principal.id(), principal.admin(), from.remoteAddress(), reader.protocol(),
                statementId, null, null, List.of(), "READ", null, rows, 0, bytes, AuditRecord.RESULT_READ, page));
    }

    /** Admins see the whole catalog; anyone else the tables it holds a privilege on. */
    @Override
    public Optional<List<io.sluice.core.statement.CatalogColumn>> visibleCatalog(Principal principal) {
        if (principal.admin()) {
            return Optional.empty();
        }
        store.refresh();
        return Optional.of(visibility.catalog(principal));
    }

    /** Statements refused because the principal may not run them (admin statements from non-admins). */
    public void auditRefusal(Principal principal, String protocol, String what) {
        record(principal.id(), principal.admin(), null, protocol, null, what, List.of(), "REFUSED", ErrorCode.FORBIDDEN.name(), 0, 0);
    }

    // ---- enforcement ---------------------------------------------------------------------------------

    /** Refuses the statement unless the principal may touch every table it touches; remembers them for the audit. */
    void check(Principal principal, String statementId, AccessedTables accessed) {
        check(principal, statementId, accessed, null);
    }

    /** As above; {@code sql} (may be null) lets a refusal name a hidden table the way the statement wrote it. */
    void check(Principal principal, String statementId, AccessedTables accessed, String sql) {
        List<String> all = new ArrayList<>(new TreeSet<>(accessed.reads()));
        accessed.writes().stream().filter(table -> !all.contains(table)).forEach(all::add);
        touched.put(statementId, all);
        if (principal.admin()) {
            return;
        }
        // In a cluster a grant may have been revoked on another node a moment ago: look (a version check)
        // before deciding, so a revoke takes effect for the next statement on every node.
        store.refresh();
        if (accessed.kind() == AccessedTables.Kind.OTHER) {
            throw denied("Only administrators may run this kind of statement (DDL, settings, several statements in one request)");
        }
        if (!accessed.functions().isEmpty()) {
            throw denied("Table function " + accessed.functions().iterator().next().toLowerCase(java.util.Locale.ROOT)
                    + " is not available to this user");
        }
        for (String table : accessed.reads()) {
            require(principal, Privilege.SELECT, table, sql);
        }
        Privilege write = switch (accessed.kind()) {
            case INSERT -> Privilege.INSERT;
            case UPDATE -> Privilege.UPDATE;
            case DELETE -> Privilege.DELETE;
            default -> null;
        };
        for (String table : accessed.writes()) {
            require(principal, write, table, sql);
        }
    }

    /**
     * A table the principal holds some privilege on may be named in the refusal; one it holds none on is refused
     * exactly like a table that does not exist, so refusals tell nothing of what exists.
     */
    private void require(Principal principal, Privilege privilege, String table, String sql) {
        if (privilege != null && !reserved(table) && store.allows(principal.id(), privilege, table)) {
            return;
        }
        if (visibility.sees(principal, table)) {
            throw denied("Insufficient privileges: " + privilege + " on " + table + " is not granted to " + principal.name());
        }
        throw visibility.refusal(principal, table, sql);
    }

    /** The audit table (sluice.audit, i.e. sluice.main.audit) and anything in a schema named sluice. */
    static boolean reserved(String object) {
        String[] parts = object.split("\\.");
        return object.equals(AUDIT_TABLE) || parts.length >= 2 && RESERVED_SCHEMAS.contains(parts[1]);
    }

    private static SluiceException denied(String message) {
        return new SluiceException(new SluiceError(ErrorCode.SQL_PERMISSION_DENIED, message, "42501", null));
    }

    // ---- admin commands ------------------------------------------------------------------------------

    /** Runs an admin command for {@code principal}; FORBIDDEN (and audited) unless it is an admin. */
    public AdminAnswer execute(Principal principal, AdminCommand command) {
        if (!principal.admin()) {
            throw new SluiceException(ErrorCode.FORBIDDEN, "Only administrators may manage users, roles, grants and keys");
        }
        return switch (command) {
            case AdminCommand.CreateUser create -> {
                String user = name(create.name(), "user");
                if (userExists(user)) {
                    if (create.ifNotExists()) {
                        yield AdminAnswer.status("User " + user + " already exists, statement succeeded.");
                    }
                    throw conflict("User '" + user + "' already exists");
                }
                store.addUser(user);
                yield AdminAnswer.status("User " + AccessStore.normal(user) + " successfully created.");
            }
            case AdminCommand.DropUser drop -> {
                String user = name(drop.name(), "user");
                if (!store.hasUser(user)) {
                    throw unknown("User '" + user + "' does not exist or was not created with CREATE USER");
                }
                store.dropUser(user);
                yield AdminAnswer.status("User " + AccessStore.normal(user) + " successfully dropped.");
            }
            case AdminCommand.CreateRole create -> {
                String role = name(create.name(), "role");
                if (store.hasRole(role)) {
                    if (create.ifNotExists()) {
                        yield AdminAnswer.status("Role " + role + " already exists, statement succeeded.");
                    }
                    throw conflict("Role '" + role + "' already exists");
                }
                store.addRole(role);
                yield AdminAnswer.status("Role " + AccessStore.normal(role) + " successfully created.");
            }
            case AdminCommand.DropRole drop -> {
                String role = knownRole(drop.name());
                store.dropRole(role);
                yield AdminAnswer.status("Role " + AccessStore.normal(role) + " successfully dropped.");
            }
            case AdminCommand.GrantRole grant -> {
                String role = knownRole(grant.role());
                String user = knownUser(grant.user());
                if (grant.revoke()) {
                    if (!store.removeMember(role, user)) {
                        throw conflict("Role '" + AccessStore.normal(role) + "' was not granted to user '" + AccessStore.normal(user) + "'");
                    }
                    yield AdminAnswer.status("Statement executed successfully.");
                }
                store.addMember(role, user);
                yield AdminAnswer.status("Statement executed successfully.");
            }
            case AdminCommand.GrantPrivileges grant -> grantPrivileges(grant);
            case AdminCommand.ShowGrants show -> showGrants(show);
            case AdminCommand.ShowUsers ignored -> new AdminAnswer(List.of("name", "roles"), knownUsers().stream()
                    .map(user -> List.of(user, String.join(",", store.rolesOf(user)))).toList());
            case AdminCommand.ShowRoles ignored -> new AdminAnswer(List.of("name"),
                    store.roles().stream().map(List::of).toList());
            case AdminCommand.CreateApiKey create -> {
                String user = knownUser(create.user());
                Principal owner = keys.principal(user).orElse(new Principal(AccessStore.normal(user), AccessStore.normal(user), false));
                ApiKey key = keys.issue(owner);
                yield new AdminAnswer(List.of("key_id", "api_key", "user"), List.of(List.of(key.keyId(), key.text(), owner.id())));
            }
            case AdminCommand.DropApiKey drop -> {
                if (!keys.revoke(drop.keyId())) {
                    throw unknown("API key '" + drop.keyId() + "' does not exist");
                }
                yield AdminAnswer.status("API key " + drop.keyId() + " successfully dropped.");
            }
            case AdminCommand.SetRoleLimit set -> {
                String role = knownRole(set.role());
                store.roleLimit(role, set.limit(), set.value());
                yield AdminAnswer.status("Statement executed successfully.");
            }
            case AdminCommand.SetRsaPublicKey set -> {
                if (publicKeys == null) {
                    throw new SluiceException(ErrorCode.FORBIDDEN, "Public keys are not enabled");
                }
                String user = knownUser(set.user());
                Principal owner = keys.principal(user).orElse(new Principal(AccessStore.normal(user), AccessStore.normal(user), false));
                String fingerprint = publicKeys.register(owner, set.slot().endsWith("_2") ? 2 : 1, set.key());
                yield new AdminAnswer(List.of("status", "fingerprint"),
                        List.of(List.of("Statement executed successfully.", fingerprint)));
            }
        };
    }

    private AdminAnswer grantPrivileges(AdminCommand.GrantPrivileges grant) {
        String role = knownRole(grant.role());
        String object;
        if (grant.on() == Grant.ObjectKind.TABLE) {
            object = engine.resolveTable(grant.objectName())
                    .orElseThrow(() -> unknown("Table '" + String.join(".", grant.objectName()) + "' does not exist"));
        } else {
            object = engine.resolveSchema(grant.objectName())
                    .orElseThrow(() -> unknown("Schema '" + String.join(".", grant.objectName()) + "' does not exist"));
        }
        if (grant.on() == Grant.ObjectKind.SCHEMA ? RESERVED_SCHEMAS.contains(object.substring(object.indexOf('.') + 1))
                : reserved(object)) {
            throw new SluiceException(ErrorCode.FORBIDDEN, "Sluice's own schema cannot be granted; only admins read it");
        }
        String normalRole = AccessStore.normal(role);
        for (Privilege privilege : grant.privileges()) {
            Grant value = new Grant(normalRole, privilege, grant.on(), object);
            if (grant.revoke()) {
                if (!store.removeGrant(value)) {
                    throw conflict(privilege + " on " + object + " was not granted to role '" + normalRole + "'");
                }
            } else {
                store.addGrant(value);
            }
        }
        return AdminAnswer.status("Statement executed successfully.");
    }

    private AdminAnswer showGrants(AdminCommand.ShowGrants show) {
        List<List<String>> rows = new ArrayList<>();
        String role = show.toRole() == null ? null : AccessStore.normal(knownRole(show.toRole()));
        String user = show.toUser() == null ? null : AccessStore.normal(knownUser(show.toUser()));
        if (user != null) {
            store.rolesOf(user).forEach(r -> rows.add(List.of("USAGE", "ROLE", r, "USER", user)));
        } else {
            for (Grant grant : store.grants()) {
                if (role == null || grant.role().equals(role)) {
                    rows.add(List.of(grant.privilege().name(), grant.on().name(), grant.object(), "ROLE", grant.role()));
                }
            }
            if (role == null) {
                store.memberships().forEach((member, roles) -> roles.forEach(r -> rows.add(List.of("USAGE", "ROLE", r, "USER", member))));
            }
        }
        return new AdminAnswer(List.of("privilege", "granted_on", "name", "granted_to", "grantee_name"), rows);
    }

    public List<String> knownUsers() {
        Set<String> users = new TreeSet<>(store.users());
        return List.copyOf(users);
    }

    private boolean userExists(String user) {
        return store.hasUser(user) || keys.principal(user).isPresent();
    }

    private String knownUser(String user) {
        name(user, "user");
        if (!userExists(user)) {
            throw unknown("User '" + user + "' does not exist");
        }
        return user;
    }

    private String knownRole(String role) {
        name(role, "role");
        if (!store.hasRole(role)) {
            throw unknown("Role '" + role + "' does not exist");
        }
        return role;
    }

    private static String name(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SluiceException(ErrorCode.INVALID_PARAMETER, "A " + what
                    + " name is 1 to 128 letters, digits or _ $ @ . -");
        }
        return name;
    }

    private static SluiceException unknown(String message) {
        return new SluiceException(new SluiceError(ErrorCode.SQL_CATALOG_ERROR, message, "42704", null));
    }

    private static SluiceException conflict(String message) {
        return new SluiceException(new SluiceError(ErrorCode.SQL_ERROR, message, "42710", null));
    }

    static String sha256(String text) {
        if (text == null) {
            return null;
        }
        return io.sluice.core.io.Digests.sha256Hex(text);
    }

    // ---- statements ----------------------------------------------------------------------------------

    /**
     * An engine statement that is checked against the grants before it runs. When the same text ran before in the
     * same session context, what it touched is known: the grants are checked against that, and the engine runs the
     * statement only if it still touches exactly that (one step instead of two); otherwise it is analysed afresh.
     */
    private final class CheckedStatement implements EngineStatement {
        private final Principal principal;
        private final String statementId;
        private final String sql;
        private final KnownAccess.Key key;
        private final EngineStatement delegate;

        CheckedStatement(Principal principal, String statementId, String sql, SessionContext session,
                         EngineStatement delegate) {
            this.principal = principal;
            this.statementId = statementId;
            this.sql = sql;
            this.key = KnownAccess.Key.of(delegate.engineName(), sql, session);
            this.delegate = delegate;
        }

        @Override
        public EngineResult execute() {
            AccessedTables known = key == null ? null : knownAccess.get(key);
            if (known != null && allowed(known)) {
                EngineResult result;
                try {
                    result = delegate.executeIfAccessing(known);
                } catch (UnsupportedOperationException e) {
                    result = null;
                } catch (SluiceException e) {
                    throw visibility.forReader(principal, sql, e);
                }
                if (result != null) {
                    return result;
                }
            }
            AccessedTables accessed;
            try {
                accessed = delegate.accessedTables();
            } catch (UnsupportedOperationException e) {
                if (!principal.admin()) {
                    throw denied("This engine cannot tell which tables a statement touches; only administrators may run statements");
                }
                return delegate.execute();
            } catch (SluiceException e) {
                throw visibility.forReader(principal, sql, e);
            }
            check(principal, statementId, accessed, sql);
            if (key != null) {
                knownAccess.put(key, accessed);
            }
            try {
                return delegate.execute();
            } catch (SluiceException e) {
                throw visibility.forReader(principal, sql, e);
            }
        }

        /** Whether the grants allow what the statement touched last time; a refusal is decided afresh below. */
        private boolean allowed(AccessedTables known) {
            try {
                check(principal, statementId, known, sql);
                return true;
            } catch (SluiceException refused) {
                return false;
            }
        }

        @Override
        public AccessedTables accessedTables() {
            return delegate.accessedTables();
        }

        @Override
        public io.sluice.core.engine.QueryProgress progress() {
            return delegate.progress();
        }

        @Override
        public String engineName() {
            return delegate.engineName();
        }

        @Override
        public void cancel() {
            delegate.cancel();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** An admin statement, answered by access control itself. */
    private final class AdminStatement implements EngineStatement {
        private final Principal principal;
        private final AdminCommand command;
        private final EngineRequest request;

        AdminStatement(Principal principal, AdminCommand command, EngineRequest request) {
            this.principal = principal;
            this.command = command;
            this.request = request;
        }

        @Override
        public EngineResult execute() {
            AdminAnswer answer = AccessControl.this.execute(principal, command);
            boolean modifies = !(command instanceof AdminCommand.ShowGrants || command instanceof AdminCommand.ShowUsers
                    || command instanceof AdminCommand.ShowRoles);
            return new EngineResult.Rows(AnswerStream.of(answer, request.allocator()), modifies);
        }

        @Override
        public String engineName() {
            return "sluice";
        }

        @Override
        public void cancel() {
        }

        @Override
        public void close() {
        }
    }

    /** A statement that fails as soon as it runs (a malformed admin statement). */
    private record Refused(SluiceException failure) implements EngineStatement {
        @Override
        public EngineResult execute() {
            throw failure;
        }

        @Override
        public String engineName() {
            return "none";
        }

        @Override
        public void cancel() {
        }

        @Override
        public void close() {
        }
    }

    /** Statements per minute, refilled continuously; a full minute's worth may come at once. */
    private static final class TokenBucket {
        private final double capacity;
        private final double perMilli;
        private double tokens;
        private long last;

        TokenBucket(int perMinute) {
            this.capacity = Math.max(1, perMinute);
            this.perMilli = perMinute / 60_000.0;
            this.tokens = capacity;
            this.last = -1;
        }

        synchronized boolean take(long now) {
            if (last >= 0) {
                tokens = Math.min(capacity, tokens + (now - last) * perMilli);
            }
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** True when the principal was granted {@code role} (names compare without case, like every role name). */
    public boolean holdsRole(Principal principal, String role) {
        return store.rolesOf(principal.id()).contains(AccessStore.normal(role));
    }
}
