// How the conformance scenarios reach the Sluice that DruidToolkitConformanceTest started: its port and keys come
// from the environment. @druid-toolkit/query ships no HTTP code of its own: its QueryRunner takes an executor, and
// Druid's web console (the toolkit's main user) gives it one that POSTs SQL payloads to /druid/v2/sql and native
// ones to /druid/v2 and hands back the parsed body with the response headers. This is that executor, over fetch.
import { QueryRunner } from "@druid-toolkit/query";
import * as native from "../shared/native.mjs";

export const port = Number(process.env.SLUICE_PORT);
export const adminKey = process.env.SLUICE_KEY;
/** A user whose only grant is SELECT on wikipedia. */
export const readerKey = process.env.SLUICE_READER_KEY;
export const maxRequestBytes = Number(process.env.SLUICE_MAX_REQUEST_BYTES);

if (!port || !adminKey || !readerKey || !maxRequestBytes) {
    throw new Error("SLUICE_PORT, SLUICE_KEY, SLUICE_READER_KEY and SLUICE_MAX_REQUEST_BYTES must be set"
        + " (DruidToolkitConformanceTest sets them)");
}

/** A failed request as the executor reports it: the status and Druid's error body. */
export class DruidError extends Error {
    constructor(status, body) {
        super(`${status}: ${typeof body === "string" ? body : body.errorMessage ?? JSON.stringify(body)}`);
        this.status = status;
        this.body = body;
    }
}

/** Druid's basic authenticator: any user name, the API key as the password. */
function basic(key) {
    return `Basic ${Buffer.from(`druid_user:${key}`).toString("base64")}`;
}

export function executor(key = adminKey, path = undefined) {
    return async (payload, isSql) => {
        const response = await fetch(`http://127.0.0.1:${port}${path ?? (isSql ? "/druid/v2/sql" : "/druid/v2")}`, {
            method: "POST",
            headers: { authorization: basic(key), "content-type": "application/json" },
            body: JSON.stringify(payload),
        });
        const text = await response.text();
        let data;
        try {
            data = JSON.parse(text);
        } catch {
            data = text;
        }
        if (response.status !== 200) {
            throw new DruidError(response.status, data);
        }
        return { data, headers: Object.fromEntries(response.headers.entries()) };
    };
}

/** A QueryRunner as the web console builds one, for the admin or another key. */
export function runner(key = adminKey, path = undefined) {
    return new QueryRunner({ executor: executor(key, path) });
}

/** The rows of `sql` from Sluice's native API, to compare the Druid API's answers with. */
export const nativeRows = (sql, parameters) => native.nativeRows(port, adminKey, sql, parameters, "json-array");

/** The native API's error message for SQL the engine rejects, to compare with what the Druid API says. */
export const nativeError = sql => native.nativeError(port, adminKey, sql);
