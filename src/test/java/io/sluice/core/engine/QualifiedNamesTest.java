package io.sluice.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The router's hint: first parts of three-part names, outside literals and comments. */
class QualifiedNamesTest {

    @Test
    void findsCatalogsOfThreePartNames() {
        assertThat(QualifiedNames.catalogsIn("SELECT n.name FROM tpch.tiny.nation n JOIN \"Lake\".s.t ON true"))
                .containsExactly("tpch", "Lake");
        assertThat(QualifiedNames.catalogsIn("SELECT a.b FROM s.t AS a")).isEmpty();
        assertThat(QualifiedNames.catalogsIn("SELECT 'tpch.tiny.nation' -- tpch.tiny.nation\n FROM t /* x.y.z */")).isEmpty();
        assertThat(QualifiedNames.catalogsIn("select * from TPCH.TINY.NATION")).containsExactly("tpch");
    }
}
