package io.sluice.protocol.druid;

import io.sluice.core.auth.Principal;
import io.sluice.core.statement.CatalogColumn;
import io.sluice.core.statement.StatementService;
import java.util.List;
import java.util.function.Supplier;

/**
 * What Druid's INFORMATION_SCHEMA views read from: the engine's {@code information_schema} for admins, and for
 * everyone else a literal copy of the part of it they may see. A principal that is not an admin may not read the
 * engine's catalog (it names tables their grants hide), so the server reads it on its own authority
 * ({@link StatementService#visibleCatalog}) and the caller's statement gets those rows as {@code VALUES}, with the
 * engine catalog's column names, so one set of view definitions serves both. The catalog is read only when a
 * statement names INFORMATION_SCHEMA.
 *
 * @param tables stands for {@code information_schema.tables} ({@code table_catalog, table_schema, table_name, table_type})
 * @param columns stands for {@code information_schema.columns}
 * @param schemata stands for {@code information_schema.schemata} ({@code catalog_name, schema_name})
 */
record DruidCatalogSources(String tables, String columns, String schemata) {

    static final DruidCatalogSources ENGINE =
            new DruidCatalogSources("information_schema.tables", "information_schema.columns", "information_schema.schemata");

    private static final String NAMES = "table_catalog, table_schema, table_name, table_type, column_name, "
            + "ordinal_position, is_nullable, data_type, numeric_precision, numeric_precision_radix, numeric_scale";
    private static final String NO_ROWS = "SELECT CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), "
            + "CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR), "
            + "CAST(NULL AS VARCHAR), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) WHERE false";

    /** The sources for the principal, read when first asked for. */
    static Supplier<DruidCatalogSources> of(StatementService statements, Principal principal) {
        if (principal.admin()) {
            return () -> ENGINE;
        }
        return () -> statements.visibleCatalog(principal).map(DruidCatalogSources::visible).orElse(ENGINE);
    }

    /** The columns as literal rows; the tables and schemata are the distinct ones they belong to. */
    static DruidCatalogSources visible(List<CatalogColumn> columns) {
        StringBuilder rows = new StringBuilder();
        if (columns.isEmpty()) {
            rows.append(NO_ROWS);
        } else {
            rows.append("SELECT * FROM (VALUES ");
            for (int i = 0; i < columns.size(); i++) {
                CatalogColumn column = columns.get(i);
                rows.append(i == 0 ? "(" : ", (").append(text(column.catalog())).append(", ").append(text(column.schema()))
                        .append(", ").append(text(column.table())).append(", ").append(text(column.tableType()))
                        .append(", ").append(text(column.column())).append(", ").append(number(column.ordinal()))
                        .append(", ").append(text(column.nullable() ? "YES" : "NO")).append(", ").append(text(column.dataType()))
                        .append(", ").append(number(column.numericPrecision())).append(", ")
                        .append(number(column.numericPrecisionRadix())).append(", ").append(number(column.numericScale()))
                        .append(')');
            }
            rows.append(')');
        }
        String columnsSource = "(" + rows + ") AS visible_columns(" + NAMES + ")";
        String all = "(SELECT * FROM " + columnsSource + ")";
        return new DruidCatalogSources(
                "(SELECT DISTINCT table_catalog, table_schema, table_name, table_type FROM " + all + ")",
                all,
                "(SELECT DISTINCT table_catalog AS catalog_name, table_schema AS schema_name FROM " + all + ")");
    }

    /** A string literal; catalog names are the engine's, but quoted as any text would be. */
    private static String text(String value) {
        return value == null ? "CAST(NULL AS VARCHAR)" : "'" + value.replace("'", "''") + "'";
    }

    private static String number(Integer value) {
        return value == null ? "CAST(NULL AS BIGINT)" : "CAST(" + value + " AS BIGINT)";
    }
}
