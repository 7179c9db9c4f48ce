package io.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Large result transfers for figures 1 and 2, driven by curl (C): one process per measurement, requests one
 * after another on one keep-alive connection, bodies discarded.
 *
 * <p>Why not the JDK HttpClient: client and server share this machine's two cores, and the JDK client costs
 * about three times curl's CPU per byte (2.6-3.0 CPU-s against 0.9 for a 10-million-row NDJSON stream) and far
 * more per request: the same 1,000 NDJSON pages of one spooled result took 9.5 s with it and 4.2 s with curl,
 * measured back to back on one server. With it, figure 2 measured the client. A client on another machine costs
 * the server nothing, so the lighter client is the fairer stand-in; {@link HttpLoad} remains the fallback.
 */
final class CurlTransfers implements Transfers {

    private final Path work;
    private final ServerProcess server;

    CurlTransfers(Path work, ServerProcess server) {
        this.work = work;
        this.server = server;
    }

    /** True when a runnable curl is on the PATH. */
    static boolean available() {
        return ExternalTools.startable("curl", "--version");
    }

    @Override
    public String client() {
        return "curl (C), one keep-alive connection, body discarded";
    }

    @Override
    public HttpLoad.Transfer post(String path, String jsonBody) throws IOException, InterruptedException {
        Path body = Files.writeString(work.resolve("curl-body.json"), jsonBody);
        String config = header() + "header = \"Content-Type: application/json\"\n"
                + "data-binary = \"@" + body + "\"\n" + target(path);
        return run(config, 1);
    }

    @Override
    public HttpLoad.Transfer getAll(List<String> paths) throws IOException, InterruptedException {
        StringBuilder config = new StringBuilder(header());
        for (String path : paths) {
            config.append(target(path));
        }
        return run(config.toString(), paths.size());
    }

    private static String header() {
        return "silent\nheader = \"Authorization: Bearer " + ServerProcess.KEY + "\"\n"
                + "write-out = \"%{http_code} %{size_download}\\n\"\n";
    }

    private String target(String path) {
        return target(server.uri(path));
    }

    private static String target(java.net.URI url) {
        return "url = \"" + url + "\"\noutput = \"/dev/null\"\n";
    }

    /** POSTs {@code body} to any URL (a peer server's, section 11) and drains the answer, which must be a 200. */
    static HttpLoad.Transfer post(Path work, java.net.URI url, List<String> headers, String body)
            throws IOException, InterruptedException {
        Path bodyFile = Files.writeString(work.resolve("curl-body.txt"), body);
        StringBuilder config = new StringBuilder("silent\nwrite-out = \"%{http_code} %{size_download}\\n\"\n");
        for (String header : headers) {
            config.append("header = \"").append(header).append("\"\n");
        }
        config.append("data-binary = \"@").append(bodyFile).append("\"\n").append(target(url));
        return run(work, config.toString(), 1);
    }

    private HttpLoad.Transfer run(String config, int requests) throws IOException, InterruptedException {
        return run(work, config, requests);
    }

    /** Runs curl on the config; the time is the whole process's, start-up included (a few milliseconds). */
    private static HttpLoad.Transfer run(Path work, String config, int requests) throws IOException, InterruptedException {
        Path configFile = Files.writeString(work.resolve("curl-requests.txt"), config);
        long start = System.nanoTime();
        Process process = new ProcessBuilder("curl", "--config", configFile.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = process.waitFor(30, TimeUnit.MINUTES);
        long nanos = System.nanoTime() - start;
        if (!ended || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("curl failed: " + output);
        }
        long bytes = downloadedBytes(output, requests);
        return new HttpLoad.Transfer(bytes, nanos);
    }

    /** The bytes of all answers from curl's write-out lines ({@code code bytes}); every one of them must be a 200. */
    static long downloadedBytes(String output, int requests) throws IOException {
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        for (String line : lines) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 2 || !parts[0].equals("200")) {
                failures.add(line);
                continue;
            }
            bytes += Long.parseLong(parts[1]);
        }
        if (lines.size() != requests || !failures.isEmpty()) {
            throw new IOException("curl saw " + lines.size() + " answers to " + requests + " requests; not 200: " + failures);
        }
        return bytes;
    }
}
