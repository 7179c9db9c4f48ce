package io.sluice.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.VariableWidthFieldVector;

/**
 * Readers for VARCHAR, JSON, UUID and BLOB. Variable-width values are copied into a reusable byte
 * array and handed to Jackson as UTF-8, so no String is made per cell.
 */
final class TextReaders {
    private TextReaders() {
    }

    /** VARCHAR (and UUID stored as text, whose canonical value is a java.util.UUID). */
    static final class StringReader extends VectorReader<VariableWidthFieldVector> {
        final Utf8Slice slice = new Utf8Slice();
        private final boolean uuid;

        StringReader(VariableWidthFieldVector vector, boolean uuid) {
            super(vector);
            this.uuid = uuid;
        }

        @Override
        Object read(int row) {
            vector.read(row, slice);
            String text = new String(slice.bytes(), 0, slice.length(), StandardCharsets.UTF_8);
            return uuid ? UUID.fromString(text) : text;
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            vector.read(row, slice);
            json.writeUTF8String(slice.bytes(), 0, slice.length());
        }

        @Override
        void json(TextOutput out, int row) {
            vector.read(row, slice);
            out.writeJsonString(slice.bytes(), 0, slice.length());
        }

        @Override
        public void writeText(TextOutput text, int row) {
            vector.read(row, slice);
            text.write(slice.bytes(), 0, slice.length());
        }
    }

    /**
     * A JSON column: embedded as raw JSON when it is one well-formed JSON value, otherwise as a string
     * so the surrounding document stays valid. Its CSV text is the stored text as is.
     */
    static final class JsonTextReader extends VectorReader<VariableWidthFieldVector> {
        private final Utf8Slice slice = new Utf8Slice();
        private final RawJson raw = new RawJson();
        private final JsonFactory factory;

        JsonTextReader(VariableWidthFieldVector vector, JsonFactory factory) {
            super(vector);
            this.factory = factory;
        }

        @Override
        Object read(int row) {
            vector.read(row, slice);
            return new String(slice.bytes(), 0, slice.length(), StandardCharsets.UTF_8);
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            vector.read(row, slice);
            if (isSingleJsonValue(slice.bytes(), slice.length())) {
                raw.wrap(slice.bytes(), slice.length());
                json.writeRawValue(raw);
            } else {
                json.writeUTF8String(slice.bytes(), 0, slice.length());
            }
        }

        @Override
        public void writeText(TextOutput text, int row) {
            vector.read(row, slice);
            text.write(slice.bytes(), 0, slice.length());
        }

        private boolean isSingleJsonValue(byte[] bytes, int length) {
            try (JsonParser parser = factory.createParser(bytes, 0, length)) {
                if (parser.nextToken() == null) {
                    return false;
                }
                parser.skipChildren();
                return parser.nextToken() == null;
            } catch (IOException notJson) {
                return false;
            }
        }
    }

    /** BLOB as standard base64 (with padding), the same alphabet for JSON and CSV. */
    static final class BinaryReader extends VectorReader<VariableWidthFieldVector> {
        private final Utf8Slice slice = new Utf8Slice();

        BinaryReader(VariableWidthFieldVector vector) {
            super(vector);
        }

        @Override
        Object read(int row) {
            vector.read(row, slice);
            return Arrays.copyOf(slice.bytes(), slice.length());
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            vector.read(row, slice);
            json.writeBinary(slice.bytes(), 0, slice.length());
        }

        @Override
        public void writeText(TextOutput text, int row) throws IOException {
            vector.read(row, slice);
            writeBase64(text, slice.bytes(), slice.length());
        }
    }

    /** FixedSizeBinary: a UUID when the canonical type says so, otherwise bytes like BLOB. */
    static final class FixedBinaryReader extends VectorReader<FixedSizeBinaryVector> {
        private final boolean uuid;
        private final char[] scratch = new char[CellText.SCRATCH_SIZE];

        FixedBinaryReader(FixedSizeBinaryVector vector, boolean uuid) {
            super(vector);
            this.uuid = uuid && vector.getByteWidth() == 16;
        }

        @Override
        Object read(int row) {
            byte[] bytes = vector.get(row);
            if (!uuid) {
                return bytes;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new UUID(buffer.getLong(), buffer.getLong());
        }

        private int uuidText(int row) {
            // UUID bytes are big-endian; ArrowBuf reads little-endian, hence the byte swap.
            long offset = (long) row * 16;
            long most = Long.reverseBytes(vector.getDataBuffer().getLong(offset));
            long least = Long.reverseBytes(vector.getDataBuffer().getLong(offset + 8));
            return CellText.uuid(most, least, scratch, 0);
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            if (uuid) {
                json.writeString(scratch, 0, uuidText(row));
            } else {
                json.writeBinary(vector.get(row));
            }
        }

        @Override
        void json(TextOutput out, int row) throws IOException {
            if (uuid) {
                out.writeJsonAscii(scratch, 0, uuidText(row));
            } else {
                super.json(out, row);
            }
        }

        @Override
        public void writeText(TextOutput text, int row) throws IOException {
            if (uuid) {
                text.writeAscii(scratch, 0, uuidText(row));
            } else {
                byte[] bytes = vector.get(row);
                writeBase64(text, bytes, bytes.length);
            }
        }
    }

    static void writeBase64(TextOutput text, byte[] bytes, int length) throws IOException {
        // The wrapping stream encodes straight into the cell buffer; closing it writes the padding only.
        try (OutputStream encoder = Base64.getEncoder().wrap(new NonClosing(text))) {
            encoder.write(bytes, 0, length);
        }
    }

    /** Keeps the base64 wrapper's close() from reaching the shared cell buffer. */
    private static final class NonClosing extends OutputStream {
        private final TextOutput target;

        NonClosing(TextOutput target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            target.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            target.write(bytes, offset, length);
        }
    }
}
