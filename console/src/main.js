// The Sluice web console: sign in with an API key (session storage only), edit SQL in worksheets, run the
// statement under the cursor, the selection or all of them (one result tab each), look at a result as a grid
// or chart, download it, watch, reopen and cancel statements, browse the catalog.
//
// Every run is a statement of the native API (POST /sluice/v1/statements): its result is spooled on the server,
// so the grid reads it from there and a download is that same result in another format, never a second run.
import { ApiError, SluiceApi } from './api.js';
import { loadCatalog } from './catalog.js';
import { drawChart } from './chart.js';
import { SqlEditor } from './editor.js';
import { ResultGrid } from './grid.js';
import { StatementHistory } from './history.js';
import { Worksheets } from './worksheets.js';

const KEY_STORAGE = 'sluice.apiKey';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** Rows one result keeps in the page; the rest stay on the server (download them). */
const MAX_GRID_ROWS = 1_000_000;
const FIRST_WORKSHEET = 'SELECT channel, count(*) AS edits\nFROM wikipedia\nGROUP BY channel\nORDER BY edits DESC\nLIMIT 20';
const $ = id => document.getElementById(id);

const state = {
  api: null,
  editor: null,
  grid: null,
  worksheets: null,
  history: null,
  running: null, // { controller, current: result being run, started }
  results: [], // { sql, from, id, state, columns, types, rows, updateCount, error, note, capped }
  active: -1,
  statementsTimer: 0,
  me: undefined,
};

function start() {
  $('sign-in-form').addEventListener('submit', event => {
    event.preventDefault();
    signIn($('api-key').value.trim());
  });
  $('sign-out').addEventListener('click', () => signOut());
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) signIn(saved);
  else showSignIn();
}

function showSignIn(message = '') {
  $('app-view').hidden = true;
  $('sign-in-view').hidden = false;
  $('sign-in-error').textContent = message;
  $('api-key').focus();
}

async function signIn(key) {
  if (!key) return showSignIn('Enter an API key.');
  const api = new SluiceApi(key);
  try {
    await api.listStatements(1);
  } catch (error) {
    sessionStorage.removeItem(KEY_STORAGE);
    return showSignIn(error.status === 401 ? 'That API key is not valid.' : `Sign-in failed: ${error.message}`);
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  state.api = api;
  const keyId = key.split('.')[0];
  $('api-key').value = '';
  $('sign-in-view').hidden = true;
  $('app-view').hidden = false;
  $('who').textContent = `key ${keyId}`;
  if (!state.editor) setUpWorkspace();
  state.worksheets = new Worksheets($('worksheet-tabs'), state.editor, keyId, FIRST_WORKSHEET);
  state.me = undefined;
  loadCatalog(api, $('catalog'), state.editor);
  refreshStatements();
  clearInterval(state.statementsTimer);
  state.statementsTimer = setInterval(refreshStatements, 2000);
}

function signOut(message = '') {
  state.worksheets?.save();
  state.running?.controller.abort();
  sessionStorage.removeItem(KEY_STORAGE);
  clearInterval(state.statementsTimer);
  state.api = null;
  showSignIn(message);
}

function setUpWorkspace() {
  state.editor = new SqlEditor($('editor'), {
    initial: '',
    onRun: scope => run(scope),
    onChange: text => state.worksheets?.changed(text),
  });
  state.grid = new ResultGrid($('grid'));
  state.history = new StatementHistory(document.querySelector('#statements tbody'), {
    onOpen: openStatement,
    onCancel: async id => {
      try {
        await state.api.cancel(id);
      } catch {
        // ended meanwhile
      }
      refreshStatements();
    },
  });
  $('run').addEventListener('click', () => run('current'));
  $('run-all').addEventListener('click', () => run('all'));
  $('explain').addEventListener('click', () => run('explain'));
  $('cancel').addEventListener('click', cancelRunning);
  $('tab-grid').addEventListener('click', () => showTab('grid'));
  $('tab-chart').addEventListener('click', () => showTab('chart'));
  for (const id of ['chart-type', 'chart-x', 'chart-y']) $(id).addEventListener('change', renderChart);
  $('download-csv').addEventListener('click', () => download('csv'));
  $('download-parquet').addEventListener('click', () => download('parquet'));
  $('catalog-refresh').addEventListener('click', () => loadCatalog(state.api, $('catalog'), state.editor));
  $('statements-all').addEventListener('change', refreshStatements);
  $('shortcuts-open').addEventListener('click', () => $('shortcuts').showModal());
  $('shortcuts-close').addEventListener('click', () => $('shortcuts').close());
  window.addEventListener('beforeunload', () => state.worksheets?.save());
}

// ---- running statements ------------------------------------------------------------------------------

/**
 * Runs the selection or the statement under the cursor ('current'), every statement ('all') one after another, or
 * shows the plan of the current ones ('explain').
 */
async function run(scope) {
  if (state.running) return;
  const targets = state.editor.runTargets(scope === 'explain' ? 'current' : scope);
  if (!targets.length) return;
  hideError();
  const running = { controller: new AbortController(), started: performance.now(), current: null };
  state.running = running;
  state.results = targets.map(target => scope === 'explain'
    ? { ...newResult(`EXPLAIN ${target.sql}`, target.from - 'EXPLAIN '.length), plan: true }
    : newResult(target.sql, target.from));
  setRunning(true);
  const ticker = setInterval(() => showProgress(running), 100);
  try {
    for (let index = 0; index < state.results.length; index++) {
      const result = state.results[index];
      running.current = result;
      running.started = performance.now();
      showResult(index);
      showProgress(running);
      await runStatement(result, running.controller.signal);
      if (result.state !== 'SUCCEEDED') break; // later statements may depend on this one
    }
  } finally {
    clearInterval(ticker);
    showProgress(running);
    state.running = null;
    setRunning(false);
    renderResultTabs();
    refreshStatements();
  }
}

function newResult(sql, from) {
  return { sql, from, id: null, state: 'QUEUED', columns: [], types: [], rows: [], updateCount: null, error: null, note: '', capped: false };
}

/** Submits one statement, waits for it, then reads its spooled result into result.rows. Never throws. */
async function runStatement(result, signal) {
  result.state = 'RUNNING';
  try {
    const submitted = await state.api.submit(result.sql, 0);
    result.id = submitted.id;
    if (signal.aborted) throw cancelled();
    let status = submitted;
    for (let wait = 50; !TERMINAL.has(status.state); wait = Math.min(400, wait * 2)) {
      await sleep(wait, signal);
      status = await state.api.status(result.id);
      result.state = status.state;
      result.rowsSoFar = status.rows ?? 0;
    }
    await readResult(result, status, signal);
  } catch (error) {
    result.state = signal.aborted || error.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
    if (result.state === 'FAILED') result.error = error;
    else result.note = 'Cancelled.';
  }
  if (state.results[state.active] === result) showResult(state.active);
}

/** Reads a finished statement's result (status from the statements API) into result, for the grid to show. */
async function readResult(result, status, signal) {
  result.state = status.state;
  if (status.state !== 'SUCCEEDED') {
    throw new ApiError(400, status.error ?? { code: status.state, message: `The statement ended ${status.state}` });
  }
  result.columns = (status.schema ?? []).map(column => column.name);
  result.types = (status.schema ?? []).map(column => column.type);
  result.updateCount = status.updateCount ?? null;
  result.total = status.rows ?? null;
  if (!result.columns.length) {
    result.note = result.updateCount !== null ? `${result.updateCount.toLocaleString('en-US')} rows changed.` : 'The statement returned no rows.';
    return;
  }
  if (state.results[state.active] === result) showResult(state.active);
  await state.api.resultArrays(result.id, {
    signal,
    onRows: rows => {
      const room = MAX_GRID_ROWS - result.rows.length;
      for (let index = 0; index < rows.length && index < room; index++) result.rows.push(rows[index]);
      if (state.results[state.active] === result) state.grid.appended();
      if (rows.length > room || (rows.length === room && (result.total ?? Infinity) > MAX_GRID_ROWS)) {
        result.capped = true;
        return false;
      }
      return true;
    },
  });
}

async function cancelRunning() {
  const running = state.running;
  if (!running) return;
  running.controller.abort();
  const id = running.current?.id;
  try {
    if (id) await state.api.cancel(id);
  } catch {
    // it may have ended already
  }
}

function cancelled() {
  return new ApiError(499, { code: 'CANCELLED', message: 'Cancelled' });
}

function showProgress(running) {
  const result = running.current;
  if (!result) return;
  const seconds = ((performance.now() - running.started) / 1000).toFixed(1);
  const rows = result.rows.length || result.rowsSoFar || 0;
  const of = state.results.length > 1 ? ` · ${state.results.indexOf(result) + 1} of ${state.results.length}` : '';
  $('run-status').textContent = `${result.state.toLowerCase()} · ${rows.toLocaleString('en-US')} rows · ${seconds} s${result.id ? ` · ${result.id.slice(0, 8)}` : ''}${of}`;
  $('run-status').dataset.state = result.state;
  $('run-status').dataset.rows = String(result.rows.length);
  $('run-status').dataset.id = result.id ?? '';
  renderResultTabs();
}

function setRunning(isRunning) {
  $('run').disabled = isRunning;
  $('run-all').disabled = isRunning;
  $('explain').disabled = isRunning;
  $('cancel').disabled = !isRunning;
  updateDownloads();
}

/** Downloads are the shown statement's stored result; the buttons say why when there is none to download. */
function updateDownloads() {
  const result = state.results[state.active];
  let why = '';
  if (!result) why = 'Run a statement first';
  else if (state.running && state.running.current === result) why = 'Wait for the statement to finish';
  else if (result.state !== 'SUCCEEDED') why = `The statement ${result.state.toLowerCase()}: it has no result`;
  else if (!result.id || !result.columns.length) why = 'The statement returned no result set';
  for (const id of ['download-csv', 'download-parquet']) {
    $(id).disabled = why !== '';
    $(id).title = why || `The result of statement ${result.id.slice(0, 12)} as stored on the server (not run again)`;
  }
}

function showError(error, result) {
  const where = error.position ? `line ${error.position.line}, column ${error.position.column}: ` : '';
  $('error').textContent = `${error.code ?? 'ERROR'} ${where}${error.message}`;
  $('error').hidden = false;
  if (result?.from !== undefined && state.editor.text.includes(result.sql)) state.editor.showError(error.message, error.position, result.from);
}

function hideError() {
  $('error').hidden = true;
  state.editor.clearError();
}

// ---- results -----------------------------------------------------------------------------------------

function showResult(index) {
  state.active = index;
  const result = state.results[index];
  hideError();
  const plan = showPlan(result);
  if (plan) {
    // the plan is shown instead of the grid
  } else if (!result) {
    state.grid.message('No result yet. Write a query and press Run.');
  } else if (result.error && !result.rows.length) {
    showError(result.error, result);
    state.grid.message('The statement failed.');
  } else if (result.columns.length) {
    // A result cut short (a lost connection, say) keeps the rows that arrived, under the error.
    if (result.error) showError(result.error, result);
    if (state.grid.rows !== result.rows) state.grid.show(result.columns, result.types, result.rows);
    else state.grid.appended();
  } else {
    state.grid.message(result.note || (result.state === 'RUNNING' || result.state === 'QUEUED' ? 'Running…' : 'No result.'));
  }
  const capped = result?.capped ? `Showing the first ${MAX_GRID_ROWS.toLocaleString('en-US')} of ${(result.total ?? 0).toLocaleString('en-US')} rows; download the result for all of them.` : '';
  $('result-note').textContent = capped;
  $('result-note').hidden = !capped;
  renderResultTabs();
  updateDownloads();
  if (result && TERMINAL.has(result.state)) refreshChartChoices();
}

/**
 * An EXPLAIN's result is the engine's plan as text (DuckDB: explain_key, explain_value), shown as it is printed
 * rather than as grid rows. Answers whether the plan is shown.
 */
function showPlan(result) {
  const column = result?.plan ? result.columns.indexOf('explain_value') : -1;
  const shown = column >= 0 && TERMINAL.has(result.state) && !result.error;
  $('plan').hidden = !shown;
  $('grid').hidden = shown || $('tab-grid').classList.contains('active') === false;
  const key = result?.columns.indexOf('explain_key') ?? -1;
  if (shown) $('plan').textContent = result.rows.map(row => (key >= 0 ? `${row[key]}\n${row[column]}` : row[column])).join('\n\n');
  return shown;
}

function renderResultTabs() {
  const bar = $('result-tabs');
  if (state.results.length < 2) {
    bar.replaceChildren();
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  const tabs = state.results.map((result, index) => {
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.className = `result-tab state-${result.state}${index === state.active ? ' active' : ''}`;
    tab.dataset.state = result.state;
    tab.dataset.index = String(index);
    const rows = result.columns.length ? ` · ${result.rows.length.toLocaleString('en-US')} rows` : '';
    tab.textContent = `${index + 1}. ${result.state.toLowerCase()}${rows}`;
    tab.title = result.sql;
    tab.addEventListener('click', () => showResult(index));
    return tab;
  });
  bar.replaceChildren(...tabs);
}

/** Opens a statement from the history: its SQL in a worksheet and, when it is readable, its stored result. */
async function openStatement(statement) {
  if (statement.sql) {
    const existing = state.worksheets.sheets.findIndex(sheet => sheet.text === statement.sql);
    if (existing === state.worksheets.active) {
      // already in front
    } else if (existing >= 0) {
      state.worksheets.switchTo(existing);
    } else {
      state.worksheets.open(statement.sql, `#${statement.id.slice(0, 8)}`);
    }
  }
  if (state.running) return;
  const result = newResult(statement.sql ?? '', 0);
  result.id = statement.id;
  result.state = statement.state;
  state.results = [result];
  showResult(0);
  $('run-status').textContent = `statement ${statement.id.slice(0, 8)} · ${statement.state.toLowerCase()}`;
  $('run-status').dataset.id = statement.id;
  if (!TERMINAL.has(statement.state)) {
    result.note = `The statement is ${statement.state.toLowerCase()}; click it again when it has finished.`;
    return showResult(0);
  }
  const controller = new AbortController();
  state.running = { controller, current: result, started: performance.now() };
  setRunning(true);
  try {
    const status = await state.api.status(statement.id);
    await readResult(result, status, controller.signal);
  } catch (error) {
    result.state = statement.state;
    if (error.status === 404) result.note = 'This statement belongs to another user: only its owner can read its result.';
    else if (error.status === 410) result.note = 'The result of this statement has expired: run it again.';
    else result.error = error;
  } finally {
    state.running = null;
    setRunning(false);
    if (state.results[0] === result) showResult(0);
  }
}

// ---- chart and download ------------------------------------------------------------------------------

function showTab(tab) {
  $('tab-grid').classList.toggle('active', tab === 'grid');
  $('tab-chart').classList.toggle('active', tab === 'chart');
  $('grid').hidden = tab !== 'grid';
  $('plan').hidden = true;
  $('chart-panel').hidden = tab !== 'chart';
  if (tab === 'chart') renderChart();
}

function activeResult() {
  return state.results[state.active] ?? { columns: [], types: [], rows: [] };
}

function refreshChartChoices() {
  const { columns, types, rows } = activeResult();
  const firstRow = rows[0] ?? [];
  const numeric = columns.filter((name, index) => /INT|DECIMAL|REAL|FLOAT|DOUBLE/i.test(types[index] ?? '')
    || (firstRow[index] !== null && typeof firstRow[index] === 'number'));
  const fill = (select, preferred) => {
    select.replaceChildren(...columns.map(name => new Option(name, name)));
    if (preferred) select.value = preferred;
  };
  fill($('chart-x'), columns.find(name => !numeric.includes(name)) ?? columns[0]);
  fill($('chart-y'), numeric.find(name => name !== $('chart-x').value) ?? numeric[0] ?? columns[columns.length - 1]);
  if (!$('chart-panel').hidden) renderChart();
}

function renderChart() {
  const { columns, types, rows } = activeResult();
  const drawn = drawChart($('chart'), { type: $('chart-type').value, columns, types, rows, x: $('chart-x').value, y: $('chart-y').value });
  $('chart').dataset.points = String(drawn?.points ?? 0);
}

async function download(format) {
  const result = state.results[state.active];
  if (!result?.id) return;
  try {
    await state.api.download(`/sluice/v1/statements/${encodeURIComponent(result.id)}/results?format=${format}`, { method: 'GET' },
      `sluice-result.${format}`);
  } catch (error) {
    if (error.status === 410) error.message = 'The stored result of this statement has expired, so it cannot be downloaded: run it again.';
    showError(error);
  }
}

// ---- statements --------------------------------------------------------------------------------------

async function refreshStatements() {
  if (!state.api) return;
  let list;
  const everyone = $('statements-all').checked;
  try {
    list = (await state.api.listStatements(50, everyone)).statements;
  } catch (error) {
    if (error.status === 401) return signOut('Your API key is no longer valid (revoked or expired): sign in again.');
    return;
  }
  // Without "all users" every statement listed is the caller's own: that tells who "me" is.
  if (!everyone && list.length && list[0].owner) state.me = list[0].owner;
  state.history.update(list, statement => !everyone || (state.me !== undefined && statement.owner === state.me));
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(cancelled());
    }, { once: true });
  });
}

start();
