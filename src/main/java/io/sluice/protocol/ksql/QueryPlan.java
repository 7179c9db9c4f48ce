package io.sluice.protocol.ksql;

import io.sluice.core.streams.SourceColumn;
import io.sluice.core.streams.SourceDefinition;
import io.sluice.core.streams.SourceKind;
import io.sluice.core.streams.StreamService;
import java.util.ArrayList;
import java.util.List;

/** A SELECT checked against its source: which columns it returns, in ksqlDB's schema vocabulary. */
record QueryPlan(KsqlStatement.Select select, SourceDefinition source, int[] projection) {

    static QueryPlan of(KsqlStatement.Select select, StreamService streams) {
        SourceDefinition source = streams.source(select.source()).orElseThrow(() -> new KsqlSyntaxException(
                "Exception while preparing statement: " + select.source() + " does not exist.", select.text()));
        int[] projection;
        if (select.columns() == null) {
            projection = java.util.stream.IntStream.range(0, source.columns().size()).toArray();
        } else {
            projection = new int[select.columns().size()];
            for (int index = 0; index < projection.length; index++) {
                projection[index] = column(source, select.columns().get(index), select.text());
            }
        }
        if (select.where() != null) {
            select.where().columns().forEach(column -> column(source, column, select.text()));
        }
        return new QueryPlan(select, source, projection);
    }

    private static int column(SourceDefinition source, String name, String text) {
        int index = source.columnIndex(name);
        if (index < 0) {
            throw new KsqlSyntaxException("Line: 1, Col: 8: SELECT column '" + name + "' cannot be resolved.", text);
        }
        return index;
    }

    boolean push() {
        return select.emitChanges();
    }

    boolean table() {
        return source.kind() == SourceKind.TABLE;
    }

    List<String> columnNames() {
        List<String> names = new ArrayList<>();
        for (int index : projection) {
            names.add(source.columns().get(index).name());
        }
        return names;
    }

    List<String> columnTypes() {
        List<String> types = new ArrayList<>();
        for (int index : projection) {
            types.add(KsqlTypes.toKsql(source.columns().get(index).sqlType()));
        }
        return types;
    }

    /** ksqlDB's schema string: {@code `ID` STRING KEY, `NAME` STRING}; KEY marks key columns of pull queries. */
    String schema() {
        List<String> parts = new ArrayList<>();
        for (int index : projection) {
            SourceColumn column = source.columns().get(index);
            parts.add("`" + column.name() + "` " + KsqlTypes.toKsql(column.sqlType()) + (!push() && column.key() ? " KEY" : ""));
        }
        return String.join(", ", parts);
    }

    List<Object> project(List<Object> row) {
        List<Object> values = new ArrayList<>(projection.length);
        for (int index : projection) {
            values.add(KsqlValues.toJson(row.get(index)));
        }
        return values;
    }

    /** The pull query as engine SQL, values bound as parameters. */
    String pullSql(List<Object> parameters) {
        StringBuilder sql = new StringBuilder("SELECT ");
        List<String> columns = new ArrayList<>();
        for (int index : projection) {
            columns.add(KsqlApi.quote(source.columns().get(index).name()));
        }
        sql.append(String.join(", ", columns)).append(" FROM ").append(KsqlApi.quote(source.name()));
        if (select.where() != null) {
            sql.append(" WHERE ");
            select.where().toSql(sql, parameters);
        }
        sql.append(" ORDER BY __sluice_seq");
        if (select.limit() >= 0) {
            sql.append(" LIMIT ").append(select.limit());
        }
        return sql.toString();
    }
}
