package io.sluice.protocol.ncp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.auth.ApiKey;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.MasterKey;
import io.sluice.core.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key store keeps what NCP signatures need — each secret sealed under the master key, never in plain text. */
class NcpSigningKeysTest {

    private static final Principal ALICE = new Principal("alice", "alice", false);
    private static final ApiKey KEY = new ApiKey("alicekey", "alice-secret-0123456789");

    @TempDir
    Path directory;

    @Test
    void secretsAreSealedAtRestAndOpenForSigning() throws Exception {
        Path file = directory.resolve("security").resolve("api-keys.tsv");
        new ApiKeyStore(file, MasterKey.fromFile(file.resolveSibling("master.key"))).register(KEY, ALICE);
        String stored = Files.readString(file);
        assertThat(stored).contains("alicekey").doesNotContain(KEY.secret());
        Path master = file.resolveSibling("master.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(master))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(master).strip())).hasSize(32);

        ApiKeyStore reopened = new ApiKeyStore(file, MasterKey.fromFile(master));
        assertThat(reopened.signingSecret("alicekey")).hasValueSatisfying(secret ->
                assertThat(new String(secret, StandardCharsets.UTF_8)).isEqualTo(KEY.secret()));
        assertThat(reopened.signingKey("alicekey").orElseThrow().principal()).isEqualTo(ALICE);
        assertThat(reopened.authenticate(KEY)).contains(ALICE);
        assertThat(reopened.signingSecret("nobody")).isEmpty();
    }

    @Test
    void anotherMasterKeyCannotOpenTheSecretsButKeysStillVerify() {
        Path file = directory.resolve("api-keys.tsv");
        new ApiKeyStore(file, MasterKey.fromFile(directory.resolve("one.key"))).register(KEY, ALICE);
        ApiKeyStore other = new ApiKeyStore(file, MasterKey.fromFile(directory.resolve("two.key")));
        assertThat(other.signingSecret("alicekey")).isEmpty();
        assertThat(other.authenticate(KEY)).contains(ALICE);
    }

    @Test
    void aMasterKeyFromTheEnvironmentIsUsedInsteadOfTheFile() {
        String configured = Base64.getEncoder().encodeToString(new byte[32]);
        Path file = directory.resolve("api-keys.tsv");
        Path unused = directory.resolve("master.key");
        new ApiKeyStore(file, MasterKey.load(Optional.of(configured), unused)).register(KEY, ALICE);
        assertThat(unused).doesNotExist();
        assertThat(new ApiKeyStore(file, MasterKey.fromBase64(configured)).signingSecret("alicekey")).isPresent();
        assertThatThrownBy(() -> MasterKey.fromBase64("c2hvcnQ=")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyFilesFromBeforeSealedSecretsStillAuthenticateButCannotSign() throws Exception {
        Path file = directory.resolve("api-keys.tsv");
        new ApiKeyStore(file, MasterKey.fromFile(directory.resolve("master.key"))).register(KEY, ALICE);
        // Drop the seventh column: the layout written before secrets were sealed.
        List<String> oldLayout = Files.readAllLines(file).stream()
                .map(line -> line.startsWith("#") ? line : String.join("\t", List.of(line.split("\t", -1)).subList(0, 6)))
                .toList();
        Files.write(file, oldLayout);
        ApiKeyStore store = new ApiKeyStore(file, MasterKey.fromFile(directory.resolve("master.key")));
        assertThat(store.authenticate(KEY)).contains(ALICE);
        assertThat(store.signingSecret("alicekey")).isEmpty();
    }
}
