package io.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.http.HttpServerConfig;
import io.sluice.server.SluiceConfig;
import io.sluice.testing.SluiceTestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from configuration: a key store made with the JDK's keytool at test time, a real HTTPS client that trusts
 * only that certificate, HTTP/2 chosen by ALPN, and cleartext refused on the TLS port.
 */
@Tag("security")
class TlsTest {

    private static final String PASSWORD = "changeit-test-only";

    @TempDir
    static Path data;
    static SluiceTestServer sluice;
    static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = data.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "sluice", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        SluiceConfig defaults = SluiceConfig.defaults(data.resolve("data"));
        HttpServerConfig.Limits limits = HttpServerConfig.Limits.DEFAULT;
        sluice = new SluiceTestServer(defaults.withHttp(defaults.http()
                .withLimits(new HttpServerConfig.Limits(limits.maxRequestHeaderBytes(), limits.maxUriBytes(), 1_500,
                        limits.h2MaxConcurrentStreams(), limits.h2MaxHeaderTableBytes()))
                .withTls(new HttpServerConfig.Tls(keystore, PASSWORD, null, "PKCS12"))), false);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, factory.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    private static HttpResponse<String> query(HttpClient.Version version) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + sluice.server.port() + "/sluice/v1/query?format=csv"))
                        .header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT 41 + 1 AS answer\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void http2OverTlsIsNegotiatedByAlpn() throws Exception {
        HttpResponse<String> response = query(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("answer\n42\n");
    }

    @Test
    void http11OverTlsWorksToo() throws Exception {
        HttpResponse<String> response = query(HttpClient.Version.HTTP_1_1);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.body()).isEqualTo("answer\n42\n");
    }

    @Test
    void linksTheServerBuildsUseHttps() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).build();
        HttpResponse<String> submitted = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + sluice.server.port()
                        + "/sluice/v1/statements")).header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT 1 AS n\", \"export\": {\"format\": \"csv\"}, \"waitMs\": 10000}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
        String id = SluiceTestServer.json(submitted).get("id").asText();
        HttpResponse<String> status = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            status = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + sluice.server.port()
                    + "/sluice/v1/statements/" + id)).header("Authorization", "Bearer " + SluiceTestServer.ADMIN_KEY).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (status.body().contains("\"urls\"") || status.body().contains("https://")) {
                break;
            }
            Thread.sleep(100);
        }
        // The listener's own address (without http.publicUrl the Host header, which the client picks, is not used).
        assertThat(status.body()).containsPattern("https://(127\\.0\\.0\\.1|\\[[0-9a-f:]+\\]):" + sluice.server.port()
                + "/sluice/exports/");
    }

    @Test
    void aClientTricklingItsHandshakeIsCutOff() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", sluice.server.port())) {
            socket.setSoTimeout(100);
            var out = socket.getOutputStream();
            // A TLS record header announcing a 512-byte handshake message, whose bytes then come one every 50 ms.
            out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
            long started = System.nanoTime();
            boolean closed = false;
            for (int sent = 0; sent < 400 && !closed; sent++) {
                try {
                    out.write(0x01);
                    out.flush();
                    closed = socket.getInputStream().read() == -1;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // the server still waits for the rest of the record
                } catch (java.io.IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed long before the 60 s idle timeout").isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1_500).isLessThan(15_000);
        }
        assertThat(query(HttpClient.Version.HTTP_2).statusCode()).isEqualTo(200);
    }

    @Test
    void cleartextOnTheTlsPortIsRefused() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> {
            HttpResponse<String> response = plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + sluice.server.port()
                    + "/health/live")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            // Jetty may answer a plain request on a TLS port with a 400 instead of closing: never with the page.
            if (response.statusCode() != 200) {
                throw new java.io.IOException("refused with " + response.statusCode());
            }
        }).isInstanceOf(java.io.IOException.class);
    }
}
