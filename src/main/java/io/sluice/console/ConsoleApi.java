package io.sluice.console;

import io.javalin.config.RoutesConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sluice.core.access.AccessControl;
import io.sluice.core.auth.Principal;
import io.sluice.core.engine.Engine;
import io.sluice.http.Authentication;
import io.sluice.http.HttpApi;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Serves the web console's static files: the page at {@code /} and its script and style under
 * {@code /console/}. They hold no data, so they need no credential; every data call the page makes goes to
 * the native API with the API key the user signed in with. Only the files the console build produces are
 * served (a fixed list, so no path from the URL ever reaches the class path). One data call is the console's own:
 * {@code GET /console/catalog}, the tables and columns the signed-in key may see (see {@link ConsoleCatalog}).
 */
public final class ConsoleApi implements HttpApi {

    static final String RESOURCE_FOLDER = "static/";

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js.LEGAL.txt", "text/plain; charset=utf-8");

    /**
     * Scripts and styles only from Sluice itself; CodeMirror writes its own style elements, hence inline
     * styles; downloads are handed to the browser as blob links.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Authentication authentication;
    private final ConsoleCatalog catalog;

    public ConsoleApi(Authentication authentication, Engine engine, AccessControl access, BufferAllocator allocator) {
        this.authentication = authentication;
        this.catalog = new ConsoleCatalog(engine, access, allocator);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", context -> serve(context, "index.html"));
        routes.get("/console/catalog", this::catalog);
        routes.get("/console", context -> context.redirect("/"));
        routes.get("/console/", context -> context.redirect("/"));
        routes.get("/console/{file}", context -> serve(context, context.pathParam("file")));
    }

    private void catalog(Context context) throws IOException {
        Principal principal = authentication.require(context);
        context.header("Cache-Control", "no-store").contentType("application/json")
                .result(JSON.writeValueAsBytes(catalog.visibleTo(principal)));
    }

    private static void serve(Context context, String file) throws IOException {
        String contentType = FILES.get(file);
        InputStream content = contentType == null ? null : ConsoleApi.class.getResourceAsStream(RESOURCE_FOLDER + file);
        if (content == null) {
            context.status(404).contentType("text/plain; charset=utf-8")
                    .result(contentType == null ? "Not found" : "The console was not built into this jar (run the Maven build with npm available)");
            return;
        }
        try (content) {
            context.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Cache-Control", "no-cache")
                    .contentType(contentType)
                    .result(content.readAllBytes());
        }
    }
}
