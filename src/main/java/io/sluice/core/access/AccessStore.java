package io.sluice.core.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Users, roles, role memberships and grants, kept in one tab-separated file under the data dir and rewritten
 * atomically (temporary file, then rename) on every change. Names are lower-case: Snowflake-style names are
 * case-insensitive. Reads see a consistent copy; every request reads the current state, so a revoke takes
 * effect for the next statement.
 */
public final class AccessStore {

    private final Path file;
    /** In a cluster users, roles and grants live in this shared document instead of {@link #file}. */
    private final io.sluice.core.io.SharedLines shared;
    private final Set<String> users = new TreeSet<>();
    private final Set<String> roles = new TreeSet<>();
    /** user → roles */
    private final TreeMap<String, Set<String>> memberships = new TreeMap<>();
    private final Set<Grant> grants = new LinkedHashSet<>();
    /** role → the limits set on it (ALTER ROLE … SET), each a ceiling */
    private final TreeMap<String, java.util.EnumMap<RoleLimit, Long>> roleLimits = new TreeMap<>();
    /**
     * Each user's tightest value of each role limit, rebuilt after every change: every statement asks, and behind
     * this object's lock 32 concurrent small statements queued for it (JFR: 133 waits over 20 ms in one benchmark run).
     */
    private volatile java.util.Map<String, java.util.Map<RoleLimit, Long>> ceilings = java.util.Map.of();

    public AccessStore(Path file) {
        this.file = file;
        this.shared = null;
        load();
    }

    /**
     * Users, roles and grants shared by a cluster. Other nodes' changes arrive with {@link #refresh()}
     * (the server calls it twice a second), so a revoke on one node takes effect on the others within that.
     */
    public AccessStore(io.sluice.core.io.SharedDocument document) {
        this.file = null;
        this.shared = new io.sluice.core.io.SharedLines(document, this::reload);
        shared.reload();
    }

    /** Picks up changes other nodes made (a cheap version check when nothing changed). */
    public synchronized void refresh() {
        if (shared != null) {
            shared.refresh();
        }
    }

    private void reload(List<String> lines) {
        users.clear();
        roles.clear();
        memberships.clear();
        grants.clear();
        roleLimits.clear();
        parse(lines);
        publishCeilings();
    }

    private void publishCeilings() {
        java.util.Map<String, java.util.Map<RoleLimit, Long>> byUser = new java.util.HashMap<>();
        memberships.forEach((user, userRoles) -> {
            java.util.EnumMap<RoleLimit, Long> tightest = new java.util.EnumMap<>(RoleLimit.class);
            for (String role : userRoles) {
                roleLimits.getOrDefault(role, new java.util.EnumMap<>(RoleLimit.class))
                        .forEach((limit, value) -> tightest.merge(limit, value, Math::min));
            }
            if (!tightest.isEmpty()) {
                byUser.put(user, java.util.Collections.unmodifiableMap(tightest));
            }
        });
        ceilings = java.util.Map.copyOf(byUser);
    }

    /**
     * Applies a change and stores it; in a cluster to the latest version, written only if nobody wrote in
     * between (otherwise applied again to the newer version).
     */
    private boolean change(java.util.function.BooleanSupplier mutation) {
        if (shared != null) {
            return shared.change(() -> {
                boolean result = mutation.getAsBoolean();
                publishCeilings();
                return result;
            }, this::lines);
        }
        try {
            boolean result = mutation.getAsBoolean();
            save();
            return result;
        } finally {
            publishCeilings();
        }
    }

    static String normal(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public synchronized boolean hasUser(String user) {
        return users.contains(normal(user));
    }

    public synchronized boolean hasRole(String role) {
        return roles.contains(normal(role));
    }

    public synchronized List<String> users() {
        return List.copyOf(users);
    }

    public synchronized List<String> roles() {
        return List.copyOf(roles);
    }

    public synchronized boolean addUser(String user) {
        return change(() -> users.add(normal(user)));
    }

    public synchronized boolean addRole(String role) {
        return change(() -> roles.add(normal(role)));
    }

    public synchronized boolean dropUser(String user) {
        return change(() -> {
            boolean removed = users.remove(normal(user));
            memberships.remove(normal(user));
            return removed;
        });
    }

    public synchronized boolean dropRole(String role) {
        String name = normal(role);
        return change(() -> {
            boolean removed = roles.remove(name);
            memberships.values().forEach(set -> set.remove(name));
            grants.removeIf(grant -> grant.role().equals(name));
            roleLimits.remove(name);
            return removed;
        });
    }

    public synchronized boolean addMember(String role, String user) {
        return change(() -> memberships.computeIfAbsent(normal(user), ignored -> new TreeSet<>()).add(normal(role)));
    }

    public synchronized boolean removeMember(String role, String user) {
        return change(() -> {
            Set<String> set = memberships.get(normal(user));
            return set != null && set.remove(normal(role));
        });
    }

    public synchronized Set<String> rolesOf(String user) {
        Set<String> set = memberships.get(normal(user));
        return set == null ? Set.of() : Set.copyOf(set);
    }

    public synchronized TreeMap<String, Set<String>> memberships() {
        TreeMap<String, Set<String>> copy = new TreeMap<>();
        memberships.forEach((user, set) -> copy.put(user, new TreeSet<>(set)));
        return copy;
    }

    public synchronized boolean addGrant(Grant grant) {
        return change(() -> grants.add(grant));
    }

    public synchronized boolean removeGrant(Grant grant) {
        return change(() -> grants.remove(grant));
    }

    public synchronized List<Grant> grants() {
        return List.copyOf(grants);
    }

    /** Sets (or with null removes) a role's statement timeout ceiling. */
    public synchronized void roleTimeout(String role, Long seconds) {
        roleLimit(role, RoleLimit.STATEMENT_TIMEOUT_IN_SECONDS, seconds);
    }

    /** Sets (or with null removes) one limit of a role. */
    public synchronized void roleLimit(String role, RoleLimit limit, Long value) {
        change(() -> {
            String name = normal(role);
            if (value == null) {
                java.util.EnumMap<RoleLimit, Long> set = roleLimits.get(name);
                boolean removed = set != null && set.remove(limit) != null;
                if (set != null && set.isEmpty()) {
                    roleLimits.remove(name);
                }
                return removed;
            }
            return !value.equals(roleLimits.computeIfAbsent(name, ignored -> new java.util.EnumMap<>(RoleLimit.class))
                    .put(limit, value));
        });
    }

    /** The tightest statement timeout ceiling among the user's roles, if any has one. */
    public java.util.OptionalLong timeoutCeilingSeconds(String user) {
        return tightestRoleLimit(user, RoleLimit.STATEMENT_TIMEOUT_IN_SECONDS);
    }

    /** The tightest value of {@code limit} among the user's roles, if any sets it (no lock: a snapshot). */
    public java.util.OptionalLong tightestRoleLimit(String user, RoleLimit limit) {
        Long ceiling = ceilings.getOrDefault(normal(user), java.util.Map.of()).get(limit);
        return ceiling == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(ceiling);
    }

    public synchronized java.util.Map<String, Long> roleTimeouts() {
        java.util.Map<String, Long> timeouts = new TreeMap<>();
        roleLimits.forEach((role, set) -> {
            Long seconds = set.get(RoleLimit.STATEMENT_TIMEOUT_IN_SECONDS);
            if (seconds != null) {
                timeouts.put(role, seconds);
            }
        });
        return timeouts;
    }

    /** True when one of the user's roles grants {@code privilege} on {@code table} (catalog.schema.table). */
    public synchronized boolean allows(String user, Privilege privilege, String table) {
        Set<String> userRoles = memberships.getOrDefault(normal(user), Set.of());
        for (Grant grant : grants) {
            if (userRoles.contains(grant.role()) && grant.allows(privilege, table)) {
                return true;
            }
        }
        return false;
    }

    /** True when one of the user's roles holds any grant on a table or schema of {@code catalog} (lower case). */
    public synchronized boolean grantsIn(String user, String catalog) {
        Set<String> userRoles = memberships.getOrDefault(normal(user), Set.of());
        for (Grant grant : grants) {
            if (userRoles.contains(grant.role()) && grant.object().startsWith(catalog + ".")) {
                return true;
            }
        }
        return false;
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            publishCeilings();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read access control from " + file, e);
        }
    }

    private void parse(List<String> lines) {
        {
            for (String line : lines) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                switch (fields[0]) {
                    case "user" -> users.add(fields[1]);
                    case "role" -> roles.add(fields[1]);
                    case "member" -> memberships.computeIfAbsent(fields[2], ignored -> new TreeSet<>()).add(fields[1]);
                    case "grant" -> grants.add(new Grant(fields[1], Privilege.valueOf(fields[2]),
                            Grant.ObjectKind.valueOf(fields[3]), fields[4]));
                    case "role-timeout" -> roleLimits.computeIfAbsent(fields[1], ignored -> new java.util.EnumMap<>(RoleLimit.class))
                            .put(RoleLimit.STATEMENT_TIMEOUT_IN_SECONDS, Long.parseLong(fields[2]));
                    case "role-limit" -> {
                        RoleLimit limit = roleLimit(fields[2]);
                        if (limit != null) {
                            roleLimits.computeIfAbsent(fields[1], ignored -> new java.util.EnumMap<>(RoleLimit.class))
                                    .put(limit, Long.parseLong(fields[3]));
                        }
                    }
                    default -> {
                        // a newer version's record: kept out rather than misread
                    }
                }
            }
        }
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("# users, roles, role memberships (member, role, user) and grants (grant, role, privilege, TABLE|SCHEMA, object)");
        users.forEach(user -> lines.add("user\t" + clean(user)));
        roles.forEach(role -> lines.add("role\t" + clean(role)));
        memberships.forEach((user, set) -> set.forEach(role -> lines.add("member\t" + clean(role) + "\t" + clean(user))));
        grants.forEach(grant -> lines.add(String.join("\t", "grant", clean(grant.role()), grant.privilege().name(),
                grant.on().name(), clean(grant.object()))));
        // The timeout keeps the line it had before other limits existed, so older files and versions agree.
        roleLimits.forEach((role, set) -> set.forEach((limit, value) -> lines.add(limit == RoleLimit.STATEMENT_TIMEOUT_IN_SECONDS
                ? "role-timeout\t" + clean(role) + "\t" + value
                : "role-limit\t" + clean(role) + "\t" + limit.name() + "\t" + value)));
        return lines;
    }

    private void save() {
        List<String> lines = lines();
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write access control to " + file, e);
        }
    }

    /** A limit by name; null for one of a newer version (kept out rather than misread). */
    private static RoleLimit roleLimit(String name) {
        try {
            return RoleLimit.valueOf(name);
        } catch (IllegalArgumentException newer) {
            return null;
        }
    }

    /** Names never hold tabs or line breaks in the file (the parser refuses none, so they are replaced). */
    private static String clean(String value) {
        return value.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
