package io.sluice.protocol.snowflake;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Snowflake date/time output format such as {@code YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM}, compiled once.
 * Supported elements: YYYY, YY, MMMM, MON, MM, DD, DY, HH24, HH12, HH, AM/PM, MI, SS, FF and FF0…FF9,
 * TZH:TZM, TZHTZM, TZH, TZM, and "quoted literals"; any other character is copied.
 */
final class SnowflakeDateFormat {

    private static final String[] ELEMENTS = {"YYYY", "YY", "MMMM", "MON", "MM", "DD", "DY", "HH24", "HH12", "HH",
        "AM", "PM", "MI", "SS", "FF9", "FF8", "FF7", "FF6", "FF5", "FF4", "FF3", "FF2", "FF1", "FF0", "FF",
        "TZHTZM", "TZH", "TZM"};

    private final String pattern;
    private final List<String> tokens;

    private SnowflakeDateFormat(String pattern, List<String> tokens) {
        this.pattern = pattern;
        this.tokens = tokens;
    }

    /** The format as the client wrote it ({@link #parse} of it gives this format again). */
    String pattern() {
        return pattern;
    }

    /** Null for null, empty or AUTO: the value then keeps its default jsonv2 encoding. */
    static SnowflakeDateFormat parse(String format) {
        if (format == null || format.isBlank() || format.equalsIgnoreCase("AUTO")) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        int i = 0;
        outer:
        while (i < format.length()) {
            if (format.charAt(i) == '"') {
                int end = format.indexOf('"', i + 1);
                end = end < 0 ? format.length() : end;
                tokens.add("'" + format.substring(i + 1, end));
                i = end + 1;
                continue;
            }
            for (String element : ELEMENTS) {
                if (format.regionMatches(true, i, element, 0, element.length())) {
                    tokens.add(element);
                    i += element.length();
                    continue outer;
                }
            }
            tokens.add("'" + format.charAt(i));
            i++;
        }
        return new SnowflakeDateFormat(format, List.copyOf(tokens));
    }

    String format(LocalDate date, LocalTime time, ZoneOffset offset) {
        StringBuilder out = new StringBuilder();
        for (String token : tokens) {
            if (token.startsWith("'")) {
                out.append(token, 1, token.length());
                continue;
            }
            switch (token) {
                case "YYYY" -> out.append(date == null ? "" : pad(date.getYear(), 4));
                case "YY" -> out.append(date == null ? "" : pad(Math.floorMod(date.getYear(), 100), 2));
                case "MMMM" -> out.append(date == null ? "" : name(date.getMonth(), TextStyle.FULL));
                case "MON" -> out.append(date == null ? "" : name(date.getMonth(), TextStyle.SHORT));
                case "MM" -> out.append(date == null ? "" : pad(date.getMonthValue(), 2));
                case "DD" -> out.append(date == null ? "" : pad(date.getDayOfMonth(), 2));
                case "DY" -> out.append(date == null ? "" : name(date.getDayOfWeek()));
                case "HH24", "HH" -> out.append(time == null ? "" : pad(time.getHour(), 2));
                case "HH12" -> out.append(time == null ? "" : pad(time.getHour() % 12 == 0 ? 12 : time.getHour() % 12, 2));
                case "AM", "PM" -> out.append(time == null ? "" : time.getHour() < 12 ? "AM" : "PM");
                case "MI" -> out.append(time == null ? "" : pad(time.getMinute(), 2));
                case "SS" -> out.append(time == null ? "" : pad(time.getSecond(), 2));
                case "FF" -> out.append(time == null ? "" : fraction(time, 9));
                case "TZHTZM" -> out.append(offset(offset, true, ""));
                case "TZH" -> out.append(offset(offset, false, ""));
                case "TZM" -> out.append(offset == null ? "" : pad(Math.abs(offset.getTotalSeconds() / 60) % 60, 2));
                default -> out.append(time == null ? "" : fraction(time, token.charAt(2) - '0'));
            }
        }
        return out.toString();
    }

    private static String fraction(LocalTime time, int digits) {
        if (digits == 0) {
            return "";
        }
        return pad(time.getNano(), 9).substring(0, digits);
    }

    private static String offset(ZoneOffset offset, boolean withMinutes, String separator) {
        if (offset == null) {
            return "";
        }
        int minutes = offset.getTotalSeconds() / 60;
        String sign = minutes < 0 ? "-" : "+";
        int abs = Math.abs(minutes);
        return sign + pad(abs / 60, 2) + (withMinutes ? separator + pad(abs % 60, 2) : "");
    }

    private static String name(Month month, TextStyle style) {
        return month.getDisplayName(style, Locale.ENGLISH);
    }

    private static String name(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }

    private static String pad(long value, int width) {
        String text = Long.toString(Math.abs(value));
        StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(text).toString();
    }
}
