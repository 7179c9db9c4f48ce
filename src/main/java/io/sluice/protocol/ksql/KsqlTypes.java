package io.sluice.protocol.ksql;

import java.util.Locale;

/** ksqlDB type names ↔ the SQL types the engine tables use. */
final class KsqlTypes {

    private KsqlTypes() {
    }

    /** The SQL type for a ksqlDB type, or null when Sluice does not support it. */
    static String toSql(String ksqlType) {
        String type = ksqlType.toUpperCase(Locale.ROOT);
        if (type.startsWith("DECIMAL")) {
            return type;
        }
        return switch (type) {
            case "STRING", "VARCHAR" -> "VARCHAR";
            case "INT", "INTEGER" -> "INTEGER";
            case "BIGINT" -> "BIGINT";
            case "DOUBLE" -> "DOUBLE";
            case "BOOLEAN" -> "BOOLEAN";
            case "DATE" -> "DATE";
            case "TIME" -> "TIME";
            case "TIMESTAMP" -> "TIMESTAMP";
            case "BYTES" -> "BLOB";
            default -> null;
        };
    }

    /** The ksqlDB name of an engine table's SQL type, as ksqlDB prints it in schemas. */
    static String toKsql(String sqlType) {
        String type = sqlType.toUpperCase(Locale.ROOT);
        if (type.startsWith("DECIMAL")) {
            return type.replaceAll(",\\s*", ", ");
        }
        return switch (type) {
            case "VARCHAR" -> "STRING";
            case "BLOB" -> "BYTES";
            default -> type;
        };
    }
}
