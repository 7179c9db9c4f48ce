package io.sluice.core.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Statement parameters, always bound by the engine and never spliced into SQL text. Positional
 * parameters fill {@code ?} (and {@code $1}, {@code $2}…) in order; named parameters fill {@code :name}
 * or {@code $name}.
 */
public sealed interface Parameters {

    Parameters NONE = new Positional(List.of());

    int size();

    record Positional(List<ParameterValue> values) implements Parameters {
        public Positional {
            Objects.requireNonNull(values, "values");
            values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
        }

        @Override
        public int size() {
            return values.size();
        }
    }

    record Named(Map<String, ParameterValue> values) implements Parameters {
        public Named {
            Objects.requireNonNull(values, "values");
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        @Override
        public int size() {
            return values.size();
        }
    }
}
