package io.sluice.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.SluiceException;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicKeyStoreTest {

    @TempDir
    Path data;

    private static PublicKey newKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPublic();
    }

    @Test
    void keysSurviveARestartAndAreFoundByUserIgnoringCase() throws Exception {
        Path file = data.resolve("security").resolve("rsa-public-keys.tsv");
        PublicKey key = newKey();
        Principal bob = new Principal("bob", "bob", false);
        String fingerprint = new PublicKeyStore(file).register(bob, 1,
                Base64.getMimeEncoder().encodeToString(key.getEncoded()));
        String expected = "SHA256:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        assertThat(fingerprint).isEqualTo(expected);

        PublicKeyStore reloaded = new PublicKeyStore(file);
        assertThat(reloaded.find("BOB", fingerprint)).hasValueSatisfying(found -> {
            assertThat(found.principal()).isEqualTo(bob);
            assertThat(found.key().getEncoded()).isEqualTo(key.getEncoded());
        });
        assertThat(reloaded.find("bob", "SHA256:other")).isEmpty();
        assertThat(reloaded.unregister("Bob", 1)).isTrue();
        assertThat(new PublicKeyStore(file).find("bob", fingerprint)).isEmpty();
    }

    @Test
    void rejectsWhatIsNotAnRsaPublicKey() {
        PublicKeyStore store = new PublicKeyStore(data.resolve("keys.tsv"));
        Principal bob = new Principal("bob", "bob", false);
        assertThatThrownBy(() -> store.register(bob, 1, "not base64!")).isInstanceOf(SluiceException.class);
        assertThatThrownBy(() -> store.register(bob, 1, "AAAA")).isInstanceOf(SluiceException.class);
        assertThatThrownBy(() -> store.register(bob, 3, "AAAA")).isInstanceOf(SluiceException.class);
    }
}
