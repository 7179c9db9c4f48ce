package io.sluice.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine;

/**
 * What the launcher runs once after a build, with {@code -XX:ArchiveClassesAtExit}, to write {@code sluice sql}'s
 * class-data-sharing archive: it walks the client's way to the prompt and through a small result (options,
 * line reader, completer, result reader, table) without a server or a terminal, so that the archive holds the
 * classes a shell start needs, whatever the first real run happens to be (a {@code --version} would otherwise
 * leave an archive of picocli alone). It prints nothing and touches nothing but a temporary history file.
 */
public final class ClassDataTraining {

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Path home = Files.createTempDirectory("sluice-cds");
        try {
            SqlCommand.Io io = new SqlCommand.Io(InputStream.nullInputStream(), nowhere, nowhere, Map.of(), home, false);
            new CommandLine(new SqlCommand(io)).parseArgs("--url", "http://127.0.0.1:1", "--key", "training.key", "-o", "table");
            CliVersion.version();
            SystemTerminal.useBundledCapabilities("xterm-256color");

            Path history = home.resolve(".sluice").resolve("history");
            Shell.privateHistory(history);
            try (Terminal terminal = new DumbTerminal("sluice", Terminal.TYPE_DUMB, InputStream.nullInputStream(), nowhere,
                    StandardCharsets.UTF_8)) {
                LineReader reader = Shell.lineReader(terminal, history, new SqlCompleter());
                try {
                    reader.readLine("sluice> ");
                } catch (EndOfFileException expected) {
                    // the empty input ends at once
                }
            }

            TableWriter table = new TableWriter(List.of("id", "name"), new boolean[] {true, false}, nowhere, 80, Expanded.AUTO);
            byte[] result = "[1,\"one\"]\n[2,null]\n[3,[1.50,{\"a\":\"é\"}]]\n".getBytes(StandardCharsets.UTF_8);
            try (ResultRows rows = new ResultRows(new ByteArrayInputStream(result), 2)) {
                String[] row;
                while ((row = rows.next()) != null) {
                    table.add(row);
                }
            }
            table.finish();
            SluiceClient client = new SluiceClient("http://127.0.0.1:1", "training.key");
            client.error(400, "{\"code\":\"X\",\"message\":\"m\"}");
            try {
                // The HTTP client (and the TLS classes it loads) as the first statement builds it; nothing listens on port 1.
                client.status("training");
            } catch (SluiceClient.ClientException refused) {
                // as expected
            }
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
