package io.sluice.core.types;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Sluice's one canonical type model. Engines map their own types into it; encoders and protocol
 * adapters map out of it into their vendor's vocabulary. {@link #sqlName()} is the canonical spelling,
 * which {@link SqlTypes#parse(String)} reads back.
 */
public sealed interface SqlType permits SqlType.Simple, SqlType.Decimal, SqlType.Timestamp, SqlType.ListOf,
        SqlType.StructOf, SqlType.MapOf {

    enum Kind {
        BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, HUGEINT, DECIMAL, REAL, DOUBLE, VARCHAR, BLOB, DATE, TIME,
        TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE, INTERVAL, UUID, JSON, LIST, STRUCT, MAP
    }

    Kind kind();

    /** Canonical SQL spelling, e.g. {@code DECIMAL(18,2)}, {@code STRUCT(a INTEGER, b VARCHAR)}, {@code INTEGER[]}. */
    String sqlName();

    SqlType BOOLEAN = new Simple(Kind.BOOLEAN);
    SqlType TINYINT = new Simple(Kind.TINYINT);
    SqlType SMALLINT = new Simple(Kind.SMALLINT);
    SqlType INTEGER = new Simple(Kind.INTEGER);
    SqlType BIGINT = new Simple(Kind.BIGINT);
    SqlType HUGEINT = new Simple(Kind.HUGEINT);
    SqlType REAL = new Simple(Kind.REAL);
    SqlType DOUBLE = new Simple(Kind.DOUBLE);
    SqlType VARCHAR = new Simple(Kind.VARCHAR);
    SqlType BLOB = new Simple(Kind.BLOB);
    SqlType DATE = new Simple(Kind.DATE);
    SqlType TIME = new Simple(Kind.TIME);
    SqlType TIMESTAMP_WITH_TIME_ZONE = new Simple(Kind.TIMESTAMP_WITH_TIME_ZONE);
    SqlType INTERVAL = new Simple(Kind.INTERVAL);
    SqlType UUID = new Simple(Kind.UUID);
    SqlType JSON = new Simple(Kind.JSON);
    /** TIMESTAMP with microsecond precision, the usual engine default. */
    SqlType TIMESTAMP = new Timestamp(6);

    default boolean isNumeric() {
        return switch (kind()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, HUGEINT, DECIMAL, REAL, DOUBLE -> true;
            default -> false;
        };
    }

    default boolean isNested() {
        return switch (kind()) {
            case LIST, STRUCT, MAP -> true;
            default -> false;
        };
    }

    /** Every kind without parameters. */
    record Simple(Kind kind) implements SqlType {
        public Simple {
            Objects.requireNonNull(kind, "kind");
            switch (kind) {
                case DECIMAL, TIMESTAMP, LIST, STRUCT, MAP ->
                        throw new IllegalArgumentException(kind + " needs parameters; use its own record");
                default -> { }
            }
        }

        @Override
        public String sqlName() {
            return kind == Kind.TIMESTAMP_WITH_TIME_ZONE ? "TIMESTAMP WITH TIME ZONE" : kind.name();
        }
    }

    record Decimal(int precision, int scale) implements SqlType {
        public Decimal {
            if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
                throw new IllegalArgumentException("invalid DECIMAL(" + precision + "," + scale + ")");
            }
        }

        @Override
        public Kind kind() {
            return Kind.DECIMAL;
        }

        @Override
        public String sqlName() {
            return "DECIMAL(" + precision + "," + scale + ")";
        }
    }

    /** TIMESTAMP without time zone; precision is fractional-second digits: 0, 3, 6 or 9. */
    record Timestamp(int precision) implements SqlType {
        public Timestamp {
            if (precision < 0 || precision > 9) {
                throw new IllegalArgumentException("invalid TIMESTAMP precision " + precision);
            }
        }

        @Override
        public Kind kind() {
            return Kind.TIMESTAMP;
        }

        @Override
        public String sqlName() {
            return precision == 6 ? "TIMESTAMP" : "TIMESTAMP(" + precision + ")";
        }
    }

    record ListOf(SqlType element) implements SqlType {
        public ListOf {
            Objects.requireNonNull(element, "element");
        }

        @Override
        public Kind kind() {
            return Kind.LIST;
        }

        @Override
        public String sqlName() {
            return element.sqlName() + "[]";
        }
    }

    record StructField(String name, SqlType type) {
        public StructField {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    record StructOf(List<StructField> fields) implements SqlType {
        public StructOf {
            fields = List.copyOf(fields);
        }

        @Override
        public Kind kind() {
            return Kind.STRUCT;
        }

        @Override
        public String sqlName() {
            return fields.stream()
                    .map(field -> SqlTypes.quoteIdentifier(field.name()) + " " + field.type().sqlName())
                    .collect(Collectors.joining(", ", "STRUCT(", ")"));
        }
    }

    record MapOf(SqlType key, SqlType value) implements SqlType {
        public MapOf {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Kind kind() {
            return Kind.MAP;
        }

        @Override
        public String sqlName() {
            return "MAP(" + key.sqlName() + ", " + value.sqlName() + ")";
        }
    }
}
