// Conformance scenarios: npm plywood-druid-requester 3.0.2 driven through its public API, as its README shows and
// as plywood, Turnilo and Pivot use it, against Sluice's Druid API. Each scenario is an async function that throws
// (an assertion) when Sluice does not answer as a Druid broker does; run.mjs runs one by name. Expected rows come
// from Sluice's native API for the same question, never from constants.
import assert from "node:assert/strict";
import { collect, failure, maxRequestBytes, nativeError, nativeRows, readerKey, requester } from "./sluice.mjs";

const TOP_PAGES = "SELECT page, COUNT(*) AS edits, SUM(added) AS added FROM wikipedia GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5";

/** Plywood's message for a Druid error body: `<error>: <errorMessage>`. */
function druidMessage(error, legacyError, message) {
    assert.equal(error.message, `${legacyError}: ${message}`);
}

export const scenarios = {
    "status answers the broker's version": async () => {
        const { rows } = await collect(requester(), { queryType: "status" });
        assert.equal(rows.length, 1);
        const [status] = rows;
        assert.match(status.version, /^\d+\.\d+\.\d+$/);
        assert.ok(Array.isArray(status.modules), JSON.stringify(status));
        assert.equal(typeof status.memory.maxMemory, "number");
    },

    "SQL queries stream rows and their columns": async () => {
        const { rows, meta } = await collect(requester(), { query: TOP_PAGES });
        assert.deepEqual(rows, await nativeRows(TOP_PAGES));
        assert.deepEqual(meta, [{ columns: ["page", "edits", "added"] }]);
    },

    "SQL with parameters and a query context": async () => {
        const sql = "SELECT channel, COUNT(*) AS edits FROM wikipedia WHERE added > ? AND channel LIKE ? GROUP BY 1 ORDER BY 2 DESC, 1";
        const { rows } = await collect(requester(), {
            query: sql,
            parameters: [{ type: "INTEGER", value: 100 }, { type: "VARCHAR", value: "#e%" }],
            context: { sqlTimeZone: "Etc/UTC", sqlQueryId: `plywood-${process.pid}` },
        });
        assert.ok(rows.length > 1, JSON.stringify(rows));
        assert.deepEqual(rows, await nativeRows(sql, [100, "#e%"]));
    },

    "SQL that finds no rows ends without an error": async () => {
        const { rows } = await collect(requester(), { query: "SELECT page FROM wikipedia WHERE added < 0 AND added > 0" });
        assert.deepEqual(rows, []);
    },

    "sourceList lists the datasources, and not Sluice's own tables": async () => {
        const { rows } = await collect(requester(), { queryType: "sourceList" });
        assert.equal(rows.length, 1);
        const [sources] = rows;
        assert.ok(sources.includes("wikipedia"), JSON.stringify(sources));
        assert.ok(!sources.includes("audit"), JSON.stringify(sources));
        const expected = (await nativeRows("SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
            + " AND table_schema = 'main' AND table_name <> 'audit' ORDER BY 1")).map((row) => row.table_name);
        assert.deepEqual(sources, expected);
    },

    "introspect answers a datasource's dimensions and metrics": async () => {
        const { rows } = await collect(requester(), { queryType: "introspect", dataSource: "wikipedia" });
        const [{ dimensions, metrics }] = rows;
        const columns = await nativeRows("SELECT column_name, data_type FROM information_schema.columns"
            + " WHERE table_name = 'wikipedia' AND column_name <> '__time' ORDER BY ordinal_position");
        const numeric = (type) => /INT|DOUBLE|FLOAT|DECIMAL/.test(type);
        assert.deepEqual(dimensions, columns.filter((c) => !numeric(c.data_type)).map((c) => c.column_name));
        assert.deepEqual(metrics, columns.filter((c) => numeric(c.data_type)).map((c) => c.column_name));
    },

    "segmentMetadata describes the columns with Druid's native types": async () => {
        const { rows } = await collect(requester(), {
            queryType: "segmentMetadata", dataSource: "wikipedia", merge: true, analysisTypes: [], lenientAggregatorMerge: true,
        });
        assert.equal(rows.length, 1, JSON.stringify(rows));
        const [analysis] = rows;
        assert.equal(analysis.columns.__time.type, "LONG");
        assert.equal(analysis.columns.channel.type, "STRING");
        assert.equal(analysis.columns.added.type, "LONG");
        const [{ count }] = await nativeRows("SELECT COUNT(*) AS count FROM wikipedia");
        assert.equal(analysis.numRows, count);
    },

    "timeBoundary answers the first and last __time": async () => {
        const { rows } = await collect(requester(), { queryType: "timeBoundary", dataSource: "wikipedia" });
        assert.equal(rows.length, 1, JSON.stringify(rows));
        const [{ minTime, maxTime }] = await nativeRows(
            "SELECT epoch_ms(MIN(__time)) AS \"minTime\", epoch_ms(MAX(__time)) AS \"maxTime\" FROM wikipedia");
        assert.equal(Date.parse(rows[0].minTime), minTime);
        assert.equal(Date.parse(rows[0].maxTime), maxTime);
        assert.equal(rows[0].timestamp.valueOf(), minTime, "the requester reads the row's timestamp as a Date");
    },

    "a user granted one table lists and introspects that table only": async () => {
        const reader = requester(readerKey);
        const { rows: [sources] } = await collect(reader, { queryType: "sourceList" });
        assert.deepEqual(sources, ["wikipedia"]);
        const { rows: [own] } = await collect(reader, { queryType: "introspect", dataSource: "wikipedia" });
        const { rows: [asAdmin] } = await collect(requester(), { queryType: "introspect", dataSource: "wikipedia" });
        assert.deepEqual(own, asAdmin);
        const { rows: [boundary] } = await collect(reader, { queryType: "timeBoundary", dataSource: "wikipedia" });
        assert.match(boundary.minTime, /^\d{4}-/);
        // A datasource the user may not read is one that does not exist, as the requester's own check says.
        const hidden = await failure(reader, { queryType: "introspect", dataSource: "customers" });
        assert.equal(hidden.message, "No such datasource 'customers'");
    },

    // ---- bad input: each answered in Druid's error shape and status, with the real message -------------------

    "an SQL syntax error is Druid's SQL parse failed, with the engine's message": async () => {
        const sql = "SELECT page FROM wikipedia WHERE";
        druidMessage(await failure(requester(), { query: sql }), "SQL parse failed", await nativeError(sql));
    },

    "a runtime error is Druid's error with the engine's message": async () => {
        const sql = "SELECT CAST(page AS INTEGER) AS n FROM wikipedia";
        const message = await nativeError(sql);
        assert.match(message, /Could not convert|Conversion Error/, "the engine's own message");
        druidMessage(await failure(requester(), { query: sql }), "Plan validation failed", message);
    },

    "an unknown datasource is Druid's error, in SQL and in introspection": async () => {
        const sql = "SELECT COUNT(*) AS n FROM no_such_datasource";
        druidMessage(await failure(requester(), { query: sql }), "Plan validation failed", await nativeError(sql));
        const introspected = await failure(requester(), { queryType: "introspect", dataSource: "no_such_datasource" });
        assert.equal(introspected.message, "No such datasource 'no_such_datasource'");
        // A native query on an unknown datasource answers [] and the requester then checks the source list.
        const bounded = await failure(requester(), { queryType: "timeBoundary", dataSource: "no_such_datasource" });
        assert.equal(bounded.message, "No such datasource 'no_such_datasource'");
    },

    "a wrong credential is Druid's 401": async () => {
        const error = await failure(requester("wrong.0123456789abcdef0123456789"), { query: "SELECT 1 AS one" });
        assert.match(error.message, /^Unauthorized: .*API key/);
        // The GET endpoints the requester reads as JSON refuse the same way.
        const listed = await failure(requester("wrong.0123456789abcdef0123456789"), { queryType: "sourceList" });
        assert.match(listed.message, /^401 - .*"error":"Unauthorized"/);
    },

    "a native query type Sluice does not run is Druid's unsupported-operation error": async () => {
        const error = await failure(requester(), {
            queryType: "groupBy", dataSource: "wikipedia", granularity: "all", intervals: ["2015-09-12/2015-09-13"],
            dimensions: ["channel"], aggregations: [{ type: "count", name: "count" }],
        });
        assert.match(error.message, /^Unsupported operation: Native queries \(queryType \[groupBy\]\) are not supported/);
    },

    "an endpoint Sluice does not serve is Druid's 404": async () => {
        const error = await failure(requester(undefined, { endpointOverrides: { sql: "/druid/v2/sql/task" } }),
            { query: "SELECT 1 AS one" });
        assert.match(error.message, /^druidException: Sluice does not serve Druid's POST \/druid\/v2\/sql\/task/);
    },

    "a body over the server's limit is Druid's 413": async () => {
        const error = await failure(requester(), { query: `SELECT '${"x".repeat(maxRequestBytes)}' AS big` });
        druidMessage(error, "Resource limit exceeded", `The request body is larger than the limit of ${maxRequestBytes} bytes`);
    },
};
