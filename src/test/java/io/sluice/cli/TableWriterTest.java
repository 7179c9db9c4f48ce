package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableWriterTest {

    private static String print(List<String> columns, boolean[] numeric, int width, Expanded expanded, List<String[]> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        TableWriter table = new TableWriter(columns, numeric, out, width, expanded);
        rows.forEach(table::add);
        table.finish();
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String[]> numbers(int count) {
        List<String[]> rows = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            rows.add(new String[] {Integer.toString(index)});
        }
        return rows;
    }

    @Test
    void alignsColumnsAndRightAlignsNumbers() {
        String table = print(List.of("name", "n"), new boolean[] {false, true}, 0, Expanded.OFF,
                List.<String[]>of(new String[] {"a", "7"}, new String[] {"bcd", "1234"}, new String[] {null, null}));

        assertThat(table).isEqualTo("""
                name | n
                -----+-----
                a    |    7
                bcd  | 1234
                NULL | NULL
                """);
    }

    @Test
    void aWiderValueAfterTheLookAheadWidensTheTableInsteadOfCuttingIt() {
        List<String[]> rows = numbers(20_000);

        String table = print(List.of("i"), new boolean[] {true}, 0, Expanded.OFF, rows);

        List<String> values = table.lines().map(String::strip).filter(line -> line.matches("\\d+")).toList();
        assertThat(values).hasSize(20_000);
        for (int index = 0; index < values.size(); index++) {
            assertThat(values.get(index)).isEqualTo(Integer.toString(index));
        }
        assertThat(table).doesNotContain("…");
        // The look-ahead saw up to 999; 1000 and 10000 each widen the table under a new header.
        assertThat(table.lines().filter(line -> line.startsWith("-")).count()).isEqualTo(3);
        assertThat(table).startsWith("i\n---\n  0\n").contains("\n\ni\n----\n1000\n", "\n\ni\n-----\n10000\n");
    }

    @Test
    void onANarrowTerminalLongValuesWrapWithAMarkerAndNothingIsLost() {
        String longText = "abcdefghijklmnopqrstuvwxyz".repeat(3);
        String table = print(List.of("id", "text"), new boolean[] {true, false}, 30, Expanded.OFF,
                List.<String[]>of(new String[] {"1", longText}, new String[] {"2", "line one\nline two"}));

        assertThat(table.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(30));
        StringBuilder rejoined = new StringBuilder();
        for (String line : table.lines().toList()) {
            if (line.startsWith(" 1 |") || (line.startsWith("   |") && rejoined.length() < longText.length())) {
                String cell = line.substring(5);
                rejoined.append(cell.endsWith("~") ? cell.substring(0, cell.length() - 1) : cell.strip());
            }
        }
        assertThat(rejoined.toString()).isEqualTo(longText);
        assertThat(table).contains(" 2 | line one                +\n   | line two\n");
    }

    @Test
    void widthsCountTerminalColumnsSoWideCharactersStayAligned() {
        String table = print(List.of("word", "x"), new boolean[2], 0, Expanded.OFF,
                List.<String[]>of(new String[] {"환율", "1"}, new String[] {"abcde", "2"}));

        assertThat(table).contains("환율  | 1\n", "abcde | 2\n");
    }

    @Test
    void expandedModeShowsOneRecordPerRowAndAutoChoosesItWhenTheTableIsTooWide() {
        List<String[]> rows = List.<String[]>of(new String[] {"1", "x".repeat(50), "y".repeat(40)});
        String expanded = print(List.of("id", "a", "b"), new boolean[3], 80, Expanded.AUTO, rows);
        assertThat(expanded).startsWith("-[ RECORD 1 ]").contains("\nid | 1\na  | " + "x".repeat(50) + "\nb  | " + "y".repeat(40) + "\n");

        String fits = print(List.of("id", "a"), new boolean[2], 80, Expanded.AUTO, List.<String[]>of(new String[] {"1", "x"}));
        assertThat(fits).isEqualTo("id | a\n---+--\n1  | x\n");

        String on = print(List.of("id"), new boolean[1], 0, Expanded.ON, List.<String[]>of(new String[] {"1"}, new String[] {"2"}));
        assertThat(on).isEqualTo("-[ RECORD 1 ]\nid | 1\n-[ RECORD 2 ]\nid | 2\n");
    }

    @Test
    void tabsAndCarriageReturnsAreShownNotObeyed() {
        String table = print(List.of("v"), new boolean[1], 0, Expanded.OFF, List.<String[]>of(new String[] {"a\tb\rc"}));
        assertThat(table).contains("a\\tb\\rc");
    }

    @Test
    void fitSharesTheWidthAmongTheWideColumns() {
        assertThat(TableWriter.fit(new int[] {2, 100, 50}, 0)).containsExactly(2, 100, 50);
        int[] widths = TableWriter.fit(new int[] {2, 100, 50}, 60);
        assertThat(widths[0]).isEqualTo(2);
        assertThat(TableWriter.lineWidth(widths)).isLessThanOrEqualTo(60);
        assertThat(Math.abs(widths[1] - widths[2])).isLessThanOrEqualTo(1);
    }
}
