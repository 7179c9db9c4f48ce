package io.sluice.core.engine;

import io.sluice.core.types.SqlType;

/**
 * A parameter to bind. {@code type} is the declared canonical type, or null to let the engine infer it
 * from the Java value. Values use the canonical Java representation: Boolean, Byte, Short, Integer, Long,
 * BigInteger (HUGEINT), BigDecimal, Float, Double, String (VARCHAR, JSON), byte[], LocalDate, LocalTime,
 * LocalDateTime, OffsetDateTime (TIMESTAMP WITH TIME ZONE), {@link io.sluice.core.types.Interval},
 * java.util.UUID, List (LIST), Map (STRUCT by field name, MAP), or null for SQL NULL.
 */
public record ParameterValue(SqlType type, Object value) {

    public static ParameterValue of(Object value) {
        return new ParameterValue(null, value);
    }
}
