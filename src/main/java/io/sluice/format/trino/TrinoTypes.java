package io.sluice.format.trino;

import io.sluice.core.types.SqlType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Canonical types in Trino's client vocabulary, shared by the two protocols that speak it (NCP Data Query, which
 * is Trino-based, and Trino's own client protocol): the type name as Trino spells it and its {@code typeSignature}
 * ({@code rawType} and {@code arguments} of kind LONG, TYPE or NAMED_TYPE). One mapping, so both name a type the
 * same way.
 *
 * <p>Where the canonical model has no Trino twin: HUGEINT is {@code decimal(38,0)}; INTERVAL (months, days
 * and time mixed, which neither Trino interval type holds) is {@code varchar} with ISO-8601 text; TIME and
 * TIMESTAMP WITH TIME ZONE carry microseconds, so their precision is 6.
 */
public final class TrinoTypes {

    /** Trino's length of an unbounded varchar, as the reference prints it. */
    public static final long UNBOUNDED_VARCHAR = 2147483647L;
    public static final int TIME_PRECISION = 6;

    private TrinoTypes() {
    }

    // Plain records: Jackson writes a record's components by name, in declaration order, which is the wire order.
    public record TypeSignature(String rawType, List<TypeArgument> arguments) {
    }

    /** ClientTypeSignatureParameter: {@code value} is a number (LONG), a signature (TYPE) or a named type (NAMED_TYPE). */
    public record TypeArgument(String kind, Object value) {

        static TypeArgument ofLong(long value) {
            return new TypeArgument("LONG", value);
        }

        static TypeArgument ofType(TypeSignature signature) {
            return new TypeArgument("TYPE", signature);
        }

        static TypeArgument ofNamedType(String fieldName, TypeSignature signature) {
            return new TypeArgument("NAMED_TYPE", new NamedType(new FieldName(fieldName), signature));
        }
    }

    public record NamedType(FieldName fieldName, TypeSignature typeSignature) {
    }

    public record FieldName(String name) {
    }

    public static String name(SqlType type) {
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

    /** The type's {@code typeSignature} as Trino's clients read it. */
    public static TypeSignature signature(SqlType type) {
        return switch (type) {
            case SqlType.Decimal decimal -> new TypeSignature("decimal",
                    List.of(TypeArgument.ofLong(decimal.precision()),
                            TypeArgument.ofLong(decimal.scale())));
            case SqlType.Timestamp timestamp -> new TypeSignature("timestamp",
                    List.of(TypeArgument.ofLong(timestamp.precision())));
            case SqlType.ListOf list -> new TypeSignature("array",
                    List.of(TypeArgument.ofType(signature(list.element()))));
            case SqlType.MapOf map -> new TypeSignature("map",
                    List.of(TypeArgument.ofType(signature(map.key())),
                            TypeArgument.ofType(signature(map.value()))));
            case SqlType.StructOf struct -> new TypeSignature("row", struct.fields().stream()
                    .map(field -> TypeArgument.ofNamedType(field.name(), signature(field.type())))
                    .toList());
            case SqlType.Simple simple -> switch (simple.kind()) {
                case VARCHAR, INTERVAL -> new TypeSignature("varchar",
                        List.of(TypeArgument.ofLong(UNBOUNDED_VARCHAR)));
                case HUGEINT -> new TypeSignature("decimal",
                        List.of(TypeArgument.ofLong(38), TypeArgument.ofLong(0)));
                case TIME -> new TypeSignature("time",
                        List.of(TypeArgument.ofLong(TIME_PRECISION)));
                case TIMESTAMP_WITH_TIME_ZONE -> new TypeSignature("timestamp with time zone",
                        List.of(TypeArgument.ofLong(TIME_PRECISION)));
                default -> new TypeSignature(rawType(simple), List.of());
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
