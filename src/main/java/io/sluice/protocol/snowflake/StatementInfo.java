package io.sluice.protocol.snowflake;

import java.time.Instant;

/**
 * What the Snowflake adapter remembers about a statement beyond the core's status: how its values are
 * written (the request's session parameters), its QUERY_TAG, its leading keyword (to name DML counts),
 * and when it was remembered (to forget it with the statement's retention).
 */
record StatementInfo(OutputSettings output, String queryTag, String keyword, Instant rememberedAt) {

    static StatementInfo defaults(Instant now) {
        return new StatementInfo(OutputSettings.DEFAULT, null, "", now);
    }
}
