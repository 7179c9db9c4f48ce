// Conformance scenarios: npm @druid-toolkit/query 0.22.24 driven through its public API (QueryRunner, SqlQuery,
// Introspect, QueryResult) as Druid's web console drives it, against Sluice's Druid SQL API. Each scenario is an
// async function that throws (an assertion) when Sluice does not answer as Druid does; run.mjs runs one by name.
// Expected rows come from Sluice's native API for the same SQL, never from constants.
import assert from "node:assert/strict";
import { Introspect, SqlQuery, SqlTable } from "@druid-toolkit/query";
import { DruidError, adminKey, maxRequestBytes, nativeError, nativeRows, readerKey, runner } from "./sluice.mjs";

const TOP_CHANNELS = "SELECT channel, COUNT(*) AS edits FROM wikipedia GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3";

/** Runs `body` and returns the DruidError it throws; fails when it throws nothing or something else. */
async function refused(body) {
    try {
        await body();
    } catch (e) {
        if (e instanceof DruidError) {
            return e;
        }
        throw e;
    }
    assert.fail("the request was not refused");
}

/** Druid's error body: the DruidException fields, with the legacy query-error fields on /druid/v2/sql. */
function assertDruidError(error, status, legacyError, category, message) {
    assert.equal(error.status, status, JSON.stringify(error.body));
    assert.equal(typeof error.body, "object", `not a JSON error body: ${error.body}`);
    assert.equal(error.body.error, legacyError, JSON.stringify(error.body));
    assert.equal(error.body.category, category, JSON.stringify(error.body));
    assert.equal(typeof error.body.errorCode, "string", JSON.stringify(error.body));
    assert.equal(typeof error.body.persona, "string", JSON.stringify(error.body));
    if (message instanceof RegExp) {
        assert.match(error.body.errorMessage, message);
    } else if (message !== undefined) {
        assert.equal(error.body.errorMessage, message);
    }
}

export const scenarios = {
    "a query with header, native types and SQL types": async () => {
        const result = await runner().runQuery({ query: TOP_CHANNELS });
        assert.deepEqual(result.getHeaderNames(), ["channel", "edits"]);
        assert.deepEqual(result.header.map((column) => column.nativeType), ["STRING", "LONG"]);
        assert.deepEqual(result.header.map((column) => column.sqlType), ["VARCHAR", "BIGINT"]);
        assert.deepEqual(result.rows, await nativeRows(TOP_CHANNELS));
        assert.match(result.sqlQueryId, /\S/, "the X-Druid-SQL-Query-Id header");
        assert.deepEqual(result.toObjectArray()[0], { channel: result.rows[0][0], edits: result.rows[0][1] });
    },

    "a header without types, and no header at all": async () => {
        const named = await runner().runQuery({ query: TOP_CHANNELS, header: true, typesHeader: false, sqlTypesHeader: false });
        assert.deepEqual(named.getHeaderNames(), ["channel", "edits"]);
        assert.deepEqual(named.header.map((column) => column.sqlType), [undefined, undefined]);
        const expected = await nativeRows(TOP_CHANNELS);
        assert.deepEqual(named.rows, expected);
        const bare = await runner().runQuery({ query: { query: TOP_CHANNELS, resultFormat: "array" } });
        assert.deepEqual(bare.getHeaderNames(), ["0", "1"]);
        assert.deepEqual(bare.rows, expected);
    },

    "__time comes back as a Date, inflated from its SQL type": async () => {
        const sql = "SELECT __time, \"user\" FROM wikipedia ORDER BY __time, \"user\" LIMIT 2";
        const result = await runner().runQuery({ query: sql });
        assert.deepEqual(result.header.map((column) => [column.name, column.nativeType, column.sqlType]),
            [["__time", "LONG", "TIMESTAMP"], ["user", "STRING", "VARCHAR"]]);
        const expected = await nativeRows("SELECT epoch_ms(__time), \"user\" FROM wikipedia ORDER BY __time, \"user\" LIMIT 2");
        assert.ok(result.rows[0][0] instanceof Date, `not a Date: ${result.rows[0][0]}`);
        assert.deepEqual(result.rows.map(([time, user]) => [time.valueOf(), user]), expected);
    },

    "a query built with the toolkit's SQL model": async () => {
        const query = SqlQuery.parse(TOP_CHANNELS)
            .addSelect(`MAX(added) AS "most added"`, { insertIndex: "last" })
            .changeLimitValue(2);
        const result = await runner().runQuery({ query });
        assert.deepEqual(result.getHeaderNames(), ["channel", "edits", "most added"]);
        assert.deepEqual(result.rows, await nativeRows(query.toString()));
        assert.equal(result.sqlQuery, query);
        assert.equal(result.getNumResults(), 2);
    },

    "parameters are bound with their Druid types": async () => {
        const sql = "SELECT COUNT(*) AS edits, SUM(added) AS added FROM wikipedia WHERE channel = ? AND added > ? AND __time >= ?";
        const result = await runner().runQuery({
            query: sql,
            queryParameters: [
                { type: "VARCHAR", value: "#en.wikipedia" },
                { type: "INTEGER", value: 10 },
                { type: "TIMESTAMP", value: "2015-09-12 12:00:00" },
            ],
        });
        assert.deepEqual(result.header.map((column) => column.sqlType), ["BIGINT", "BIGINT"]);
        assert.deepEqual(result.rows, await nativeRows(
            "SELECT COUNT(*), SUM(added) FROM wikipedia WHERE channel = ? AND added > ? AND __time >= ?",
            ["#en.wikipedia", 10, { type: "TIMESTAMP", value: "2015-09-12T12:00:00" }]));
        assert.ok(result.rows[0][0] > 0, "the filter keeps some rows");
    },

    "introspection lists the datasources": async () => {
        const result = await runner().runQuery({ query: Introspect.getTableIntrospectionQuery() });
        const tables = Introspect.decodeTableIntrospectionResult(result).map((table) => table.name);
        assert.ok(tables.includes("wikipedia"), JSON.stringify(tables));
        assert.ok(!tables.includes("audit"), `Sluice's audit table is not a datasource: ${JSON.stringify(tables)}`);
        const expected = (await nativeRows("SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
            + " AND table_schema = 'main' AND table_name <> 'audit' ORDER BY 1")).map(([name]) => name);
        assert.deepEqual([...tables].sort(), expected);
    },

    "introspection of a table's columns, with their types": async () => {
        const payload = Introspect.getQueryColumnIntrospectionPayload(SqlTable.create("wikipedia"));
        const result = await runner().runQuery({ query: payload });
        assert.equal(result.rows.length, 0, "LIMIT 0: the header alone");
        const columns = Introspect.decodeQueryColumnIntrospectionResult(result);
        const catalog = await runner().runQuery({
            query: "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'druid'"
                + " AND TABLE_NAME = 'wikipedia' ORDER BY ORDINAL_POSITION",
        });
        assert.ok(catalog.rows.length > 5, JSON.stringify(catalog.rows));
        assert.deepEqual(columns.map((column) => [column.name, column.sqlType]), catalog.rows);
        const time = columns.find((column) => column.name === "__time");
        assert.equal(time.nativeType, "LONG");
        assert.equal(time.isTimeColumn(), true);
    },

    "a user granted one table sees that table and its columns, and nothing else": async () => {
        const reader = runner(readerKey);
        const tables = Introspect.decodeTableIntrospectionResult(
            await reader.runQuery({ query: Introspect.getTableIntrospectionQuery() })).map((table) => table.name);
        assert.deepEqual(tables, ["wikipedia"]);
        const everything = await reader.runQuery({ query: "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES" });
        assert.deepEqual(everything.rows.filter(([schema]) => schema !== "INFORMATION_SCHEMA"), [["druid", "wikipedia"]]);
        const columnTables = await reader.runQuery({ query: "SELECT DISTINCT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.COLUMNS" });
        assert.deepEqual(columnTables.rows, [["druid", "wikipedia"]]);
        const own = await reader.runQuery({ query: "SELECT COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE TABLE_NAME = 'wikipedia' ORDER BY ORDINAL_POSITION" });
        const asAdmin = await runner().runQuery({ query: "SELECT COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = 'wikipedia' ORDER BY ORDINAL_POSITION" });
        assert.deepEqual(own.rows, asAdmin.rows);
        const schemata = await reader.runQuery({ query: "SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY 1" });
        assert.deepEqual(schemata.rows, [["INFORMATION_SCHEMA"], ["druid"]]);
        const columns = Introspect.decodeQueryColumnIntrospectionResult(await reader.runQuery({
            query: Introspect.getQueryColumnIntrospectionPayload(SqlTable.create("wikipedia")) }));
        assert.deepEqual(columns.map((column) => column.name), asAdmin.rows.map(([name]) => name));
    },

    // ---- bad input: each answered in Druid's error shape and status, with the real message -------------------

    "an SQL syntax error is Druid's 400 SQL parse failed": async () => {
        const sql = "SELECT channel FROM wikipedia WHERE";
        const error = await refused(() => runner().runQuery({ query: sql }));
        assertDruidError(error, 400, "SQL parse failed", "INVALID_INPUT", await nativeError(sql));
        assert.equal(error.body.errorClass, "org.apache.calcite.sql.parser.SqlParseException");
        assert.equal(error.body.context.sourceType, "sql");
    },

    "a runtime error is Druid's 400 with the engine's message": async () => {
        const sql = "SELECT CAST(channel AS INTEGER) FROM wikipedia";
        const error = await refused(() => runner().runQuery({ query: sql }));
        const message = await nativeError(sql);
        assert.match(message, /Could not convert|Conversion Error/, "the engine's own message");
        assertDruidError(error, 400, "Plan validation failed", "INVALID_INPUT", message);
    },

    "an unknown table is Druid's 400 with the engine's message": async () => {
        const sql = "SELECT COUNT(*) FROM no_such_datasource";
        const error = await refused(() => runner().runQuery({ query: sql }));
        assertDruidError(error, 400, "Plan validation failed", "INVALID_INPUT", await nativeError(sql));
        assert.match(error.body.errorMessage, /no_such_datasource/);
        // A table that exists but is not granted reads exactly like one that does not exist.
        const hidden = await refused(() => runner(readerKey).runQuery({ query: "SELECT COUNT(*) FROM nekt_raw.customers" }));
        assertDruidError(hidden, 400, "Plan validation failed", "INVALID_INPUT");
        assert.doesNotMatch(hidden.body.errorMessage, /Did you mean/);
    },

    "a wrong credential is Druid's 401": async () => {
        const error = await refused(() => runner("wrong.0123456789abcdef0123456789").runQuery({ query: "SELECT 1" }));
        assertDruidError(error, 401, "Unauthorized", "UNAUTHORIZED", /API key/);
    },

    "a native query type Sluice does not run is Druid's unsupported-operation error": async () => {
        const error = await refused(() => runner().runQuery({
            query: { queryType: "topN", dataSource: "wikipedia", dimension: "channel", metric: "count", threshold: 3,
                intervals: ["2015-09-12/2015-09-13"], granularity: "all", aggregations: [{ type: "count", name: "count" }] },
        }));
        assertDruidError(error, 501, "Unsupported operation", "UNSUPPORTED", /queryType \[topN\].*not supported/);
        assert.equal(error.body.errorClass, "org.apache.druid.query.QueryUnsupportedException");
    },

    "an endpoint Sluice does not serve is a 404 in Druid's shape": async () => {
        const error = await refused(() => runner(adminKey, "/druid/v2/sql/task").runQuery({ query: "SELECT 1" }));
        assert.equal(error.status, 404, JSON.stringify(error.body));
        assert.equal(typeof error.body, "object", `not a JSON error body: ${error.body}`);
        assert.equal(typeof error.body.errorMessage, "string", JSON.stringify(error.body));
        assert.equal(error.body.category, "NOT_FOUND");
    },

    "a body over the server's limit is Druid's 413": async () => {
        const sql = `SELECT '${"x".repeat(maxRequestBytes)}' AS big`;
        const error = await refused(() => runner().runQuery({ query: sql }));
        assertDruidError(error, 413, "Resource limit exceeded", "INVALID_INPUT",
            `The request body is larger than the limit of ${maxRequestBytes} bytes`);
    },
};
