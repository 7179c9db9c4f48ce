package io.sluice.format;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Encoders are reused by every protocol adapter, so they must not know about HTTP or any protocol. */
class FormatDependencyRulesTest {

    @Test
    void formatsDependOnlyOnCoreArrowJacksonAndDuckDb() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.sluice.format");
        classes().that().resideInAPackage("io.sluice.format..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "io.sluice.format..", "io.sluice.core..", "java..", "org.apache.arrow..",
                        "com.fasterxml.jackson.core..", "org.duckdb..")
                .check(classes);
    }
}
