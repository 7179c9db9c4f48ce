// The statements panel: the caller's statements (or everyone's, for admins), refreshed every 2 s by updating the
// rows in place: a row keeps its element, its selection and its focus while only changed cells are rewritten.
// Clicking a row opens its statement (SQL and result).

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export class StatementHistory {
  /** body: the table's tbody; onOpen(statement) when a row is clicked; onCancel(id) for a row's Cancel button. */
  constructor(body, { onOpen, onCancel }) {
    this.body = body;
    this.onOpen = onOpen;
    this.onCancel = onCancel;
    this.rows = new Map(); // id → { row, cells, statement }
    this.selectedId = null;
    this.body.addEventListener('click', event => {
      if (event.target.closest('button')) return;
      const row = event.target.closest('tr');
      const entry = row && this.rows.get(row.dataset.id);
      if (!entry) return;
      this.select(entry.statement.id);
      this.onOpen(entry.statement);
    });
  }

  select(id) {
    this.selectedId = id;
    for (const [rowId, entry] of this.rows) entry.row.classList.toggle('selected', rowId === id);
  }

  /** Shows list (newest first); mine(statement) tells whether the caller may cancel it. */
  update(list, mine) {
    const seen = new Set();
    let previous = null;
    for (const statement of list) {
      seen.add(statement.id);
      let entry = this.rows.get(statement.id);
      if (!entry) {
        entry = this.create(statement);
        this.rows.set(statement.id, entry);
      }
      entry.statement = statement;
      this.fill(entry, statement, mine(statement));
      // Keep the list's order, moving a row only when it is out of place (new rows arrive at the top).
      const expected = previous ? previous.nextSibling : this.body.firstChild;
      if (expected !== entry.row) this.body.insertBefore(entry.row, expected);
      previous = entry.row;
    }
    for (const [id, entry] of this.rows) {
      if (!seen.has(id)) {
        entry.row.remove();
        this.rows.delete(id);
      }
    }
  }

  create(statement) {
    const row = document.createElement('tr');
    row.dataset.id = statement.id;
    row.title = 'Open this statement and its result';
    const cells = Array.from({ length: 8 }, () => document.createElement('td'));
    cells[0].title = statement.id;
    cells[3].className = 'sql';
    cells[6].className = 'num';
    cells[7].className = 'num';
    const action = document.createElement('td');
    row.append(...cells, action);
    if (statement.id === this.selectedId) row.classList.add('selected');
    return { row, cells, action, statement };
  }

  fill(entry, statement, mine) {
    const { row, cells, action } = entry;
    setData(row, 'state', statement.state);
    setData(row, 'owner', statement.owner ?? '');
    const sqlText = (statement.sql ?? '').replace(/\s+/g, ' ');
    const values = [
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
    values.forEach((value, index) => {
      if (cells[index].textContent !== value) cells[index].textContent = value;
    });
    const stateClass = `state state-${statement.state}`;
    if (cells[1].className !== stateClass) cells[1].className = stateClass;
    if (cells[3].title !== (statement.sql ?? '')) cells[3].title = statement.sql ?? '';
    const cancellable = !TERMINAL.has(statement.state) && mine;
    const button = action.querySelector('button');
    if (cancellable && !button) {
      const cancel = document.createElement('button');
      cancel.textContent = 'Cancel';
      cancel.className = 'cancel-statement';
      cancel.addEventListener('click', () => {
        cancel.disabled = true;
        this.onCancel(statement.id);
      });
      action.appendChild(cancel);
    } else if (!cancellable && button) {
      button.remove();
    }
  }
}

function setData(element, name, value) {
  if (element.dataset[name] !== value) element.dataset[name] = value;
}

/** Instants arrive as ISO text or, from some JSON mappers, as epoch seconds with a fraction. */
function toDate(value) {
  if (typeof value === 'number') return new Date(value < 1e11 ? value * 1000 : value);
  return new Date(value);
}

export function formatDuration(ms) {
  if (ms === undefined || ms === null) return '';
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}
