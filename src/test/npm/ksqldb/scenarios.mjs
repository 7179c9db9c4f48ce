// Conformance scenarios: npm ksqldb-client 1.0.5 driven through its public API, as its README shows, against
// Sluice's ksqlDB API. Each scenario is an async function that throws (an assertion) when Sluice does not
// answer as ksqlDB does; run.mjs runs one by name.
import assert from "node:assert/strict";
import { adminKey, connectedClient, eventually, maxRequestBytes, port, uniqueName } from "./sluice.mjs";

const EARLIEST = { properties: { "auto.offset.reset": "earliest" } };

/** Runs `body` with a connected client and always disconnects it. */
async function withClient(body, password) {
    const client = await connectedClient(password);
    try {
        return await body(client);
    } finally {
        await client.disconnect();
    }
}

async function ok(client, statement) {
    const result = await client.executeStatement(statement);
    assert.equal(result.status, 200, `${statement} → ${JSON.stringify(result.error)}`);
    return result.data.rows;
}

async function createStream(client, name, columns = "ID VARCHAR KEY, N INT") {
    const [entity] = await ok(client, `CREATE STREAM ${name} (${columns}) WITH (kafka_topic='${name.toLowerCase()}', value_format='json');`);
    assert.equal(entity["@type"], "currentStatus");
    return entity;
}

async function insert(client, stream, row) {
    const result = await client.insertInto(stream, row);
    assert.equal(result.status, 200, JSON.stringify(result));
    assert.deepEqual(result.data.rows, [{ status: "ok", seq: 0 }]);
}

/**
 * Starts a push query and collects what its callback sees. ksqldb-client parses every chunk it receives as one
 * JSON value and throws from its data handler when a chunk holds more, which surfaces as an uncaught exception:
 * run.mjs fails the scenario on any.
 */
function push(client, sql, params) {
    const seen = { metadata: undefined, rows: [] };
    const done = client.streamQuery(sql, (data) => {
        assert.equal(data.status, 200, JSON.stringify(data));
        seen.metadata = data.metadata;
        seen.rows.push(...(data.rows ?? []));
    }, params);
    return { seen, done };
}

/** The native API's error message for SQL the engine rejects, to compare with what the ksqlDB API says. */
async function nativeError(sql, parameters) {
    const response = await fetch(`http://127.0.0.1:${port}/sluice/v1/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        body: JSON.stringify({ sql, parameters }),
    });
    const body = await response.json();
    assert.ok(response.status >= 400, `the native API ran ${sql}: ${JSON.stringify(body)}`);
    return body.message;
}

function assertKsqlError(result, status, type, code, message) {
    assert.equal(result.status, status, JSON.stringify(result));
    assert.equal(result.error["@type"], type, JSON.stringify(result.error));
    assert.equal(result.error.error_code, code, JSON.stringify(result.error));
    if (message instanceof RegExp) {
        assert.match(result.error.message, message);
    } else {
        assert.equal(result.error.message, message);
    }
}

export const scenarios = {
    "push query with LIMIT ends after its rows, backlog and live": () => withClient(async (client) => {
        const stream = uniqueName("limited");
        await createStream(client, stream);
        await insert(client, stream, { ID: "a", N: 1 });
        await insert(client, stream, { ID: "b", N: 2 });
        const { seen, done } = push(client, `SELECT * FROM ${stream} EMIT CHANGES LIMIT 3;`, EARLIEST);
        await eventually("the two earlier rows", () => seen.rows.length === 2);
        await insert(client, stream, { ID: "c", N: 3 });
        const result = await done;
        assert.equal(result.status, 200);
        assert.deepEqual(result.data.metadata.columnNames, ["ID", "N"]);
        assert.deepEqual(result.data.metadata.columnTypes, ["STRING", "INTEGER"]);
        assert.match(result.data.metadata.queryId, /\S/);
        assert.deepEqual(seen.rows, [{ ID: "a", N: 1 }, { ID: "b", N: 2 }, { ID: "c", N: 3 }]);
    }),

    "push query closed by the client with terminatePushQuery": () => withClient(async (client) => {
        const stream = uniqueName("closed");
        await createStream(client, stream);
        const { seen, done } = push(client, `SELECT ID FROM ${stream} EMIT CHANGES;`);
        await eventually("the push query's header", () => seen.metadata !== undefined);
        const { queryId } = seen.metadata;
        assert.ok((await client.listQueries()).some((query) => query.id === queryId), "the push query is listed");
        await insert(client, stream, { ID: "live", N: 1 });
        await eventually("the live row", () => seen.rows.length === 1);
        assert.deepEqual(seen.rows, [{ ID: "live" }]);
        const closed = await client.terminatePushQuery(queryId);
        assert.deepEqual(closed, { data: undefined, error: undefined, status: 200 });
        assert.equal((await done).status, 200);
        assert.ok(!(await client.listQueries()).some((query) => query.id === queryId), "the closed query is gone");
    }),

    "push query ended by the client disconnecting is freed on the server": async () => {
        const stream = uniqueName("dropped");
        const watcher = await connectedClient();
        try {
            await createStream(watcher, stream);
            const client = await connectedClient();
            const { seen, done } = push(client, `SELECT * FROM ${stream} EMIT CHANGES;`);
            // The session is destroyed under the open request; how the client settles it does not matter here.
            done.catch(() => {});
            await eventually("the push query's header", () => seen.metadata !== undefined);
            const { queryId } = seen.metadata;
            assert.ok((await watcher.listQueries()).some((query) => query.id === queryId), "the push query is listed");
            await client.disconnect();
            await eventually("the server to free the push query",
                async () => !(await watcher.listQueries()).some((query) => query.id === queryId));
        } finally {
            await watcher.disconnect();
        }
    },

    "earliest replay of a backlog of 100 rows delivers each row once, in order": () => withClient(async (client) => {
        const stream = uniqueName("backlog");
        await createStream(client, stream, "ID VARCHAR KEY, N INT, LABEL STRING");
        const expected = [];
        for (let n = 0; n < 100; n++) {
            const row = { ID: `r${n}`, N: n, LABEL: `row ${n} of 100, "quoted"\n` };
            await insert(client, stream, row);
            expected.push(row);
        }
        const { seen, done } = push(client, `SELECT * FROM ${stream} EMIT CHANGES LIMIT 100;`, EARLIEST);
        const result = await done;
        assert.equal(result.status, 200);
        assert.deepEqual(seen.rows, expected);
    }),

    "pull queries on a table and on a stream": () => withClient(async (client) => {
        const orders = uniqueName("orders");
        const totals = `${orders}_TOTALS`;
        await createStream(client, orders, "ID VARCHAR KEY, REGION STRING, AMOUNT INT");
        await insert(client, orders, { ID: "o1", REGION: "EU", AMOUNT: 10 });
        await insert(client, orders, { ID: "o2", REGION: "US", AMOUNT: 5 });
        await insert(client, orders, { ID: "o3", REGION: "EU", AMOUNT: 7 });
        await ok(client, `CREATE TABLE ${totals} AS SELECT REGION, COUNT(*) AS ORDERS, SUM(AMOUNT) AS TOTAL FROM ${orders} GROUP BY REGION EMIT CHANGES;`);
        let pulled;
        await eventually("the aggregate to count every order", async () => {
            pulled = await client.query(`SELECT * FROM ${totals} WHERE REGION = 'EU';`);
            return pulled.status === 200 && pulled.data.rows[0]?.ORDERS === 2;
        });
        assert.deepEqual(pulled.data.metadata.columnNames, ["REGION", "ORDERS", "TOTAL"]);
        assert.deepEqual(pulled.data.rows, [{ REGION: "EU", ORDERS: 2, TOTAL: 17 }]);
        const all = await client.query(`SELECT ID, AMOUNT FROM ${orders};`);
        assert.equal(all.status, 200, JSON.stringify(all));
        assert.deepEqual(all.data.rows, [{ ID: "o1", AMOUNT: 10 }, { ID: "o2", AMOUNT: 5 }, { ID: "o3", AMOUNT: 7 }]);
    }),

    "create, describe and drop a stream": () => withClient(async (client) => {
        const stream = uniqueName("created");
        const created = await createStream(client, stream, "ID VARCHAR KEY, READING DOUBLE");
        assert.equal(created.commandId, `stream/${stream}/create`);
        assert.equal(created.commandStatus.status, "SUCCESS");
        assert.equal(typeof created.commandSequenceNumber, "number");
        const description = await client.describeSource(stream);
        assert.equal(description.name, stream);
        assert.deepEqual(description.fields.map((field) => [field.name, field.schema.type]), [["ID", "STRING"], ["READING", "DOUBLE"]]);
        const [dropped] = await ok(client, `DROP STREAM ${stream};`);
        assert.equal(dropped["@type"], "currentStatus");
        assert.equal(dropped.commandId, `stream/${stream}/drop`);
        assert.equal(dropped.commandStatus.status, "SUCCESS");
        assert.ok(!(await client.listStreams()).some((each) => each.name === stream), "the dropped stream is not listed");
    }),

    "insertInto acknowledges a row, and refuses a wrong type in ksqlDB's ack shape": () => withClient(async (client) => {
        const stream = uniqueName("inserted");
        await createStream(client, stream, "ID VARCHAR KEY, OK BOOLEAN, AT BIGINT");
        await insert(client, stream, { ID: "x", OK: true, AT: 1700000000000 });
        const refused = await client.insertInto(stream, { ID: "y", OK: "not a boolean" });
        assert.equal(refused.status, 200);
        assert.equal(refused.error.status, "error");
        assert.equal(refused.error.seq, 0);
        assert.equal(refused.error.error_code, 40000);
        assert.match(refused.error.message, /OK/);
        const stored = await client.query(`SELECT * FROM ${stream};`);
        assert.deepEqual(stored.data.rows, [{ ID: "x", OK: true, AT: 1700000000000 }]);
    }),

    "listStreams, listTables, listTopics and listQueries": () => withClient(async (client) => {
        const stream = uniqueName("listed");
        await createStream(client, stream);
        const table = `${stream}_BY_ID`;
        await ok(client, `CREATE TABLE ${table} AS SELECT ID, COUNT(*) AS SEEN FROM ${stream} GROUP BY ID EMIT CHANGES;`);
        const streams = await client.listStreams();
        assert.deepEqual(streams.find((each) => each.name === stream),
            { type: "STREAM", name: stream, topic: stream.toLowerCase(), keyFormat: "KAFKA", valueFormat: "JSON", isWindowed: false });
        assert.ok((await client.listTables()).some((each) => each.name === table && each.type === "TABLE"), "the table is listed");
        assert.deepEqual((await client.listTopics()).find((each) => each.name === stream.toLowerCase()),
            { name: stream.toLowerCase(), replicaInfo: [1] });
        const persistent = (await client.listQueries()).find((query) => query.sinks.includes(table));
        assert.equal(persistent.queryType, "PERSISTENT");
    }),

    "TERMINATE ends a persistent query": () => withClient(async (client) => {
        const stream = uniqueName("terminated");
        await createStream(client, stream);
        const table = `${stream}_COUNTS`;
        const [created] = await ok(client, `CREATE TABLE ${table} AS SELECT ID, COUNT(*) AS SEEN FROM ${stream} GROUP BY ID EMIT CHANGES;`);
        const { queryId } = created.commandStatus;
        assert.ok((await client.listQueries()).some((query) => query.id === queryId), "the persistent query is listed");
        const [terminated] = await ok(client, `TERMINATE ${queryId};`);
        assert.equal(terminated["@type"], "currentStatus");
        assert.equal(terminated.commandStatus.status, "SUCCESS");
        assert.ok(!(await client.listQueries()).some((query) => query.id === queryId), "the terminated query is gone");
    }),

    // ---- bad input: each answered in ksqlDB's error shape and status, with the real message ----------------

    "an SQL syntax error is ksqlDB's 400 statement_error": () => withClient(async (client) => {
        const result = await client.executeStatement("CREATE STREM oops (ID VARCHAR KEY);");
        assertKsqlError(result, 400, "statement_error", 40001, "line 1:8: Expected STREAM or TABLE after CREATE");
        assert.equal(result.error.statementText, "CREATE STREM oops (ID VARCHAR KEY);");
        assert.deepEqual(result.error.entities, []);
    }),

    "a runtime error is ksqlDB's 400 with the engine's message": () => withClient(async (client) => {
        const stream = uniqueName("runtime");
        await createStream(client, stream);
        await insert(client, stream, { ID: "a", N: 1 });
        const result = await client.query(`SELECT * FROM ${stream} WHERE N = 'abc';`);
        const engine = await nativeError(`SELECT * FROM "${stream}" WHERE "N" = ?`, ["abc"]);
        assertKsqlError(result, 400, "generic_error", 40001, engine);
    }),

    "an unknown stream is ksqlDB's 400 statement_error": () => withClient(async (client) => {
        const pushed = await client.streamQuery("SELECT * FROM NOWHERE EMIT CHANGES;", () => {});
        assertKsqlError(pushed, 400, "statement_error", 40001, "Exception while preparing statement: NOWHERE does not exist.");
        const dropped = await client.executeStatement("DROP STREAM NOWHERE;");
        assertKsqlError(dropped, 400, "statement_error", 40001, "Source NOWHERE does not exist.");
    }),

    "a wrong credential is ksqlDB's 401": () => withClient(async (client) => {
        const result = await client.executeStatement("LIST STREAMS;");
        assertKsqlError(result, 401, "generic_error", 40100, "A valid API key is required: send 'Authorization: Bearer <keyId>.<secret>'");
    }, "wrong.0123456789abcdef0123456789"),

    "an endpoint Sluice does not serve is ksqlDB's 404": () => withClient(async (client) => {
        // executeStatement's third parameter names the endpoint; /ksql/terminate is ksqlDB's cluster shutdown.
        const result = await client.executeStatement("LIST STREAMS;", {}, "/ksql/terminate");
        assertKsqlError(result, 404, "generic_error", 40400, /does not serve ksqlDB's POST \/ksql\/terminate/);
    }),

    "a body over the server's limit is ksqlDB's 413": () => withClient(async (client) => {
        const stream = uniqueName("oversized");
        await createStream(client, stream, "ID VARCHAR KEY, TEXT STRING");
        const result = await client.executeStatement(`INSERT INTO ${stream} (ID, TEXT) VALUES ('big', '${"x".repeat(maxRequestBytes)}');`);
        assertKsqlError(result, 413, "generic_error", 41300, `The request body is larger than the limit of ${maxRequestBytes} bytes`);
    }),
};
