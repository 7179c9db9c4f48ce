package io.sluice.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.access.AccessStore;
import io.sluice.core.access.Grant;
import io.sluice.core.access.Privilege;
import io.sluice.core.auth.ApiKey;
import io.sluice.core.auth.ApiKeyStore;
import io.sluice.core.auth.MasterKey;
import io.sluice.core.auth.Principal;
import io.sluice.core.auth.PublicKeyStore;
import io.sluice.testing.PostgresTestServer;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys, RSA public keys, users, roles and grants kept in PostgreSQL by two nodes at once: what one
 * node writes the other sees, and concurrent changes from both are all kept (optimistic versions).
 */
class SharedSecurityStoresTest {

    private static final MasterKey MASTER = MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));

    private PostgresCluster first;
    private PostgresCluster second;

    @BeforeEach
    void start() {
        String url = PostgresTestServer.shared().createDatabase("security_stores");
        first = PostgresCluster.start(new PostgresConfig(url, "postgres", "", 4, "first", Duration.ofSeconds(5), Duration.ofDays(1)));
        second = PostgresCluster.start(new PostgresConfig(url, "postgres", "", 4, "second", Duration.ofSeconds(5), Duration.ofDays(1)));
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    @Test
    void keysIssuedConcurrentlyOnTwoNodesAllWorkOnBoth() throws Exception {
        ApiKeyStore onFirst = new ApiKeyStore(first.document("api-keys"), MASTER);
        ApiKeyStore onSecond = new ApiKeyStore(second.document("api-keys"), MASTER);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<ApiKey>> issued = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                ApiKeyStore store = i % 2 == 0 ? onFirst : onSecond;
                Principal principal = new Principal("user" + i, "user" + i, false);
                issued.add(pool.submit(() -> store.issue(principal)));
            }
            for (int i = 0; i < issued.size(); i++) {
                ApiKey key = issued.get(i).get();
                assertThat(onFirst.authenticate(key)).map(Principal::id).contains("user" + i);
                assertThat(onSecond.authenticate(key)).map(Principal::id).contains("user" + i);
                // The sealed secret opens on the other node too (same master key), for signing protocols.
                assertThat(onSecond.signingSecret(key.keyId())).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
        ApiKey revoked = issued.get(0).get();
        assertThat(onSecond.revoke(revoked.keyId())).isTrue();
        onFirst.refresh();
        assertThat(onFirst.authenticate(revoked)).isEmpty();
    }

    @Test
    void anRsaPublicKeyRegisteredOnOneNodeIsFoundOnTheOther() throws Exception {
        PublicKeyStore onFirst = new PublicKeyStore(first.document("rsa-public-keys"));
        PublicKeyStore onSecond = new PublicKeyStore(second.document("rsa-public-keys"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String der = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        String fingerprint = onFirst.register(new Principal("carol", "carol", false), 1, der);
        assertThat(onSecond.find("CAROL", fingerprint)).map(PublicKeyStore.RegisteredKey::slot).contains(1);
    }

    @Test
    void grantsChangedOnBothNodesAreAllKept() {
        AccessStore onFirst = new AccessStore(first.document("access"));
        AccessStore onSecond = new AccessStore(second.document("access"));
        onFirst.addUser("carol");
        onSecond.addRole("reader");
        onFirst.addMember("reader", "carol");
        onSecond.addGrant(new Grant("reader", Privilege.SELECT, Grant.ObjectKind.TABLE, "sluice.main.pub"));
        onFirst.refresh();
        assertThat(onFirst.users()).containsExactly("carol");
        assertThat(onFirst.allows("carol", Privilege.SELECT, "sluice.main.pub")).isTrue();
        assertThat(onFirst.removeGrant(new Grant("reader", Privilege.SELECT, Grant.ObjectKind.TABLE, "sluice.main.pub"))).isTrue();
        onSecond.refresh();
        assertThat(onSecond.allows("carol", Privilege.SELECT, "sluice.main.pub")).isFalse();
    }
}
