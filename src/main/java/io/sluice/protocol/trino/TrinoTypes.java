package io.sluice.protocol.trino;

import io.sluice.core.types.SqlType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Canonical types in Trino's client vocabulary: the type name as Trino spells it and its {@code typeSignature}
 * ({@code rawType} and {@code arguments} of kind LONG, TYPE or NAMED_TYPE). A copy of the NCP adapter's
 * mapping (adapters do not share code), kept identical so both protocols name a type the same way.
 *
 * <p>Where the canonical model has no Trino twin: HUGEINT is {@code decimal(38,0)}; INTERVAL (months, days
 * and time mixed, which neither Trino interval type holds) is {@code varchar} with ISO-8601 text; TIME and
 * TIMESTAMP WITH TIME ZONE carry microseconds, so their precision is 6.
 */
final class TrinoTypes {

    /** Trino's length of an unbounded varchar, as the reference prints it. */
    static final long UNBOUNDED_VARCHAR = 2147483647L;
    static final int TIME_PRECISION = 6;

    private TrinoTypes() {
    }

    static TrinoResponses.Column column(String name, SqlType type) {
        return new TrinoResponses.Column(name, name(type), signature(type));
    }

    /** The type as Trino prints it, e.g. {@code varchar}, {@code decimal(10,2)}, {@code row(a bigint, b varchar)}. */
    static String name(SqlType type) {
        return switch (type) {
            case SqlType.Decimal decimal -> "decimal(" + decimal.precision() + "," + decimal.scale() + ")";
            case SqlType.Timestamp timestamp -> "timestamp(" + timestamp.precision() + ")";
            case SqlType.ListOf list -> "array(" + name(list.element()) + ")";
            case SqlType.MapOf map -> "map(" + name(map.key()) + ", " + name(map.value()) + ")";
            case SqlType.StructOf struct -> struct.fields().stream()
                    .map(field -> fieldName(field.name()) + " " + name(field.type()))
                    .collect(Collectors.joining(", ", "row(", ")"));
            case SqlType.Simple simple -> switch (simple.kind()) {
                case HUGEINT -> "decimal(38,0)";
                case TIME -> "time(" + TIME_PRECISION + ")";
                case TIMESTAMP_WITH_TIME_ZONE -> "timestamp(" + TIME_PRECISION + ") with time zone";
                default -> rawType(simple);
            };
        };
    }

    static TrinoResponses.TypeSignature signature(SqlType type) {
        return switch (type) {
            case SqlType.Decimal decimal -> new TrinoResponses.TypeSignature("decimal",
                    List.of(TrinoResponses.TypeArgument.ofLong(decimal.precision()),
                            TrinoResponses.TypeArgument.ofLong(decimal.scale())));
            case SqlType.Timestamp timestamp -> new TrinoResponses.TypeSignature("timestamp",
                    List.of(TrinoResponses.TypeArgument.ofLong(timestamp.precision())));
            case SqlType.ListOf list -> new TrinoResponses.TypeSignature("array",
                    List.of(TrinoResponses.TypeArgument.ofType(signature(list.element()))));
            case SqlType.MapOf map -> new TrinoResponses.TypeSignature("map",
                    List.of(TrinoResponses.TypeArgument.ofType(signature(map.key())),
                            TrinoResponses.TypeArgument.ofType(signature(map.value()))));
            case SqlType.StructOf struct -> new TrinoResponses.TypeSignature("row", struct.fields().stream()
                    .map(field -> TrinoResponses.TypeArgument.ofNamedType(field.name(), signature(field.type())))
                    .toList());
            case SqlType.Simple simple -> switch (simple.kind()) {
                case VARCHAR, INTERVAL -> new TrinoResponses.TypeSignature("varchar",
                        List.of(TrinoResponses.TypeArgument.ofLong(UNBOUNDED_VARCHAR)));
                case HUGEINT -> new TrinoResponses.TypeSignature("decimal",
                        List.of(TrinoResponses.TypeArgument.ofLong(38), TrinoResponses.TypeArgument.ofLong(0)));
                case TIME -> new TrinoResponses.TypeSignature("time",
                        List.of(TrinoResponses.TypeArgument.ofLong(TIME_PRECISION)));
                case TIMESTAMP_WITH_TIME_ZONE -> new TrinoResponses.TypeSignature("timestamp with time zone",
                        List.of(TrinoResponses.TypeArgument.ofLong(TIME_PRECISION)));
                default -> new TrinoResponses.TypeSignature(rawType(simple), List.of());
            };
        };
    }

    private static String rawType(SqlType.Simple simple) {
        return switch (simple.kind()) {
            case BOOLEAN -> "boolean";
            case TINYINT -> "tinyint";
            case SMALLINT -> "smallint";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case REAL -> "real";
            case DOUBLE -> "double";
            case VARCHAR, INTERVAL -> "varchar";
            case BLOB -> "varbinary";
            case DATE -> "date";
            case UUID -> "uuid";
            case JSON -> "json";
            case HUGEINT -> "decimal";
            case TIME -> "time";
            case TIMESTAMP_WITH_TIME_ZONE -> "timestamp with time zone";
            case DECIMAL, TIMESTAMP, LIST, STRUCT, MAP -> throw new IllegalStateException(simple + " has parameters");
        };
    }

    /** Field names are quoted as Trino quotes identifiers when they are not plain lower-case words. */
    private static String fieldName(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : '"' + name.replace("\"", "\"\"") + '"';
    }
}
