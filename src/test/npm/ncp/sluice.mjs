// How the conformance scenarios reach the Sluice that NcpSignedRequestsConformanceTest started: its port and keys
// come from the environment; every request is signed by signer.mjs, as an NCP client signs for the API Gateway.
import { signedHeaders } from "./signer.mjs";
import * as native from "../shared/native.mjs";

export const port = Number(process.env.SLUICE_PORT);
export const adminKey = process.env.SLUICE_KEY;
export const maxRequestBytes = Number(process.env.SLUICE_MAX_REQUEST_BYTES);

if (!port || !adminKey || !maxRequestBytes) {
    throw new Error("SLUICE_PORT, SLUICE_KEY and SLUICE_MAX_REQUEST_BYTES must be set (NcpSignedRequestsConformanceTest sets them)");
}

/**
 * Sends a request as the NCP docs' curl example does, signed with `key` for `signedAs` (method and path, by default
 * the request's own) at `timestamp`; `headers` replace any signed header. Resolves with the status and parsed body.
 */
export async function ncp(method, pathAndQuery, body, { key = adminKey, timestamp = Date.now(), signedAs, headers = {} } = {}) {
    const [signedMethod, signedPath] = signedAs ?? [method, pathAndQuery];
    const response = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, {
        method,
        headers: {
            ...signedHeaders(key, signedMethod, signedPath, timestamp),
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed;
    try {
        parsed = JSON.parse(text);
    } catch {
        parsed = text;
    }
    return { status: response.status, body: parsed };
}

/** The rows of `sql` from Sluice's native API, to compare the NCP API's answers with. */
export const nativeRows = (sql, parameters) => native.nativeRows(port, adminKey, sql, parameters, "json-array");

/** The native API's error message for SQL the engine rejects, to compare with what the NCP API says. */
export const nativeError = sql => native.nativeError(port, adminKey, sql);
