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

  /** The tables and columns this key may see: { currentCatalog, currentSchema, columns: [{catalog, schema, table, column, type}] }. */
  catalog() {
    return this.json('GET', '/console/catalog');
  }

  /**
   * Reads a finished statement's whole result as arrays (column order kept; names come from its schema), handing
   * onRows a few thousand rows at a time. onRows returns false to stop reading (the grid is full).
   */
  async resultArrays(id, { signal, onRows }) {
    const reading = new AbortController();
    signal?.addEventListener('abort', () => reading.abort(), { once: true });
    const response = await this.call('GET', `/sluice/v1/statements/${encodeURIComponent(id)}/results?format=ndjson-array`, undefined, reading.signal);
    await failUnlessOk(response);
    await readLines(response, reading.signal, lines => {
      if (onRows(lines.map(line => JSON.parse(line))) === false) reading.abort();
    });
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

/**
 * Text handed over at once: a network chunk may hold megabytes, and splitting and parsing 32 K characters of lines
 * takes a few milliseconds, so the page stays responsive between slices.
 */
const SLICE_CHARS = 32 * 1024;
/** After this much work in one go, let the page draw and take input before going on. */
const BUSY_MILLIS = 8;

/**
 * Splits a response body into lines as it arrives and hands them over in small batches, yielding to the page
 * between them, so a million streamed rows never freeze it. A body that does not end with a newline was cut short.
 */
async function readLines(response, signal, onLines) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) return;
        throw new Error(`The connection was lost while the result arrived (${error.message})`);
      }
      if (chunk.done) break;
      let busySince = performance.now();
      pending += decoder.decode(chunk.value, { stream: true });
      let start = 0;
      for (;;) {
        const limit = Math.min(pending.length, start + SLICE_CHARS);
        let end = pending.lastIndexOf('\n', limit - 1);
        if (end < start) end = limit < pending.length ? pending.indexOf('\n', limit) : -1; // one line longer than a slice
        if (end < start) break;
        const lines = pending.slice(start, end).split('\n').filter(line => line.length > 0);
        start = end + 1;
        if (lines.length) onLines(lines);
        if (signal?.aborted) return;
        if (performance.now() - busySince > BUSY_MILLIS) {
          await yieldToPage();
          busySince = performance.now();
        }
      }
      pending = pending.slice(start);
    }
  } finally {
    if (signal?.aborted) reader.cancel().catch(() => {});
  }
  pending += decoder.decode();
  if (pending.length > 0) {
    throw new Error('The server ended the result early (the statement failed while streaming)');
  }
}

/** Lets the browser draw a frame and handle input (a macrotask, so rendering may run in between). */
function yieldToPage() {
  return new Promise(resolve => setTimeout(resolve, 0));
}
