package io.sluice.server;

import io.sluice.core.access.AccessControl;
import io.sluice.core.access.AccessStore;
import io.sluice.core.access.AuditLog;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.PublicKeyStore;
import io.sluice.core.statement.StatementService;
import io.sluice.engine.duckdb.DuckDbAuditTable;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Puts access control in front of every statement: grants under {@code data/security/access.tsv}, the audit
 * log in {@code data/audit/audit.log} (rotated and compressed, kept for {@code audit.retentionDays}) and the engine's
 * {@code sluice.audit} table. {@code SLUICE_AUDIT_SQL=false}
 * keeps statement texts out of the audit (their SHA-256 stays).
 */
final class AccessWiring {

    private AccessWiring() {
    }

    /** @param engines resolves granted names, Trino's catalogs included; the audit table stays in DuckDB */
    /** @param cluster in a cluster, where every node's audit records meet (null on a single node) */
    static AccessControl guard(StatementService statements, io.sluice.engine.duckdb.DuckDbDatabase engine, io.sluice.core.engine.Engine engines,
                               ApiKeyStore keys, PublicKeyStore publicKeys, AccessStore store, Path data, Clock clock,
                               java.time.Duration auditRetention, io.sluice.storage.postgres.PostgresAudit cluster) {
        AuditLog audit = new AuditLog(data.resolve("audit").resolve("audit.log"),
                new AuditLog.Retention(AuditLog.Retention.DEFAULT.rotateBytes(), auditRetention), Clock.systemUTC());
        DuckDbAuditTable table = new DuckDbAuditTable(engine, auditRetention, Clock.systemUTC());
        audit.addSink(table);
        if (cluster != null) {
            // A lambda, not the object: the cluster closes its audit copy itself, after the last records went out.
            audit.addSink(cluster::accept);
            cluster.retainFor(auditRetention);
            cluster.copyOthersInto(table, data.resolve("audit").resolve("cluster-audit.position"));
        }
        boolean auditText = !"false".equalsIgnoreCase(System.getenv("SLUICE_AUDIT_SQL"));
        AccessControl access = new AccessControl(store, keys, publicKeys, engines, audit, clock, auditText);
        statements.guardWith(access);
        return access;
    }
}
