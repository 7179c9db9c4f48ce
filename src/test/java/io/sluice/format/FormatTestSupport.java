package io.sluice.format;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.core.result.BatchStream;
import io.sluice.core.types.ResultSchema;
import java.io.ByteArrayOutputStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Helpers shared by the format tests: encoding to bytes, reading values back, parsing CSV. */
final class FormatTestSupport {
    /** Keeps numbers exactly as written, so decimal digits and big integers are compared exactly. */
    static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private FormatTestSupport() {
    }

    static byte[] encode(BatchStream stream, ResultFormat format, FormatOptions options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResultEncoder.encode(stream, format, out, options);
        return out.toByteArray();
    }

    /** Every cell of every batch as canonical values, with byte arrays turned into hex so they compare by value. */
    static List<List<Object>> values(BatchStream stream, ZoneId zone) {
        return values(stream, stream.schema(), zone);
    }

    static List<List<Object>> values(BatchStream stream, ResultSchema schema, ZoneId zone) {
        List<List<Object>> rows = new ArrayList<>();
        while (stream.next()) {
            VectorSchemaRoot root = stream.root();
            ColumnReader[] readers = ColumnReaders.forBatch(root, schema, zone);
            for (int row = 0; row < root.getRowCount(); row++) {
                List<Object> values = new ArrayList<>();
                for (ColumnReader reader : readers) {
                    values.add(comparable(reader.value(row)));
                }
                rows.add(values);
            }
        }
        return rows;
    }

    static Object comparable(Object value) {
        return switch (value) {
            case byte[] bytes -> "0x" + HexFormat.of().formatHex(bytes);
            case List<?> list -> {
                List<Object> copy = new ArrayList<>();
                list.forEach(element -> copy.add(comparable(element)));
                yield copy;
            }
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((key, element) -> copy.put(comparable(key), comparable(element)));
                yield copy;
            }
            case null -> null;
            default -> value;
        };
    }

    /** An RFC 4180 reader: unquoted empty fields become null, quoted empty fields the empty string. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"' && i < text.length() && text.charAt(i) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',' || c == '\n') {
                record.add(field.isEmpty() && !wasQuoted ? null : field.toString());
                field.setLength(0);
                wasQuoted = false;
                if (c == '\n') {
                    records.add(record);
                    record = new ArrayList<>();
                }
            } else {
                field.append(c);
            }
        }
        if (quoted || !field.isEmpty() || !record.isEmpty()) {
            throw new IllegalArgumentException("CSV does not end with a complete record");
        }
        return records;
    }
}
