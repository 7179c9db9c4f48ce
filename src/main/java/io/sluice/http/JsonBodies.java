package io.sluice.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.io.IOException;

/** Reads a request body that must be one JSON object; anything else is a MALFORMED_REQUEST with a clear reason. */
public final class JsonBodies {

    private JsonBodies() {
    }

    /**
     * Jackson's reason with its location, but with the tokens it quotes left out: a parse error can quote the
     * client's input back, and that input may hold a credential or other secret.
     */
    public static String describe(com.fasterxml.jackson.core.JacksonException e) {
        String reason = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage();
        reason = QUOTED.matcher(reason).replaceAll("(input)");
        int newline = reason.indexOf('\n');
        if (newline >= 0) {
            reason = reason.substring(0, newline);
        }
        var location = e.getLocation();
        return location == null || location.getLineNr() < 0 ? reason
                : reason + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("'[^']{2,}'|\"[^\"]{2,}\"");

    public static JsonNode object(Context context, ObjectMapper json) {
        byte[] bytes = context.bodyAsBytes();
        if (bytes.length == 0) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The request body is empty; expected a JSON object");
        }
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON: " + describe(e));
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The request body could not be read");
        }
    }
}
