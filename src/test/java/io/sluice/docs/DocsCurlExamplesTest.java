package io.sluice.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.SluiceTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@code bash} block of the pages in docs/ with bash (-e, pipefail) against a Sluice with the
 * demo data, $SLUICE and $KEY set, so the curl examples cannot drift from the server. A curl example outside
 * a bash block would go untested, so there must be none.
 */
class DocsCurlExamplesTest {

    private static final Path DOCS = Path.of("docs");

    @TempDir
    static Path data;

    static SluiceTestServer sluice;

    @BeforeAll
    static void start() {
        sluice = SluiceTestServer.start(data);
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    record Block(Path page, int line, String language, String code) {
    }

    static List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> pages = Files.list(DOCS)) {
            for (Path page : pages.filter(path -> path.toString().endsWith(".md")).sorted().toList()) {
                List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
                for (int index = 0; index < lines.size(); index++) {
                    if (lines.get(index).startsWith("```") && lines.get(index).length() > 3) {
                        String language = lines.get(index).substring(3).strip();
                        int start = index;
                        StringBuilder code = new StringBuilder();
                        while (++index < lines.size() && !lines.get(index).startsWith("```")) {
                            code.append(lines.get(index)).append('\n');
                        }
                        blocks.add(new Block(page, start + 1, language, code.toString()));
                    }
                }
            }
        }
        return blocks;
    }

    @TestFactory
    Stream<DynamicTest> everyBashBlockRuns() throws IOException {
        List<Block> bash = blocks().stream().filter(block -> block.language().equals("bash")).toList();
        assertThat(bash).as("bash examples in docs/").hasSizeGreaterThan(5);
        return bash.stream().map(block -> DynamicTest.dynamicTest(block.page().getFileName() + ":" + block.line(), () -> {
            Path log = Files.createTempFile("docs-example", ".log");
            ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", block.code())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("SLUICE", "http://127.0.0.1:" + sluice.server.port());
            builder.environment().put("KEY", SluiceTestServer.ADMIN_KEY);
            Process process = builder.start();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            assertThat(ended).as("%s:%d timed out", block.page(), block.line()).isTrue();
            assertThat(process.exitValue()).as("%s:%d failed:%n%s%n--- output ---%n%s", block.page(), block.line(),
                    block.code(), output).isZero();
        }));
    }

    /**
     * Splits a bash block into commands: a line ending in a backslash, or inside an open single quote,
     * continues on the next line.
     */
    static List<String> commands(String code) {
        List<String> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        boolean quoted = false;
        for (String line : code.split("\n")) {
            if (!quoted && line.strip().startsWith("#")) {
                continue;
            }
            command.append(line).append('\n');
            for (int index = 0; index < line.length(); index++) {
                if (!quoted && line.charAt(index) == '\\') {
                    index++;
                } else if (line.charAt(index) == '\'') {
                    quoted = !quoted;
                }
            }
            if (!quoted && !line.endsWith("\\")) {
                commands.add(command.toString());
                command.setLength(0);
            }
        }
        if (!command.isEmpty()) {
            commands.add(command.toString());
        }
        return commands;
    }

    /**
     * Every curl call (also through docs/bin/ncp-curl) checks its status — curl -f, or the status code compared
     * with -w '%{http_code}' — and a key part of its body: piped into grep/jq, captured into a variable the block
     * goes on to use, or written with -o to a file the block checks. An error answer checked by status alone
     * writes its body to /dev/null. Calls started in the background (&) are exempt: the block checks their effect.
     */
    @Test
    void everyCurlChecksItsStatusAndItsBody() throws IOException {
        Pattern curl = Pattern.compile("(^|[\\s($|])(curl|docs/bin/ncp-curl) ");
        Pattern status = Pattern.compile("(\\s-[a-zA-Z]*f[a-zA-Z]*\\s)|--fail|%\\{http_code\\}");
        Pattern body = Pattern.compile("\\|\\s*(grep|jq)|=\\$\\(|\\s-o\\s+\\S+");
        int checked = 0;
        for (Block block : blocks()) {
            if (!block.language().equals("bash")) {
                continue;
            }
            for (String command : commands(block.code())) {
                if (!curl.matcher(command).find() || command.strip().endsWith("&")) {
                    continue;
                }
                checked++;
                assertThat(status.matcher(command).find()).as("%s:%d does not check the status of%n%s", block.page(),
                        block.line(), command).isTrue();
                assertThat(body.matcher(command).find()).as("%s:%d does not check the body of%n%s", block.page(),
                        block.line(), command).isTrue();
            }
        }
        assertThat(checked).isGreaterThan(40);
    }

    @Test
    void noCurlExampleHidesOutsideABashBlock() throws IOException {
        for (Block block : blocks()) {
            if (!block.language().equals("bash")) {
                assertThat(block.code()).as("%s:%d", block.page(), block.line()).doesNotContain("curl ");
            }
        }
    }
}
