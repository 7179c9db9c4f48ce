package io.sluice.http;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client is told of an error, applied by every protocol's error rendering. An INTERNAL_ERROR is the
 * server's fault, not the client's: its text (an engine's "IO Error: Could not read file '/data/engine/…'",
 * a bug's message) names paths and internals the client has no use for and must not learn. The client gets a
 * generic message with the same code and status; the text goes to the log.
 */
public final class ClientErrors {

    public static final String INTERNAL_MESSAGE =
            "Internal error: the server could not complete the request (its log has the details)";

    private static final Logger LOG = LoggerFactory.getLogger(ClientErrors.class);

    private ClientErrors() {
    }

    /** {@code error} as the client may see it: unchanged, unless it is an internal error with its own text. */
    public static SluiceError visible(SluiceError error) {
        if (error == null || error.code() != ErrorCode.INTERNAL_ERROR || error.message().equals(INTERNAL_MESSAGE)) {
            return error;
        }
        LOG.warn("internal error answered with a generic message: {}", error.message());
        return new SluiceError(ErrorCode.INTERNAL_ERROR, INTERNAL_MESSAGE, null, null);
    }
}
