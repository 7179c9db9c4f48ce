// What the console's browser tests share: Debian's Chromium through playwright-core (no browser download), a
// screenshot per step, "PASS <step>" lines, and helpers that type into the editor and wait for a run to end.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function openBrowser(screenshots, { width = 1400, height = 900, prefix = '' } = {}) {
  mkdirSync(screenshots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width, height },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(20_000);
  const pageErrors = [];
  page.on('pageerror', error => pageErrors.push(String(error)));
  page.on('console', message => { if (message.type() === 'error') pageErrors.push(`${message.text()} ${message.location()?.url ?? ''}`); });
  let shot = 0;
  const session = {
    context,
    page,
    pageErrors,
    step: 'start',
    async snap(name) {
      shot += 1;
      await page.screenshot({ path: join(screenshots, `${prefix}${String(shot).padStart(2, '0')}-${name}.png`) });
    },
    async pass(name) {
      await session.snap(name);
      console.log(`PASS ${name}`);
    },
    async setSql(sql) {
      await page.click('.cm-content');
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(sql);
      await page.keyboard.press('Escape');
    },
    /** Waits until the run ends and checks how. */
    async finished(expected) {
      await page.waitForFunction(() => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(document.getElementById('run-status').dataset.state)
        && !document.getElementById('run').disabled, null, { timeout: 60_000 });
      const state = await page.getAttribute('#run-status', 'data-state');
      check(state === expected, `expected ${expected} but the run ended ${state}: ${await page.textContent('#error')}`);
    },
    async signIn(url, key) {
      await page.goto(url);
      await page.waitForSelector('#sign-in-form', { state: 'visible' });
      await page.fill('#api-key', key);
      await page.click('#sign-in');
      await page.waitForSelector('#app-view', { state: 'visible' });
    },
    /** Fails on errors the page logged, but for the HTTP statuses the steps caused on purpose. */
    checkNoPageErrors(allowed = /status of 40[014]|status of 410|status of 499/) {
      const unexpected = pageErrors.filter(message => !allowed.test(message));
      check(unexpected.length === 0, `the page logged errors: ${unexpected.join(' | ')}`);
    },
    async close(failure) {
      if (failure) {
        console.log(`FAIL ${session.step}: ${failure.message}`);
        try {
          await page.screenshot({ path: join(screenshots, `${prefix}failure.png`) });
        } catch {
          // the browser may be gone
        }
        process.exitCode = 1;
      }
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return session;
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Runs action while Chromium traces its main-thread tasks, and answers the longest task in the page's renderer
 * by wall time and by thread (CPU) time. On a busy machine a task's wall time includes the time the thread waited
 * for a core; its thread time is the work the page did, which is what freezes it on a machine of its own.
 */
export async function longestTasks(page, action) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', { categories: 'toplevel,disabled-by-default-devtools.timeline', transferMode: 'ReturnAsStream' });
  await action();
  const complete = new Promise(resolve => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  let text = '';
  for (;;) {
    const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
    text += base64Encoded ? Buffer.from(data, 'base64').toString('utf8') : data;
    if (eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  const events = JSON.parse(text).traceEvents ?? JSON.parse(text);
  const renderer = new Set(events.filter(event => event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map(event => `${event.pid}:${event.tid}`));
  const tasks = events.filter(event => event.name === 'RunTask' && event.ph === 'X' && renderer.has(`${event.pid}:${event.tid}`))
    .map(event => ({ wall: (event.dur ?? 0) / 1000, cpu: (event.tdur ?? 0) / 1000 }));
  const cpu = tasks.map(task => task.cpu).sort((a, b) => a - b);
  return {
    wall: Math.max(0, ...tasks.map(task => task.wall)),
    cpu: cpu[cpu.length - 1] ?? 0,
    cpuP95: cpu[Math.floor(cpu.length * 0.95)] ?? 0,
    tasks: tasks.length,
    over: limit => cpu.filter(value => value > limit).length,
  };
}
