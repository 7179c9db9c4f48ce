package io.sluice.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A push-query subscriber on a plain socket: one HTTP/1.1 request, then the chunked response decoded into
 * lines. The streams section holds up to 1,000 of these on virtual threads; the JDK HttpClient spent more of
 * the two shared cores decoding 1,000 responses than the server spent producing them, so the benchmark
 * measured its own client.
 */
final class PushSubscriber {

    private PushSubscriber() {
    }

    /**
     * Posts {@code body} to {@code path} and hands every response line (without its newline) to {@code lines}
     * until the response ends.
     */
    static void run(int port, String path, String key, String body, Consumer<String> lines) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            String status = line(in);
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                throw new IOException("push query refused: " + status);
            }
            boolean chunked = false;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                chunked |= header.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding: chunked");
            }
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            if (!chunked) {
                copyLines(in, Long.MAX_VALUE, current, lines);
                return;
            }
            while (true) {
                String size = line(in);
                if (size == null) {
                    return;
                }
                int semicolon = size.indexOf(';');
                long length = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (length == 0) {
                    if (current.size() > 0) {
                        lines.accept(current.toString(StandardCharsets.UTF_8));
                    }
                    return;
                }
                copyLines(in, length, current, lines);
                line(in);
            }
        }
    }

    /** Reads {@code length} bytes (or to the end), splitting them into lines; a partial line stays in {@code current}. */
    private static void copyLines(InputStream in, long length, ByteArrayOutputStream current, Consumer<String> lines)
            throws IOException {
        for (long read = 0; read < length; read++) {
            int next = in.read();
            if (next < 0) {
                return;
            }
            if (next == '\n') {
                lines.accept(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(next);
            }
        }
    }

    /** One CRLF-terminated line of the HTTP framing, without the CRLF; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int next;
        while ((next = in.read()) >= 0) {
            if (next == '\n') {
                int end = text.length();
                return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
            }
            text.append((char) next);
        }
        return text.isEmpty() ? null : text.toString();
    }
}
