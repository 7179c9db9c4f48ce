package io.sluice.core.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A statement outside the streams module writing sources: holds their write gates (taken in name order, so
 * two such statements never wait on each other crosswise) from before it runs until what it wrote is
 * committed; {@link #finish} then lets each feed read the changes back and releases the gates.
 */
final class ExternalWrite {

    static final ExternalWrite NONE = new ExternalWrite(List.of());

    private final List<SourceFeed> feeds;
    private final AtomicBoolean finished = new AtomicBoolean();

    private ExternalWrite(List<SourceFeed> feeds) {
        this.feeds = feeds;
    }

    /** Takes the gates of {@code feeds}, in the order given; on a failure the ones taken are released. */
    static ExternalWrite begin(List<SourceFeed> feeds) {
        if (feeds.isEmpty()) {
            return NONE;
        }
        List<SourceFeed> entered = new ArrayList<>(feeds.size());
        try {
            for (SourceFeed feed : feeds) {
                feed.enter();
                entered.add(feed);
            }
        } catch (RuntimeException e) {
            entered.forEach(SourceFeed::leave);
            throw e;
        }
        return new ExternalWrite(List.copyOf(entered));
    }

    /** Reads back what the statement may have written (only where someone subscribes) and releases the gates. Idempotent. */
    void finish(boolean wrote) {
        if (feeds.isEmpty() || !finished.compareAndSet(false, true)) {
            return;
        }
        for (SourceFeed feed : feeds) {
            try {
                if (wrote) {
                    feed.readBack();
                }
            } finally {
                feed.leave();
            }
        }
    }
}
