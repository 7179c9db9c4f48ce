package io.sluice.core.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the first part of every name of three or more parts ({@code catalog.schema.table}, also
 * {@code "quoted"} parts) in SQL text, outside string literals and comments. It is a router's hint, not a
 * parser: the engine the statement lands on still resolves every name itself.
 */
final class QualifiedNames {

    private QualifiedNames() {
    }

    /** Lower-case (quoted parts as written) first parts of the names with at least three parts. */
    static Set<String> catalogsIn(String sql) {
        Set<String> catalogs = new LinkedHashSet<>();
        int length = sql.length();
        int index = 0;
        while (index < length) {
            char c = sql.charAt(index);
            if (c == '\'') {
                index = SqlText.skipQuoted(sql, index, '\'');
            } else if (c == '-' && sql.startsWith("--", index)) {
                int end = sql.indexOf('\n', index);
                index = end < 0 ? length : end + 1;
            } else if (c == '/' && sql.startsWith("/*", index)) {
                int end = sql.indexOf("*/", index + 2);
                index = end < 0 ? length : end + 2;
            } else if (c == '"' || SqlText.isNameStart(c)) {
                if (index > 0 && (Character.isLetterOrDigit(sql.charAt(index - 1)) || sql.charAt(index - 1) == '_')) {
                    index++;
                    continue;
                }
                List<String> parts = new ArrayList<>();
                int position = index;
                while (true) {
                    int end;
                    String part;
                    if (position < length && sql.charAt(position) == '"') {
                        end = SqlText.skipQuoted(sql, position, '"');
                        part = sql.substring(position + 1, Math.max(position + 1, end - 1)).replace("\"\"", "\"");
                    } else if (position < length && SqlText.isNameStart(sql.charAt(position))) {
                        end = position;
                        while (end < length && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                            end++;
                        }
                        part = sql.substring(position, end).toLowerCase(Locale.ROOT);
                    } else {
                        break;
                    }
                    parts.add(part);
                    position = end;
                    if (position < length && sql.charAt(position) == '.') {
                        position++;
                    } else {
                        break;
                    }
                }
                if (parts.size() >= 3) {
                    catalogs.add(parts.getFirst());
                }
                index = Math.max(position, index + 1);
            } else {
                index++;
            }
        }
        return catalogs;
    }

}
