// Splits an editor buffer into statements at semicolons that are not inside quotes, quoted identifiers,
// dollar-quoted text or comments, so the console can run the statement under the cursor or each one in turn.

/** The statements of text as [{ from, to, sql }]: offsets into text, sql trimmed; empty statements are left out. */
export function splitStatements(text) {
  const statements = [];
  let start = 0;
  let index = 0;
  const push = end => {
    const piece = text.slice(start, end);
    if (hasCode(piece)) {
      const leading = piece.length - piece.trimStart().length;
      statements.push({ from: start + leading, to: end, sql: piece.trim() });
    }
  };
  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1];
    if (char === "'" || char === '"') {
      index = closingQuote(text, index, char);
    } else if (char === '-' && next === '-') {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end;
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
    } else if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(index, index + 64));
      if (tag) {
        const end = text.indexOf(tag[0], index + tag[0].length);
        index = end < 0 ? text.length : end + tag[0].length;
      } else {
        index += 1;
      }
    } else if (char === ';') {
      push(index);
      start = index + 1;
      index += 1;
    } else {
      index += 1;
    }
  }
  push(text.length);
  return statements;
}

/**
 * The statement the cursor is in; a cursor after the last semicolon of a line (or in blank space after a
 * statement) belongs to the statement before it, as in DBeaver and Snowsight.
 */
export function statementAt(text, position) {
  const statements = splitStatements(text);
  if (!statements.length) return null;
  let chosen = statements[0];
  for (const statement of statements) {
    if (statement.from <= position) chosen = statement;
  }
  return chosen;
}

function closingQuote(text, index, quote) {
  let at = index + 1;
  while (at < text.length) {
    if (text[at] === quote) {
      if (text[at + 1] === quote) {
        at += 2; // a doubled quote is one quote character
        continue;
      }
      return at + 1;
    }
    at += 1;
  }
  return text.length;
}

/** Whether a piece holds anything but blanks and comments. */
function hasCode(piece) {
  return piece.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim().length > 0;
}
