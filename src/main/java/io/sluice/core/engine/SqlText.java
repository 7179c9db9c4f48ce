package io.sluice.core.engine;

/**
 * Small lexical helpers for the places that scan SQL text without parsing it (placeholders, catalog hints,
 * statement splitting): they must step over quoted strings and identifiers the way every SQL dialect we
 * speak quotes them.
 */
public final class SqlText {

    private SqlText() {
    }

    /**
     * The index just past the quoted text that starts at {@code start} (which holds {@code quote}); a doubled
     * quote inside is an escaped quote. An unterminated quote runs to the end of the text.
     */
    public static int skipQuoted(String sql, int start, char quote) {
        int index = start + 1;
        while (index < sql.length()) {
            if (sql.charAt(index) == quote) {
                if (index + 1 < sql.length() && sql.charAt(index + 1) == quote) {
                    index += 2;
                    continue;
                }
                return index + 1;
            }
            index++;
        }
        return sql.length();
    }

    /** True for a character that can start an unquoted name. */
    public static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }
}
