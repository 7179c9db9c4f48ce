package io.sluice.protocol.ncp;

import io.sluice.core.statement.StatementStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * What Data Query shows about a query that the core does not keep (its project, whether reuse was asked,
 * the dataSource and database it ran with). They travel as the statement's tags, stored with its status,
 * so the history and the errors of a query look the same through every node of a cluster and after a restart.
 */
record NcpQueryTags(Long projectId, boolean isReuse, String dataSource, String database) {

    private static final String PROJECT_ID = "ncp.projectId";
    private static final String IS_REUSE = "ncp.isReuse";
    private static final String DATA_SOURCE = "ncp.dataSource";
    private static final String DATABASE = "ncp.database";

    Map<String, String> tags() {
        Map<String, String> tags = new HashMap<>();
        tags.put(PROJECT_ID, projectId == null ? null : projectId.toString());
        tags.put(IS_REUSE, Boolean.toString(isReuse));
        tags.put(DATA_SOURCE, dataSource);
        tags.put(DATABASE, database);
        return tags;
    }

    static NcpQueryTags of(StatementStatus status) {
        String project = status.tag(PROJECT_ID);
        Long projectId = null;
        if (project != null) {
            try {
                projectId = Long.valueOf(project);
            } catch (NumberFormatException e) {
                projectId = null; // only ever written from a long; a hand-edited status just loses it
            }
        }
        return new NcpQueryTags(projectId, Boolean.parseBoolean(status.tag(IS_REUSE)), status.tag(DATA_SOURCE),
                status.tag(DATABASE));
    }

    NcpErrors.SessionNames session() {
        return new NcpErrors.SessionNames(dataSource, database);
    }
}
