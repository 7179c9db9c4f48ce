package io.sluice.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Readers for LIST, STRUCT and MAP. Their JSON is a JSON array / object; their CSV text is that same JSON.
 * Child readers are built once with the parent, over the whole child vector.
 */
final class NestedReaders {
    private NestedReaders() {
    }

    /** Nested values render their CSV text as compact JSON through the cell buffer's own generator. */
    abstract static class JsonTextual<V extends ValueVector> extends VectorReader<V> {
        JsonTextual(V vector) {
            super(vector);
        }

        @Override
        public void writeText(TextOutput text, int row) throws IOException {
            JsonGenerator json = text.json();
            json(json, row);
            json.flush();
        }
    }

    /** Any list layout: subclasses say where a row's elements start and end in the child vector. */
    abstract static class ListReader<V extends ValueVector> extends JsonTextual<V> {
        private final ColumnReader elements;

        ListReader(V vector, ColumnReader elements) {
            super(vector);
            this.elements = elements;
        }

        abstract int start(int row);

        abstract int end(int row);

        @Override
        Object read(int row) {
            int end = end(row);
            List<Object> values = new ArrayList<>(end - start(row));
            for (int element = start(row); element < end; element++) {
                values.add(elements.value(element));
            }
            return values;
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeStartArray();
            int end = end(row);
            for (int element = start(row); element < end; element++) {
                elements.writeJson(json, element);
            }
            json.writeEndArray();
        }
    }

    static final class PlainListReader extends ListReader<ListVector> {
        PlainListReader(ListVector vector, ColumnReader elements) {
            super(vector, elements);
        }

        @Override
        int start(int row) {
            return vector.getElementStartIndex(row);
        }

        @Override
        int end(int row) {
            return vector.getElementEndIndex(row);
        }
    }

    static final class LargeListReader extends ListReader<LargeListVector> {
        LargeListReader(LargeListVector vector, ColumnReader elements) {
            super(vector, elements);
        }

        @Override
        int start(int row) {
            return Math.toIntExact(vector.getElementStartIndex(row));
        }

        @Override
        int end(int row) {
            return Math.toIntExact(vector.getElementEndIndex(row));
        }
    }

    static final class FixedListReader extends ListReader<FixedSizeListVector> {
        private final int size;

        FixedListReader(FixedSizeListVector vector, ColumnReader elements) {
            super(vector, elements);
            this.size = vector.getListSize();
        }

        @Override
        int start(int row) {
            return row * size;
        }

        @Override
        int end(int row) {
            return row * size + size;
        }
    }

    static final class StructReader extends JsonTextual<StructVector> {
        private final String[] names;
        private final SerializableString[] jsonNames;
        private final ColumnReader[] fields;

        StructReader(StructVector vector, String[] names, ColumnReader[] fields) {
            super(vector);
            this.names = names.clone();
            this.fields = fields.clone();
            this.jsonNames = new SerializableString[names.length];
            for (int i = 0; i < names.length; i++) {
                jsonNames[i] = new SerializedString(names[i]);
            }
        }

        @Override
        Object read(int row) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < fields.length; i++) {
                values.put(names[i], fields[i].value(row));
            }
            return values;
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            json.writeStartObject();
            for (int i = 0; i < fields.length; i++) {
                json.writeFieldName(jsonNames[i]);
                fields[i].writeJson(json, row);
            }
            json.writeEndObject();
        }
    }

    /**
     * MAP: a JSON object when keys are strings; otherwise an array of {"key":..,"value":..} entries,
     * because JSON object keys can only be strings and converting them would lose the key's type.
     */
    static final class MapReader extends JsonTextual<MapVector> {
        private static final SerializableString KEY = new SerializedString("key");
        private static final SerializableString VALUE = new SerializedString("value");

        private final ColumnReader keys;
        private final ColumnReader values;
        private final boolean stringKeys;

        MapReader(MapVector vector, ColumnReader keys, ColumnReader values, boolean stringKeys) {
            super(vector);
            this.keys = keys;
            this.values = values;
            this.stringKeys = stringKeys;
        }

        @Override
        Object read(int row) {
            Map<Object, Object> entries = new LinkedHashMap<>();
            int end = vector.getElementEndIndex(row);
            for (int entry = vector.getElementStartIndex(row); entry < end; entry++) {
                entries.put(keys.value(entry), values.value(entry));
            }
            return entries;
        }

        @Override
        void json(JsonGenerator json, int row) throws IOException {
            int end = vector.getElementEndIndex(row);
            int start = vector.getElementStartIndex(row);
            if (stringKeys) {
                json.writeStartObject();
                for (int entry = start; entry < end; entry++) {
                    json.writeFieldName(String.valueOf(keys.value(entry)));
                    values.writeJson(json, entry);
                }
                json.writeEndObject();
                return;
            }
            json.writeStartArray();
            for (int entry = start; entry < end; entry++) {
                json.writeStartObject();
                json.writeFieldName(KEY);
                keys.writeJson(json, entry);
                json.writeFieldName(VALUE);
                values.writeJson(json, entry);
                json.writeEndObject();
            }
            json.writeEndArray();
        }
    }
}
