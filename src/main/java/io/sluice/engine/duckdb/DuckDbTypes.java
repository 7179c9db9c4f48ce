package io.sluice.engine.duckdb;

import io.sluice.core.types.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Maps DuckDB type names (as JDBC's {@code ResultSetMetaData.getColumnTypeName} spells them) to canonical
 * types, and canonical types back to DuckDB spellings for parameter casts.
 *
 * <p>Choices where DuckDB has no exact canonical counterpart: unsigned integers widen to the next signed
 * kind (UBIGINT to HUGEINT) because their Arrow vectors stay UInt1..UInt8, which the BatchStream contract
 * allows; UHUGEINT cannot fit DECIMAL(38,0) (its maximum has 39 digits), so it maps to VARCHAR like the other
 * types without a canonical kind (BIT, VARINT/BIGNUM, UNION, unknown names). TIME WITH TIME ZONE maps to TIME
 * because DuckDB's Arrow export drops the offset anyway. ENUM is VARCHAR: the engine decodes its dictionary.
 */
public final class DuckDbTypes {

    private static final Map<String, SqlType> SIMPLE_TYPES = Map.ofEntries(
            Map.entry("BOOLEAN", SqlType.BOOLEAN), Map.entry("BOOL", SqlType.BOOLEAN),
            Map.entry("TINYINT", SqlType.TINYINT), Map.entry("SMALLINT", SqlType.SMALLINT),
            Map.entry("INTEGER", SqlType.INTEGER), Map.entry("INT", SqlType.INTEGER),
            Map.entry("BIGINT", SqlType.BIGINT), Map.entry("HUGEINT", SqlType.HUGEINT),
            Map.entry("UTINYINT", SqlType.SMALLINT), Map.entry("USMALLINT", SqlType.INTEGER),
            Map.entry("UINTEGER", SqlType.BIGINT), Map.entry("UBIGINT", SqlType.HUGEINT),
            Map.entry("FLOAT", SqlType.REAL), Map.entry("REAL", SqlType.REAL), Map.entry("DOUBLE", SqlType.DOUBLE),
            Map.entry("VARCHAR", SqlType.VARCHAR), Map.entry("BLOB", SqlType.BLOB), Map.entry("DATE", SqlType.DATE),
            Map.entry("TIME", SqlType.TIME), Map.entry("TIME WITH TIME ZONE", SqlType.TIME),
            Map.entry("TIMETZ", SqlType.TIME),
            Map.entry("TIMESTAMP_S", new SqlType.Timestamp(0)), Map.entry("TIMESTAMP_MS", new SqlType.Timestamp(3)),
            Map.entry("TIMESTAMP", SqlType.TIMESTAMP), Map.entry("TIMESTAMP_NS", new SqlType.Timestamp(9)),
            Map.entry("TIMESTAMP WITH TIME ZONE", SqlType.TIMESTAMP_WITH_TIME_ZONE),
            Map.entry("TIMESTAMPTZ", SqlType.TIMESTAMP_WITH_TIME_ZONE),
            Map.entry("INTERVAL", SqlType.INTERVAL), Map.entry("UUID", SqlType.UUID), Map.entry("JSON", SqlType.JSON),
            // DuckDB's default DECIMAL without parameters.
            Map.entry("DECIMAL", new SqlType.Decimal(18, 3)));

    private DuckDbTypes() {
    }

    /** The canonical type of a DuckDB type name; names without a canonical kind become VARCHAR. */
    public static SqlType toCanonical(String duckDbTypeName) {
        String name = duckDbTypeName.strip();
        String upper = name.toUpperCase(Locale.ROOT);
        if (name.endsWith("]")) {
            // T[] (list) and T[n] (fixed-size array) both become LIST; the brackets hold no nested brackets.
            return new SqlType.ListOf(toCanonical(name.substring(0, name.lastIndexOf('['))));
        }
        if (upper.startsWith("STRUCT(") && name.endsWith(")")) {
            return struct(name.substring("STRUCT(".length(), name.length() - 1));
        }
        if (upper.startsWith("MAP(") && name.endsWith(")")) {
            List<String> parts = splitTopLevel(name.substring("MAP(".length(), name.length() - 1));
            if (parts.size() == 2) {
                return new SqlType.MapOf(toCanonical(parts.get(0)), toCanonical(parts.get(1)));
            }
            return SqlType.VARCHAR;
        }
        if (upper.startsWith("DECIMAL(") && name.endsWith(")")) {
            List<String> parts = splitTopLevel(name.substring("DECIMAL(".length(), name.length() - 1));
            return new SqlType.Decimal(Integer.parseInt(parts.get(0).strip()), Integer.parseInt(parts.get(1).strip()));
        }
        return SIMPLE_TYPES.getOrDefault(upper, SqlType.VARCHAR);
    }

    /** The DuckDB spelling of a canonical type, for {@code CAST(? AS ...)} around declared parameters. */
    public static String toDuckDb(SqlType type) {
        return switch (type) {
            case SqlType.Timestamp timestamp -> switch (timestamp.precision()) {
                case 0 -> "TIMESTAMP_S";
                case 1, 2, 3 -> "TIMESTAMP_MS";
                case 7, 8, 9 -> "TIMESTAMP_NS";
                default -> "TIMESTAMP";
            };
            case SqlType.ListOf list -> toDuckDb(list.element()) + "[]";
            case SqlType.StructOf struct -> struct.fields().stream()
                    .map(field -> quoteIdentifier(field.name()) + " " + toDuckDb(field.type()))
                    .collect(Collectors.joining(", ", "STRUCT(", ")"));
            case SqlType.MapOf map -> "MAP(" + toDuckDb(map.key()) + ", " + toDuckDb(map.value()) + ")";
            default -> type.sqlName();
        };
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static SqlType struct(String body) {
        List<SqlType.StructField> fields = new ArrayList<>();
        for (String part : splitTopLevel(body)) {
            String text = part.strip();
            String fieldName;
            String rest;
            if (text.startsWith("\"")) {
                int end = closingQuote(text);
                fieldName = text.substring(1, end).replace("\"\"", "\"");
                rest = text.substring(end + 1);
            } else {
                int space = text.indexOf(' ');
                fieldName = text.substring(0, space);
                rest = text.substring(space + 1);
            }
            fields.add(new SqlType.StructField(fieldName, toCanonical(rest)));
        }
        return new SqlType.StructOf(fields);
    }

    private static int closingQuote(String text) {
        int index = 1;
        while (index < text.length()) {
            if (text.charAt(index) == '"') {
                if (index + 1 < text.length() && text.charAt(index + 1) == '"') {
                    index += 2;
                    continue;
                }
                return index;
            }
            index++;
        }
        throw new IllegalArgumentException("unterminated quoted field name in " + text);
    }

    /** Splits at commas outside parentheses, brackets and quoted names. */
    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int index = 0; index < text.length(); index++) {
            char c = text.charAt(index);
            if (c == '"') {
                quoted = !quoted; // a doubled quote toggles twice, which keeps the state right
            } else if (!quoted && (c == '(' || c == '[')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                parts.add(text.substring(start, index));
                start = index + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
