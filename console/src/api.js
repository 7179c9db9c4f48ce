// The native API as the console uses it. Every call carries the API key; only the static files do not.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? `HTTP_${status}`;
    this.position = body?.position ?? null;
    this.statementId = body?.statementId ?? null;
  }
}

export class SluiceApi {
  constructor(key) {
    this.key = key;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.key}`, ...extra };
  }

  async call(method, path, body, signal) {
    const response = await fetch(path, {
      method,
      signal,
      headers: this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response;
  }

  async json(method, path, body, signal) {
    const response = await this.call(method, path, body, signal);
    await failUnlessOk(response);
    return response.json();
  }

  listStatements(limit = 50, everyone = false) {
    return this.json('GET', `/sluice/v1/statements?limit=${limit}${everyone ? '&all=true' : ''}`);
  }

  submit(sql, waitMs = 0) {
    return this.call('POST', '/sluice/v1/statements', { sql, waitMs }).then(async response => {
      await failUnlessOk(response);
      return response.json();
    });
  }

  status(id) {
    return this.json('GET', `/sluice/v1/statements/${encodeURIComponent(id)}`);
  }

  cancel(id) {
    return this.json('DELETE', `/sluice/v1/statements/${encodeURIComponent(id)}`);
  }

  /** A whole query result through /sluice/v1/query as JSON objects (for small catalog queries). */
  query(sql) {
    return this.json('POST', '/sluice/v1/query?format=json', { sql });
  }

  /**
   * Runs sql through /sluice/v1/query as NDJSON, calling onStart(statementId) when the response starts and
   * onRows(objects) for every chunk of parsed lines. Resolves when the stream ended; rejects with ApiError for
   * an error body, or with an Error when the server cut the stream (a failure in the middle of a result).
   */
  async stream(sql, { signal, onStart, onRows }) {
    const response = await this.call('POST', '/sluice/v1/query?format=ndjson', { sql }, signal);
    await failUnlessOk(response);
    onStart?.(response.headers.get('X-Sluice-Statement-Id'));
    await readLines(response, signal, lines => onRows(lines.map(line => JSON.parse(line))));
  }

  /** Reads a finished statement's whole result as arrays (column order kept; names come from its schema). */
  async resultArrays(id, { signal, onRows }) {
    const response = await this.call('GET', `/sluice/v1/statements/${encodeURIComponent(id)}/results?format=ndjson-array`, undefined, signal);
    await failUnlessOk(response);
    await readLines(response, signal, lines => onRows(lines.map(line => JSON.parse(line))));
  }

  /** Downloads a result as a file: the key goes in a header, so fetch it and hand the browser a blob. */
  async download(url, init, fileName) {
    const response = await fetch(url, { ...init, headers: this.headers(init?.body ? { 'Content-Type': 'application/json' } : {}) });
    await failUnlessOk(response);
    const blob = await response.blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    return blob.size;
  }
}

async function failUnlessOk(response) {
  if (response.ok) return;
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not a JSON error body
  }
  throw new ApiError(response.status, body);
}

/** Splits a response body into lines as it arrives; a body that does not end with a newline was cut short. */
async function readLines(response, signal, onLines) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    const end = pending.lastIndexOf('\n');
    if (end >= 0) {
      const lines = pending.slice(0, end).split('\n').filter(line => line.length > 0);
      pending = pending.slice(end + 1);
      if (lines.length) onLines(lines);
    }
    if (signal?.aborted) break;
  }
  pending += decoder.decode();
  if (pending.length > 0) {
    throw new Error('The server ended the result early (the statement failed while streaming)');
  }
}
