package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.types.Interval;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.types.TimeUnit;

/** Readers for DATE, TIME, TIMESTAMP, TIMESTAMP WITH TIME ZONE and INTERVAL; spellings are in {@link CellText}. */
final class TemporalReaders {
    private TemporalReaders() {
    }

    /** The shared rendering: subclasses only say how to format one cell into the scratch array. */
    abstract static class TextualReader<V extends ValueVector> extends VectorReader<V> {
        final char[] scratch = new char[CellText.SCRATCH_SIZE];

        TextualReader(V vector) {
            super(vector);
        }

        /** Formats the non-null cell into {@link #scratch}, returning its length. */
        abstract int format(int row);

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeString(scratch, 0, format(row));
        }

        @Override
        void json(TextOutput out, int row) {
            out.writeJsonAscii(scratch, 0, format(row));
        }

        @Override
        public void writeText(TextOutput text, int row) {
            text.writeAscii(scratch, 0, format(row));
        }

        @Override
        public boolean plainText() {
            return true;
        }
    }

    static final class DateDayReader extends TextualReader<DateDayVector> {
        DateDayReader(DateDayVector vector) {
            super(vector);
        }

        @Override
        int format(int row) {
            return CellText.date(vector.get(row), scratch, 0);
        }

        @Override
        Object read(int row) {
            return LocalDate.ofEpochDay(vector.get(row));
        }
    }

    static final class DateMilliReader extends TextualReader<DateMilliVector> {
        DateMilliReader(DateMilliVector vector) {
            super(vector);
        }

        @Override
        int format(int row) {
            return CellText.date(Math.floorDiv(vector.get(row), 86_400_000L), scratch, 0);
        }

        @Override
        Object read(int row) {
            return LocalDate.ofEpochDay(Math.floorDiv(vector.get(row), 86_400_000L));
        }
    }

    /** TIME in any unit: the data buffer holds 4-byte (seconds, milliseconds) or 8-byte values. */
    static final class TimeReader extends TextualReader<ValueVector> {
        private final ArrowBuf data;
        private final boolean wide;
        private final long nanosPerUnit;
        private final int fractionDigits;

        TimeReader(ValueVector vector) {
            super(vector);
            this.data = vector.getDataBuffer();
            this.wide = vector instanceof TimeMicroVector || vector instanceof TimeNanoVector;
            if (vector instanceof TimeSecVector) {
                nanosPerUnit = 1_000_000_000L;
                fractionDigits = 0;
            } else if (vector instanceof TimeMilliVector) {
                nanosPerUnit = 1_000_000L;
                fractionDigits = 3;
            } else if (vector instanceof TimeMicroVector) {
                nanosPerUnit = 1_000L;
                fractionDigits = 6;
            } else {
                nanosPerUnit = 1L;
                fractionDigits = 9;
            }
        }

        private long nanoOfDay(int row) {
            long units = wide ? data.getLong((long) row * 8) : data.getInt((long) row * 4);
            return units * nanosPerUnit;
        }

        @Override
        int format(int row) {
            return CellText.time(nanoOfDay(row), fractionDigits, scratch, 0);
        }

        @Override
        Object read(int row) {
            return LocalTime.ofNanoOfDay(nanoOfDay(row));
        }
    }

    /**
     * TIMESTAMP and, when the Arrow type carries a zone, TIMESTAMP WITH TIME ZONE. Zoned values are UTC
     * instants shown at the offset {@code zone} has at that instant, whatever zone the vector names.
     */
    static final class TimestampReader extends TextualReader<TimeStampVector> {
        private final long unitsPerSecond;
        private final long nanosPerUnit;
        private final int fractionDigits;
        private final ZoneId zone;
        private final ZoneOffset fixedOffset;
        private final ZoneRules rules;
        private final char[] cachedDate = new char[CellText.SCRATCH_SIZE];
        private long cachedDay = Long.MIN_VALUE;
        private int cachedDateLength;

        TimestampReader(TimeStampVector vector, TimeUnit unit, boolean zoned, ZoneId zone) {
            super(vector);
            this.unitsPerSecond = switch (unit) {
                case SECOND -> 1L;
                case MILLISECOND -> 1_000L;
                case MICROSECOND -> 1_000_000L;
                case NANOSECOND -> 1_000_000_000L;
            };
            this.nanosPerUnit = 1_000_000_000L / unitsPerSecond;
            this.fractionDigits = switch (unit) {
                case SECOND -> 0;
                case MILLISECOND -> 3;
                case MICROSECOND -> 6;
                case NANOSECOND -> 9;
            };
            this.zone = zoned ? zone : null;
            this.rules = zoned ? zone.getRules() : null;
            this.fixedOffset = zoned && rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH) : null;
        }

        private ZoneOffset offsetAt(long epochSecond) {
            return fixedOffset != null ? fixedOffset : rules.getOffset(Instant.ofEpochSecond(epochSecond));
        }

        @Override
        int format(int row) {
            long value = vector.get(row);
            long epochSecond = Math.floorDiv(value, unitsPerSecond);
            int nanoOfSecond = (int) (Math.floorMod(value, unitsPerSecond) * nanosPerUnit);
            if (zone == null) {
                return dateTime(epochSecond, nanoOfSecond);
            }
            ZoneOffset offset = offsetAt(epochSecond);
            int length = dateTime(epochSecond + offset.getTotalSeconds(), nanoOfSecond);
            return CellText.offset(offset, scratch, length);
        }

        /**
         * Like {@link CellText#dateTime} but reusing the date text of the previous cell when the day is the
         * same, as it mostly is in a column of timestamps: the date is the costlier half to spell.
         */
        private int dateTime(long epochSecond, int nanoOfSecond) {
            long epochDay = Math.floorDiv(epochSecond, 86_400L);
            if (epochDay != cachedDay) {
                cachedDateLength = CellText.date(epochDay, cachedDate, 0);
                cachedDay = epochDay;
            }
            System.arraycopy(cachedDate, 0, scratch, 0, cachedDateLength);
            int at = cachedDateLength;
            scratch[at++] = 'T';
            long secondOfDay = epochSecond - epochDay * 86_400L;
            return CellText.time(secondOfDay * 1_000_000_000L + nanoOfSecond, fractionDigits, scratch, at);
        }

        @Override
        Object read(int row) {
            long value = vector.get(row);
            long epochSecond = Math.floorDiv(value, unitsPerSecond);
            int nanoOfSecond = (int) (Math.floorMod(value, unitsPerSecond) * nanosPerUnit);
            if (zone == null) {
                return LocalDateTime.ofEpochSecond(epochSecond, nanoOfSecond, ZoneOffset.UTC);
            }
            return OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond, nanoOfSecond), zone);
        }
    }

    /** INTERVAL as ISO-8601 via {@link Interval#toIso8601()}; the buffer holds months, days, nanoseconds. */
    static final class IntervalReader extends VectorReader<IntervalMonthDayNanoVector> {
        private final ArrowBuf data;

        IntervalReader(IntervalMonthDayNanoVector vector) {
            super(vector);
            this.data = vector.getDataBuffer();
        }

        @Override
        Object read(int row) {
            long offset = (long) row * IntervalMonthDayNanoVector.TYPE_WIDTH;
            return new Interval(data.getInt(offset), data.getInt(offset + 4), data.getLong(offset + 8));
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeString(((Interval) read(row)).toIso8601());
        }

        @Override
        public void writeText(TextOutput text, int row) {
            text.writeAscii(((Interval) read(row)).toIso8601());
        }
    }
}
