package io.sluice.protocol.trino;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Sluice serving HTTPS with a self-signed certificate made by the JDK's keytool for the test (Trino's
 * clients send a password or an access token only over TLS), and where that key store is, for the clients to
 * trust it.
 */
record TlsSluice(SluiceTestServer server, Path keystore) implements AutoCloseable {

    static final String PASSWORD = "changeit-test-only";

    static TlsSluice start(Path directory, Duration clientTimeout) throws Exception {
        return start(directory, clientTimeout, java.util.function.UnaryOperator.identity());
    }

    /** With {@code configure} applied to the configuration (another engine, say). */
    static TlsSluice start(Path directory, Duration clientTimeout, java.util.function.UnaryOperator<SluiceConfig> configure)
            throws Exception {
        Path keystore = directory.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "sluice", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        SluiceConfig defaults = SluiceConfig.defaults(directory.resolve("data"));
        SluiceTestServer server = new SluiceTestServer(configure.apply(defaults.withTrinoClientTimeout(clientTimeout)
                .withHttp(defaults.http().withTls(new HttpServerConfig.Tls(keystore, PASSWORD, null, "PKCS12")))), false);
        return new TlsSluice(server, keystore);
    }

    int port() {
        return server.server.port();
    }

    /** A request of the native API over TLS with the admin's key, trusting only the test's certificate; the body. */
    String adminRequest(String method, String path, String body) throws Exception {
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(keystore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(tls).build()) {
            return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + port() + path))
                    .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
