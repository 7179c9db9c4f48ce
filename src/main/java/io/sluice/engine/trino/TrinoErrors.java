package io.sluice.engine.trino;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import io.sluice.core.error.SluiceException;
import io.trino.jdbc.$internal.client.ErrorInfo;
import io.trino.jdbc.$internal.client.ErrorLocation;
import io.trino.jdbc.$internal.client.FailureException;
import io.trino.jdbc.$internal.client.FailureInfo;
import java.io.IOException;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * The one place that turns Trino failures into Sluice errors. Trino names every error
 * ({@code TABLE_NOT_FOUND}, {@code SYNTAX_ERROR}, {@code USER_CANCELED} …) and classifies it (USER_ERROR,
 * INTERNAL_ERROR, INSUFFICIENT_RESOURCES, EXTERNAL); the name decides the Sluice code and stays in the
 * message ({@code TABLE_NOT_FOUND: Table 'tpch.tiny.x' does not exist}) so operators can look it up in
 * Trino's documentation. A failure to reach Trino at all is ENGINE_UNAVAILABLE.
 */
final class TrinoErrors {

    static final String CANCELLED_MESSAGE = "The statement was cancelled";
    /** Trino repeats the position at the start of analysis errors; the position field carries it instead. */
    private static final Pattern LINE_PREFIX = Pattern.compile("^line \\d+:\\d+: ");

    private TrinoErrors() {
    }

    static SluiceException cancelled() {
        return new SluiceException(new SluiceError(ErrorCode.CANCELLED, CANCELLED_MESSAGE, "57014", null));
    }

    static SluiceException unavailable(String reason, Throwable cause) {
        SluiceException exception = new SluiceException(ErrorCode.ENGINE_UNAVAILABLE,
                "The Trino engine is not available" + (reason == null || reason.isBlank() ? "" : ": " + reason));
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }

    /** Maps a failure; a statement Sluice cancelled always reports CANCELLED, whatever Trino said. */
    static SluiceException map(Throwable failure, boolean cancelled) {
        return map(failure, cancelled, true);
    }

    /**
     * @param positionValid false when the SQL Trino ran differs from the client's (placeholders rewritten), so
     *     Trino's line and column would point at the wrong place
     */
    static SluiceException map(Throwable failure, boolean cancelled, boolean positionValid) {
        return map(failure, cancelled, positionValid, 0);
    }

    /** @param firstLineShift characters Sluice put before the client's SQL on its first line */
    static SluiceException map(Throwable failure, boolean cancelled, boolean positionValid, int firstLineShift) {
        if (failure instanceof SluiceException sluice) {
            return sluice;
        }
        if (cancelled) {
            return new SluiceException(cancelled().error(), failure);
        }
        FailureInfo info = failureInfo(failure);
        if (info == null || info.getErrorInfo() == null) {
            if (unreachable(failure)) {
                return unavailable(rootMessage(failure), failure);
            }
            String message = failure.getMessage() == null ? "The Trino engine failed to run the statement" : failure.getMessage();
            return new SluiceException(new SluiceError(ErrorCode.INTERNAL_ERROR, message, null, null), failure);
        }
        return new SluiceException(classify(info, positionValid, firstLineShift), failure);
    }

    private static SluiceError classify(FailureInfo info, boolean positionValid, int firstLineShift) {
        ErrorInfo error = info.getErrorInfo();
        String name = error.getName();
        String text = LINE_PREFIX.matcher(info.getMessage() == null ? "" : info.getMessage()).replaceFirst("");
        String message = name + ": " + text;
        ErrorLocation location = info.getErrorLocation();
        SluiceError.Position position = null;
        if (positionValid && location != null) {
            int column = location.getLineNumber() == 1 ? location.getColumnNumber() - firstLineShift : location.getColumnNumber();
            position = column >= 1 ? new SluiceError.Position(location.getLineNumber(), column) : null;
        }
        return switch (name) {
            case "SYNTAX_ERROR" -> new SluiceError(ErrorCode.SQL_SYNTAX_ERROR, message, "42601", position);
            case "TABLE_NOT_FOUND" -> new SluiceError(ErrorCode.SQL_CATALOG_ERROR, message, "42P01", position);
            case "CATALOG_NOT_FOUND", "SCHEMA_NOT_FOUND", "MISSING_CATALOG_NAME", "MISSING_SCHEMA_NAME",
                 "FUNCTION_NOT_FOUND", "TYPE_NOT_FOUND" -> new SluiceError(ErrorCode.SQL_CATALOG_ERROR, message, "42704", position);
            case "COLUMN_NOT_FOUND" -> new SluiceError(ErrorCode.SQL_ERROR, message, "42703", position);
            case "PERMISSION_DENIED" -> new SluiceError(ErrorCode.SQL_PERMISSION_DENIED, message, "42501", position);
            case "USER_CANCELED", "ADMINISTRATIVELY_KILLED" -> new SluiceError(ErrorCode.CANCELLED, message, "57014", null);
            case "EXCEEDED_TIME_LIMIT", "EXCEEDED_CPU_LIMIT" -> new SluiceError(ErrorCode.TIMEOUT, message, "57014", null);
            case "DIVISION_BY_ZERO" -> new SluiceError(ErrorCode.SQL_ERROR, message, "22012", position);
            case "INVALID_CAST_ARGUMENT" -> new SluiceError(ErrorCode.SQL_ERROR, message, "22018", position);
            case "NUMERIC_VALUE_OUT_OF_RANGE" -> new SluiceError(ErrorCode.SQL_ERROR, message, "22003", position);
            case "NOT_SUPPORTED" -> new SluiceError(ErrorCode.SQL_ERROR, message, "0A000", position);
            case "NO_NODES_AVAILABLE", "SERVER_STARTING_UP", "SERVER_SHUTTING_DOWN", "REMOTE_HOST_GONE",
                 "TOO_MANY_REQUESTS_FAILED", "PAGE_TRANSPORT_TIMEOUT", "REMOTE_TASK_MISMATCH"
                    -> new SluiceError(ErrorCode.ENGINE_UNAVAILABLE, "The Trino engine is not available: " + message, null, null);
            default -> switch (error.getType()) {
                case "USER_ERROR" -> new SluiceError(ErrorCode.SQL_ERROR, message, "42000", position);
                case "INSUFFICIENT_RESOURCES" -> new SluiceError(ErrorCode.SQL_ERROR, message, "53000", null);
                default -> new SluiceError(ErrorCode.INTERNAL_ERROR, message, null, null);
            };
        };
    }

    private static FailureInfo failureInfo(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FailureException failureException) {
                return failureException.getFailureInfo();
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /** True when Trino could not be reached or stopped answering: a network failure, not an SQL error. */
    static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
            String message = cause.getMessage();
            if (message != null && (message.contains("Error fetching next") || message.contains("Error starting query")
                    || message.contains("Failed to connect") || message.contains("Connection refused"))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    static boolean isSqlFailure(SQLException exception) {
        return failureInfo(exception) != null;
    }
}
