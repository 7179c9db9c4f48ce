package io.sluice.http;

import io.javalin.http.Context;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request body as text, decoded strictly. Javalin's {@code body()} replaces bytes that are not UTF-8 with
 * U+FFFD, so a malformed body would run as different SQL than the client sent; here it is a MALFORMED_REQUEST.
 * The size limit ({@link RequestBodyLimit}) applies as to every read of the body.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** The body as UTF-8 text; MALFORMED_REQUEST when it is not valid UTF-8. */
    public static String utf8(Context context) {
        return utf8(context.bodyAsBytes());
    }

    public static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid UTF-8");
        }
    }
}
