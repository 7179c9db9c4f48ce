package io.sluice.protocol.ksql;

/** A statement ksqlDB would reject before running it (syntax, unknown names). Rendered as a 40001 statement_error. */
final class KsqlSyntaxException extends RuntimeException {

    private final String statementText;

    KsqlSyntaxException(String message, String statementText) {
        super(message, null, false, false);
        this.statementText = statementText;
    }

    String statementText() {
        return statementText;
    }
}
