// How the conformance scenarios reach the Sluice that KsqldbClientConformanceTest started: its port and an admin
// key come from the environment, and every client is built the way ksqldb-client's README shows.
import http2 from "node:http2";
import KsqldbClient from "ksqldb-client";

export const port = Number(process.env.SLUICE_PORT);
export const adminKey = process.env.SLUICE_KEY;
export const maxRequestBytes = Number(process.env.SLUICE_MAX_REQUEST_BYTES);

if (!port || !adminKey || !maxRequestBytes) {
    throw new Error("SLUICE_PORT, SLUICE_KEY and SLUICE_MAX_REQUEST_BYTES must be set (KsqldbClientConformanceTest sets them)");
}

/*
 * WORKAROUND for a bug in ksqldb-client 1.0.5 itself, and only for that: it never sends the credentials it is
 * given. Its request code reads `this.authorization`, but the constructor keeps the options in a private field,
 * so no Authorization header goes out (and the header it would build is wrong anyway: it appends a space to the
 * password and to the header). A real ksqlDB with authentication refuses that client in the same way. So the
 * HTTP/2 session the client opens is given the header the client means to send: HTTP Basic with the user name
 * and password from its `authorization` option. Nothing else about the client's requests is touched.
 */
const connect = http2.connect;
let nextCredentials;
http2.connect = function (...args) {
    const session = connect.apply(this, args);
    const authorization = nextCredentials;
    const request = session.request;
    session.request = function (headers, options) {
        if (authorization) {
            const basic = Buffer.from(`${authorization.username}:${authorization.password}`).toString("base64");
            headers = { ...headers, authorization: `Basic ${basic}` };
        }
        return request.call(this, headers, options);
    };
    return session;
};

/** A connected client, as the README builds one; `password` defaults to the admin key. */
export async function connectedClient(password = adminKey) {
    const options = {
        host: "http://127.0.0.1",
        port,
        authorization: { username: "conformance", password },
    };
    const client = new KsqldbClient(options);
    nextCredentials = options.authorization;
    try {
        await client.connect();
    } finally {
        nextCredentials = undefined;
    }
    return client;
}

/** A name no other scenario uses, so scenarios run in any order against one server. */
export function uniqueName(prefix) {
    return `${prefix}_${process.pid}_${Date.now() % 1_000_000}`.toUpperCase();
}

/** Resolves when `condition()` is true, checking every 20 ms; rejects with `what` after `millis`. */
export async function eventually(what, condition, millis = 10_000) {
    const deadline = Date.now() + millis;
    while (!(await condition())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
