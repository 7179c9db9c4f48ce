package io.sluice.protocol.snowflake;

import io.sluice.core.error.SluiceError;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors found while compiling a statement, in Snowflake's words: the message starts with
 * {@code SQL compilation error:}, names objects the way Snowflake prints them (upper case unless quoted) and
 * carries Snowflake's code and SQL state (001003 syntax, 002003 unknown object, 000904 invalid identifier,
 * 002140 unknown function, 001044 invalid argument types). The engine's own text is kept only for what Snowflake has no wording for, and
 * never its hints ("Did you mean …", candidate bindings), which name engine internals.
 */
final class SnowflakeCompilationErrors {

    private static final String PREFIX = "SQL compilation error:";
    private static final Pattern ERROR_CLASS = Pattern.compile("^[A-Z][A-Za-z ]*Error: ");
    private static final Pattern NEAR = Pattern.compile("syntax error at or near \"((?:[^\"]|\"\")*)\"");
    private static final Pattern MISSING_TABLE = Pattern.compile("Table with name (.+?) does not exist");
    private static final Pattern MISSING_SCHEMA = Pattern.compile("Schema with name (.+?) does not exist");
    private static final Pattern MISSING_FUNCTION = Pattern.compile("(?:Scalar|Table|Aggregate|Pragma)? ?Function with name (.+?) does not exist");
    private static final Pattern MISSING_COLUMN = Pattern.compile("Referenced column (\"(?:[^\"]|\"\")*\"|\\S+) (?:was )?not found");

    private SnowflakeCompilationErrors() {
    }

    static SnowflakeException of(SluiceError error, String handle) {
        String message = error.message() == null ? "" : error.message();
        String at = " error line " + line(error) + " at position " + position(error);
        Matcher near = NEAR.matcher(message);
        switch (error.code()) {
            case SQL_SYNTAX_ERROR -> {
                String unexpected = near.find() ? near.group(1).replace("\"\"", "\"")
                        : message.contains("end of input") ? "<EOF>" : null;
                return SnowflakeException.failure("001003", "42000", PREFIX + "\nsyntax error line " + line(error)
                        + " at position " + position(error) + (unexpected == null ? "" : " unexpected '" + unexpected + "'")
                        + ".", handle);
            }
            case SQL_CATALOG_ERROR -> {
                Matcher table = MISSING_TABLE.matcher(message);
                if (table.find()) {
                    return SnowflakeException.failure("002003", "42S02", PREFIX + "\nObject '" + objectName(table.group(1))
                            + "' does not exist or not authorized.", handle);
                }
                Matcher schema = MISSING_SCHEMA.matcher(message);
                if (schema.find()) {
                    return SnowflakeException.failure("002003", "02000", PREFIX + "\nSchema '"
                            + objectName(schema.group(1)) + "' does not exist or not authorized.", handle);
                }
                Matcher function = MISSING_FUNCTION.matcher(message);
                if (function.find()) {
                    return SnowflakeException.failure("002140", "42601", PREFIX + at + "\nUnknown function "
                            + objectName(function.group(1)), handle);
                }
                return SnowflakeException.failure("002003", "42S02", PREFIX + at + "\n" + engineDetail(message), handle);
            }
            default -> {
                Matcher column = MISSING_COLUMN.matcher(message);
                if (column.find()) {
                    return SnowflakeException.failure("000904", "42000", PREFIX + at + "\ninvalid identifier '"
                            + objectName(column.group(1)) + "'", handle);
                }
                if (message.contains("No function matches")) {
                    return SnowflakeException.failure("001044", "42P13", PREFIX + at + "\nInvalid argument types for function: "
                            + engineDetail(message), handle);
                }
                return SnowflakeException.failure("000904", "42000", PREFIX + at + "\n" + engineDetail(message), handle);
            }
        }
    }

    /**
     * The engine's message without its error class ("Binder Error: ") and without the lines that follow the
     * first one, where the engine suggests names and shows its internals.
     */
    static String engineDetail(String message) {
        if (message == null) {
            return "";
        }
        return withoutErrorClass(message.split("\n", 2)[0].strip());
    }

    /** The message without the engine's error class prefix ("Binder Error: ", "Conversion Error: "). */
    static String withoutErrorClass(String message) {
        return ERROR_CLASS.matcher(message).replaceFirst("");
    }

    /**
     * A name as Snowflake prints it: upper case, as it folds the unquoted names clients write. (The engine
     * quotes some names in its messages and not others, so the quotes it adds say nothing about the query.)
     */
    static String objectName(String written) {
        String name = written.strip();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        return name.toUpperCase(Locale.ROOT);
    }

    private static int line(SluiceError error) {
        return error.position() == null ? 1 : error.position().line();
    }

    /** Snowflake counts positions from 0 within the line. */
    private static int position(SluiceError error) {
        return error.position() == null ? 0 : Math.max(0, error.position().column() - 1);
    }
}
