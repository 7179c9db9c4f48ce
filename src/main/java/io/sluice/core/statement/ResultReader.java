package io.sluice.core.statement;

import java.util.Objects;

/**
 * Who reads a stored result and through what, so that every read of a page is audited (principal, statement,
 * page, rows and the bytes of the response that carried it), not just the request that ran the statement.
 *
 * @param protocol the adapter serving the read ({@code native}, {@code druid}, …)
 * @param client the exchange carrying the rows
 */
public record ResultReader(String protocol, ClientConnection client) {

    public ResultReader {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(client, "client");
    }
}
