package io.sluice.protocol.ncp;

import io.sluice.core.types.SqlType;

/** A column as this protocol lists it, in Trino's type vocabulary ({@link io.sluice.format.trino.TrinoTypes}). */
final class TrinoTypes {

    static final int TIME_PRECISION = io.sluice.format.trino.TrinoTypes.TIME_PRECISION;

    private TrinoTypes() {
    }

    static NcpResponses.Column column(String name, SqlType type) {
        return new NcpResponses.Column(name, io.sluice.format.trino.TrinoTypes.name(type),
                io.sluice.format.trino.TrinoTypes.signature(type));
    }
}
