package io.sluice.testing;

import io.sluice.engine.trino.TrinoConfig;
import io.sluice.server.EngineSettings;
import io.sluice.server.SluiceConfig;
import java.nio.file.Path;
import java.util.List;

/** A Sluice test server whose {@code tpch} and {@code memory} catalogs are served by the shared test Trino. */
public final class TrinoSluice {

    public static final List<String> CATALOGS = List.of("tpch", "memory");

    private TrinoSluice() {
    }

    public static SluiceTestServer start(Path data) {
        return start(data, TrinoCluster.shared().url());
    }

    /** A server pointed at {@code trinoUrl}, which need not answer (for the outage tests). */
    public static SluiceTestServer start(Path data, String trinoUrl) {
        return new SluiceTestServer(SluiceConfig.defaults(data)
                .withEngines(EngineSettings.trino(TrinoConfig.of(trinoUrl, CATALOGS))), true);
    }
}
