package io.sluice.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at semicolons that are outside quotes, quoted identifiers and comments.
 * Empty statements are dropped.
 */
final class SqlScript {

    private SqlScript() {
    }

    static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int index = 0;
        while (index < text.length()) {
            char c = text.charAt(index);
            if (c == '\'' || c == '"') {
                int end = closing(text, index, c);
                current.append(text, index, end);
                index = end;
            } else if (c == '-' && text.startsWith("--", index)) {
                int end = text.indexOf('\n', index);
                end = end < 0 ? text.length() : end;
                current.append(text, index, end);
                index = end;
            } else if (c == '/' && text.startsWith("/*", index)) {
                int end = text.indexOf("*/", index + 2);
                end = end < 0 ? text.length() : end + 2;
                current.append(text, index, end);
                index = end;
            } else if (c == ';') {
                add(statements, current);
                current.setLength(0);
                index++;
            } else {
                current.append(c);
                index++;
            }
        }
        add(statements, current);
        return statements;
    }

    /** True when the text ends a statement: its last significant character is a semicolon outside quotes and comments. */
    static boolean complete(String text) {
        String stripped = text.strip();
        if (stripped.isEmpty()) {
            return true;
        }
        // Split keeps quoted text whole; an unterminated quote swallows the rest, so no trailing ';' is seen.
        StringBuilder outside = new StringBuilder();
        int index = 0;
        while (index < stripped.length()) {
            char c = stripped.charAt(index);
            if (c == '\'' || c == '"') {
                int end = closing(stripped, index, c);
                if (end > stripped.length() || stripped.charAt(end - 1) != c || end == index + 1) {
                    return false;
                }
                outside.append('x');
                index = end;
            } else if (c == '-' && stripped.startsWith("--", index)) {
                int end = stripped.indexOf('\n', index);
                index = end < 0 ? stripped.length() : end;
            } else if (c == '/' && stripped.startsWith("/*", index)) {
                int end = stripped.indexOf("*/", index + 2);
                if (end < 0) {
                    return false;
                }
                index = end + 2;
            } else {
                outside.append(c);
                index++;
            }
        }
        return outside.toString().strip().endsWith(";");
    }

    /** The index just past the quote that closes the one at {@code start} (doubled quotes escape), or the text's end. */
    private static int closing(String text, int start, char quote) {
        int index = start + 1;
        while (index < text.length()) {
            if (text.charAt(index) == quote) {
                if (index + 1 < text.length() && text.charAt(index + 1) == quote) {
                    index += 2;
                    continue;
                }
                return index + 1;
            }
            index++;
        }
        return text.length();
    }

    private static void add(List<String> statements, StringBuilder statement) {
        String sql = statement.toString().strip();
        if (!sql.isEmpty() && !onlyComments(sql)) {
            statements.add(sql);
        }
    }

    private static boolean onlyComments(String sql) {
        return sql.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("--"));
    }
}
