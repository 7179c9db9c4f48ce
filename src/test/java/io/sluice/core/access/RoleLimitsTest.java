package io.sluice.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits set on roles: the tightest of a user's roles applies, they survive a reload, and older files still read. */
class RoleLimitsTest {

    @TempDir
    Path directory;

    @Test
    void theTightestRoleLimitAppliesAndSurvivesAReload() {
        Path file = directory.resolve("access.tsv");
        AccessStore store = new AccessStore(file);
        store.addUser("ann");
        store.addRole("wide");
        store.addRole("narrow");
        store.addMember("wide", "ann");
        store.addMember("narrow", "ann");
        store.roleLimit("wide", RoleLimit.SPOOL_QUOTA_BYTES, 5_000_000L);
        store.roleLimit("narrow", RoleLimit.SPOOL_QUOTA_BYTES, 1_000_000L);
        store.roleLimit("wide", RoleLimit.EXPORT_QUOTA_BYTES, 7L);
        store.roleTimeout("narrow", 30L);

        AccessStore reloaded = new AccessStore(file);
        assertThat(reloaded.tightestRoleLimit("ann", RoleLimit.SPOOL_QUOTA_BYTES)).isEqualTo(OptionalLong.of(1_000_000));
        assertThat(reloaded.tightestRoleLimit("ANN", RoleLimit.EXPORT_QUOTA_BYTES)).isEqualTo(OptionalLong.of(7));
        assertThat(reloaded.timeoutCeilingSeconds("ann")).isEqualTo(OptionalLong.of(30));

        reloaded.roleLimit("narrow", RoleLimit.SPOOL_QUOTA_BYTES, null);
        assertThat(reloaded.tightestRoleLimit("ann", RoleLimit.SPOOL_QUOTA_BYTES)).isEqualTo(OptionalLong.of(5_000_000));
        reloaded.dropRole("wide");
        assertThat(new AccessStore(file).tightestRoleLimit("ann", RoleLimit.SPOOL_QUOTA_BYTES)).isEmpty();
        assertThat(new AccessStore(file).timeoutCeilingSeconds("ann")).isEqualTo(OptionalLong.of(30));
    }

    @Test
    void aFileFromBeforeOtherLimitsAndLimitsOfNewerVersionsAreReadSafely() throws Exception {
        Path file = directory.resolve("access.tsv");
        Files.write(file, List.of("user\tann", "role\tr", "member\tr\tann", "role-timeout\tr\t60",
                "role-limit\tr\tSOME_FUTURE_LIMIT\t5", "role-limit\tr\tSPOOL_QUOTA_BYTES\t100"));
        AccessStore store = new AccessStore(file);
        assertThat(store.timeoutCeilingSeconds("ann")).isEqualTo(OptionalLong.of(60));
        assertThat(store.tightestRoleLimit("ann", RoleLimit.SPOOL_QUOTA_BYTES)).isEqualTo(OptionalLong.of(100));
        // Written back, the timeout keeps its old line so an older version still reads it.
        store.addUser("bea");
        assertThat(Files.readAllLines(file)).contains("role-timeout\tr\t60", "role-limit\tr\tSPOOL_QUOTA_BYTES\t100");
    }
}
