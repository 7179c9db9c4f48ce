package io.sluice.core.statement;

import io.sluice.core.auth.Principal;
import io.sluice.core.engine.ParameterValue;
import io.sluice.core.engine.Parameters;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opt-in reuse of finished results, in memory (one node). The key covers everything that can change an answer: the principal
 * (whose access decides what it may see), the SQL text, every parameter with its type, the session and
 * the row limit. Any statement that may have written data moves the write epoch on, and results from an
 * older epoch are never reused: conservative (a write to one table also retires results of others), but
 * a stale answer is never served.
 */
final class ResultReuse implements ReuseIndex {

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong writeEpoch = new AtomicLong();

    @Override
    public long epoch() {
        return writeEpoch.get();
    }

    @Override
    public Optional<Entry> lookup(String key, Duration maxAge, Instant now) {
        Entry entry = entries.get(key);
        if (entry == null || entry.epoch() != writeEpoch.get()
                || entry.finishedAt().plus(maxAge).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    @Override
    public void remember(String key, Entry entry) {
        if (entry.epoch() == writeEpoch.get()) {
            entries.put(key, entry);
        }
    }

    @Override
    public void dataChanged() {
        writeEpoch.incrementAndGet();
        entries.clear();
    }

    @Override
    public void forgetResult(String resultId) {
        entries.values().removeIf(entry -> entry.resultId().equals(resultId));
    }

    /**
     * @param origin where the data comes from: the node's id for a node-local engine in a cluster, else empty (an
     *     engine every node shares), so a result read from one node's own tables never answers on another
     */
    static String key(Principal principal, StatementRequest request, String origin) {
        StringBuilder text = new StringBuilder();
        append(text, origin);
        append(text, principal.id());
        append(text, request.sql());
        append(text, request.session().catalog());
        append(text, request.session().schema());
        append(text, request.session().timeZone().getId());
        // The same text can mean something else in another dialect (Trino's date_diff is not DuckDB's).
        append(text, request.session().dialect().name());
        append(text, Long.toString(request.maxRows()));
        switch (request.parameters()) {
            case Parameters.Positional positional -> {
                append(text, "positional");
                positional.values().forEach(value -> appendParameter(text, value));
            }
            case Parameters.Named named -> {
                append(text, "named");
                named.values().forEach((name, value) -> {
                    append(text, name);
                    appendParameter(text, value);
                });
            }
        }
        return io.sluice.core.io.Digests.sha256Hex(text.toString());
    }

    private static void appendParameter(StringBuilder text, ParameterValue value) {
        append(text, value.type() == null ? "?" : value.type().sqlName());
        Object object = value.value();
        append(text, object == null ? "\u0000null" : object.getClass().getName() + ":" + valueText(object));
    }

    private static String valueText(Object object) {
        return object instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(object);
    }

    /** Length-prefixed, so no two different inputs concatenate to the same text. */
    private static void append(StringBuilder text, String part) {
        String value = part == null ? "\u0000" : part;
        text.append(value.length()).append(':').append(value).append(';');
    }
}
