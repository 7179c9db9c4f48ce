package io.sluice.http;

/**
 * @param host interface to bind ("0.0.0.0" for all)
 * @param port TCP port; 0 picks a free one
 * @param maxRequestBytes request bodies above this are refused with 413
 * @param idleTimeoutMillis idle connections are closed after this
 * @param maxThreads request threads; each streaming client holds one while its rows flow
 */
public record HttpServerConfig(String host, int port, long maxRequestBytes, long idleTimeoutMillis, int maxThreads) {

    public HttpServerConfig {
        if (maxThreads < 8) {
            throw new IllegalArgumentException("http.maxThreads must be at least 8");
        }
    }

    public static HttpServerConfig defaults() {
        return new HttpServerConfig("0.0.0.0", 8080, 10L * 1024 * 1024, 60_000, 512);
    }

    public HttpServerConfig withPort(int newPort) {
        return new HttpServerConfig(host, newPort, maxRequestBytes, idleTimeoutMillis, maxThreads);
    }
}
