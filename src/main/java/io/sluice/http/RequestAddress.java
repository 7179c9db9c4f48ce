package io.sluice.http;

import io.javalin.http.Context;
import java.net.URI;

/** The address a client used to reach this server, for completing links that are relative to it. */
public final class RequestAddress {

    private RequestAddress() {
    }

    /**
     * {@code scheme://host:port/} as the client addressed it: the Host header on HTTP/1.1, the :authority
     * pseudo-header on HTTP/2 (which has no Host header; the servlet API reads either).
     */
    public static URI base(Context context) {
        var request = context.req();
        String host = request.getServerName();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create(request.getScheme() + "://" + host + ":" + request.getServerPort() + "/");
    }
}
