package io.sluice.core.statement;

/**
 * One column of a table or view as the engine's {@code information_schema} describes it (its own type text and
 * spelling of names): what a protocol's catalog views are built from for a principal that may not read the
 * catalog itself. Numbers are null where the engine has none.
 *
 * @param tableType the engine's {@code table_type} ({@code BASE TABLE}, {@code VIEW}, …)
 */
public record CatalogColumn(String catalog, String schema, String table, String tableType, String column, int ordinal,
                            String nullable, String dataType, Integer numericPrecision, Integer numericPrecisionRadix,
                            Integer numericScale) {
}
