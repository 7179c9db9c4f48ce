package io.sluice.core.engine;

/**
 * Work an engine started outside this Sluice process, such as a query on a Trino coordinator, recorded while it
 * runs. If this node dies, nothing of it is left to stop that work: the remote system runs it on until its own
 * timeout. In a cluster the record lets a surviving node stop it once the dead node's lease expires; a single
 * node records nothing ({@link #NONE}).
 */
public interface OutsideWork {

    /** Records nothing. */
    OutsideWork NONE = (kind, reference, owner) -> Entry.NOTHING;

    /**
     * Records that this node started {@code reference} (a Trino query id) of {@code kind} as {@code owner} (the
     * user it runs as, which stopping it may need). Close the entry when the work ended, however it ended.
     */
    Entry started(String kind, String reference, String owner);

    /** One recorded piece of work; closing it forgets the record (it may be written a moment later). */
    interface Entry extends AutoCloseable {

        Entry NOTHING = () -> { };

        @Override
        void close();
    }
}
