package io.sluice.core.statement;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A fixed number of running slots and a bounded queue in front of them, shared fairly between principals. Past
 * the queue, work is refused at once with BUSY rather than piling up: a client can retry later, a server out of
 * memory cannot.
 *
 * <p>Fairness: each principal waits in a queue of its own, and free slots go round robin to the principals that
 * have statements waiting, not to whoever came first, so one principal's flood does not stand in front of another
 * principal's single statement. Each principal has a share of the slots ({@code maxShare} of them, at least one):
 * while a principal below its share waits, no principal at or above its share is given a slot, so with the default
 * share of a half no principal is given more than half of the slots while another waits. A principal at or above its
 * share is given a free slot only when no one below its share waits, and never the last free one: a statement cannot
 * be stopped to make room, so without that slot another principal's first statement would wait for the flood's
 * statements to end (possibly their whole timeout). Alone, a principal thus uses all slots but one. With a share of 1
 * neither rule applies.
 *
 * <p>A slot is handed to a waiting {@link Ticket} when it frees up (not when the waiting thread wakes), so the
 * order is decided in one place, under this object's lock.
 */
final class AdmissionControl {

    /** One statement's place in its principal's queue, from {@link #enqueue} until it runs or gives up its place. */
    static final class Ticket {
        private final String principal;
        private boolean granted;
        private boolean done;

        private Ticket(String principal) {
            this.principal = principal;
        }

        String principal() {
            return principal;
        }
    }

    private final int maxRunning;
    private final int maxQueued;
    /** The most slots one principal holds while another principal waits. */
    private final int share;
    private int running;
    private int queued;
    private final Map<String, Integer> runningBy = new HashMap<>();
    private final Map<String, ArrayDeque<Ticket>> waitingBy = new HashMap<>();
    /** Principals with waiting statements, in the order they are served next. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();

    /** @param maxShare the share of the slots one principal may hold while others wait, in (0, 1] */
    AdmissionControl(int maxRunning, int maxQueued, double maxShare) {
        if (maxRunning < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("maxRunning >= 1 and maxQueued >= 0");
        }
        if (!(maxShare > 0 && maxShare <= 1)) {
            throw new IllegalArgumentException("statements.maxShareWhileOthersWait must be above 0 and at most 1");
        }
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
        this.share = Math.max(1, (int) Math.floor(maxRunning * maxShare));
    }

    /**
     * Takes a place in {@code principal}'s queue, or refuses with BUSY when the queue is full. The place may be
     * granted a slot at once (see {@link #granted}).
     */
    synchronized Ticket enqueue(String principal) {
        if (running + queued >= maxRunning + maxQueued) {
            throw new SluiceException(ErrorCode.BUSY,
                    "Sluice is busy: " + running + " statements running and " + queued + " queued; retry later");
        }
        Ticket ticket = new Ticket(principal);
        ArrayDeque<Ticket> waiting = waitingBy.computeIfAbsent(principal, ignored -> new ArrayDeque<>());
        if (waiting.isEmpty()) {
            turns.addLast(principal);
        }
        waiting.addLast(ticket);
        queued++;
        dispatch();
        return ticket;
    }

    /**
     * Waits until the ticket holds a running slot. Returns false without a slot when {@code abandoned} turns true
     * (cancel, timeout), in which case the place is given up (and a slot granted meanwhile given back).
     */
    synchronized boolean awaitSlot(Ticket ticket, BooleanSupplier abandoned) throws InterruptedException {
        boolean claimed = false;
        try {
            while (!ticket.granted) {
                if (abandoned.getAsBoolean()) {
                    return false;
                }
                wait(100);
            }
            if (abandoned.getAsBoolean()) {
                return false;
            }
            claimed = true;
            return true;
        } finally {
            if (!claimed) {
                leaveQueue(ticket);
            }
            ticket.done = true;
        }
    }

    /** Gives up a place taken by {@link #enqueue} (a statement that will not run), and any slot it was granted. */
    synchronized void leaveQueue(Ticket ticket) {
        if (ticket.done) {
            return;
        }
        ticket.done = true;
        if (ticket.granted) {
            release(ticket.principal);
            return;
        }
        ArrayDeque<Ticket> waiting = waitingBy.get(ticket.principal);
        if (waiting != null && waiting.remove(ticket)) {
            queued--;
            if (waiting.isEmpty()) {
                waitingBy.remove(ticket.principal);
                turns.remove(ticket.principal);
            }
        }
        dispatch();
        notifyAll();
    }

    /** Gives back a slot {@code principal}'s statement held. */
    synchronized void release(String principal) {
        running--;
        runningBy.computeIfPresent(principal, (ignored, count) -> count <= 1 ? null : count - 1);
        dispatch();
        notifyAll();
    }

    /** Wakes waiters so they notice cancellation promptly. */
    synchronized void wakeUp() {
        notifyAll();
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return queued;
    }

    /** Slots {@code principal}'s statements hold now. */
    synchronized int running(String principal) {
        return runningBy.getOrDefault(principal, 0);
    }

    /** True once the ticket holds a slot (it may not have noticed yet). */
    synchronized boolean granted(Ticket ticket) {
        return ticket.granted;
    }

    /**
     * Hands free slots to waiting statements: principals take turns, each one served goes to the back, and one
     * that may not take a slot now is passed over (its place in the turn kept) until a whole round grants nothing.
     */
    private void dispatch() {
        int passedOver = 0;
        boolean grantedAny = false;
        while (running < maxRunning && passedOver < turns.size()) {
            String principal = turns.pollFirst();
            if (!mayTakeSlot(principal)) {
                turns.addLast(principal);
                passedOver++;
                continue;
            }
            ArrayDeque<Ticket> waiting = waitingBy.get(principal);
            Ticket next = waiting.pollFirst();
            queued--;
            running++;
            runningBy.merge(principal, 1, Integer::sum);
            next.granted = true;
            grantedAny = true;
            if (waiting.isEmpty()) {
                waitingBy.remove(principal);
            } else {
                turns.addLast(principal);
            }
            passedOver = 0;
        }
        if (grantedAny) {
            notifyAll();
        }
    }

    /**
     * Whether {@code principal} (taken out of {@link #turns} for the question) may have a free slot: below its
     * share always; at or above it only when a slot stays free after and no waiting principal is below its share
     * (that one is served first, in its turn).
     */
    private boolean mayTakeSlot(String principal) {
        if (runningBy.getOrDefault(principal, 0) < share) {
            return true;
        }
        if (maxRunning - running < 2) {
            return false;
        }
        for (String other : turns) {
            if (runningBy.getOrDefault(other, 0) < share) {
                return false;
            }
        }
        return true;
    }
}
