// A result grid that draws only the rows in view, reusing the same few dozen row elements while scrolling, so
// a million rows scroll as fast as a hundred. Rows are arrays in column order; the array may grow while a
// result streams in. Click a header to sort, drag its right edge to resize, click cells (Shift-click for a
// range, the row number for whole rows) and press Ctrl/Cmd-C to copy them as tab-separated text.

const ROW_HEIGHT = 24;
const OVERSCAN = 4;
const ROW_NUMBER_WIDTH = 60;
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|REAL|FLOAT|DOUBLE|DECIMAL.*)$/i;

export class ResultGrid {
  constructor(container) {
    this.container = container;
    this.container.tabIndex = 0;
    this.columns = [];
    this.rows = [];
    this.widths = [];
    this.numeric = [];
    this.sort = null; // { column, descending }
    this.sorted = null; // the rows in sort order, rebuilt when rows arrive
    this.selection = null; // { anchor: [row, column], focus: [row, column] }; column -1 selects whole rows
    this.selectionVersion = 0;
    this.head = document.createElement('div');
    this.head.className = 'head';
    this.body = document.createElement('div');
    this.body.className = 'body';
    this.container.replaceChildren(this.head, this.body);
    this.pool = [];
    this.container.addEventListener('scroll', () => this.draw());
    window.addEventListener('resize', () => this.draw());
    this.body.addEventListener('mousedown', event => this.select(event));
    this.container.addEventListener('keydown', event => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c' && this.selection) {
        event.preventDefault();
        this.copy();
      }
    });
    this.drawn = null;
    this.message('No result yet. Write a query and press Run.');
  }

  message(text) {
    this.columns = [];
    this.rows = [];
    this.sorted = null;
    this.head.replaceChildren();
    this.head.style.width = '';
    this.pool = [];
    const note = document.createElement('div');
    note.className = 'empty';
    note.textContent = text;
    this.body.style.height = 'auto';
    this.body.replaceChildren(note);
    this.drawn = null;
    delete this.container.dataset.rows;
  }

  /**
   * Shows rows (kept by reference: the caller appends to the same array and calls appended()) under these
   * columns; types (engine type names) right-align numbers.
   */
  show(columns, types, rows) {
    this.columns = columns;
    this.rows = rows;
    this.numeric = columns.map((name, index) => NUMERIC_TYPE.test(types?.[index] ?? ''));
    this.widths = columns.map(name => clampWidth(name.length + 3));
    this.sort = null;
    this.sorted = null;
    this.selection = null;
    this.selectionVersion += 1;
    this.measured = 0;
    this.container.scrollTop = 0;
    this.container.scrollLeft = 0;
    this.pool = [];
    this.body.replaceChildren();
    this.drawHead();
    this.drawn = null;
    this.fitWidths();
    this.draw();
  }

  /** Rows were added to the array shown; drawn on the next frame. */
  appended() {
    if (this.sort) this.sorted = null;
    this.scheduleDraw();
  }

  scheduleDraw() {
    if (this.pendingDraw) return;
    this.pendingDraw = requestAnimationFrame(() => {
      this.pendingDraw = 0;
      this.fitWidths();
      this.draw();
    });
  }

  /** Widths follow the first 200 rows (a cheap guess, never narrowing); wider values later show an ellipsis. */
  fitWidths() {
    if (this.measured >= 200 || this.measured >= this.rows.length) return;
    let changed = false;
    for (; this.measured < Math.min(200, this.rows.length); this.measured++) {
      this.rows[this.measured].forEach((value, index) => {
        const width = clampWidth(text(value).length + 2);
        if (width > this.widths[index]) {
          this.widths[index] = width;
          changed = true;
        }
      });
    }
    if (changed) this.applyWidths();
  }

  totalWidth() {
    return ROW_NUMBER_WIDTH + this.widths.reduce((sum, width) => sum + width, 0);
  }

  drawHead() {
    const cells = [cell('#', ROW_NUMBER_WIDTH, 'cell rownum')];
    this.columns.forEach((name, index) => {
      const head = cell(name, this.widths[index], this.numeric[index] ? 'cell num' : 'cell');
      head.dataset.column = String(index);
      head.title = `${name}: click to sort`;
      if (this.sort?.column === index) {
        head.classList.add(this.sort.descending ? 'sorted-desc' : 'sorted-asc');
        head.dataset.sort = this.sort.descending ? 'desc' : 'asc';
      }
      head.addEventListener('click', event => {
        if (!event.target.classList.contains('resize')) this.sortBy(index);
      });
      const handle = document.createElement('span');
      handle.className = 'resize';
      handle.addEventListener('mousedown', event => this.startResize(event, index));
      head.appendChild(handle);
      cells.push(head);
    });
    this.head.replaceChildren(...cells);
    this.head.dataset.columns = String(this.columns.length);
    this.head.style.width = `${this.totalWidth()}px`;
  }

  applyWidths() {
    const width = `${this.totalWidth()}px`;
    this.head.style.width = width;
    this.head.querySelectorAll('.cell[data-column]').forEach(element => {
      element.style.width = `${this.widths[Number(element.dataset.column)]}px`;
    });
    for (const line of this.pool) {
      line.style.width = width;
      for (let column = 0; column < this.columns.length; column++) line.children[column + 1].style.width = `${this.widths[column]}px`;
    }
  }

  /** Sorts by a column: ascending, then descending, then back to the order of the result. */
  sortBy(column) {
    if (this.sort?.column !== column) this.sort = { column, descending: false };
    else if (!this.sort.descending) this.sort = { column, descending: true };
    else this.sort = null;
    this.sorted = null;
    this.drawHead();
    this.drawn = null;
    this.draw();
  }

  ordered() {
    if (!this.sort) return this.rows;
    if (!this.sorted || this.sorted.length !== this.rows.length) {
      const { column, descending } = this.sort;
      const numeric = this.numeric[column];
      const sign = descending ? -1 : 1;
      this.sorted = this.rows.slice().sort((a, b) => sign * compare(a[column], b[column], numeric));
    }
    return this.sorted;
  }

  startResize(event, column) {
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    const startWidth = this.widths[column];
    const move = moved => {
      this.widths[column] = Math.max(30, startWidth + moved.clientX - startX);
      this.applyWidths();
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  select(event) {
    const target = event.target.closest('.cell');
    const line = event.target.closest('.row');
    if (!target || !line) return;
    const row = Number(line.dataset.index);
    const column = target.classList.contains('rownum') ? -1 : Number(target.dataset.column);
    const point = [row, column];
    this.selection = event.shiftKey && this.selection ? { anchor: this.selection.anchor, focus: point } : { anchor: point, focus: point };
    this.container.focus({ preventScroll: true });
    this.selectionVersion += 1;
    this.drawn = { ...this.drawn, first: -1 };
    this.draw();
  }

  /** The selected rows and columns: { rows: [first, last], columns: [first, last] } (inclusive). */
  selectedRange() {
    const { anchor, focus } = this.selection;
    const wholeRows = anchor[1] < 0 || focus[1] < 0;
    return {
      rows: [Math.min(anchor[0], focus[0]), Math.max(anchor[0], focus[0])],
      columns: wholeRows ? [0, this.columns.length - 1] : [Math.min(anchor[1], focus[1]), Math.max(anchor[1], focus[1])],
    };
  }

  /** The selection as TSV (rows of tab-separated values; whole rows come with a header line). */
  selectionText() {
    if (!this.selection) return '';
    const { rows, columns } = this.selectedRange();
    const ordered = this.ordered();
    const lines = [];
    const wholeRows = this.selection.anchor[1] < 0 || this.selection.focus[1] < 0;
    if (wholeRows) lines.push(this.columns.join('\t'));
    for (let row = rows[0]; row <= rows[1] && row < ordered.length; row++) {
      const values = [];
      for (let column = columns[0]; column <= columns[1]; column++) values.push(tsvValue(ordered[row][column]));
      lines.push(values.join('\t'));
    }
    return lines.join('\n');
  }

  async copy() {
    const copied = this.selectionText();
    this.container.dataset.copied = String(copied.split('\n').length);
    try {
      await navigator.clipboard.writeText(copied);
    } catch {
      // Without clipboard permission fall back to the copy command on a hidden text area.
      const area = document.createElement('textarea');
      area.value = copied;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
      this.container.focus({ preventScroll: true });
    }
  }

  /**
   * Draws the rows in view. Row i always lives in pool slot i % pool size, so while scrolling only the rows that
   * come into view are written; rows still in view keep their element untouched.
   */
  draw() {
    if (!this.columns.length) return;
    const rows = this.ordered();
    const count = rows.length;
    const top = Math.max(0, this.container.scrollTop - ROW_HEIGHT);
    const height = this.container.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const drawn = this.drawn;
    if (drawn && first === drawn.first && last === drawn.last && count === drawn.count && rows === drawn.rows) return;
    if (!drawn || drawn.count !== count) this.body.style.height = `${count * ROW_HEIGHT}px`;
    // Another row order (sorting) or selection means every row's content may differ: rewrite them all.
    const rewrite = !drawn || rows !== drawn.rows;
    this.drawn = { first, last, count, rows };
    if (this.pool.length < last - first) {
      const width = `${this.totalWidth()}px`;
      while (this.pool.length < last - first + OVERSCAN) {
        const line = this.newLine();
        line.style.width = width;
        line.shows = -1;
        this.pool.push(line);
      }
      for (const line of this.pool) line.shows = -1; // slots move when the pool grows
    }
    const size = this.pool.length;
    const range = this.selection ? this.selectedRange() : null;
    for (let slot = 0; slot < size; slot++) {
      const line = this.pool[slot];
      // The row of [first, last) that lands in this slot, if any.
      const index = first + ((slot - (first % size) + size) % size);
      if (index >= last) {
        // Out of view: out of the document too (rare: the pool is only a few rows larger than the view).
        if (line.parentNode) line.remove();
        line.shows = -1;
        continue;
      }
      if (line.shows === index && !rewrite && line.selectionVersion === this.selectionVersion && line.parentNode) continue;
      if (!line.parentNode) this.body.appendChild(line);
      line.shows = index;
      line.selectionVersion = this.selectionVersion;
      line.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      line.dataset.index = String(index);
      this.fillLine(line, rows[index], index, range);
    }
    this.container.dataset.renderedRows = String(last - first);
    this.container.dataset.rows = String(count);
  }

  fillLine(line, row, index, range) {
    const rowSelected = range && index >= range.rows[0] && index <= range.rows[1];
    line.firstChild.textContent = String(index + 1);
    for (let column = 0; column < this.columns.length; column++) {
      const element = line.children[column + 1];
      const value = row[column];
      const missing = value === null || value === undefined;
      element.textContent = missing ? 'NULL' : text(value);
      const selected = rowSelected && column >= range.columns[0] && column <= range.columns[1];
      const className = `cell${this.numeric[column] ? ' num' : ''}${missing ? ' null' : ''}${selected ? ' selected' : ''}`;
      if (element.className !== className) element.className = className;
    }
  }

  newLine() {
    const line = document.createElement('div');
    line.className = 'row';
    line.appendChild(cell('', ROW_NUMBER_WIDTH, 'cell rownum'));
    for (let column = 0; column < this.columns.length; column++) {
      const element = cell('', this.widths[column], 'cell');
      element.dataset.column = String(column);
      line.appendChild(element);
    }
    return line;
  }
}

export function text(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Numbers compare as numbers (DECIMAL and HUGEINT arrive as text), everything else as text; NULLs sort last. */
function compare(a, b, numeric) {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  if (numeric) return Number(a) - Number(b);
  const left = text(a);
  const right = text(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A value in TSV: tabs and line breaks would split it, so they become spaces; NULL is empty. */
function tsvValue(value) {
  return text(value).replace(/[\t\r\n]+/g, ' ');
}

function clampWidth(characters) {
  return Math.min(360, Math.max(60, characters * 7.5));
}

function cell(content, width, className) {
  const element = document.createElement('div');
  element.className = className;
  element.style.width = `${width}px`;
  element.textContent = content;
  return element;
}
