package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written cell writers must spell every value exactly as the JDK and Jackson do, since the JSON
 * encoder mixes them with Jackson's output and the format tests compare bytes. Each case is checked
 * against the reference implementation itself, over edge values and many seeded random ones.
 */
class TextOutputTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(20_261_123L);

    private static String text(TextOutput out) {
        return new String(out.bytes(), 0, out.length(), StandardCharsets.UTF_8);
    }

    private static String doubleText(double value) {
        TextOutput out = new TextOutput(4);
        out.writeDouble(value);
        return text(out);
    }

    @Test
    void doublesAreSpelledAsDoubleToString() {
        double[] edges = {0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 0.001, 0.00099999, -0.001,
            9_999_999.5, 9_999_999.999999, 1e7, -1e7, 1e-3, 123456.789, 12345.625, 5e-324, Double.MIN_NORMAL,
            Double.MAX_VALUE, Math.PI, Math.E, 100.0, 300000.0, 4.35, 0.07, 1.005, 2.675, 1e14, 123456789012.34,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.nextUp(0.001), Math.nextDown(1e7),
            Math.nextUp(1.0), Math.nextDown(1.0), 0.1 + 0.2};
        for (double value : edges) {
            assertThat(doubleText(value)).as("%s", value).isEqualTo(Double.toString(value));
        }
        for (int i = 0; i < 200_000; i++) {
            // Short decimals (the fast path), random bit patterns and values just beside short decimals.
            long unscaled = RANDOM.nextLong(-100_000_000_000L, 100_000_000_000L);
            double shortDecimal = unscaled / Math.pow(10, RANDOM.nextInt(0, 12));
            double anyBits = Double.longBitsToDouble(RANDOM.nextLong());
            double beside = RANDOM.nextBoolean() ? Math.nextUp(shortDecimal) : Math.nextDown(shortDecimal);
            for (double value : new double[] {shortDecimal, anyBits, beside, shortDecimal * 0.5}) {
                assertThat(doubleText(value)).as("%s", value).isEqualTo(Double.toString(value));
            }
        }
    }

    @Test
    void floatsAreSpelledAsFloatToString() {
        for (float value : new float[] {0f, -0f, 1.5f, 0.1f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, 1e-10f}) {
            TextOutput out = new TextOutput();
            out.writeFloat(value);
            assertThat(text(out)).isEqualTo(Float.toString(value));
        }
    }

    @Test
    void longsAreSpelledAsLongToString() {
        long[] edges = {0, 1, -1, 9, 10, 99, 100, -100, Integer.MAX_VALUE, Integer.MIN_VALUE, 2_147_483_648L,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L};
        for (long value : edges) {
            TextOutput out = new TextOutput(2);
            out.writeLong(value);
            assertThat(text(out)).isEqualTo(Long.toString(value));
        }
        for (int i = 0; i < 100_000; i++) {
            long value = RANDOM.nextLong() >> RANDOM.nextInt(64);
            TextOutput out = new TextOutput();
            out.writeLong(value);
            assertThat(text(out)).isEqualTo(Long.toString(value));
        }
    }

    @Test
    void jsonStringsAreEscapedAsJacksonEscapesThem() throws IOException {
        String[] edges = {"", "plain", "say \"hi\"", "back\\slash", "tab\tnew\nline\rcr", "\b\f\u0000\u0001\u001f",
            "\u007f del", "ünïcödé 한국어", "🦆 astral", "\u2028\u2029 separators", "/slash/", "é\"\\\u0007"};
        for (String value : edges) {
            assertJsonStringMatchesJackson(value);
        }
        int[] alphabet = {0, 1, 8, 9, 10, 12, 13, 31, 32, '"', '\\', '/', 'a', 127, 128, 0xe9, 0x2028, 0xd55c, 0x1f986};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            int length = RANDOM.nextInt(0, 40);
            for (int c = 0; c < length; c++) {
                value.appendCodePoint(alphabet[RANDOM.nextInt(alphabet.length)]);
            }
            assertJsonStringMatchesJackson(value.toString());
        }
    }

    private static void assertJsonStringMatchesJackson(String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (JsonGenerator jackson = JsonEncoder.createGenerator(expected)) {
            jackson.writeUTF8String(utf8, 0, utf8.length);
        }
        TextOutput out = new TextOutput(1);
        out.write('x');
        out.writeJsonString(utf8, 0, utf8.length);
        assertThat(text(out)).as(value).isEqualTo("x" + expected.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyDateOfYearsZeroToTenThousandIsSpelledAsLocalDate() {
        char[] scratch = new char[CellText.SCRATCH_SIZE];
        long first = LocalDate.of(-1, 12, 1).toEpochDay();
        long last = LocalDate.of(10_000, 2, 1).toEpochDay();
        for (long day = first; day <= last; day++) {
            int length = CellText.date(day, scratch, 0);
            String expected = LocalDate.ofEpochDay(day).toString();
            if (!expected.contentEquals(new String(scratch, 0, length))) {
                assertThat(new String(scratch, 0, length)).as("epoch day %d", day).isEqualTo(expected);
            }
        }
    }

    @Test
    void dateTimesBefore1970AndAfter9999KeepSecondsAndFraction() {
        char[] scratch = new char[CellText.SCRATCH_SIZE];
        Object[][] cases = {
            {LocalDateTime.of(1969, 12, 31, 23, 59, 59, 500_000_000), 6, "1969-12-31T23:59:59.500000"},
            {LocalDateTime.of(1900, 2, 28, 0, 0, 0, 1_000), 6, "1900-02-28T00:00:00.000001"},
            {LocalDateTime.of(1, 1, 1, 0, 0, 0), 6, "0001-01-01T00:00:00"},
            {LocalDateTime.of(0, 2, 29, 12, 0, 0), 3, "0000-02-29T12:00:00"},
            {LocalDateTime.of(-44, 3, 15, 12, 30, 0), 0, "-0044-03-15T12:30:00"},
            {LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999), 9, "9999-12-31T23:59:59.999999999"},
            {LocalDateTime.of(10_000, 1, 1, 0, 0, 0, 123_000_000), 3, "+10000-01-01T00:00:00.123"},
            {LocalDateTime.of(294_247, 1, 10, 4, 0, 54, 775_807_000), 6, "+294247-01-10T04:00:54.775807"},
        };
        for (Object[] testCase : cases) {
            LocalDateTime value = (LocalDateTime) testCase[0];
            int length = CellText.dateTime(value.toEpochSecond(ZoneOffset.UTC), value.getNano(), (int) testCase[1],
                    scratch, 0);
            assertThat(new String(scratch, 0, length)).isEqualTo(testCase[2]);
        }
    }

    @Test
    void decimalsFromUnscaledLongsKeepScaleAndSign() {
        char[] scratch = new char[CellText.SCRATCH_SIZE];
        Object[][] cases = {
            {0L, 2, "0.00"}, {-5L, 2, "-0.05"}, {1050L, 2, "10.50"}, {-999_999_999_999_999_999L, 3,
                "-999999999999999.999"}, {Long.MIN_VALUE, 0, "-9223372036854775808"}, {Long.MAX_VALUE, 18,
                "9.223372036854775807"}, {Long.MIN_VALUE, 19, "-0.9223372036854775808"}, {-1L, 18,
                "-0.000000000000000001"}, {42L, 0, "42"},
        };
        for (Object[] testCase : cases) {
            int length = CellText.decimal((long) testCase[0], (int) testCase[1], scratch, 0);
            assertThat(new String(scratch, 0, length)).isEqualTo(testCase[2]);
            assertThat(testCase[2]).isEqualTo(new java.math.BigDecimal(java.math.BigInteger.valueOf((long) testCase[0]),
                    (int) testCase[1]).toPlainString());
        }
    }
}
