package io.sluice.engine.duckdb;

import io.sluice.core.types.SqlType;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBChunkedResult;

/**
 * The few functions of DuckDB's C API that the JDBC driver does not wrap, called in the DuckDB library the driver
 * already loaded (java.lang.foreign): fetching a streamed result's chunks, reading its error, and converting chunks
 * and column types to Arrow.
 *
 * <p>Why not the driver's own Arrow export: with streaming on, a statement that fails while DuckDB starts it
 * (a failed cast, {@code error()}, an overflow: most runtime errors) leaves an errored result that every JNI entry
 * point of the driver (metadata, fetch, Arrow export) reports only as "Invalid result set" before freeing it, so
 * DuckDB's message is lost. The driver's C-API result ({@link org.duckdb.DuckDBPreparedStatement#query()}) keeps it
 * readable; this class reads the rest of that result.
 */
final class DuckDbNative {

    /** duckdb_result, passed by value to duckdb_fetch_chunk. */
    private static final StructLayout RESULT = MemoryLayout.structLayout(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final ValueLayout.OfLong IDX = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;

    // DUCKDB_TYPE values from duckdb.h (part of the C API's stable ABI).
    private static final int BOOLEAN = 1, TINYINT = 2, SMALLINT = 3, INTEGER = 4, BIGINT = 5, UTINYINT = 6,
            USMALLINT = 7, UINTEGER = 8, UBIGINT = 9, FLOAT = 10, DOUBLE = 11, TIMESTAMP = 12, DATE = 13, TIME = 14,
            INTERVAL = 15, HUGEINT = 16, VARCHAR = 17, BLOB = 18, DECIMAL = 19, TIMESTAMP_S = 20, TIMESTAMP_MS = 21,
            TIMESTAMP_NS = 22, ENUM = 23, LIST = 24, STRUCT = 25, MAP = 26, UUID = 27, TIME_TZ = 30,
            TIMESTAMP_TZ = 31, ARRAY = 33, TIMESTAMP_TZ_NS = 42;

    private DuckDbNative() {
    }

    /** Bound on first use, once the driver has loaded the library (its classes load it when a connection opens). */
    private static final class Calls {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup DUCKDB = SymbolLookup.loaderLookup();
        static final MethodHandle FETCH_CHUNK = bind("duckdb_fetch_chunk", FunctionDescriptor.of(PTR, RESULT));
        static final MethodHandle DESTROY_CHUNK = bind("duckdb_destroy_data_chunk", FunctionDescriptor.ofVoid(PTR));
        static final MethodHandle RESULT_ERROR = bind("duckdb_result_error", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle ARROW_OPTIONS = bind("duckdb_result_get_arrow_options", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle DESTROY_ARROW_OPTIONS = bind("duckdb_destroy_arrow_options", FunctionDescriptor.ofVoid(PTR));
        static final MethodHandle COLUMN_COUNT = bind("duckdb_column_count", FunctionDescriptor.of(IDX, PTR));
        static final MethodHandle COLUMN_NAME = bind("duckdb_column_name", FunctionDescriptor.of(PTR, PTR, IDX));
        static final MethodHandle COLUMN_TYPE = bind("duckdb_column_logical_type", FunctionDescriptor.of(PTR, PTR, IDX));
        static final MethodHandle DESTROY_TYPE = bind("duckdb_destroy_logical_type", FunctionDescriptor.ofVoid(PTR));
        static final MethodHandle TO_ARROW_SCHEMA = bind("duckdb_to_arrow_schema",
                FunctionDescriptor.of(PTR, PTR, PTR, PTR, IDX, PTR));
        static final MethodHandle CHUNK_TO_ARROW = bind("duckdb_data_chunk_to_arrow", FunctionDescriptor.of(PTR, PTR, PTR, PTR));
        static final MethodHandle ERROR_HAS_ERROR = bind("duckdb_error_data_has_error",
                FunctionDescriptor.of(ValueLayout.JAVA_BOOLEAN, PTR));
        static final MethodHandle ERROR_MESSAGE = bind("duckdb_error_data_message", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle DESTROY_ERROR = bind("duckdb_destroy_error_data", FunctionDescriptor.ofVoid(PTR));
        static final MethodHandle TYPE_ID = bind("duckdb_get_type_id", FunctionDescriptor.of(ValueLayout.JAVA_INT, PTR));
        static final MethodHandle TYPE_ALIAS = bind("duckdb_logical_type_get_alias", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle DECIMAL_WIDTH = bind("duckdb_decimal_width", FunctionDescriptor.of(ValueLayout.JAVA_BYTE, PTR));
        static final MethodHandle DECIMAL_SCALE = bind("duckdb_decimal_scale", FunctionDescriptor.of(ValueLayout.JAVA_BYTE, PTR));
        static final MethodHandle LIST_CHILD = bind("duckdb_list_type_child_type", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle ARRAY_CHILD = bind("duckdb_array_type_child_type", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle MAP_KEY = bind("duckdb_map_type_key_type", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle MAP_VALUE = bind("duckdb_map_type_value_type", FunctionDescriptor.of(PTR, PTR));
        static final MethodHandle STRUCT_COUNT = bind("duckdb_struct_type_child_count", FunctionDescriptor.of(IDX, PTR));
        static final MethodHandle STRUCT_NAME = bind("duckdb_struct_type_child_name", FunctionDescriptor.of(PTR, PTR, IDX));
        static final MethodHandle STRUCT_TYPE = bind("duckdb_struct_type_child_type", FunctionDescriptor.of(PTR, PTR, IDX));
        static final MethodHandle FREE = bind("duckdb_free", FunctionDescriptor.ofVoid(PTR));
        static final Field RESULT_REF = resultRefField();

        private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(DUCKDB.findOrThrow(name), descriptor);
        }

        private static Field resultRefField() {
            try {
                Field field = DuckDBChunkedResult.class.getDeclaredField("resultRef");
                field.setAccessible(true);
                return field;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("this DuckDB driver keeps its C-API result elsewhere", e);
            }
        }
    }

    /** Whether this driver's library exports the C API used here; if not, results take the driver's own Arrow export. */
    static boolean available() {
        return Availability.AVAILABLE;
    }

    private static final class Availability {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            try {
                return Calls.FETCH_CHUNK != null && Calls.RESULT_REF != null;
            } catch (LinkageError | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(DuckDbNative.class).warn("DuckDB's C API cannot be called ({}); runtime"
                        + " errors of queries will read 'Invalid result set'", e.toString());
                return false;
            }
        }
    }

    /** The duckdb_result* behind a chunked result of the driver. */
    static MemorySegment result(DuckDBChunkedResult chunked) {
        try {
            ByteBuffer reference = (ByteBuffer) Calls.RESULT_REF.get(chunked);
            return MemorySegment.ofBuffer(reference).reinterpret(RESULT.byteSize());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next chunk of the result, or NULL at its end or when it failed ({@link #error} tells which). */
    static MemorySegment fetchChunk(MemorySegment result) {
        return (MemorySegment) call(() -> Calls.FETCH_CHUNK.invoke(result));
    }

    static void destroyChunk(MemorySegment chunk) {
        destroy(Calls.DESTROY_CHUNK, chunk);
    }

    /** DuckDB's message for a failed result, or null. */
    static String error(MemorySegment result) {
        MemorySegment message = (MemorySegment) call(() -> Calls.RESULT_ERROR.invoke(result));
        return text(message);
    }

    static MemorySegment arrowOptions(MemorySegment result) {
        return (MemorySegment) call(() -> Calls.ARROW_OPTIONS.invoke(result));
    }

    static void destroyArrowOptions(MemorySegment options) {
        destroy(Calls.DESTROY_ARROW_OPTIONS, options);
    }

    static long columnCount(MemorySegment result) {
        return (long) call(() -> Calls.COLUMN_COUNT.invoke(result));
    }

    static String columnName(MemorySegment result, long column) {
        return text((MemorySegment) call(() -> Calls.COLUMN_NAME.invoke(result, column)));
    }

    static SqlType columnType(MemorySegment result, long column) {
        MemorySegment type = (MemorySegment) call(() -> Calls.COLUMN_TYPE.invoke(result, column));
        try {
            return canonical(type);
        } finally {
            destroy(Calls.DESTROY_TYPE, type);
        }
    }

    /** Writes the result's Arrow schema into {@code arrowSchema} (an ArrowSchema C struct); a message when it failed. */
    static String exportSchema(MemorySegment options, MemorySegment result, long arrowSchema) {
        int count = Math.toIntExact(columnCount(result));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment types = arena.allocate(PTR, Math.max(1, count));
            MemorySegment names = arena.allocate(PTR, Math.max(1, count));
            List<MemorySegment> owned = new ArrayList<>();
            try {
                for (int column = 0; column < count; column++) {
                    long index = column;
                    MemorySegment type = (MemorySegment) call(() -> Calls.COLUMN_TYPE.invoke(result, index));
                    owned.add(type);
                    types.setAtIndex(ValueLayout.ADDRESS, column, type);
                    names.setAtIndex(ValueLayout.ADDRESS, column,
                            (MemorySegment) call(() -> Calls.COLUMN_NAME.invoke(result, index)));
                }
                MemorySegment out = MemorySegment.ofAddress(arrowSchema);
                return consumeError((MemorySegment) call(() -> Calls.TO_ARROW_SCHEMA.invoke(options, types, names,
                        (long) count, out)));
            } finally {
                owned.forEach(type -> destroy(Calls.DESTROY_TYPE, type));
            }
        }
    }

    /** Writes one chunk as an Arrow array into {@code arrowArray} (an ArrowArray C struct); a message when it failed. */
    static String exportChunk(MemorySegment options, MemorySegment chunk, long arrowArray) {
        MemorySegment out = MemorySegment.ofAddress(arrowArray);
        return consumeError((MemorySegment) call(() -> Calls.CHUNK_TO_ARROW.invoke(options, chunk, out)));
    }

    private static String consumeError(MemorySegment error) {
        if (error.address() == 0) {
            return null;
        }
        try {
            boolean failed = (boolean) call(() -> Calls.ERROR_HAS_ERROR.invoke(error));
            if (!failed) {
                return null;
            }
            String message = text((MemorySegment) call(() -> Calls.ERROR_MESSAGE.invoke(error)));
            return message == null ? "DuckDB could not convert the result to Arrow" : message;
        } finally {
            destroy(Calls.DESTROY_ERROR, error);
        }
    }

    /** The canonical type of a DuckDB logical type, read the way {@link DuckDbTypes} reads its name. */
    private static SqlType canonical(MemorySegment type) {
        String alias = takeText((MemorySegment) call(() -> Calls.TYPE_ALIAS.invoke(type)));
        if (alias != null) {
            return DuckDbTypes.toCanonical(alias);
        }
        int id = (int) call(() -> Calls.TYPE_ID.invoke(type));
        return switch (id) {
            case BOOLEAN -> SqlType.BOOLEAN;
            case TINYINT -> SqlType.TINYINT;
            case SMALLINT, UTINYINT -> SqlType.SMALLINT;
            case INTEGER, USMALLINT -> SqlType.INTEGER;
            case BIGINT, UINTEGER -> SqlType.BIGINT;
            case HUGEINT, UBIGINT -> SqlType.HUGEINT;
            case FLOAT -> SqlType.REAL;
            case DOUBLE -> SqlType.DOUBLE;
            case DECIMAL -> new SqlType.Decimal(Byte.toUnsignedInt((byte) call(() -> Calls.DECIMAL_WIDTH.invoke(type))),
                    Byte.toUnsignedInt((byte) call(() -> Calls.DECIMAL_SCALE.invoke(type))));
            case VARCHAR, ENUM -> SqlType.VARCHAR;
            case BLOB -> SqlType.BLOB;
            case DATE -> SqlType.DATE;
            case TIME, TIME_TZ -> SqlType.TIME;
            case TIMESTAMP -> SqlType.TIMESTAMP;
            case TIMESTAMP_S -> DuckDbTypes.toCanonical("TIMESTAMP_S");
            case TIMESTAMP_MS -> DuckDbTypes.toCanonical("TIMESTAMP_MS");
            case TIMESTAMP_NS -> DuckDbTypes.toCanonical("TIMESTAMP_NS");
            case TIMESTAMP_TZ, TIMESTAMP_TZ_NS -> SqlType.TIMESTAMP_WITH_TIME_ZONE;
            case INTERVAL -> SqlType.INTERVAL;
            case UUID -> SqlType.UUID;
            case LIST -> new SqlType.ListOf(child(Calls.LIST_CHILD, type));
            case ARRAY -> new SqlType.ListOf(child(Calls.ARRAY_CHILD, type));
            case MAP -> new SqlType.MapOf(child(Calls.MAP_KEY, type), child(Calls.MAP_VALUE, type));
            case STRUCT -> struct(type);
            default -> SqlType.VARCHAR; // as DuckDbTypes: no canonical kind (BIT, BIGNUM, UNION, UHUGEINT, …)
        };
    }

    private static SqlType child(MethodHandle accessor, MemorySegment type) {
        MemorySegment child = (MemorySegment) call(() -> accessor.invoke(type));
        try {
            return canonical(child);
        } finally {
            destroy(Calls.DESTROY_TYPE, child);
        }
    }

    private static SqlType struct(MemorySegment type) {
        long count = (long) call(() -> Calls.STRUCT_COUNT.invoke(type));
        List<SqlType.StructField> fields = new ArrayList<>();
        for (long index = 0; index < count; index++) {
            long at = index;
            String name = takeText((MemorySegment) call(() -> Calls.STRUCT_NAME.invoke(type, at)));
            MemorySegment child = (MemorySegment) call(() -> Calls.STRUCT_TYPE.invoke(type, at));
            try {
                fields.add(new SqlType.StructField(name == null ? "" : name, canonical(child)));
            } finally {
                destroy(Calls.DESTROY_TYPE, child);
            }
        }
        return new SqlType.StructOf(fields);
    }

    private static String text(MemorySegment characters) {
        return characters.address() == 0 ? null : characters.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** A string DuckDB allocated for the caller: read, then freed. */
    private static String takeText(MemorySegment characters) {
        if (characters.address() == 0) {
            return null;
        }
        try {
            return text(characters);
        } finally {
            call(() -> {
                Calls.FREE.invoke(characters);
                return null;
            });
        }
    }

    /** The C API's destroy functions take the address of the handle, and set it to NULL. */
    private static void destroy(MethodHandle destroyer, MemorySegment handle) {
        if (handle.address() == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment holder = arena.allocate(PTR);
            holder.set(ValueLayout.ADDRESS, 0, handle);
            call(() -> {
                destroyer.invoke(holder);
                return null;
            });
        }
    }

    @FunctionalInterface
    private interface NativeCall {
        Object run() throws Throwable;
    }

    private static Object call(NativeCall call) {
        try {
            return call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
