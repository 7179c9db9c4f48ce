// The console as a daily tool (issue 24), in Debian's Chromium: downloads of the stored result, a non-admin's
// catalog, running the statement under the cursor / the selection / all of them, worksheets that survive a
// reload, a history that opens statements and updates in place, the grid (sorting, resizing, copying, numbers,
// header), time axes with round ticks, frame times while scrolling and streaming, the layout at 1024x640, and a
// key revoked while signed in.
// Usage: node e2e/workbench.e2e.mjs <sluice-url> <admin-key> <user-key> <screenshot-dir>
// The user key's principal may read wikipedia only; the admin has created table console_t (v INTEGER).
// Prints "PASS <step>" and "INFO <measurement>" lines and "E2E OK" at the end; "FAIL <step>: <why>" otherwise.
import { readFileSync } from 'node:fs';
import { check, longestTasks, openBrowser } from './harness.mjs';

const [url, adminKey, userKey, screenshots] = process.argv.slice(2);
if (!url || !adminKey || !userKey || !screenshots) {
  console.error('usage: node e2e/workbench.e2e.mjs <sluice-url> <admin-key> <user-key> <screenshot-dir>');
  process.exit(2);
}
const session = await openBrowser(screenshots, { prefix: 'workbench-' });
const { page, pass, setSql, finished } = session;

/** A statement run by the test itself (not through the console), answered as JSON objects. */
async function query(sql, key = adminKey) {
  const response = await fetch(`${url}sluice/v1/query?format=json`, {
    method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ sql }),
  });
  check(response.ok, `${sql} answered ${response.status}`);
  return response.json();
}

async function ownStatements(key) {
  const response = await fetch(`${url}sluice/v1/statements?limit=200`, { headers: { Authorization: `Bearer ${key}` } });
  return (await response.json()).statements;
}

async function run(sql) {
  await setSql(sql);
  await page.click('#run');
}

/** The values of a column in the rows drawn, top to bottom (row elements are reused, so not in document order). */
async function gridColumn(column) {
  return page.$$eval(`#grid .row .cell[data-column="${column}"]`, cells => cells
    .map(cell => [Number(cell.parentNode.dataset.index), cell.textContent]).sort((a, b) => a[0] - b[0]).map(([, value]) => value));
}

async function headerNames() {
  return page.$$eval('#grid .head .cell[data-column]', cells => cells.map(cell => cell.textContent));
}

async function download(button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return readFileSync(await file.path());
}

try {
  session.step = 'non-admin catalog';
  await session.signIn(url, userKey);
  await page.waitForSelector('#catalog[data-columns]');
  const userCatalog = await page.textContent('#catalog');
  check(userCatalog.includes('wikipedia'), `the granted table is not in the user's catalog: ${userCatalog.slice(0, 200)}`);
  check(!userCatalog.includes('exchange_rate') && !userCatalog.includes('console_t'), `the user's catalog shows tables not granted: ${userCatalog.slice(0, 300)}`);
  await page.click('[data-table$=".wikipedia"] > summary');
  check((await page.textContent('[data-table$=".wikipedia"]')).includes('channel'), 'the granted table shows no columns');
  await pass('non-admin-catalog');

  session.step = 'non-admin completion';
  await setSql('SELECT * FROM wikiped');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Control+Space');
  await page.waitForSelector('.cm-tooltip-autocomplete');
  check((await page.textContent('.cm-tooltip-autocomplete')).includes('wikipedia'), 'completion does not offer the granted table');
  await page.keyboard.press('Escape');
  await pass('non-admin-completion');

  session.step = 'no failed statement at sign-in';
  await page.waitForTimeout(2500); // one refresh of the statements panel
  const userStatements = await ownStatements(userKey);
  const failed = userStatements.filter(statement => statement.state === 'FAILED');
  check(failed.length === 0, `signing in left failed statements: ${failed.map(statement => statement.sql).join(' | ')}`);
  check(await page.locator('#statements tbody tr[data-state="FAILED"]').count() === 0, 'the history shows a failed statement');
  await pass('non-admin-no-failed-statement');
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in-form', { state: 'visible' });

  session.step = 'admin sign-in keeps the history clean';
  const before = (await ownStatements(adminKey)).length;
  await session.signIn(url, adminKey);
  await page.waitForSelector('#catalog[data-columns]');
  await page.waitForTimeout(500);
  const after = await ownStatements(adminKey);
  check(after.length === before, `signing in added ${after.length - before} statements to the history: ${after.slice(0, after.length - before).map(s => s.sql).join(' | ')}`);
  await pass('catalog-queries-not-in-history');

  session.step = 'download after INSERT';
  await run('INSERT INTO console_t VALUES (42)');
  await finished('SUCCEEDED');
  const rowsBefore = (await query('SELECT count(*) AS n FROM console_t'))[0].n;
  if (await page.isEnabled('#download-csv')) {
    await download('#download-csv');
  } else {
    check((await page.getAttribute('#download-csv', 'title')).length > 0, 'the disabled download button does not say why');
  }
  if (await page.isEnabled('#download-parquet')) await download('#download-parquet');
  const rowsAfter = (await query('SELECT count(*) AS n FROM console_t'))[0].n;
  check(rowsAfter === rowsBefore, `downloading the INSERT's result inserted again: ${rowsBefore} rows before, ${rowsAfter} after`);
  await pass('download-does-not-run-again');

  session.step = 'download equals the grid';
  await run('SELECT random() AS r, range AS i FROM range(5)');
  await finished('SUCCEEDED');
  const shown = (await gridColumn(0)).map(Number);
  const csv = readFileSync(await (await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]))[0].path(), 'utf8');
  const downloaded = csv.trim().split('\n').slice(1).map(line => Number(line.split(',')[0]));
  check(shown.length === 5 && JSON.stringify(downloaded) === JSON.stringify(shown), `the CSV ${downloaded} differs from the grid ${shown}`);
  const parquet = await download('#download-parquet');
  check(parquet.subarray(0, 4).toString() === 'PAR1', 'the Parquet download is not Parquet');
  const randomId = await page.getAttribute('#run-status', 'data-id');
  await pass('download-equals-grid');

  session.step = 'statement under the cursor';
  await setSql('SELECT 1 AS first_one;\nSELECT 2 AS second_one;\nSELECT 3 AS third_one;');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Control+Enter');
  await finished('SUCCEEDED');
  check(JSON.stringify(await headerNames()) === '["second_one"]', `Ctrl-Enter on line 2 ran ${await headerNames()}`);
  check(await page.locator('.result-tab').count() === 0, 'one statement ran but there are result tabs');
  await pass('run-statement-under-cursor');

  session.step = 'selection';
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Shift+Home');
  await page.click('#run');
  await finished('SUCCEEDED');
  check(JSON.stringify(await headerNames()) === '["third_one"]', `running the selected line ran ${await headerNames()}`);
  await pass('run-selection');

  session.step = 'run all';
  await page.click('.cm-content');
  await page.keyboard.press('Control+Shift+Enter');
  await page.waitForFunction(() => document.querySelectorAll('.result-tab[data-state="SUCCEEDED"]').length === 3, null, { timeout: 60_000 });
  await finished('SUCCEEDED');
  await page.click('.result-tab[data-index="0"]');
  check(JSON.stringify(await headerNames()) === '["first_one"]', `the first result tab shows ${await headerNames()}`);
  await page.click('.result-tab[data-index="1"]');
  check(JSON.stringify(await headerNames()) === '["second_one"]', `the second result tab shows ${await headerNames()}`);
  await pass('run-all-one-tab-each');

  session.step = 'worksheets survive a reload';
  await page.click('#worksheet-new');
  await setSql('SELECT 42 AS in_second_sheet');
  await page.waitForTimeout(400); // worksheets are saved 300 ms after the last edit
  await page.reload();
  await page.waitForSelector('#app-view', { state: 'visible' });
  check(await page.locator('.worksheet-tab').count() === 2, `after a reload there are ${await page.locator('.worksheet-tab').count()} worksheets`);
  check((await page.textContent('.cm-content')).includes('in_second_sheet'), 'the active worksheet lost its text on reload');
  await page.click('.worksheet-tab[data-index="0"] .worksheet-name');
  check((await page.textContent('.cm-content')).includes('second_one'), 'the first worksheet lost its text on reload');
  check(await page.evaluate(key => Object.keys(localStorage).every(name => !localStorage.getItem(name).includes(key.split('.')[1])), adminKey),
    'the API key ended up in local storage');
  await pass('worksheets-after-reload');

  session.step = 'history opens a statement';
  const randomRow = `#statements tbody tr[data-id="${randomId}"]`;
  await page.waitForSelector(randomRow);
  await page.click(`${randomRow} td.sql`);
  await page.waitForFunction(id => document.getElementById('grid').dataset.rows === '5' && document.getElementById('run-status').dataset.id === id, randomId);
  const reopened = (await gridColumn(0)).map(Number);
  check(JSON.stringify(reopened) === JSON.stringify(shown), `the reopened result ${reopened} is not the stored ${shown}`);
  check((await page.textContent('.cm-content')).includes('random()'), 'the reopened statement\'s SQL is not in the editor');
  await pass('history-opens-statement');

  session.step = 'history updates in place';
  await page.evaluate(selector => { window.__historyRow = document.querySelector(selector); }, randomRow);
  await page.waitForTimeout(2600);
  check(await page.evaluate(selector => document.querySelector(selector) === window.__historyRow
    && window.__historyRow.classList.contains('selected'), randomRow), 'the history row was rebuilt by the refresh or lost its selection');
  await pass('history-in-place');

  session.step = 'grid';
  await page.click('#worksheet-new');
  await run("SELECT range AS n, 'label ' || range AS label, range * 1.5 AS half, repeat('x', 70) AS wide_1, repeat('y', 70) AS wide_2, repeat('z', 70) AS wide_3, repeat('w', 70) AS wide_4 FROM range(50)");
  await finished('SUCCEEDED');
  const aligned = await page.$$eval('#grid .row[data-index="0"] .cell[data-column]', cells => cells.slice(0, 3).map(cell => getComputedStyle(cell).textAlign));
  check(aligned[0] === 'right' && aligned[1] !== 'right' && aligned[2] === 'right', `numbers are not right-aligned (text not left): ${aligned}`);
  const headerReach = await page.evaluate(() => {
    const grid = document.getElementById('grid');
    grid.scrollLeft = grid.scrollWidth;
    grid.dispatchEvent(new Event('scroll'));
    const head = grid.querySelector('.head').getBoundingClientRect();
    return { head: head.right, grid: grid.getBoundingClientRect().right, scrolled: grid.scrollLeft };
  });
  check(headerReach.scrolled > 0 && headerReach.head >= headerReach.grid - 20, `scrolled ${headerReach.scrolled}px sideways, the header background ends at ${headerReach.head} of ${headerReach.grid}`);
  await pass('grid-header-scrolled');
  await page.evaluate(() => { document.getElementById('grid').scrollLeft = 0; });
  await page.click('#grid .head .cell[data-column="0"]');
  await page.click('#grid .head .cell[data-column="0"]');
  const sorted = await gridColumn(0);
  check(sorted[0] === '49' && sorted[1] === '48', `sorting descending shows ${sorted.slice(0, 3)}`);
  const widthBefore = (await page.locator('#grid .head .cell[data-column="1"]').boundingBox()).width;
  const handle = await page.locator('#grid .head .cell[data-column="1"] .resize').boundingBox();
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 4 });
  await page.mouse.up();
  const widthAfter = (await page.locator('#grid .head .cell[data-column="1"]').boundingBox()).width;
  const cellWidth = (await page.locator('#grid .row[data-index="0"] .cell[data-column="1"]').boundingBox()).width;
  check(Math.abs(widthAfter - widthBefore - 80) < 3 && Math.abs(cellWidth - widthAfter) < 1, `resizing by 80 px: ${widthBefore} -> ${widthAfter}, cells ${cellWidth}`);
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url.replace(/\/$/, '') });
  await page.click('#grid .row[data-index="0"] .cell[data-column="0"]');
  await page.click('#grid .row[data-index="2"] .cell[data-column="1"]', { modifiers: ['Shift'] });
  await page.keyboard.press('Control+C');
  await page.waitForFunction(() => document.getElementById('grid').dataset.copied);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === '49\tlabel 49\n48\tlabel 48\n47\tlabel 47', `copied ${JSON.stringify(copied)}`);
  await page.click('#grid .row[data-index="0"] .rownum');
  await page.keyboard.press('Control+C');
  await page.waitForFunction(() => document.getElementById('grid').dataset.copied === '2');
  const copiedRow = await page.evaluate(() => navigator.clipboard.readText());
  check(copiedRow.startsWith('n\tlabel\thalf\t') && copiedRow.split('\n')[1].startsWith('49\tlabel 49\t73.5\t'), `copied row ${JSON.stringify(copiedRow)}`);
  await pass('grid-sort-resize-copy');

  session.step = 'time axis';
  await run("SELECT date_trunc('hour', __time) AS hour, count(*) AS edits FROM wikipedia GROUP BY 1 ORDER BY 1");
  await finished('SUCCEEDED');
  await page.click('#tab-chart');
  await page.selectOption('#chart-type', 'line');
  await page.selectOption('#chart-x', 'hour');
  await page.selectOption('#chart-y', 'edits');
  await page.waitForSelector('#chart svg path.line');
  check(await page.getAttribute('#chart svg', 'data-x-axis') === 'time', `the hour column is on a ${await page.getAttribute('#chart svg', 'data-x-axis')} axis`);
  const xTicks = await page.$$eval('#chart svg .x-tick', ticks => ticks.map(tick => tick.textContent));
  check(xTicks.length >= 3 && xTicks.every(tick => /^(\d\d:00|\d{4}-\d\d-\d\d)$/.test(tick)), `time ticks are not on whole hours: ${xTicks}`);
  const yTicks = await page.$$eval('#chart svg .y-tick', ticks => ticks.map(tick => Number(tick.textContent.replaceAll(',', ''))));
  const step = yTicks[1] - yTicks[0];
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  check([1, 2, 2.5, 5].some(round => Math.abs(mantissa - round) < 1e-9) && yTicks.every(tick => Math.abs(tick / step - Math.round(tick / step)) < 1e-9),
    `y ticks are not round: ${yTicks}`);
  const inside = await page.evaluate(() => {
    const svg = document.querySelector('#chart svg');
    const line = svg.querySelector('path.line').getBBox();
    const tickY = [...svg.querySelectorAll('.y-tick')].map(tick => Number(tick.getAttribute('y')) - 4);
    return line.y >= Math.min(...tickY) - 0.5 && line.y + line.height <= Math.max(...tickY) + 0.5;
  });
  check(inside, `the line leaves the y axis ${yTicks}`);
  await pass('chart-time-axis-round-ticks');
  await page.click('#tab-grid');

  session.step = 'explain';
  await setSql('SELECT channel, count(*) AS edits FROM wikipedia GROUP BY channel');
  await page.click('#explain');
  await finished('SUCCEEDED');
  await page.waitForSelector('#plan', { state: 'visible' });
  const plan = await page.textContent('#plan');
  check(/wikipedia/i.test(plan) && /AGGREGATE|GROUP/i.test(plan) && plan.includes('\n'), `the plan view shows ${plan.slice(0, 200)}`);
  check(await page.isHidden('#grid'), 'the grid is shown over the plan');
  await pass('explain-view');

  session.step = 'scrolling 24,000 rows';
  await run("SELECT range AS n, range % 97 AS bucket, 'row ' || range AS label, range * 0.5 AS half, range::VARCHAR || '-' || (range % 13)::VARCHAR AS code FROM range(24000)");
  await finished('SUCCEEDED');
  check(await page.getAttribute('#grid', 'data-rows') === '24000', `the grid holds ${await page.getAttribute('#grid', 'data-rows')} rows`);
  // Per frame: move the scroll position, draw, and force style and layout of the rows drawn. Scrolling moves 5 rows
  // a frame (a wheel or touchpad); jumping moves 160 (dragging the scroll bar). The machine may be shared (CI,
  // several builds on two cores), which stretches wall times, so the frames are also traced: a frame's thread
  // (CPU) time is the work the page did, what a frame costs on a machine of its own.
  const scroll = mode => page.evaluate(async mode => {
    const grid = document.getElementById('grid');
    const times = [];
    for (let i = 1; i <= 150; i++) {
      await new Promise(resolve => requestAnimationFrame(resolve));
      const started = performance.now();
      grid.scrollTop = mode === 'scroll' ? 100_000 + i * 120 : (grid.scrollHeight * (i % 2 ? i : 150 - i)) / 150;
      grid.dispatchEvent(new Event('scroll'));
      grid.querySelector('.row').getBoundingClientRect();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { p50: times[75], p95: times[142], max: times[149] };
  }, mode);
  const measured = {};
  for (const mode of ['scroll', 'jump']) {
    let wall;
    const traced = await longestTasks(page, async () => { wall = await scroll(mode); });
    measured[mode] = { wall, traced };
    console.log(`INFO ${mode} through 24000 rows, 150 frames: wall p50 ${wall.p50.toFixed(1)} ms, p95 ${wall.p95.toFixed(1)} ms, `
      + `max ${wall.max.toFixed(1)} ms; thread time: longest task ${traced.cpu.toFixed(1)} ms, ${traced.over(16)} tasks over 16 ms`);
  }
  // 60 fps for 95% of frames: at most 7 of the 150 may take longer (a GC or a layout of new rows), which a
  // shared CI machine produces now and then even when the grid itself is fast (seen: 4, longest 29 ms).
  check(measured.scroll.traced.over(16) <= 7, `${measured.scroll.traced.over(16)} of 150 scrolled frames took over 16 ms of thread time`);
  check(measured.scroll.wall.p50 < 16 && measured.jump.wall.p50 < 16, `the median frame takes ${measured.scroll.wall.p50.toFixed(1)} ms scrolling, ${measured.jump.wall.p50.toFixed(1)} ms jumping`);
  await page.evaluate(() => { const grid = document.getElementById('grid'); grid.scrollTop = grid.scrollHeight; });
  await page.waitForFunction(() => document.getElementById('grid').textContent.includes('row 23999'));
  await pass('scroll-24k-under-16ms');

  session.step = 'a million rows';
  // The longest task while the rows arrive, by thread time (see above) and wall time; and the longest gap between
  // two frames, which on a busy machine also counts the time the page waited for a core.
  await page.evaluate(() => {
    window.__frames = { last: performance.now(), maxGap: 0, running: true };
    const tick = now => {
      window.__frames.maxGap = Math.max(window.__frames.maxGap, now - window.__frames.last);
      window.__frames.last = now;
      if (window.__frames.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const millionStarted = Date.now();
  const million = await longestTasks(page, async () => {
    await run('SELECT range AS n, range % 97 AS bucket FROM range(1000000)');
    await finished('SUCCEEDED');
    await page.waitForFunction(() => document.getElementById('grid').dataset.rows === '1000000', null, { timeout: 60_000 });
  });
  const gap = await page.evaluate(() => { window.__frames.running = false; return window.__frames.maxGap; });
  console.log(`INFO 1000000 rows in ${Date.now() - millionStarted} ms; longest task ${million.cpu.toFixed(0)} ms of thread time `
    + `(${million.wall.toFixed(0)} ms wall), longest gap between frames ${gap.toFixed(0)} ms`);
  check(million.cpu < 100, `the page was busy for ${million.cpu.toFixed(0)} ms at a stretch while the rows arrived`);
  await pass('million-rows-no-freeze');

  session.step = 'layout at 1024x640';
  await page.setViewportSize({ width: 1024, height: 640 });
  await page.waitForTimeout(200);
  const layout = await page.evaluate(() => {
    const inside = id => {
      const box = document.querySelector(id).getBoundingClientRect();
      return box.width > 0 && box.left >= 0 && box.top >= 0 && box.right <= innerWidth + 0.5 && box.bottom <= innerHeight + 0.5;
    };
    const controls = ['#run', '#run-all', '#cancel', '#download-csv', '#download-parquet', '#sign-out', '#tab-chart', '#catalog-refresh', '#statements-all'];
    return {
      outside: controls.filter(id => !inside(id)),
      page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
      grid: document.getElementById('grid').getBoundingClientRect().height,
      editor: document.getElementById('editor').getBoundingClientRect().height,
      statements: document.querySelector('.statements').getBoundingClientRect().height,
      // Columns of the statements list beyond its right edge: the layout before issue 24 cut off duration and rows here.
      clipped: [...document.querySelectorAll('#statements thead th')].filter(th => {
        const box = th.getBoundingClientRect();
        return box.width === 0 || box.right > Math.min(innerWidth, document.querySelector('.statements').getBoundingClientRect().right) + 0.5;
      }).map(th => th.textContent.trim() || '(cancel)'),
    };
  });
  check(layout.outside.length === 0, `at 1024x640 these are cut off: ${layout.outside}`);
  check(layout.clipped.length === 0, `at 1024x640 these columns of the statements list are cut off: ${layout.clipped}`);
  check(layout.page[0] <= 1024 && layout.page[1] <= 640, `the page scrolls at 1024x640: ${layout.page}`);
  check(layout.grid >= 120 && layout.editor >= 80 && layout.statements >= 100, `at 1024x640 the grid is ${layout.grid} px, the editor ${layout.editor} px, the statements ${layout.statements} px high`);
  await pass('layout-1024x640');

  session.step = 'key revoked while signed in';
  const [{ api_key: doomedKey }] = await query('CREATE API KEY FOR USER console_reader');
  await page.click('#sign-out');
  await session.signIn(url, doomedKey);
  await query(`DROP API KEY ${doomedKey.split('.')[0]}`);
  await page.waitForSelector('#sign-in-form', { state: 'visible', timeout: 10_000 });
  const farewell = await page.textContent('#sign-in-error');
  check(/no longer valid/.test(farewell), `signed out without saying why: ${farewell}`);
  check(await page.evaluate(() => sessionStorage.length === 0), 'the revoked key stayed in session storage');
  await pass('revoked-key-signs-out');

  session.checkNoPageErrors();
  console.log('E2E OK');
} catch (error) {
  await session.close(error);
  process.exit();
}
await session.close();
