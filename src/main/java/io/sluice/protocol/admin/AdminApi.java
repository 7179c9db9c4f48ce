package io.sluice.protocol.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.sluice.core.access.AccessControl;
import io.sluice.core.access.AdminAnswer;
import io.sluice.core.access.AdminCommand;
import io.sluice.core.access.Grant;
import io.sluice.core.access.Privilege;
import io.sluice.core.auth.Principal;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.sluice.http.Authentication;
import io.sluice.http.ErrorResponses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin API for automation, doing what the admin statements do ({@code CREATE USER}, {@code GRANT} …):
 *
 * <pre>
 * GET    /sluice/v1/admin/users                      POST /sluice/v1/admin/users {"name"}
 * DELETE /sluice/v1/admin/users/{name}               POST /sluice/v1/admin/users/{name}/keys → the new key, once
 * GET    /sluice/v1/admin/roles                      POST /sluice/v1/admin/roles {"name"}
 * DELETE /sluice/v1/admin/roles/{name}
 * POST   /sluice/v1/admin/roles/{role}/users {"user"}      DELETE /sluice/v1/admin/roles/{role}/users/{user}
 * GET    /sluice/v1/admin/grants[?role=]             POST /sluice/v1/admin/grants {"role", "privileges", "table"|"schema"}
 * POST   /sluice/v1/admin/grants/revoke {same}       DELETE /sluice/v1/admin/keys/{keyId}
 * </pre>
 *
 * Answers {@code {"rows": [{column: value}]}}; errors use the native error body. Only admins; others get 403
 * and the attempt is audited.
 */
public final class AdminApi implements io.sluice.http.HttpApi {

    private static final String BASE = "/sluice/v1/admin";

    private final AccessControl access;
    private final Authentication authentication;
    private final ObjectMapper json;

    public AdminApi(AccessControl access, Authentication authentication, ObjectMapper json) {
        this.access = access;
        this.authentication = authentication;
        this.json = json;
    }

    private interface CommandOf {
        AdminCommand of(Context context, JsonNode body);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(BASE + "/users", run((context, body) -> new AdminCommand.ShowUsers(), false));
        routes.post(BASE + "/users", run((context, body) -> new AdminCommand.CreateUser(text(body, "name"), false), true));
        routes.delete(BASE + "/users/{name}", run((context, body) -> new AdminCommand.DropUser(context.pathParam("name")), false));
        routes.post(BASE + "/users/{name}/keys", run((context, body) -> new AdminCommand.CreateApiKey(context.pathParam("name")), false));
        routes.delete(BASE + "/keys/{keyId}", run((context, body) -> new AdminCommand.DropApiKey(context.pathParam("keyId")), false));
        routes.get(BASE + "/roles", run((context, body) -> new AdminCommand.ShowRoles(), false));
        routes.post(BASE + "/roles", run((context, body) -> new AdminCommand.CreateRole(text(body, "name"), false), true));
        routes.delete(BASE + "/roles/{name}", run((context, body) -> new AdminCommand.DropRole(context.pathParam("name")), false));
        routes.post(BASE + "/roles/{role}/users", run((context, body) ->
                new AdminCommand.GrantRole(context.pathParam("role"), text(body, "user"), false), true));
        routes.delete(BASE + "/roles/{role}/users/{user}", run((context, body) ->
                new AdminCommand.GrantRole(context.pathParam("role"), context.pathParam("user"), true), false));
        routes.get(BASE + "/grants", run((context, body) -> new AdminCommand.ShowGrants(context.queryParam("role"), null), false));
        routes.post(BASE + "/grants", run((context, body) -> grant(body, false), true));
        routes.post(BASE + "/grants/revoke", run((context, body) -> grant(body, true), true));
        // ALTER ROLE r SET|UNSET <limit> for automation: STATEMENT_TIMEOUT_IN_SECONDS, SPOOL_QUOTA_BYTES, EXPORT_QUOTA_BYTES.
        routes.put(BASE + "/roles/{role}/limits/{limit}", run((context, body) -> roleLimit(context, body), true));
        routes.delete(BASE + "/roles/{role}/limits/{limit}", run((context, body) -> roleLimit(context, null), false));
    }

    /** {@code {"value": n}} sets the limit; no body (DELETE) removes it. */
    private static AdminCommand roleLimit(Context context, JsonNode body) {
        io.sluice.core.access.RoleLimit limit;
        try {
            limit = io.sluice.core.access.RoleLimit.valueOf(context.pathParam("limit").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw malformed("Unknown limit; one of " + java.util.Arrays.toString(io.sluice.core.access.RoleLimit.values()));
        }
        if (body == null) {
            return new AdminCommand.SetRoleLimit(context.pathParam("role"), limit, null);
        }
        JsonNode value = body.get("value");
        if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()
                || value.asLong() < 1 || value.asLong() > limit.max()) {
            throw malformed("'value' is required: " + limit.unit() + " between 1 and " + limit.max());
        }
        return new AdminCommand.SetRoleLimit(context.pathParam("role"), limit, value.asLong());
    }

    private Handler run(CommandOf command, boolean needsBody) {
        return context -> {
            try {
                Principal principal = authentication.require(context);
                JsonNode body = needsBody ? body(context) : null;
                AdminCommand parsed = command.of(context, body);
                if (!principal.admin()) {
                    access.auditRefusal(principal, "admin", context.method() + " " + context.path());
                }
                AdminAnswer answer = access.execute(principal, parsed);
                List<Map<String, String>> rows = new ArrayList<>();
                for (List<String> row : answer.rows()) {
                    Map<String, String> object = new LinkedHashMap<>();
                    for (int index = 0; index < answer.columns().size(); index++) {
                        object.put(answer.columns().get(index), row.get(index));
                    }
                    rows.add(object);
                }
                context.status(context.method().name().equals("POST") && !context.path().endsWith("/revoke") ? 201 : 200);
                context.json(Map.of("rows", rows));
            } catch (SluiceException e) {
                ErrorResponses.write(context, e.error(), null);
            }
        };
    }

    private JsonNode body(Context context) {
        try {
            JsonNode body = json.readTree(context.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw malformed("The body must be a JSON object");
            }
            return body;
        } catch (java.io.IOException e) {
            throw malformed("The body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw malformed("'" + field + "' is required and must be a string");
        }
        return value.asText();
    }

    private static AdminCommand grant(JsonNode body, boolean revoke) {
        String role = text(body, "role");
        JsonNode privilegesNode = body.get("privileges");
        if (privilegesNode == null || !privilegesNode.isArray() || privilegesNode.isEmpty()) {
            throw malformed("'privileges' is required: a list of SELECT, INSERT, UPDATE, DELETE or ALL");
        }
        List<Privilege> privileges = new ArrayList<>();
        for (JsonNode node : privilegesNode) {
            try {
                privileges.add(Privilege.valueOf(node.asText().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw malformed("Unknown privilege '" + node.asText() + "'");
            }
        }
        boolean table = body.hasNonNull("table");
        boolean schema = body.hasNonNull("schema");
        if (table == schema) {
            throw malformed("Give exactly one of 'table' (catalog.schema.table) or 'schema'");
        }
        String name = text(body, table ? "table" : "schema");
        List<String> parts = List.of(name.split("\\.", -1));
        if (parts.size() > 3 || parts.stream().anyMatch(String::isEmpty)) {
            throw malformed("'" + name + "' is not a valid name");
        }
        return new AdminCommand.GrantPrivileges(privileges, table ? Grant.ObjectKind.TABLE : Grant.ObjectKind.SCHEMA,
                parts, role, revoke);
    }

    private static SluiceException malformed(String message) {
        return new SluiceException(SluiceError.of(ErrorCode.MALFORMED_REQUEST, message));
    }
}
