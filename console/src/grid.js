// A result grid that draws only the rows in view, so 100,000 rows scroll as fast as 100.
// Rows are arrays in column order; the row count may grow while a result streams in.

const ROW_HEIGHT = 24;
const OVERSCAN = 10;

export class ResultGrid {
  constructor(container) {
    this.container = container;
    this.columns = [];
    this.rows = [];
    this.widths = [];
    this.head = document.createElement('div');
    this.head.className = 'head';
    this.body = document.createElement('div');
    this.body.style.position = 'relative';
    this.container.replaceChildren(this.head, this.body);
    this.container.addEventListener('scroll', () => this.draw());
    window.addEventListener('resize', () => this.draw());
    this.drawn = { first: -1, last: -1, count: -1 };
    this.message('No result yet. Write a query and press Run.');
  }

  message(text) {
    this.columns = [];
    this.rows = [];
    this.head.replaceChildren();
    const note = document.createElement('div');
    note.className = 'empty';
    note.textContent = text;
    this.body.style.height = 'auto';
    this.body.replaceChildren(note);
    this.drawn = { first: -1, last: -1, count: -1 };
  }

  /** Starts a new result with these column names. */
  reset(columns) {
    this.columns = columns;
    this.rows = [];
    this.widths = columns.map(name => clampWidth(name.length + 2));
    this.rowNumberWidth = 60;
    this.container.scrollTop = 0;
    this.head.replaceChildren(cell('#', this.rowNumberWidth, 'cell rownum'),
      ...columns.map((name, index) => cell(name, this.widths[index], 'cell')));
    this.head.dataset.columns = String(columns.length);
    this.body.replaceChildren();
    this.drawn = { first: -1, last: -1, count: -1 };
    this.draw();
  }

  /** Appends rows (arrays); widths follow the first rows seen. */
  append(rows) {
    if (this.rows.length < 200) {
      for (const row of rows.slice(0, 200)) {
        row.forEach((value, index) => {
          const width = clampWidth(text(value).length + 2);
          if (width > this.widths[index]) this.widths[index] = width;
        });
      }
      this.head.querySelectorAll('.cell').forEach((element, index) => {
        if (index > 0) element.style.width = `${this.widths[index - 1]}px`;
      });
    }
    for (const row of rows) this.rows.push(row);
    this.scheduleDraw();
  }

  scheduleDraw() {
    if (this.pendingDraw) return;
    this.pendingDraw = requestAnimationFrame(() => {
      this.pendingDraw = 0;
      this.draw();
    });
  }

  /** Widens columns whose values in view are longer than the first rows suggested (never narrows). */
  widenFor(first, last) {
    let changed = false;
    for (let index = first; index < last; index++) {
      this.rows[index].forEach((value, column) => {
        const width = clampWidth(text(value).length + 2);
        if (width > this.widths[column]) {
          this.widths[column] = width;
          changed = true;
        }
      });
    }
    if (changed) {
      this.head.querySelectorAll('.cell').forEach((element, index) => {
        if (index > 0) element.style.width = `${this.widths[index - 1]}px`;
      });
    }
  }

  draw() {
    if (!this.columns.length) return;
    const count = this.rows.length;
    this.body.style.height = `${count * ROW_HEIGHT}px`;
    const top = Math.max(0, this.container.scrollTop - this.head.offsetHeight);
    const height = this.container.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    if (first === this.drawn.first && last === this.drawn.last && count === this.drawn.count) return;
    this.drawn = { first, last, count };
    this.widenFor(first, last);
    const fragment = document.createDocumentFragment();
    const totalWidth = this.rowNumberWidth + this.widths.reduce((sum, width) => sum + width, 0);
    for (let index = first; index < last; index++) {
      const line = document.createElement('div');
      line.className = 'row';
      line.style.top = `${index * ROW_HEIGHT}px`;
      line.style.width = `${totalWidth}px`;
      line.appendChild(cell(String(index + 1), this.rowNumberWidth, 'cell rownum'));
      const row = this.rows[index];
      for (let column = 0; column < this.columns.length; column++) {
        const value = row[column];
        line.appendChild(cell(value === null || value === undefined ? 'NULL' : text(value), this.widths[column],
          value === null || value === undefined ? 'cell null' : 'cell'));
      }
      fragment.appendChild(line);
    }
    this.body.replaceChildren(fragment);
    this.container.dataset.renderedRows = String(last - first);
    this.container.dataset.rows = String(count);
  }
}

export function text(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function clampWidth(characters) {
  return Math.min(360, Math.max(60, characters * 7.5));
}

function cell(content, width, className) {
  const element = document.createElement('div');
  element.className = className;
  element.style.width = `${width}px`;
  element.textContent = content;
  element.title = content.length > 40 ? content : '';
  return element;
}
