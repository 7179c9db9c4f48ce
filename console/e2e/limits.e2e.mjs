// The console at its limits (issue 24, bad input), in Debian's Chromium: a statement that returns more rows than
// the grid keeps in memory (it keeps the first million and says so), and a connection lost while the rows arrive
// (the page says so and keeps the rows that arrived). The lost connection is real: the page talks to Sluice through
// a proxy in this script, which closes the socket in the middle of the result's body.
// Usage: node e2e/limits.e2e.mjs <sluice-url> <admin-key> <screenshot-dir>
// Prints "PASS <step>" lines and "E2E OK" at the end; "FAIL <step>: <why>" otherwise.
import http from 'node:http';
import { check, openBrowser } from './harness.mjs';

const [url, adminKey, screenshots] = process.argv.slice(2);
if (!url || !adminKey || !screenshots) {
  console.error('usage: node e2e/limits.e2e.mjs <sluice-url> <admin-key> <screenshot-dir>');
  process.exit(2);
}
/** What the grid keeps (MAX_GRID_ROWS in console/src/main.js). */
const GRID_CAP = 1_000_000;
/** Bytes of a result body the proxy lets through before it drops the connection, while cutting is on. */
const CUT_AFTER_BYTES = 2 * 1024 * 1024;

const upstream = new URL(url);
let cutResults = false;
let cutsMade = 0;
const proxy = http.createServer((request, response) => {
  const forwarded = http.request({ host: upstream.hostname, port: upstream.port, path: request.url, method: request.method,
    headers: request.headers }, answer => {
    response.writeHead(answer.statusCode, answer.headers);
    const cut = cutResults && /\/results(\?|$)/.test(request.url);
    let sent = 0;
    answer.on('data', chunk => {
      if (cut && sent + chunk.length > CUT_AFTER_BYTES) {
        response.write(chunk.subarray(0, CUT_AFTER_BYTES - sent), () => {
          cutsMade += 1;
          response.socket.destroy();
        });
        answer.destroy();
        return;
      }
      sent += chunk.length;
      response.write(chunk);
    });
    answer.on('end', () => response.end());
  });
  forwarded.on('error', () => response.destroy());
  request.pipe(forwarded);
});
await new Promise(resolve => proxy.listen(0, '127.0.0.1', resolve));
const proxied = `http://127.0.0.1:${proxy.address().port}/`;

const session = await openBrowser(screenshots, { prefix: 'limits-' });
const { page, pass, setSql, finished } = session;

async function run(sql) {
  await setSql(sql);
  await page.click('#run');
}

try {
  await session.signIn(proxied, adminKey);

  session.step = 'more rows than the grid keeps';
  const total = GRID_CAP + 2_500;
  await run(`SELECT range AS n FROM range(${total})`);
  await finished('SUCCEEDED');
  await page.waitForSelector('#result-note', { state: 'visible', timeout: 60_000 });
  const note = await page.textContent('#result-note');
  check(note.includes(GRID_CAP.toLocaleString('en-US')) && note.includes(total.toLocaleString('en-US')),
    `the note does not say how many rows are shown of how many: "${note}"`);
  const kept = Number(await page.getAttribute('#grid', 'data-rows'));
  check(kept === GRID_CAP, `the grid keeps ${kept} rows, not ${GRID_CAP}`);
  await page.evaluate(() => { const grid = document.getElementById('grid'); grid.scrollTop = grid.scrollHeight; });
  await page.waitForFunction(last => [...document.querySelectorAll('#grid .row .cell[data-column="0"]')]
    .some(cell => cell.textContent === last), String(GRID_CAP - 1));
  const bottom = await page.$$eval('#grid .row .cell[data-column="0"]', cells => Math.max(...cells.map(cell => Number(cell.textContent))));
  check(bottom === GRID_CAP - 1, `the grid's last row holds n = ${bottom}, not ${GRID_CAP - 1}`);
  check(!(await page.isDisabled('#download-csv')), 'the whole result cannot be downloaded');
  await pass('grid-capped-with-note');

  session.step = 'connection lost while the rows arrive';
  cutResults = true;
  await run('SELECT range AS n, repeat(\'x\', 20) AS pad FROM range(300000)');
  await page.waitForSelector('#error', { state: 'visible', timeout: 60_000 });
  cutResults = false;
  check(cutsMade === 1, `the proxy cut ${cutsMade} results`);
  const error = await page.textContent('#error');
  check(/connection was lost/i.test(error), `the page does not say the connection was lost: "${error}"`);
  const arrived = Number(await page.getAttribute('#grid', 'data-rows'));
  check(arrived > 1000 && arrived < 300_000, `the grid holds ${arrived} rows after the connection was lost in the middle`);
  await page.evaluate(() => { document.getElementById('grid').scrollTop = 0; });
  const first = await page.$$eval('#grid .row .cell[data-column="0"]', cells => cells
    .map(cell => [Number(cell.parentNode.dataset.index), cell.textContent]).sort((a, b) => a[0] - b[0]).map(([, value]) => value));
  check(first[0] === '0' && first[1] === '1', `the rows that arrived are not shown from the first: ${first.slice(0, 3)}`);
  await pass('connection-lost-keeps-rows');

  session.step = 'the console goes on after the lost connection';
  await run('SELECT 42 AS answer');
  await finished('SUCCEEDED');
  check(await page.isHidden('#error'), 'the lost connection\'s error stays on the next result');
  await pass('next-statement-after-lost-connection');

  session.checkNoPageErrors(/status of 40[014]|status of 410|status of 499|ERR_|net::/);
  console.log('E2E OK');
} catch (error) {
  await session.close(error);
  proxy.close();
  process.exit();
}
await session.close();
proxy.close();
proxy.closeAllConnections?.();
