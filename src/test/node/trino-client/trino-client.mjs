// Drives npm's trino-client against Sluice the way an application does: query and iterate the results,
// read an error, and cancel a running query. Prints one JSON object of what it saw for TrinoNodeClientTest.
import { Trino, BasicAuth } from 'trino-client';
import { readFileSync } from 'node:fs';

const [server, user, key, caFile] = process.argv.slice(2);
const trino = Trino.create({
  server,
  source: 'sluice-node-test',
  auth: new BasicAuth(user, key),
  ssl: { ca: readFileSync(caFile) },
});
const seen = {};
const log = (...what) => console.error(new Date().toISOString(), ...what);
// A hung client fails the test with what it saw so far rather than hanging the build.
setTimeout(() => { log('gave up after 120 s', JSON.stringify(seen)); process.exit(3); }, 120_000).unref();

const big = await trino.query("SELECT i, 'r' || i AS s FROM range(200000) t(i) ORDER BY i");
let rows = 0, sum = 0, answers = 0, columns = null, state = null, error = null;
for await (const result of big) {
  answers++;
  if (result.columns) columns = result.columns.map((column) => `${column.name}:${column.type}`);
  for (const row of result.data ?? []) {
    rows++;
    sum += row[0];
  }
  state = result.stats?.state;
  error = result.error ?? error;
}
seen.big = { rows, sum, answers, columns, state, error };

const failing = await trino.query('SELECT * FROM no_such_table');
for await (const result of failing) {
  if (result.error) seen.error = { name: result.error.errorName, code: result.error.errorCode, message: result.error.message };
}

const long = await trino.query('SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range + b.range < 0');
// next() waits until rows arrive, so a query that never yields is cancelled from beside it, by the id the
// POST answered with (the iterator keeps that first answer; the library offers no accessor for it).
const id = long.iter.queryResult.id;
let last = null;
const drained = (async () => {
  for await (const result of long) {
    last = result;
    log('after cancel', result.stats?.state, result.error?.errorName);
  }
})();
await new Promise((resolve) => setTimeout(resolve, 1500));
log('cancel', JSON.stringify(await trino.cancel(id)));
await drained;
seen.cancelled = { id, state: last.stats?.state, error: last.error?.errorName ?? null };

console.log(JSON.stringify(seen));
