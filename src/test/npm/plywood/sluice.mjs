// How the conformance scenarios reach the Sluice that PlywoodDruidRequesterConformanceTest started: its port and keys
// come from the environment, and every requester is built the way plywood-druid-requester's README shows. (The
// README names the factory `druidRequester`; version 3 exports it as `druidRequesterFactory`, with the same options.)
import { druidRequesterFactory } from "plywood-druid-requester";
import * as native from "../shared/native.mjs";

export const port = Number(process.env.SLUICE_PORT);
export const adminKey = process.env.SLUICE_KEY;
/** A user whose only grant is SELECT on wikipedia. */
export const readerKey = process.env.SLUICE_READER_KEY;
export const maxRequestBytes = Number(process.env.SLUICE_MAX_REQUEST_BYTES);

if (!port || !adminKey || !readerKey || !maxRequestBytes) {
    throw new Error("SLUICE_PORT, SLUICE_KEY, SLUICE_READER_KEY and SLUICE_MAX_REQUEST_BYTES must be set"
        + " (PlywoodDruidRequesterConformanceTest sets them)");
}

/** A requester for Sluice's port with Druid's basic authentication: any user name, the API key as the password. */
export function requester(key = adminKey, options = {}) {
    return druidRequesterFactory({
        host: `127.0.0.1:${port}`,
        timeout: 30_000,
        authToken: { type: "basic-auth", username: "druid_user", password: key },
        ...options,
    });
}

/**
 * Runs one request as plywood does: the requester answers a stream of rows. Resolves with the rows and the
 * 'meta' events; rejects with the error the stream emits.
 */
export function collect(druidRequester, query, context = {}) {
    return new Promise((resolve, reject) => {
        const rows = [];
        const meta = [];
        const stream = druidRequester({ query, context });
        stream.on("data", (row) => rows.push(row));
        stream.on("meta", (each) => meta.push(each));
        stream.on("error", reject);
        stream.on("end", () => resolve({ rows, meta }));
    });
}

/** Resolves with the error the request ends in; rejects when it succeeds. */
export async function failure(druidRequester, query) {
    try {
        const { rows } = await collect(druidRequester, query);
        throw new Error(`the request succeeded: ${JSON.stringify(rows).slice(0, 500)}`);
    } catch (e) {
        if (e.message.startsWith("the request succeeded")) {
            throw e;
        }
        return e;
    }
}

/** The rows of `sql` from Sluice's native API, to compare the Druid API's answers with. */
export const nativeRows = (sql, parameters) => native.nativeRows(port, adminKey, sql, parameters, "json");

/** The native API's error message for SQL the engine rejects, to compare with what the Druid API says. */
export const nativeError = sql => native.nativeError(port, adminKey, sql);
