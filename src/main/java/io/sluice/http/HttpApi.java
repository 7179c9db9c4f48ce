package io.sluice.http;

import io.javalin.config.RoutesConfig;

/** One protocol's routes. Each adapter (native, druid, snowflake, …) registers its own and nothing else's. */
public interface HttpApi {
    void register(RoutesConfig routes);
}
