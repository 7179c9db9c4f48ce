package io.sluice.protocol.nekt;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.SluiceException;
import io.sluice.core.export.ExportResult;
import io.sluice.core.export.ExportSpec;
import io.sluice.core.export.Exporter;
import io.sluice.core.statement.StatementRequest;
import io.sluice.http.Authentication;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nekt Data API's SQL query endpoint: {@code POST /api/v1/sql-query/} (with or without the trailing
 * slash) runs the SQL, writes the result as CSV or Parquet files into the export store and answers with
 * links to them. Synchronous, as the reference describes it. Authentication: {@code x-api-key}.
 *
 * <p>Errors: 401 {@code {"detail": …}} without a valid key; 400 with DRF-style field errors
 * ({@code {"mode": ["\"xml\" is not a valid choice."]}}) for a request that cannot run; a statement or
 * export that fails answers {@code {"state": "FAILED" | "CANCELLED", "presigned_urls": [], "error": …}}
 * with the status of its category (400 SQL error, 429 quota, 503 store unavailable, 504 timeout).
 */
public final class NektApi implements io.sluice.http.HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(NektApi.class);
    static final String PATH = "/api/v1/sql-query";

    private final Exporter exporter;
    private final Authentication authentication;
    private final ObjectMapper json;

    public NektApi(Exporter exporter, Authentication authentication, ObjectMapper json) {
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH + "/", this::sqlQuery);
        routes.post(PATH, this::sqlQuery);
    }

    private void sqlQuery(Context context) {
        Principal principal;
        try {
            principal = authentication.require(context);
        } catch (SluiceException e) {
            context.status(401).header("WWW-Authenticate", "x-api-key")
                    .json(Map.of("detail", "Authentication credentials were not provided or are not valid."));
            return;
        }
        NektRequest request;
        String sql;
        ExportSpec spec;
        try {
            request = NektRequest.of(body(context));
            sql = NektMapper.sql(request);
            spec = NektMapper.spec(request);
        } catch (NektMapper.InvalidRequest invalid) {
            Map<String, java.util.List<String>> errors = NektMapper.fieldErrors(invalid);
            context.status(400).json(errors.containsKey("detail") ? Map.of("detail", errors.get("detail").get(0)) : errors);
            return;
        } catch (SluiceException unreadable) {
            // A body past the size limit (413) or not UTF-8 (400): DRF answers such requests with a "detail".
            context.status(NektMapper.status(unreadable.error())).json(Map.of("detail", unreadable.error().message()));
            return;
        }
        try {
            ExportResult result = exporter.export(principal, new StatementRequest(sql, Parameters.NONE,
                    SessionContext.DEFAULT, null, 0, null, null, "nekt").withClient(io.sluice.http.ClientConnections.of(context)), spec);
            context.json(NektMapper.succeeded(result, requestBase(context)));
        } catch (SluiceException e) {
            io.sluice.http.ErrorResponses.retryAfter(context, e.error());
            context.status(NektMapper.status(e.error())).json(NektMapper.failed(e.error()));
        } catch (RuntimeException e) {
            LOG.error("nekt sql-query failed", e);
            context.status(500).json(NektResponse.failed("FAILED", "Internal error while running the query"));
        }
    }

    private JsonNode body(Context context) {
        String text = io.sluice.http.RequestBodies.utf8(context);
        if (text.isBlank()) {
            throw new NektMapper.InvalidRequest("sql", "This field is required.");
        }
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw new NektMapper.InvalidRequest("non_field_errors", "Invalid data. Expected a dictionary.");
            }
            return node;
        } catch (JacksonException e) {
            throw new NektMapper.InvalidRequest("detail", "JSON parse error - " + io.sluice.http.JsonBodies.describe(e));
        }
    }

    /** Links of the local store are relative to this server: completed with http.publicUrl or the listener's address. */
    private static URI requestBase(Context context) {
        return io.sluice.http.RequestAddress.base(context);
    }
}
