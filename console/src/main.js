// The Sluice web console: sign in with an API key (session storage only), edit and run SQL, look at the
// result as a grid or chart, download it, watch and cancel statements, browse the catalog.
import { ApiError, SluiceApi } from './api.js';
import { drawChart } from './chart.js';
import { SqlEditor } from './editor.js';
import { ResultGrid } from './grid.js';

const KEY_STORAGE = 'sluice.apiKey';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const $ = id => document.getElementById(id);

const state = {
  api: null,
  editor: null,
  grid: null,
  running: null, // { kind: 'stream'|'async', id, controller, started, sql }
  last: null, // { kind, id, sql } of the last result shown
  statementsTimer: 0,
};

function start() {
  $('sign-in-form').addEventListener('submit', event => {
    event.preventDefault();
    signIn($('api-key').value.trim());
  });
  $('sign-out').addEventListener('click', signOut);
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
  $('api-key').value = '';
  $('sign-in-view').hidden = true;
  $('app-view').hidden = false;
  $('who').textContent = `key ${key.split('.')[0]}`;
  if (!state.editor) setUpWorkspace();
  loadCatalog();
  refreshStatements();
  clearInterval(state.statementsTimer);
  state.statementsTimer = setInterval(refreshStatements, 2000);
}

function signOut() {
  sessionStorage.removeItem(KEY_STORAGE);
  clearInterval(state.statementsTimer);
  state.api = null;
  showSignIn();
}

function setUpWorkspace() {
  state.editor = new SqlEditor($('editor'), {
    initial: 'SELECT channel, count(*) AS edits\nFROM wikipedia\nGROUP BY channel\nORDER BY edits DESC\nLIMIT 20',
    onRun: () => run('stream'),
  });
  state.grid = new ResultGrid($('grid'));
  $('run').addEventListener('click', () => run('stream'));
  $('run-async').addEventListener('click', () => run('async'));
  $('cancel').addEventListener('click', cancelRunning);
  $('tab-grid').addEventListener('click', () => showTab('grid'));
  $('tab-chart').addEventListener('click', () => showTab('chart'));
  for (const id of ['chart-type', 'chart-x', 'chart-y']) $(id).addEventListener('change', renderChart);
  $('download-csv').addEventListener('click', () => download('csv'));
  $('download-parquet').addEventListener('click', () => download('parquet'));
  $('catalog-refresh').addEventListener('click', loadCatalog);
  $('statements-all').addEventListener('change', refreshStatements);
}

// ---- running statements ------------------------------------------------------------------------------

async function run(kind) {
  if (state.running) return;
  const sql = state.editor.text.trim();
  if (!sql) return;
  hideError();
  const running = { kind, id: null, controller: new AbortController(), started: performance.now(), sql, rows: 0, state: 'RUNNING' };
  state.running = running;
  setRunning(true);
  showProgress(running);
  const ticker = setInterval(() => showProgress(running), 100);
  state.grid.message(kind === 'stream' ? 'Running…' : 'Submitted…');
  try {
    if (kind === 'stream') await runStreamed(running);
    else await runAsync(running);
    state.last = { kind, id: running.id, sql, columns: state.grid.columns };
    running.state = 'SUCCEEDED';
  } catch (error) {
    running.state = running.controller.signal.aborted || error.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
    if (running.state === 'CANCELLED') {
      if (!state.grid.columns.length) state.grid.message('Cancelled.');
    } else {
      showError(error);
    }
  } finally {
    clearInterval(ticker);
    showProgress(running);
    state.running = null;
    setRunning(false);
    refreshStatements();
  }
}

async function runStreamed(running) {
  let columns = null;
  await state.api.stream(running.sql, {
    signal: running.controller.signal,
    onStart: id => { running.id = id; },
    onRows: objects => {
      if (!columns) {
        columns = Object.keys(objects[0]);
        state.grid.reset(columns);
      }
      state.grid.append(objects.map(object => columns.map(name => object[name])));
      running.rows = state.grid.rows.length;
    },
  });
  if (!columns) state.grid.message('The statement returned no rows.');
  else refreshChartChoices();
}

async function runAsync(running) {
  const submitted = await state.api.submit(running.sql, 0);
  running.id = submitted.id;
  let status = submitted;
  while (!TERMINAL.has(status.state)) {
    await sleep(400, running.controller.signal);
    status = await state.api.status(running.id);
    running.rows = status.rows ?? 0;
    running.state = status.state;
  }
  if (status.state !== 'SUCCEEDED') {
    throw new ApiError(400, status.error ?? { code: status.state, message: `The statement ended ${status.state}` });
  }
  const columns = (status.schema ?? []).map(column => column.name);
  state.grid.reset(columns);
  if (!columns.length) return state.grid.message('The statement returned no rows.');
  await state.api.resultArrays(running.id, {
    signal: running.controller.signal,
    onRows: rows => {
      state.grid.append(rows);
      running.rows = state.grid.rows.length;
    },
  });
  refreshChartChoices();
}

async function cancelRunning() {
  const running = state.running;
  if (!running) return;
  running.controller.abort();
  try {
    const id = running.id ?? await streamedStatementId(running);
    if (id) await state.api.cancel(id);
  } catch {
    // it may have ended already
  }
}

/**
 * A streamed statement's id arrives with the first rows; one cancelled before that is found in the caller's
 * own list: the newest active statement with the same SQL. (Closing the connection alone does not stop a
 * statement that has not sent anything yet.)
 */
async function streamedStatementId(running) {
  const { statements } = await state.api.listStatements(20);
  const match = statements.find(statement => !TERMINAL.has(statement.state) && statement.sql === running.sql);
  return match?.id;
}

function showProgress(running) {
  const seconds = ((performance.now() - running.started) / 1000).toFixed(1);
  const label = running.state === 'RUNNING' || running.state === 'QUEUED' ? (running.kind === 'stream' ? 'streaming' : running.state.toLowerCase()) : running.state.toLowerCase();
  $('run-status').textContent = `${label} · ${running.rows.toLocaleString('en-US')} rows · ${seconds} s${running.id ? ` · ${running.id.slice(0, 8)}` : ''}`;
  $('run-status').dataset.state = running.state;
  $('run-status').dataset.rows = String(running.rows);
  $('run-status').dataset.id = running.id ?? '';
}

function setRunning(isRunning) {
  $('run').disabled = isRunning;
  $('run-async').disabled = isRunning;
  $('cancel').disabled = !isRunning;
  const canDownload = !isRunning && state.last !== null;
  $('download-csv').disabled = !canDownload;
  $('download-parquet').disabled = !canDownload;
}

function showError(error) {
  const where = error.position ? `line ${error.position.line}, column ${error.position.column}: ` : '';
  $('error').textContent = `${error.code ?? 'ERROR'} ${where}${error.message}`;
  $('error').hidden = false;
  state.grid.message('The statement failed.');
  state.editor.showError(error.message, error.position);
}

function hideError() {
  $('error').hidden = true;
  state.editor.clearError();
}

// ---- chart and download ------------------------------------------------------------------------------

function showTab(tab) {
  $('tab-grid').classList.toggle('active', tab === 'grid');
  $('tab-chart').classList.toggle('active', tab === 'chart');
  $('grid').hidden = tab !== 'grid';
  $('chart-panel').hidden = tab !== 'chart';
  if (tab === 'chart') renderChart();
}

function refreshChartChoices() {
  const columns = state.grid.columns;
  const firstRow = state.grid.rows[0] ?? [];
  const numeric = columns.filter((name, index) => firstRow[index] !== null && Number.isFinite(Number(firstRow[index])) && typeof firstRow[index] !== 'boolean');
  const fill = (select, preferred) => {
    select.replaceChildren(...columns.map(name => new Option(name, name)));
    if (preferred) select.value = preferred;
  };
  fill($('chart-x'), columns.find(name => !numeric.includes(name)) ?? columns[0]);
  fill($('chart-y'), numeric.find(name => name !== $('chart-x').value) ?? numeric[0] ?? columns[columns.length - 1]);
  if (!$('chart-panel').hidden) renderChart();
}

function renderChart() {
  const result = drawChart($('chart'), {
    type: $('chart-type').value,
    columns: state.grid.columns,
    rows: state.grid.rows,
    x: $('chart-x').value,
    y: $('chart-y').value,
  });
  $('chart').dataset.points = String(result?.points ?? 0);
}

async function download(format) {
  const last = state.last;
  if (!last) return;
  const name = `sluice-result.${format}`;
  try {
    if (last.kind === 'async' && last.id) {
      await state.api.download(`/sluice/v1/statements/${encodeURIComponent(last.id)}/results?format=${format}`, { method: 'GET' }, name);
    } else {
      // A streamed result is not kept on the server: ask for it again in the wanted format.
      await state.api.download(`/sluice/v1/query?format=${format}`, { method: 'POST', body: JSON.stringify({ sql: last.sql }) }, name);
    }
  } catch (error) {
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
    if (error.status === 401) return signOut();
    return;
  }
  // Without "all users" every statement listed is the caller's own: that tells who "me" is.
  if (!everyone && list.length && list[0].owner) state.me = list[0].owner;
  const rows = list.map(statement => {
    const row = document.createElement('tr');
    row.dataset.id = statement.id;
    row.dataset.state = statement.state;
    row.dataset.owner = statement.owner ?? '';
    const sqlText = (statement.sql ?? '').replace(/\s+/g, ' ');
    const cells = [
      statement.id.slice(0, 12),
      // A running statement shows the engine's estimate when it has one.
      statement.progress ? `${statement.state} ${Math.floor(statement.progress.percent)}%` : statement.state,
      statement.owner ?? '',
      sqlText.length > 70 ? `${sqlText.slice(0, 69)}…` : sqlText,
      statement.protocol ?? '',
      toDate(statement.createdAt).toLocaleTimeString(),
      formatDuration(statement.elapsedMs),
      (statement.rows ?? 0).toLocaleString('en-US'),
    ];
    cells.forEach((value, index) => {
      const cell = document.createElement('td');
      cell.textContent = value;
      if (index === 0) cell.title = statement.id;
      if (index === 1) cell.className = `state state-${statement.state}`;
      if (index === 3) {
        cell.className = 'sql';
        cell.title = statement.sql ?? '';
      }
      if (index >= 6) cell.className = 'num';
      row.appendChild(cell);
    });
    const action = document.createElement('td');
    const mine = !everyone || (state.me !== undefined && statement.owner === state.me);
    if (!TERMINAL.has(statement.state) && mine) {
      const button = document.createElement('button');
      button.textContent = 'Cancel';
      button.className = 'cancel-statement';
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await state.api.cancel(statement.id);
        } catch {
          // ended meanwhile
        }
        refreshStatements();
      });
      action.appendChild(button);
    }
    row.appendChild(action);
    return row;
  });
  document.querySelector('#statements tbody').replaceChildren(...rows);
}

/** Instants arrive as ISO text or, from some JSON mappers, as epoch seconds with a fraction. */
function toDate(value) {
  if (typeof value === 'number') return new Date(value < 1e11 ? value * 1000 : value);
  return new Date(value);
}

function formatDuration(ms) {
  if (ms === undefined || ms === null) return '';
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

// ---- catalog -----------------------------------------------------------------------------------------

async function loadCatalog() {
  const tree = $('catalog');
  let columns;
  let current;
  try {
    [columns, current] = await Promise.all([
      state.api.query(`SELECT table_catalog AS "catalog", table_schema AS "schema", table_name AS "table",
                              column_name AS "column", data_type AS "type"
                       FROM information_schema.columns
                       WHERE table_catalog NOT IN ('system', 'temp')
                       ORDER BY 1, 2, 3, ordinal_position`),
      state.api.query('SELECT current_database() AS "catalog", current_schema() AS "schema"'),
    ]);
  } catch (error) {
    tree.textContent = `Cannot read the catalog: ${error.message}`;
    return;
  }
  const { catalog: currentCatalog, schema: currentSchema } = current[0] ?? {};
  state.editor.setCatalog(columns, currentCatalog, currentSchema);
  const nested = new Map();
  for (const column of columns) {
    const schemas = getOrAdd(nested, column.catalog, () => new Map());
    const tables = getOrAdd(schemas, column.schema, () => new Map());
    getOrAdd(tables, column.table, () => []).push(column);
  }
  const details = (label, open, className) => {
    const node = document.createElement('details');
    node.open = open;
    const summary = document.createElement('summary');
    summary.textContent = label;
    if (className) summary.className = className;
    node.appendChild(summary);
    return node;
  };
  const roots = [];
  for (const [catalog, schemas] of nested) {
    const catalogNode = details(catalog, catalog === currentCatalog);
    catalogNode.dataset.catalog = catalog;
    for (const [schema, tables] of schemas) {
      const schemaNode = details(schema, catalog === currentCatalog && schema === currentSchema);
      for (const [table, tableColumns] of tables) {
        const tableNode = details(table, false, 'table-name');
        tableNode.dataset.table = `${catalog}.${schema}.${table}`;
        tableNode.querySelector('summary').addEventListener('dblclick', () => {
          const name = catalog === currentCatalog && schema === currentSchema ? quote(table) : [catalog, schema, table].map(quote).join('.');
          state.editor.insert(name);
        });
        for (const column of tableColumns) {
          const line = document.createElement('div');
          line.className = 'column';
          line.textContent = column.column;
          const type = document.createElement('span');
          type.className = 'type';
          type.textContent = column.type;
          line.appendChild(type);
          tableNode.appendChild(line);
        }
        schemaNode.appendChild(tableNode);
      }
      catalogNode.appendChild(schemaNode);
    }
    roots.push(catalogNode);
  }
  tree.replaceChildren(...roots);
  tree.dataset.columns = String(columns.length);
}

function quote(name) {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function getOrAdd(map, key, create) {
  if (!map.has(key)) map.set(key, create());
  return map.get(key);
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new ApiError(499, { code: 'CANCELLED', message: 'Cancelled' }));
    }, { once: true });
  });
}

start();
