package io.sluice.http;

import io.javalin.http.Context;
import java.net.URI;

/**
 * The base of links the server hands out (export downloads): the configured {@code http.publicUrl}, or else the
 * address and port of the listener the request arrived on. Never the request's {@code Host} header (or HTTP/2
 * {@code :authority}): the client chooses those, and a link built from them sends whoever follows it to any
 * host the sender of the request named.
 */
public final class RequestAddress {

    private static final String PUBLIC_URL_ATTRIBUTE = "sluice.publicUrl";

    private RequestAddress() {
    }

    /** Makes {@code publicUrl} (when not empty) the base of this request's links. */
    static void usePublicUrl(Context context, String publicUrl) {
        if (publicUrl != null && !publicUrl.isEmpty()) {
            context.attribute(PUBLIC_URL_ATTRIBUTE, publicUrl);
        }
    }

    /** {@code scheme://host:port/} of the configured public URL, or of the local end of this connection. */
    public static URI base(Context context) {
        String configured = context.attribute(PUBLIC_URL_ATTRIBUTE);
        if (configured != null) {
            return URI.create(configured + "/");
        }
        var request = context.req();
        String host = request.getLocalAddr();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone); // an IPv6 scope (fe80::1%eth0) means nothing to the client
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        // The connection's own security, not the request target's scheme (an absolute-form target can name any).
        String scheme = request.isSecure() ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + request.getLocalPort() + "/");
    }
}
