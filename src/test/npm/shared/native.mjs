// Sluice's native API as the reference the vendor APIs' answers are compared with: the same SQL's rows, or the engine's
// error message for SQL it rejects. Plain fetch, no packages (imported by relative path from each suite).

/** The rows of `sql` (`format` json-array: arrays; json: objects). */
export async function nativeRows(port, key, sql, parameters, format = "json-array") {
    const response = await fetch(`http://127.0.0.1:${port}/sluice/v1/query?format=${format}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ sql, parameters }),
    });
    const body = await response.json();
    if (response.status !== 200) {
        throw new Error(`the native API refused ${sql}: ${JSON.stringify(body)}`);
    }
    return body;
}

/** The message the native API gives for `sql`, which must fail. */
export async function nativeError(port, key, sql) {
    const response = await fetch(`http://127.0.0.1:${port}/sluice/v1/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ sql }),
    });
    const body = await response.json();
    if (response.status < 400) {
        throw new Error(`the native API ran ${sql}: ${JSON.stringify(body)}`);
    }
    return body.message;
}
