// Conformance scenarios: Sluice's NCP Data Query API driven the way NCP's docs show (curl with the three API Gateway
// headers), every request signed by signer.mjs, an implementation of signature v2 written from the reference text,
// not by Sluice's own signer. Each scenario is an async function that throws (an assertion) when Sluice does not
// answer as Data Query behind its gateway does; run.mjs runs one by name. Expected rows come from Sluice's native
// API for the same SQL, never from constants.
import assert from "node:assert/strict";
import { signature } from "./signer.mjs";
import { adminKey, maxRequestBytes, nativeError, nativeRows, ncp } from "./sluice.mjs";

const FIVE_MINUTES = 5 * 60 * 1000;
const RATES = "SELECT * FROM public_data.korea_trade_insurance.exchange_rate WHERE currency_code = ? ORDER BY date LIMIT 3";

/** NCP's error body: `{type, title, status, detail, instance, errorCode}`. */
function assertNcpError(response, status, errorCode, detail, instance) {
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.deepEqual(Object.keys(response.body).sort(), ["detail", "errorCode", "instance", "status", "title", "type"],
        JSON.stringify(response.body));
    assert.equal(response.body.status, status);
    assert.equal(response.body.errorCode, errorCode, JSON.stringify(response.body));
    assert.equal(response.body.instance, instance);
    assert.equal(typeof response.body.title, "string");
    if (detail instanceof RegExp) {
        assert.match(response.body.detail, detail);
    } else {
        assert.equal(response.body.detail, detail);
    }
}

function assertUnauthorized(response, instance = "/api/v2/queries") {
    assertNcpError(response, 401, 10002, "Authentication Failed", instance);
}

async function sleep(millis) {
    await new Promise((resolve) => setTimeout(resolve, millis));
}

export const scenarios = {
    "a signed query round trip, with execution parameters": async () => {
        const response = await ncp("POST", "/api/v2/queries", { query: RATES, executionParameters: ["CNY"], timeout: 20 });
        assert.equal(response.status, 200, JSON.stringify(response.body));
        const { id, columns, data, isFinished } = response.body;
        assert.match(id, /\S/);
        assert.equal(isFinished, true);
        assert.deepEqual(data, await nativeRows(RATES, ["CNY"]));
        assert.ok(data.length > 0);
        const names = await nativeRows("SELECT column_name FROM information_schema.columns WHERE table_catalog = 'public_data'"
            + " AND table_schema = 'korea_trade_insurance' AND table_name = 'exchange_rate' ORDER BY ordinal_position");
        assert.deepEqual(columns.map((column) => column.name), names.map(([name]) => name));
        for (const column of columns) {
            assert.equal(column.typeSignature.rawType, column.type.replace(/\(.*$/, ""), JSON.stringify(column));
        }
    },

    "a signed GET signs its path with the query string": async () => {
        const response = await ncp("GET", "/api/v2/queries?pageNo=1&pageSize=2");
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.equal(response.body.pageNo, 1);
        assert.equal(response.body.pageSize, 2);
        assert.ok(Array.isArray(response.body.queryList));
        // The same request signed without its query string is another request.
        assertUnauthorized(await ncp("GET", "/api/v2/queries?pageNo=1&pageSize=2", undefined, { signedAs: ["GET", "/api/v2/queries"] }),
            "/api/v2/queries");
    },

    "async run, page reads and cancel, each request signed": async () => {
        const sql = "SELECT page, added FROM wikipedia ORDER BY __time, page LIMIT 30";
        const started = await ncp("POST", "/api/v2/queries/async", { query: sql });
        assert.equal(started.status, 200, JSON.stringify(started.body));
        assert.deepEqual(started.body.data, []);
        const { id } = started.body;
        let page;
        for (let attempt = 0; attempt < 200; attempt++) {
            page = await ncp("GET", `/api/v2/queries/${id}?offset=10&pageSize=10`);
            assert.equal(page.status, 200, JSON.stringify(page.body));
            if (page.body.data.length > 0) {
                break;
            }
            await sleep(50);
        }
        assert.deepEqual(page.body.data, (await nativeRows(sql)).slice(10, 20));
        assert.equal(page.body.offset, 20);
        const cancelled = await ncp("DELETE", `/api/v2/queries/${id}`);
        assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
        assert.equal(cancelled.body.isFinished, true);
    },

    "a wrong signature is NCP's 401": async () => {
        const body = { query: "SELECT 1 AS one" };
        const accessKey = adminKey.slice(0, adminKey.indexOf("."));
        const timestamp = Date.now();
        const forged = signature("not-the-secret", "POST", "/api/v2/queries", timestamp, accessKey);
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { timestamp, headers: { "x-ncp-apigw-signature-v2": forged } }));
        // Signed for another method or path, for an unknown access key, or with a header missing.
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { signedAs: ["POST", "/api/v2/queries/async"] }));
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { signedAs: ["GET", "/api/v2/queries"] }));
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { key: "unknownkey.0123456789abcdef0123456789" }));
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { headers: { "x-ncp-apigw-timestamp": undefined } }));
    },

    "a timestamp 5 minutes or more away is refused; one inside the window is accepted": async () => {
        const body = { query: "SELECT 1 AS one" };
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { timestamp: Date.now() - FIVE_MINUTES - 1000 }));
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { timestamp: Date.now() + FIVE_MINUTES + 1000 }));
        assertUnauthorized(await ncp("POST", "/api/v2/queries", body, { headers: { "x-ncp-apigw-timestamp": "yesterday" } }));
        const recent = await ncp("POST", "/api/v2/queries", body, { timestamp: Date.now() - FIVE_MINUTES + 30_000 });
        assert.equal(recent.status, 200, JSON.stringify(recent.body));
        assert.deepEqual(recent.body.data, [[1]]);
    },

    "a signed request sent again is refused": async () => {
        const timestamp = Date.now();
        const first = await ncp("GET", "/api/v2/queries?pageSize=1", undefined, { timestamp });
        assert.equal(first.status, 200, JSON.stringify(first.body));
        assertUnauthorized(await ncp("GET", "/api/v2/queries?pageSize=1", undefined, { timestamp }), "/api/v2/queries");
    },

    // ---- bad input: each answered in NCP's error shape and status, with the real message ---------------------

    "an SQL syntax error is NCP's 400 with error code 10090": async () => {
        const sql = "SELECT * FROM exchange_rate WHERE";
        assertNcpError(await ncp("POST", "/api/v2/queries", { query: sql }), 400, 10090, await nativeError(sql), "/api/v2/queries");
    },

    "a runtime error is NCP's 400 with the engine's message": async () => {
        const sql = "SELECT CAST(page AS INTEGER) FROM wikipedia";
        const message = await nativeError(sql);
        assert.match(message, /Could not convert|Conversion Error/, "the engine's own message");
        assertNcpError(await ncp("POST", "/api/v2/queries", { query: sql }), 400, 400, message, "/api/v2/queries");
    },

    "an unknown catalog, schema or table is NCP's 400": async () => {
        // The session's catalog (dataSource) and schema (database) are named as Data Query's docs show.
        assertNcpError(await ncp("POST", "/api/v2/queries", { query: "SELECT * FROM exchange_rate", dataSource: "public_data1" }),
            400, 400, "Catalog 'public_data1' does not exist", "/api/v2/queries");
        assertNcpError(await ncp("POST", "/api/v2/queries", { query: "SELECT * FROM exchange_rate", database: "public_schema" }),
            400, 400, "Schema 'public_schema' does not exist", "/api/v2/queries");
        const sql = "SELECT * FROM public_data.korea_trade_insurance.no_such_table";
        assertNcpError(await ncp("POST", "/api/v2/queries", { query: sql }), 400, 400, await nativeError(sql), "/api/v2/queries");
    },

    "an endpoint Sluice does not serve is NCP's 404": async () => {
        const started = await ncp("POST", "/api/v2/queries", { query: "SELECT 1 AS one" });
        const path = `/api/v2/queries/${started.body.id}/download`;
        assertNcpError(await ncp("GET", path), 404, 404, /^Sluice does not serve Data Query's GET /, path);
        assertNcpError(await ncp("PUT", "/api/v2/queries", { query: "SELECT 1" }), 404, 404, /does not serve/, "/api/v2/queries");
        // Still behind the signature: an unsigned or badly signed request to it is a 401 first.
        assertUnauthorized(await ncp("GET", path, undefined, { signedAs: ["GET", "/api/v2/queries"] }), path);
    },

    "a body over the server's limit is NCP's 413": async () => {
        const response = await ncp("POST", "/api/v2/queries", { query: `SELECT '${"x".repeat(maxRequestBytes)}' AS big` });
        assertNcpError(response, 413, 413, `The request body is larger than the limit of ${maxRequestBytes} bytes`, "/api/v2/queries");
    },
};
