package io.sluice.server;

import io.sluice.core.auth.ApiKey;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code sluice} command: {@code serve} and {@code demo}. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "Sluice 0.1.0",
        description = "SQL query service over HTTP.",
        subcommands = {SluiceMain.Serve.class, SluiceMain.Demo.class, io.sluice.bench.BenchCommand.class, io.sluice.cli.SqlCommand.class})
public final class SluiceMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("sql")) {
            // The client straight away: picocli need not model the server's and the benchmark's commands (a tenth
            // of a second of reflection) before the prompt.
            System.exit(io.sluice.cli.SqlMain.run("sluice sql", java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(new CommandLine(new SluiceMain()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    abstract static class ServerCommand implements Callable<Integer> {
        @Option(names = "--port", description = "HTTP port (default 8080, or http.port from --config)")
        Integer port;

        @Option(names = "--data-dir", description = "Where Sluice keeps its database, results and keys (default ./data)")
        Path dataDirectory;

        @Option(names = "--config", description = "A properties file; see the README for every key")
        Path configFile;

        SluiceConfig config() {
            Path defaultData = Path.of("data");
            SluiceConfig config = configFile == null ? SluiceConfig.defaults(defaultData)
                    : SluiceConfig.load(configFile, defaultData);
            if (dataDirectory != null) {
                config = config.withDataDirectory(dataDirectory);
            }
            if (port != null) {
                config = config.withPort(port);
            }
            return config;
        }

        int runUntilStopped(SluiceConfig config, boolean demo) throws InterruptedException {
            SluiceServer server;
            try {
                server = SluiceServer.start(config, demo);
            } catch (RuntimeException e) {
                // One line an operator can act on (a bad setting, an engine that cannot start), not a stack trace.
                System.err.println("sluice: cannot start: " + startupProblem(e));
                return 2;
            }
            Optional<String> configuredKey = Optional.ofNullable(System.getenv("SLUICE_ADMIN_API_KEY")).filter(s -> !s.isBlank());
            ApiKey key = null;
            if (demo || configuredKey.isPresent()) {
                key = server.ensureAdminKey(configuredKey);
            }
            announce(server, key, configuredKey.isPresent());
            CountDownLatch stopped = new CountDownLatch(1);
            // SIGTERM and Ctrl-C: stop accepting, let running statements finish within the grace period, cancel the rest.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "sluice-shutdown"));
            stopped.await();
            return 0;
        }

        abstract void announce(SluiceServer server, ApiKey key, boolean keyFromEnvironment);

        private static String startupProblem(RuntimeException e) {
            Throwable cause = e;
            while (cause.getMessage() == null && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        }
    }

    @Command(name = "serve", description = "Run the Sluice server.")
    static final class Serve extends ServerCommand {
        @Override
        public Integer call() throws Exception {
            return runUntilStopped(config(), false);
        }

        @Override
        void announce(SluiceServer server, ApiKey key, boolean keyFromEnvironment) {
            // Banners go to stderr: stdout is the JSON log, one object per line, which a shipper must parse whole.
            System.err.println("Sluice is serving on port " + server.port());
        }
    }

    @Command(name = "demo", description = "Run Sluice with the demo data and print an admin key and curl examples.")
    static final class Demo extends ServerCommand {
        @Override
        public Integer call() throws Exception {
            return runUntilStopped(config(), true);
        }

        @Override
        void announce(SluiceServer server, ApiKey key, boolean keyFromEnvironment) {
            String base = "http://localhost:" + server.port();
            String shownKey = keyFromEnvironment ? "$SLUICE_ADMIN_API_KEY" : key.text();
            System.err.println("""
                    Sluice demo is running on %1$s
                    Admin API key: %2$s%3$s

                    Try:
                      curl -s %1$s/sluice/v1/query -H "Authorization: Bearer %4$s" -H 'Content-Type: application/json' \\
                        -d '{"sql": "SELECT channel, count(*) AS edits FROM wikipedia GROUP BY channel ORDER BY edits DESC LIMIT 5"}'
                      curl -s '%1$s/sluice/v1/query?format=csv' -H "Authorization: Bearer %4$s" -H 'Content-Type: application/json' \\
                        -d '{"sql": "SELECT * FROM public_data.korea_trade_insurance.exchange_rate WHERE currency_code = ?", "parameters": ["CNY"]}'
                      curl -s %1$s/sluice/v1/statements -H "Authorization: Bearer %4$s" -H 'Content-Type: application/json' \\
                        -d '{"sql": "SELECT * FROM \\"nekt_raw\\".\\"customers\\"", "waitMs": 1000}'
                      curl -sN %1$s/query -H "Authorization: Bearer %4$s" -H 'Content-Type: application/json' \\
                        -d '{"ksql": "SELECT * FROM riderLocations EMIT CHANGES LIMIT 5;", "streamsProperties": {}}'
                    Press Ctrl-C to stop.
                    """.formatted(base, keyFromEnvironment ? "(from SLUICE_ADMIN_API_KEY)" : key.text(),
                    keyFromEnvironment ? "" : "  (shown once; keep it)", shownKey));
        }
    }
}
