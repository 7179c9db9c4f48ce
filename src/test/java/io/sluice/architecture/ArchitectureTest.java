package io.sluice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies point down: adapters → core → SPIs; engines implement SPIs; the core knows no HTTP or vendor. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sluice");
    }

    @Test
    void coreKnowsNothingOfHttpVendorsEnginesOrJsonTrees() {
        noClasses().that().resideInAPackage("io.sluice.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.sluice.http..", "io.sluice.protocol..", "io.sluice.engine..", "io.sluice.server..",
                        "io.sluice.format..", "io.sluice.demo..",
                        "io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..", "com.fasterxml.jackson.databind..",
                        "org.duckdb..")
                .check(classes);
    }

    @Test
    void formatsKnowNothingOfHttpOrProtocols() {
        noClasses().that().resideInAPackage("io.sluice.format..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.sluice.http..", "io.sluice.protocol..", "io.sluice.server..", "io.sluice.engine..",
                        "io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..")
                .check(classes);
    }

    @Test
    void enginesDoNotDependOnHttpProtocolsOrServer() {
        noClasses().that().resideInAPackage("io.sluice.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.sluice.http..", "io.sluice.protocol..", "io.sluice.server..", "io.javalin..",
                        "org.eclipse.jetty..")
                .check(classes);
    }

    @Test
    void protocolAdaptersDoNotDependOnEachOtherOrOnTheEngine() {
        for (String protocol : new String[] {"nativeapi", "druid", "snowflake", "ncp", "nekt", "ksql", "trino"}) {
            noClasses().that().resideInAPackage("io.sluice.protocol." + protocol + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.sluice.engine..", "io.sluice.server..")
                    .allowEmptyShould(true)
                    .check(classes);
            noClasses().that().resideInAPackage("io.sluice.protocol." + protocol + "..")
                    .should().dependOnClassesThat().resideOutsideOfPackages("io.sluice.protocol." + protocol + "..",
                            "io.sluice.core..", "io.sluice.http..", "io.sluice.format..", "java..", "javax..",
                            "io.javalin..", "com.fasterxml..", "org.apache.arrow..", "org.slf4j..", "jakarta..",
                            "org.eclipse.jetty..", "kotlin..", "org.jetbrains..", "com.nimbusds..")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }
}
