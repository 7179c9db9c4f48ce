package io.sluice.http;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the one HTTP port listens and what it accepts.
 *
 * @param host interface to bind ("0.0.0.0" for all)
 * @param port TCP port; 0 picks a free one
 * @param maxRequestBytes request bodies above this are refused with 413
 * @param idleTimeoutMillis idle connections are closed after this
 * @param maxThreads request threads; each streaming client holds one while its rows flow
 * @param limits what one request and one connection may send before it is refused or cut off
 * @param tls when not null, the port speaks TLS (HTTP/2 and HTTP/1.1 chosen by ALPN) instead of cleartext
 * @param publicUrl how clients reach this server ({@code scheme://host[:port]}, e.g. {@code https://sluice.example.com}),
 *     the base of every link
 *     the server hands out; empty for the listener's own address. Never taken from a request's {@code Host}
 *     header, which the client chooses.
 * @param managementPort when above 0, a second cleartext port on the same host that serves only {@code /metrics}
 *     (without a key: keep it off public networks) and {@code /health/*}, for a scraper inside the cluster
 */
public record HttpServerConfig(String host, int port, long maxRequestBytes, long idleTimeoutMillis, int maxThreads,
                               Limits limits, Tls tls, String publicUrl, int managementPort) {

    public HttpServerConfig(String host, int port, long maxRequestBytes, long idleTimeoutMillis, int maxThreads,
                            Limits limits, Tls tls, String publicUrl) {
        this(host, port, maxRequestBytes, idleTimeoutMillis, maxThreads, limits, tls, publicUrl, 0);
    }

    public HttpServerConfig(String host, int port, long maxRequestBytes, long idleTimeoutMillis, int maxThreads,
                            Limits limits, Tls tls) {
        this(host, port, maxRequestBytes, idleTimeoutMillis, maxThreads, limits, tls, "");
    }

    /**
     * @param maxRequestHeaderBytes request line plus headers (HTTP/1.1) or the decoded header list (HTTP/2);
     *     more is refused with 431 (414 when the request line alone is too long)
     * @param maxUriBytes the request target (path and query); longer is refused with 414
     * @param headerTimeoutMillis a client must finish sending a request's line and headers within this, however
     *     slowly it trickles them in; otherwise its connection is closed (slowloris: the idle timeout alone never
     *     fires while a byte arrives now and then)
     * @param h2MaxConcurrentStreams HTTP/2 streams one connection may have open at once; more are refused
     * @param h2MaxHeaderTableBytes HPACK dynamic table size a client may make the server keep per connection
     */
    public record Limits(int maxRequestHeaderBytes, int maxUriBytes, long headerTimeoutMillis, int h2MaxConcurrentStreams,
                         int h2MaxHeaderTableBytes) {

        public static final Limits DEFAULT = new Limits(16 * 1024, 8 * 1024, 10_000, 128, 4096);

        public Limits {
            if (maxRequestHeaderBytes < 1024 || maxUriBytes < 256 || headerTimeoutMillis < 1
                    || h2MaxConcurrentStreams < 1 || h2MaxHeaderTableBytes < 0) {
                throw new IllegalArgumentException("HTTP limits out of range: headers at least 1024 bytes, URIs at least"
                        + " 256, header timeout and HTTP/2 streams at least 1, header table not negative");
            }
        }
    }

    /**
     * A key store (PKCS12 or JKS) with the server's private key and certificate chain.
     *
     * @param keyPassword the private key's password; null when it is the key store's
     */
    public record Tls(Path keystore, String keystorePassword, String keyPassword, String keystoreType) {

        public Tls {
            Objects.requireNonNull(keystore, "keystore");
            Objects.requireNonNull(keystorePassword, "http.tls.keystorePassword is required with http.tls.keystore");
            Objects.requireNonNull(keystoreType, "keystoreType");
        }

        /** Passwords stay out of logs and error messages. */
        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + ", type=" + keystoreType + "]";
        }
    }

    public HttpServerConfig {
        if (maxThreads < 8) {
            throw new IllegalArgumentException("http.maxThreads must be at least 8");
        }
        Objects.requireNonNull(limits, "limits");
        publicUrl = publicBase(publicUrl);
        if (managementPort < 0 || managementPort > 65_535 || (managementPort > 0 && managementPort == port)) {
            throw new IllegalArgumentException("http.managementPort must be 0 (none) or a port other than http.port, got "
                    + managementPort);
        }
    }

    /**
     * An absolute http(s) URL without path, query or fragment (links carry absolute paths, which would replace a
     * path here), trailing slashes removed; empty when not configured.
     */
    private static String publicBase(String url) {
        String trimmed = url == null ? "" : url.strip().replaceAll("/+$", "");
        if (trimmed.isEmpty()) {
            return "";
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(trimmed);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("http.publicUrl is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            throw new IllegalArgumentException("http.publicUrl must be an absolute http:// or https:// URL without path"
                    + " or query, e.g. https://sluice.example.com");
        }
        return trimmed;
    }

    public static HttpServerConfig defaults() {
        return new HttpServerConfig("0.0.0.0", 8080, 10L * 1024 * 1024, 60_000, 512, Limits.DEFAULT, null);
    }

    public HttpServerConfig withPort(int newPort) {
        return new HttpServerConfig(host, newPort, maxRequestBytes, idleTimeoutMillis, maxThreads, limits, tls, publicUrl, managementPort);
    }

    public HttpServerConfig withLimits(Limits newLimits) {
        return new HttpServerConfig(host, port, maxRequestBytes, idleTimeoutMillis, maxThreads, newLimits, tls, publicUrl, managementPort);
    }

    public HttpServerConfig withTls(Tls newTls) {
        return new HttpServerConfig(host, port, maxRequestBytes, idleTimeoutMillis, maxThreads, limits, newTls, publicUrl, managementPort);
    }

    public HttpServerConfig withIdleTimeoutMillis(long millis) {
        return new HttpServerConfig(host, port, maxRequestBytes, millis, maxThreads, limits, tls, publicUrl, managementPort);
    }

    public HttpServerConfig withMaxThreads(int threads) {
        return new HttpServerConfig(host, port, maxRequestBytes, idleTimeoutMillis, threads, limits, tls, publicUrl, managementPort);
    }

    public HttpServerConfig withPublicUrl(String url) {
        return new HttpServerConfig(host, port, maxRequestBytes, idleTimeoutMillis, maxThreads, limits, tls, url, managementPort);
    }

    public HttpServerConfig withManagementPort(int newManagementPort) {
        return new HttpServerConfig(host, port, maxRequestBytes, idleTimeoutMillis, maxThreads, limits, tls, publicUrl,
                newManagementPort);
    }
}
