// NCP API Gateway signature v2, written from the reference text (NCP's "signature generation" page as summarised in
// shared/reference/protocol-notes.md §3.5) with node:crypto, and nothing of Sluice's own signer:
//
//   string to sign = "{METHOD} {path with its query string, as sent}\n{timestamp}\n{access key}"   (UTF-8, no trailing \n)
//   signature      = Base64(HMAC-SHA256(key = secret key as UTF-8, message = string to sign))
//   headers        = x-ncp-apigw-timestamp (epoch ms), x-ncp-iam-access-key, x-ncp-apigw-signature-v2
//
// The body is not signed. A Sluice API key `<keyId>.<secret>` is the access key (key id) and the secret key.
import { createHmac } from "node:crypto";

export function stringToSign(method, pathAndQuery, timestamp, accessKey) {
    return `${method.toUpperCase()} ${pathAndQuery}\n${timestamp}\n${accessKey}`;
}

export function signature(secretKey, method, pathAndQuery, timestamp, accessKey) {
    return createHmac("sha256", Buffer.from(secretKey, "utf8"))
        .update(Buffer.from(stringToSign(method, pathAndQuery, timestamp, accessKey), "utf8"))
        .digest("base64");
}

/** The three headers of a request signed now (or at `timestamp`) with `apiKey` (`<keyId>.<secret>`). */
export function signedHeaders(apiKey, method, pathAndQuery, timestamp = Date.now()) {
    const dot = apiKey.indexOf(".");
    const accessKey = apiKey.slice(0, dot);
    const secretKey = apiKey.slice(dot + 1);
    return {
        "x-ncp-apigw-timestamp": String(timestamp),
        "x-ncp-iam-access-key": accessKey,
        "x-ncp-apigw-signature-v2": signature(secretKey, method, pathAndQuery, timestamp, accessKey),
    };
}
