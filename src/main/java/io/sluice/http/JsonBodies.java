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
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "The request body could not be read");
        }
    }
}
