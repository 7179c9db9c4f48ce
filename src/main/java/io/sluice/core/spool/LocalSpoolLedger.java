package io.sluice.core.spool;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The ledger of one node, in memory: the spool rebuilds it at start from the owners its manifests record. */
final class LocalSpoolLedger implements SpoolLedger {

    private record Entry(long bytes, Instant expiresAt) {
    }

    /** owner → result id → entry; by owner so a quota check looks only at that owner's results. */
    private final Map<String, Map<String, Entry>> byOwner = new ConcurrentHashMap<>();
    private final Map<String, String> ownerOf = new ConcurrentHashMap<>();

    @Override
    public long held(String owner, Instant now) {
        Map<String, Entry> results = byOwner.get(owner);
        if (results == null) {
            return 0;
        }
        long total = 0;
        for (Entry entry : results.values()) {
            if (now.isBefore(entry.expiresAt())) {
                total += entry.bytes();
            }
        }
        return total;
    }

    @Override
    public void add(String resultId, String owner, long bytes, Instant expiresAt) {
        ownerOf.put(resultId, owner);
        byOwner.computeIfAbsent(owner, ignored -> new ConcurrentHashMap<>()).put(resultId, new Entry(bytes, expiresAt));
    }

    @Override
    public void remove(String resultId) {
        String owner = ownerOf.remove(resultId);
        if (owner != null) {
            Map<String, Entry> results = byOwner.get(owner);
            if (results != null) {
                results.remove(resultId);
            }
        }
    }

    @Override
    public void purge(Instant now) {
        byOwner.values().forEach(results -> results.entrySet().removeIf(entry -> {
            boolean expired = !now.isBefore(entry.getValue().expiresAt());
            if (expired) {
                ownerOf.remove(entry.getKey());
            }
            return expired;
        }));
    }
}
