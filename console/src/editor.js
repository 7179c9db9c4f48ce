// The SQL editor: CodeMirror 6 with SQL highlighting, completion of catalog names, and error markers.
import { autocompletion } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { splitStatements, statementAt } from './statements.js';

export class SqlEditor {
  /**
   * onRun(scope): 'current' for Ctrl/Cmd-Enter (the selection or the statement under the cursor), 'all' for
   * Shift-Ctrl/Cmd-Enter. onChange(text) after every edit (worksheets keep the text).
   */
  constructor(parent, { initial, onRun, onChange }) {
    this.language = new Compartment();
    this.languageConfig = sql({ dialect: PostgreSQL, upperCaseKeywords: true });
    this.columnsByTable = new Map();
    this.extensions = () => [
      lineNumbers(),
      history(),
      bracketMatching(),
      highlightActiveLine(),
      syntaxHighlighting(defaultHighlightStyle),
      lintGutter(),
      placeholder('SELECT …'),
      this.language.of(this.languageConfig),
      autocompletion(),
      PostgreSQL.language.data.of({ autocomplete: context => this.columnsInQuery(context) }),
      keymap.of([
        { key: 'Shift-Mod-Enter', run: () => { onRun('all'); return true; } },
        { key: 'Mod-Enter', run: () => { onRun('current'); return true; } },
        indentWithTab, ...defaultKeymap, ...historyKeymap,
      ]),
      EditorView.updateListener.of(update => {
        if (update.docChanged && this.errorShown) setTimeout(() => this.clearError());
        if (update.docChanged) onChange?.(update.state.doc.toString());
      }),
    ];
    this.view = new EditorView({ parent, state: EditorState.create({ doc: initial, extensions: this.extensions() }) });
  }

  /** Shows another worksheet's text, with its own undo history (a fresh state, same extensions and catalog). */
  load(text) {
    this.errorShown = false;
    this.view.setState(EditorState.create({ doc: text, extensions: this.extensions() }));
  }

  /**
   * What to run: every statement of the selection when there is one, else the statement under the cursor, or
   * with scope 'all' every statement of the buffer. Each is { sql, from } with from its offset in the buffer.
   */
  runTargets(scope) {
    const text = this.text;
    const { from, to } = this.view.state.selection.main;
    if (scope === 'all') return splitStatements(text);
    if (from !== to) return splitStatements(text.slice(from, to)).map(statement => ({ ...statement, from: statement.from + from }));
    const statement = statementAt(text, from);
    return statement ? [statement] : [];
  }

  get text() {
    return this.view.state.doc.toString();
  }

  set text(value) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value } });
  }

  insert(text) {
    const { from, to } = this.view.state.selection.main;
    this.view.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length } });
    this.view.focus();
  }

  /**
   * Completion of catalogs, schemas, tables and columns. columns: [{catalog, schema, table, column, type}].
   * Tables of the current catalog and schema complete without prefixes, as they resolve without them.
   */
  setCatalog(columns, currentCatalog, currentSchema) {
    const namespace = {};
    const add = (path, column) => {
      let node = namespace;
      path.forEach((name, index) => {
        if (index === path.length - 1) {
          node[name] = Array.isArray(node[name]) ? node[name] : [];
          node[name].push({ label: column.column, type: 'property', detail: column.type });
        } else {
          node[name] = node[name] && !Array.isArray(node[name]) ? node[name] : {};
          node = node[name];
        }
      });
    };
    this.columnsByTable = new Map();
    for (const column of columns) {
      add([column.catalog, column.schema, column.table], column);
      if (column.catalog === currentCatalog) add([column.schema, column.table], column);
      if (column.catalog === currentCatalog && column.schema === currentSchema) add([column.table], column);
      const key = column.table.toLowerCase();
      if (!this.columnsByTable.has(key)) this.columnsByTable.set(key, []);
      this.columnsByTable.get(key).push(column);
    }
    this.languageConfig = sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema: namespace });
    this.view.dispatch({ effects: this.language.reconfigure(this.languageConfig) });
  }

  /** Column names of the tables the query names, offered for unqualified words (SELECT col FROM table). */
  columnsInQuery(context) {
    const word = context.matchBefore(/[\w$]+/);
    if (!word && !context.explicit) return null;
    const before = context.state.sliceDoc(Math.max(0, (word?.from ?? context.pos) - 1), word?.from ?? context.pos);
    if (before === '.') return null;
    const mentioned = new Set(context.state.doc.toString().toLowerCase().match(/[\w$]+/g) ?? []);
    const options = [];
    const seen = new Set();
    for (const [table, columns] of this.columnsByTable) {
      if (!mentioned.has(table)) continue;
      for (const column of columns) {
        if (seen.has(column.column)) continue;
        seen.add(column.column);
        options.push({ label: column.column, type: 'property', detail: `${column.table} · ${column.type}`, boost: 1 });
      }
    }
    return options.length ? { from: word ? word.from : context.pos, options, validFor: /^[\w$]*$/ } : null;
  }

  /**
   * Marks the SQL the error points to (1-based line and column within the statement that started at offset
   * `start` of the buffer) and moves the cursor there.
   */
  showError(message, position, start = 0) {
    if (!position) return;
    const doc = this.view.state.doc;
    const first = doc.lineAt(Math.max(0, Math.min(start, doc.length)));
    const line = doc.line(Math.min(Math.max(1, first.number + position.line - 1), doc.lines));
    const column = Math.max(0, Math.max(0, (position.column ?? 1) - 1) + (position.line === 1 ? start - first.from : 0));
    const from = Math.min(line.from + column, line.to);
    const wordEnd = /^[\w$"]+/.exec(doc.sliceString(from, line.to));
    const to = Math.max(from + (wordEnd ? wordEnd[0].length : 1), from + 1);
    this.view.dispatch(setDiagnostics(this.view.state, [{ from, to: Math.min(to, doc.length), severity: 'error', message }]));
    this.view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    this.errorShown = true;
  }

  clearError() {
    if (!this.errorShown) return;
    this.errorShown = false;
    this.view.dispatch(setDiagnostics(this.view.state, []));
  }
}
