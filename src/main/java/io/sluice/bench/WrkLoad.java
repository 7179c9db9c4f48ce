package io.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small-statement load from wrk, a load generator written in C, when the machine has it ({@code apt-get install
 * wrk}). The server and its client share two cores here: the JDK HTTP client in the benchmark's JVM spent
 * 0.4–0.7 ms of CPU per request, more than the server's statement, so it measured the client as much as Sluice.
 * wrk spends a few microseconds per request. Latencies are wrk's own percentiles, over keep-alive HTTP/1.1.
 */
final class WrkLoad {

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s)\\s*$");
    private static final Pattern RATE = Pattern.compile("^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("^\\s*([0-9]+) requests in ");

    record Result(double p50Millis, double p99Millis, double perSecond, long requests) {
    }

    private final Path work;
    private final ServerProcess server;

    WrkLoad(Path work, ServerProcess server) {
        this.work = work;
        this.server = server;
    }

    /** True when a runnable wrk is on the PATH. */
    static boolean available() {
        return ExternalTools.startable("wrk", "--version");
    }

    /**
     * {@code connections} keep-alive connections for {@code seconds}, each sending the request {@code luaRequest}
     * (a Lua expression giving the JSON body) as a POST to {@code path} with the benchmark's credential.
     */
    Result post(String path, String luaBody, int connections, int seconds) throws IOException, InterruptedException {
        String script = """
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer %s"
                request = function()
                  return wrk.format(nil, nil, nil, %s)
                end
                """.formatted(ServerProcess.KEY, luaBody);
        return run(path, script, connections, seconds);
    }

    /** GETs without a credential: the HTTP stack alone, for the floor row. */
    Result get(String path, int connections, int seconds) throws IOException, InterruptedException {
        return run(path, "wrk.method = \"GET\"\n", connections, seconds);
    }

    /** GETs of any URL without a credential: a peer server's endpoint (section 11). */
    Result get(java.net.URI url, int connections, int seconds) throws IOException, InterruptedException {
        return run(url, "wrk.method = \"GET\"\n", connections, seconds);
    }

    private Result run(String path, String script, int connections, int seconds) throws IOException, InterruptedException {
        return run(server.uri(path), script, connections, seconds);
    }

    private Result run(java.net.URI url, String script, int connections, int seconds) throws IOException, InterruptedException {
        Path scriptFile = Files.writeString(work.resolve("wrk-request.lua"), script);
        List<String> command = List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
                // A slow answer belongs in the percentiles, not in wrk's socket errors (its default timeout is 2 s).
                "--timeout", "60s",
                "-s", scriptFile.toString(), url.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("wrk failed: " + output);
        }
        if (output.contains("Non-2xx or 3xx responses") || output.contains("Socket errors")) {
            throw new IOException("wrk saw failed requests, so the figures would not be of the statement: " + output);
        }
        return parse(output);
    }

    static Result parse(String output) throws IOException {
        double p50 = -1;
        double p99 = -1;
        double rate = -1;
        long requests = -1;
        for (String line : output.split("\n")) {
            Matcher percentile = PERCENTILE.matcher(line);
            Matcher perSecond = RATE.matcher(line);
            Matcher count = REQUESTS.matcher(line);
            if (percentile.matches()) {
                double millis = Double.parseDouble(percentile.group(2)) * switch (percentile.group(3)) {
                    case "us" -> 0.001;
                    case "s" -> 1000.0;
                    default -> 1.0;
                };
                if (percentile.group(1).equals("50")) {
                    p50 = millis;
                } else {
                    p99 = millis;
                }
            } else if (perSecond.find()) {
                rate = Double.parseDouble(perSecond.group(1));
            } else if (count.find()) {
                requests = Long.parseLong(count.group(1));
            }
        }
        if (p50 < 0 || p99 < 0 || rate < 0 || requests < 0) {
            throw new IOException(String.format(Locale.ROOT, "unexpected wrk output: %s", output));
        }
        return new Result(p50, p99, rate, requests);
    }
}
