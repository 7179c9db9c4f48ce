package io.sluice.engine.process;

import io.sluice.core.engine.AccessedTables;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import io.sluice.core.engine.QueryProgress;
import io.sluice.core.engine.SessionContext;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.types.Column;
import io.sluice.core.types.Interval;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlTypes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The protocol between the server and its engine process, over a Unix domain socket: one byte names a
 * command or a reply, then its fields in a fixed order (Java's data streams: big-endian numbers, strings as
 * length and UTF-8). Results travel as an Arrow IPC stream between a {@link #ROWS} reply and its trailer
 * ({@link #END} or {@link #ERROR}), so batches cross as Arrow buffers, never row by row.
 *
 * <p>Written by hand rather than with a serialisation library: the messages are a dozen small fixed shapes,
 * both ends are this code base, and the hot path ({@code SELECT 1}) should cost a few hundred bytes and no
 * reflection. Java object serialisation is ruled out on principle (it builds arbitrary classes from bytes).
 */
final class Wire {

    private Wire() {
    }

    // Commands, server → engine. OPEN, RUN, CLOSE and DROP_KEPT have no reply: they are pipelined with the next.
    static final byte OPEN = 1;
    static final byte ANALYZE = 2;
    static final byte EXECUTE = 3;
    static final byte CLOSE = 4;
    static final byte CANCEL = 5;
    static final byte PROGRESS = 6;
    static final byte KEEP = 7;
    static final byte RUN = 8;
    static final byte DROP_KEPT = 9;
    static final byte TRUSTED = 10;
    static final byte RESOLVE_TABLE = 11;
    static final byte RESOLVE_SCHEMA = 12;
    static final byte CATALOGS = 13;
    static final byte MEMORY = 14;
    static final byte PING = 15;
    static final byte APPEND = 16;
    static final byte STUCK = 17;
    /** EXECUTE, but only if the statement touches the tables that follow; else the engine answers ACCESS. */
    static final byte EXECUTE_IF = 18;

    // Replies, engine → server.
    static final byte OK = 64;
    static final byte ERROR = 65;
    static final byte ACCESS = 66;
    static final byte ROWS = 67;
    static final byte COUNT = 68;
    static final byte END = 69;
    static final byte VALUE = 70;
    static final byte UNSUPPORTED = 71;

    /** Bytes of the secret each connection starts with, so only the server that started the engine can use it. */
    static final int TOKEN_BYTES = 32;

    // Value tags for parameters and trusted rows.
    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte BYTE = 2;
    private static final byte SHORT = 3;
    private static final byte INT = 4;
    private static final byte LONG = 5;
    private static final byte BIG_INTEGER = 6;
    private static final byte BIG_DECIMAL = 7;
    private static final byte FLOAT = 8;
    private static final byte DOUBLE = 9;
    private static final byte STRING = 10;
    private static final byte BYTES = 11;
    private static final byte DATE = 12;
    private static final byte TIME = 13;
    private static final byte TIMESTAMP = 14;
    private static final byte TIMESTAMP_TZ = 15;
    private static final byte INTERVAL = 16;
    private static final byte UUID_VALUE = 17;
    private static final byte LIST = 18;
    private static final byte MAP = 19;
    private static final byte INSTANT = 20;

    /** Longest string or byte array accepted from the other side (a statement's text is at most a request body). */
    private static final int MAX_BYTES = 256 * 1024 * 1024;

    static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] bytes = readBytes(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > MAX_BYTES) {
            throw new IOException("value of " + length + " bytes is over the limit");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    static void writeStrings(DataOutputStream out, java.util.Collection<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    static List<String> readStrings(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<String> values = new ArrayList<>(Math.max(0, Math.min(count, 1024)));
        for (int index = 0; index < count; index++) {
            values.add(readString(in));
        }
        return values;
    }

    static void writeSession(DataOutputStream out, SessionContext session) throws IOException {
        writeString(out, session.catalog());
        writeString(out, session.schema());
        writeString(out, session.timeZone().getId());
        writeString(out, session.user());
        writeString(out, session.dialect().name());
    }

    static SessionContext readSession(DataInputStream in) throws IOException {
        String catalog = readString(in);
        String schema = readString(in);
        ZoneId zone = ZoneId.of(readString(in));
        String user = readString(in);
        return new SessionContext(catalog, schema, zone, user, io.sluice.core.engine.SqlDialect.valueOf(readString(in)));
    }

    static void writeParameters(DataOutputStream out, Parameters parameters) throws IOException {
        switch (parameters) {
            case Parameters.Positional positional -> {
                out.writeBoolean(false);
                out.writeInt(positional.values().size());
                for (ParameterValue value : positional.values()) {
                    writeParameter(out, value);
                }
            }
            case Parameters.Named named -> {
                out.writeBoolean(true);
                out.writeInt(named.values().size());
                for (Map.Entry<String, ParameterValue> entry : named.values().entrySet()) {
                    writeString(out, entry.getKey());
                    writeParameter(out, entry.getValue());
                }
            }
        }
    }

    static Parameters readParameters(DataInputStream in) throws IOException {
        boolean named = in.readBoolean();
        int count = in.readInt();
        if (named) {
            Map<String, ParameterValue> values = new LinkedHashMap<>();
            for (int index = 0; index < count; index++) {
                values.put(readString(in), readParameter(in));
            }
            return new Parameters.Named(values);
        }
        if (count == 0) {
            return Parameters.NONE;
        }
        List<ParameterValue> values = new ArrayList<>(Math.min(count, 1024));
        for (int index = 0; index < count; index++) {
            values.add(readParameter(in));
        }
        return new Parameters.Positional(values);
    }

    private static void writeParameter(DataOutputStream out, ParameterValue parameter) throws IOException {
        writeString(out, parameter.type() == null ? null : parameter.type().sqlName());
        writeValue(out, parameter.value());
    }

    private static ParameterValue readParameter(DataInputStream in) throws IOException {
        String type = readString(in);
        return new ParameterValue(type == null ? null : SqlTypes.parse(type), readValue(in));
    }

    /** One value of the canonical Java representation (see {@link ParameterValue}), tagged with its class. */
    static void writeValue(DataOutputStream out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeByte(NULL);
            case Boolean v -> {
                out.writeByte(BOOLEAN);
                out.writeBoolean(v);
            }
            case Byte v -> {
                out.writeByte(BYTE);
                out.writeByte(v);
            }
            case Short v -> {
                out.writeByte(SHORT);
                out.writeShort(v);
            }
            case Integer v -> {
                out.writeByte(INT);
                out.writeInt(v);
            }
            case Long v -> {
                out.writeByte(LONG);
                out.writeLong(v);
            }
            case BigInteger v -> {
                out.writeByte(BIG_INTEGER);
                writeString(out, v.toString());
            }
            case BigDecimal v -> {
                out.writeByte(BIG_DECIMAL);
                writeString(out, v.toString());
            }
            case Float v -> {
                out.writeByte(FLOAT);
                out.writeFloat(v);
            }
            case Double v -> {
                out.writeByte(DOUBLE);
                out.writeDouble(v);
            }
            case String v -> {
                out.writeByte(STRING);
                writeString(out, v);
            }
            case byte[] v -> {
                out.writeByte(BYTES);
                writeBytes(out, v);
            }
            case LocalDate v -> {
                out.writeByte(DATE);
                writeString(out, v.toString());
            }
            case LocalTime v -> {
                out.writeByte(TIME);
                writeString(out, v.toString());
            }
            case LocalDateTime v -> {
                out.writeByte(TIMESTAMP);
                writeString(out, v.toString());
            }
            case OffsetDateTime v -> {
                out.writeByte(TIMESTAMP_TZ);
                writeString(out, v.toString());
            }
            case java.time.Instant v -> {
                out.writeByte(INSTANT);
                out.writeLong(v.getEpochSecond());
                out.writeInt(v.getNano());
            }
            case Interval v -> {
                out.writeByte(INTERVAL);
                out.writeInt(v.months());
                out.writeInt(v.days());
                out.writeLong(v.nanos());
            }
            case UUID v -> {
                out.writeByte(UUID_VALUE);
                out.writeLong(v.getMostSignificantBits());
                out.writeLong(v.getLeastSignificantBits());
            }
            case List<?> list -> {
                out.writeByte(LIST);
                out.writeInt(list.size());
                for (Object element : list) {
                    writeValue(out, element);
                }
            }
            case Object[] array -> writeValue(out, java.util.Arrays.asList(array));
            case Map<?, ?> map -> {
                out.writeByte(MAP);
                out.writeInt(map.size());
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    writeValue(out, entry.getKey());
                    writeValue(out, entry.getValue());
                }
            }
            default -> throw new IllegalArgumentException("a parameter of type " + value.getClass().getSimpleName()
                    + " cannot be sent to the engine");
        }
    }

    static Object readValue(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case BOOLEAN -> in.readBoolean();
            case BYTE -> in.readByte();
            case SHORT -> in.readShort();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case BIG_INTEGER -> new BigInteger(readString(in));
            case BIG_DECIMAL -> new BigDecimal(readString(in));
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case STRING -> readString(in);
            case BYTES -> readBytes(in);
            case DATE -> LocalDate.parse(readString(in));
            case TIME -> LocalTime.parse(readString(in));
            case TIMESTAMP -> LocalDateTime.parse(readString(in));
            case TIMESTAMP_TZ -> OffsetDateTime.parse(readString(in));
            case INSTANT -> java.time.Instant.ofEpochSecond(in.readLong(), in.readInt());
            case INTERVAL -> new Interval(in.readInt(), in.readInt(), in.readLong());
            case UUID_VALUE -> new UUID(in.readLong(), in.readLong());
            case LIST -> {
                int count = in.readInt();
                List<Object> list = new ArrayList<>(Math.min(Math.max(count, 0), 1024));
                for (int index = 0; index < count; index++) {
                    list.add(readValue(in));
                }
                yield list;
            }
            case MAP -> {
                int count = in.readInt();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int index = 0; index < count; index++) {
                    map.put(readValue(in), readValue(in));
                }
                yield map;
            }
            default -> throw new IOException("unknown value tag " + tag);
        };
    }

    static void writeError(DataOutputStream out, SluiceError error) throws IOException {
        writeString(out, error.code().name());
        writeString(out, error.message());
        writeString(out, error.sqlState());
        out.writeBoolean(error.position() != null);
        if (error.position() != null) {
            out.writeInt(error.position().line());
            out.writeInt(error.position().column());
        }
    }

    static SluiceError readError(DataInputStream in) throws IOException {
        ErrorCode code = ErrorCode.valueOf(readString(in));
        String message = readString(in);
        String sqlState = readString(in);
        SluiceError.Position position = in.readBoolean() ? new SluiceError.Position(in.readInt(), in.readInt()) : null;
        return new SluiceError(code, message, sqlState, position);
    }

    static void writeSchema(DataOutputStream out, ResultSchema schema) throws IOException {
        out.writeInt(schema.size());
        for (Column column : schema.columns()) {
            writeString(out, column.name());
            writeString(out, column.type().sqlName());
            out.writeBoolean(column.nullable());
        }
    }

    static ResultSchema readSchema(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<Column> columns = new ArrayList<>(Math.min(Math.max(count, 0), 4096));
        for (int index = 0; index < count; index++) {
            columns.add(new Column(readString(in), SqlTypes.parse(readString(in)), in.readBoolean()));
        }
        return new ResultSchema(columns);
    }

    static void writeAccess(DataOutputStream out, AccessedTables access) throws IOException {
        writeString(out, access.kind().name());
        writeStrings(out, access.reads());
        writeStrings(out, access.writes());
        writeStrings(out, access.functions());
    }

    static AccessedTables readAccess(DataInputStream in) throws IOException {
        AccessedTables.Kind kind = AccessedTables.Kind.valueOf(readString(in));
        Set<String> reads = new LinkedHashSet<>(readStrings(in));
        Set<String> writes = new LinkedHashSet<>(readStrings(in));
        return new AccessedTables(kind, reads, writes, new LinkedHashSet<>(readStrings(in)));
    }

    static void writeProgress(DataOutputStream out, QueryProgress progress) throws IOException {
        out.writeDouble(progress.percent());
        out.writeLong(progress.rowsProcessed());
        out.writeLong(progress.totalRows());
    }

    static QueryProgress readProgress(DataInputStream in) throws IOException {
        return new QueryProgress(in.readDouble(), in.readLong(), in.readLong());
    }
}
