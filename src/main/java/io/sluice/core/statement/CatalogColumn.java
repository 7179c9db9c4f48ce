package io.sluice.core.statement;

/**
 * One column of a table or view, as a catalog listing shows it to a principal that may not read the engine's own
 * catalog ({@link StatementService#visibleCatalog}). Names are as the engine spells them; numbers are null where
 * the engine gives none.
 *
 * @param tableType the engine's kind of table ({@code BASE TABLE}, {@code VIEW}, …)
 * @param dataType the engine's type text
 */
public record CatalogColumn(String catalog, String schema, String table, String tableType, String column, int ordinal,
                            String dataType, boolean nullable, Integer numericPrecision, Integer numericScale,
                            Integer numericPrecisionRadix, Integer characterMaximumLength) {
}
