// End-to-end test of the web console in Debian's Chromium, driven by playwright-core (no browser download).
// Usage: node e2e/console.e2e.mjs <sluice-url> <api-key> <screenshot-dir>
// Prints one "PASS <step>" line per step and "E2E OK" at the end; exits 1 with "FAIL <step>: <why>" otherwise.
import { readFileSync } from 'node:fs';
import { check, openBrowser } from './harness.mjs';

const [url, key, screenshots] = process.argv.slice(2);
if (!url || !key || !screenshots) {
  console.error('usage: node e2e/console.e2e.mjs <sluice-url> <api-key> <screenshot-dir>');
  process.exit(2);
}
const session = await openBrowser(screenshots);
const { page, snap, pass, setSql, finished } = session;
let step = 'start';

try {
  step = 'sign-in page';
  await page.goto(url);
  await page.waitForSelector('#sign-in-form', { state: 'visible' });
  check(await page.evaluate(() => sessionStorage.length === 0 && localStorage.length === 0), 'storage is not empty before sign-in');
  await pass('sign-in-page');

  step = 'wrong key';
  await page.fill('#api-key', 'nobody.0000000000000000000000');
  await page.click('#sign-in');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent.includes('not valid'));
  await pass('wrong-key-refused');

  step = 'sign in';
  await page.fill('#api-key', key);
  await page.click('#sign-in');
  await page.waitForSelector('#app-view', { state: 'visible' });
  await page.waitForSelector('#catalog[data-columns]');
  check(await page.evaluate(k => sessionStorage.getItem('sluice.apiKey') === k
    && Object.keys(localStorage).every(name => !localStorage.getItem(name).includes(k.split('.')[1])), key), 'the key is not (only) in session storage');
  const catalogText = await page.textContent('#catalog');
  check(catalogText.includes('wikipedia'), `catalog browser lacks wikipedia: ${catalogText.slice(0, 200)}`);
  check(catalogText.includes('public_data'), 'catalog browser lacks the public_data catalog');
  await pass('signed-in');

  step = 'catalog browser';
  await page.click('[data-table$=".wikipedia"] > summary');
  const columnsText = await page.textContent('[data-table$=".wikipedia"]');
  check(columnsText.includes('channel') && columnsText.includes('VARCHAR'), `wikipedia columns with types not shown: ${columnsText.slice(0, 200)}`);
  await pass('catalog-browser');

  step = 'completion';
  await setSql('SELECT * FROM wikiped');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Control+Space');
  await page.waitForSelector('.cm-tooltip-autocomplete');
  const options = await page.textContent('.cm-tooltip-autocomplete');
  check(options.includes('wikipedia'), `completion does not offer wikipedia: ${options}`);
  await pass('completion-table');
  await page.keyboard.press('Escape');
  await setSql('SELECT chan FROM wikipedia');
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 'SELECT chan'.length; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Control+Space');
  await page.waitForSelector('.cm-tooltip-autocomplete');
  const columnOptions = await page.textContent('.cm-tooltip-autocomplete');
  check(columnOptions.includes('channel'), `completion does not offer the column channel: ${columnOptions}`);
  await pass('completion-column');
  await page.keyboard.press('Escape');

  step = 'run a demo query';
  await setSql('SELECT channel, count(*) AS edits\nFROM wikipedia\nGROUP BY channel\nORDER BY edits DESC\nLIMIT 20');
  await page.click('#run');
  await finished('SUCCEEDED');
  const header = await page.textContent('#grid .head');
  check(header.includes('channel') && header.includes('edits'), `grid header is ${header}`);
  const gridRows = await page.locator('#grid .row').count();
  check(gridRows > 0 && gridRows <= 20, `grid shows ${gridRows} rows`);
  check((await page.textContent('#grid')).includes('#en.wikipedia'), 'the grid lacks #en.wikipedia');
  const demoRows = Number(await page.getAttribute('#run-status', 'data-rows'));
  check(demoRows === gridRows, `status counts ${demoRows} rows, the grid shows ${gridRows}`);
  await pass('grid');

  step = 'chart';
  await page.click('#tab-chart');
  await page.selectOption('#chart-type', 'bar');
  await page.selectOption('#chart-x', 'channel');
  await page.selectOption('#chart-y', 'edits');
  await page.waitForSelector('#chart svg rect.bar');
  check(await page.locator('#chart svg rect.bar').count() === demoRows, `expected ${demoRows} bars`);
  await pass('chart-bar');
  await page.selectOption('#chart-type', 'line');
  await page.waitForSelector('#chart svg path.line');
  await page.selectOption('#chart-type', 'scatter');
  await page.waitForSelector('#chart svg circle.point');
  await pass('chart-scatter');
  await page.click('#tab-grid');

  step = 'download CSV';
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  const csv = readFileSync(await download.path(), 'utf8');
  check(download.suggestedFilename() === 'sluice-result.csv', `file name ${download.suggestedFilename()}`);
  check(csv.startsWith('channel,edits\n') && csv.trim().split('\n').length === demoRows + 1, `CSV is ${csv.slice(0, 100)}`);
  console.log('PASS download-csv');

  step = 'async run';
  await setSql('SELECT *\nFROM public_data.korea_trade_insurance.exchange_rate\nORDER BY 1, 2');
  await page.click('#run');
  await finished('SUCCEEDED');
  check((await page.textContent('#grid .head')).includes('currency_code'), 'async result header missing');
  const [parquet] = await Promise.all([page.waitForEvent('download'), page.click('#download-parquet')]);
  const parquetBytes = readFileSync(await parquet.path());
  check(parquetBytes.subarray(0, 4).toString() === 'PAR1', 'the Parquet download does not start with PAR1');
  await pass('async-result');

  step = '100,000 rows';
  await setSql('SELECT range AS n, range % 97 AS bucket, \'row \' || range AS label FROM range(100000)');
  await page.click('#run');
  await finished('SUCCEEDED');
  check(await page.getAttribute('#grid', 'data-rows') === '100000', `grid holds ${await page.getAttribute('#grid', 'data-rows')} rows`);
  const rendered = Number(await page.getAttribute('#grid', 'data-rendered-rows'));
  check(rendered > 0 && rendered < 200, `the grid drew ${rendered} rows instead of only those in view`);
  const scrollMillis = await page.evaluate(async () => {
    const grid = document.getElementById('grid');
    const started = performance.now();
    for (let i = 1; i <= 50; i++) {
      grid.scrollTop = (grid.scrollHeight * i) / 50;
      grid.dispatchEvent(new Event('scroll'));
      await new Promise(resolve => requestAnimationFrame(resolve));
    }
    return performance.now() - started;
  });
  await page.waitForFunction(() => document.getElementById('grid').textContent.includes('row 99999'));
  console.log(`INFO scrolled 100000 rows in 50 steps in ${Math.round(scrollMillis)} ms`);
  await pass('grid-100k-bottom');

  step = 'error position';
  await setSql('SELECT channel\nFROM wikipedia\nWHERE no_such_column = 1');
  await page.click('#run');
  await finished('FAILED');
  const error = await page.textContent('#error');
  check(/line 3, column \d+/.test(error), `error does not point at line 3: ${error}`);
  await page.waitForSelector('.cm-lintRange-error');
  const marked = await page.textContent('.cm-lintRange-error');
  check(marked.includes('no_such_column'), `the editor marks "${marked}" instead of no_such_column`);
  await pass('error-at-line');

  step = 'cancel a long query';
  await setSql('SELECT sum(a.range * b.range) AS total\nFROM range(300000) a CROSS JOIN range(300000) b');
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('run-status').dataset.id, null, { timeout: 30_000 });
  const runningId = await page.getAttribute('#run-status', 'data-id');
  await page.waitForSelector('#statements tbody tr[data-state="RUNNING"]');
  await snap('long-query-running');
  await page.click('#cancel');
  await finished('CANCELLED');
  await page.waitForSelector(`#statements tbody tr[data-id="${runningId}"][data-state="CANCELLED"]`, { timeout: 15_000 });
  await pass('cancelled-in-list');

  step = 'cancel a second query';
  await setSql('SELECT sum(a.range * b.range) AS streamed_total\nFROM range(300000) a CROSS JOIN range(300000) b');
  await page.click('#run');
  await page.waitForSelector('#statements tbody tr[data-state="RUNNING"]');
  await page.click('#cancel');
  await finished('CANCELLED');
  await page.waitForFunction(() => {
    const row = document.querySelector('#statements tbody tr');
    return row && row.dataset.state === 'CANCELLED' && row.textContent.includes('streamed_total');
  }, null, { timeout: 15_000 });
  await pass('cancelled-streamed');

  step = 'cancel from the list';
  await setSql('SELECT sum(a.range * b.range) AS total\nFROM range(300000) a CROSS JOIN range(300000) b');
  await page.click('#run');
  await page.waitForSelector('#statements tbody tr[data-state="RUNNING"] button.cancel-statement');
  await page.click('#statements tbody tr[data-state="RUNNING"] button.cancel-statement');
  await finished('CANCELLED');
  await pass('cancelled-from-list');

  step = 'everyone\'s statements';
  check(await page.locator('#statements tbody tr[data-owner="bob"]').count() === 0, 'another user\'s statement is listed without asking for all');
  await page.check('#statements-all');
  await page.waitForSelector('#statements tbody tr[data-owner="bob"]');
  const bobsRow = await page.textContent('#statements tbody tr[data-owner="bob"]');
  check(bobsRow.includes("SELECT 'bob was here'"), `bob's row does not show its SQL: ${bobsRow}`);
  await pass('admin-sees-everyone');
  await page.uncheck('#statements-all');

  step = 'sign out';
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in-form', { state: 'visible' });
  check(await page.evaluate(() => sessionStorage.length === 0), 'the key stayed in session storage after sign-out');
  await pass('signed-out');

  session.checkNoPageErrors();
  console.log('E2E OK');
} catch (error) {
  session.step = step;
  await session.close(error);
  process.exit();
}
await session.close();
