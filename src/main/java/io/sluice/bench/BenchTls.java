package io.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for a benchmark server, made by the JDK's keytool as the Trino tests make theirs:
 * trino-jdbc sends an access token only over HTTPS, so the Sluice it measures must serve TLS.
 */
record BenchTls(Path keystore, String password) {

    /** A new EC key and certificate for localhost and 127.0.0.1 in {@code directory}/server.p12. */
    static BenchTls generate(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path keystore = directory.resolve("server.p12");
        Files.deleteIfExists(keystore);
        String password = "bench-only-" + Long.toHexString(System.nanoTime());
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "sluice", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool could not make the benchmark's certificate: " + output);
        }
        return new BenchTls(keystore, password);
    }

    /** The server's configuration lines that turn TLS on with this key store (docs/configuration.md). */
    String serverConfig() {
        return "http.tls.keystore=" + keystore + "\nhttp.tls.keystorePassword=" + password + "\nhttp.tls.keystoreType=PKCS12\n";
    }

    /** A TLS context that trusts this certificate only. */
    SSLContext clientContext() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, password.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** trino-jdbc's connection properties for a server with this certificate. */
    void addTo(Properties properties) {
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", keystore.toString());
        properties.setProperty("SSLTrustStorePassword", password);
        properties.setProperty("SSLTrustStoreType", "PKCS12");
    }
}
