package io.sluice.core.engine;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Session settings a statement runs with. {@code catalog} and {@code schema} resolve unqualified names
 * (null means the engine's default). {@code timeZone} is how TIMESTAMP WITH TIME ZONE values are rendered
 * by encoders; engines evaluate in UTC because their configuration is locked against changes.
 * {@code user} is the principal's name, for engines that run statements under the caller's identity.
 * {@code dialect} is whose function names the SQL uses (see {@link SqlDialect}).
 */
public record SessionContext(String catalog, String schema, ZoneId timeZone, String user, SqlDialect dialect) {

    public static final SessionContext DEFAULT = new SessionContext(null, null, ZoneOffset.UTC, null);

    public SessionContext {
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(dialect, "dialect");
    }

    /** A session in the engine's own SQL. */
    public SessionContext(String catalog, String schema, ZoneId timeZone, String user) {
        this(catalog, schema, timeZone, user, SqlDialect.ENGINE);
    }
}
