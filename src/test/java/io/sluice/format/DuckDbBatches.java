package io.sluice.format;

import io.sluice.core.types.Column;
import io.sluice.core.types.ResultSchema;
import io.sluice.core.types.SqlType;
import io.sluice.core.types.SqlTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import io.sluice.core.result.BatchStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;

/** A BatchStream over a query in a private in-memory DuckDB, the way the engine will produce one. */
final class DuckDbBatches implements BatchStream {
    private final Connection connection;
    private final PreparedStatement statement;
    private final DuckDBResultSet resultSet;
    private final ArrowReader reader;
    private final ResultSchema schema;

    private DuckDbBatches(String sql, List<Object> parameters, BufferAllocator allocator, int batchSize,
            ResultSchema schemaOverride) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        resultSet = statement.executeQuery().unwrap(DuckDBResultSet.class);
        schema = schemaOverride != null ? schemaOverride : schemaOf(resultSet.getMetaData());
        reader = (ArrowReader) resultSet.arrowExportStream(allocator, batchSize);
    }

    static DuckDbBatches query(BufferAllocator allocator, String sql) {
        return query(allocator, sql, 1024, null, List.of());
    }

    static DuckDbBatches query(BufferAllocator allocator, String sql, int batchSize, ResultSchema schema,
            List<Object> parameters) {
        try {
            return new DuckDbBatches(sql, parameters, allocator, batchSize, schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DuckDB's type names are the canonical ones except for a few spellings mapped here. */
    static ResultSchema schemaOf(ResultSetMetaData metadata) throws SQLException {
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i <= metadata.getColumnCount(); i++) {
            columns.add(new Column(metadata.getColumnName(i), canonical(metadata.getColumnTypeName(i)), true));
        }
        return new ResultSchema(columns);
    }

    static SqlType canonical(String duckDbType) {
        String text = duckDbType
                .replaceAll("\\bFLOAT\\b", "REAL")
                .replaceAll("\\bTIMESTAMP_NS\\b", "TIMESTAMP(9)")
                .replaceAll("\\bTIMESTAMP_MS\\b", "TIMESTAMP(3)")
                .replaceAll("\\bTIMESTAMP_S\\b", "TIMESTAMP(0)")
                .replaceAll("\\bUBIGINT\\b", "HUGEINT")
                .replaceAll("\\bUTINYINT\\b", "SMALLINT");
        return SqlTypes.parse(text);
    }

    @Override
    public ResultSchema schema() {
        return schema;
    }

    @Override
    public boolean next() {
        try {
            return reader.loadNextBatch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public VectorSchemaRoot root() {
        try {
            return reader.getVectorSchemaRoot();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
            resultSet.close();
            statement.close();
            connection.close();
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
