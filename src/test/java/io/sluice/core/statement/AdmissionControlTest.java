package io.sluice.core.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.error.ErrorCode;
import io.sluice.core.error.SluiceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fair queue: principals take turns for free slots, and none holds more than its share while another waits. */
class AdmissionControlTest {

    @Test
    void aPrincipalAloneMayUseAllSlotsButOne() {
        AdmissionControl admission = new AdmissionControl(8, 100, 0.5);
        List<AdmissionControl.Ticket> flood = enqueue(admission, "ann", 10);

        assertThat(admission.running("ann")).isEqualTo(7);
        assertThat(granted(admission, flood)).isEqualTo(7);
        assertThat(admission.queued()).isEqualTo(3);

        // The slot kept free goes to another principal's statement at once.
        AdmissionControl.Ticket bob = admission.enqueue("bob");
        assertThat(admission.granted(bob)).isTrue();
        assertThat(admission.running()).isEqualTo(8);
    }

    @Test
    void noPrincipalIsGrantedMoreThanItsShareWhileAnotherWaits() {
        AdmissionControl admission = new AdmissionControl(8, 100, 0.5);
        enqueue(admission, "ann", 10);
        List<AdmissionControl.Ticket> bob = enqueue(admission, "bob", 6);
        assertThat(granted(admission, bob)).isEqualTo(1);

        // Every slot ann gives back goes to bob until bob holds his share (4 of 8); ann is passed over meanwhile.
        for (int bobHolds = 2; bobHolds <= 4; bobHolds++) {
            admission.release("ann");
            assertThat(admission.running("bob")).isEqualTo(bobHolds);
        }
        assertThat(admission.running("ann")).isEqualTo(4);
        // Both at their share and both waiting: the turns alternate, and neither goes past the share while the other waits.
        admission.release("ann");
        assertThat(admission.running("ann")).isEqualTo(4);
        admission.release("bob");
        assertThat(admission.running("bob")).isEqualTo(4);
        assertThat(admission.running()).isEqualTo(8);
    }

    @Test
    void freeSlotsGoRoundRobinBetweenPrincipalsNotFirstComeFirstServed() {
        AdmissionControl admission = new AdmissionControl(1, 100, 0.5);
        AdmissionControl.Ticket holder = admission.enqueue("xavier");
        assertThat(admission.granted(holder)).isTrue();
        Map<String, List<AdmissionControl.Ticket>> waiting = new LinkedHashMap<>();
        waiting.put("ann", enqueue(admission, "ann", 3));
        waiting.put("bob", enqueue(admission, "bob", 2));
        waiting.put("carl", enqueue(admission, "carl", 2));

        List<String> order = new ArrayList<>();
        String current = "xavier";
        for (int step = 0; step < 7; step++) {
            admission.release(current);
            current = null;
            for (Map.Entry<String, List<AdmissionControl.Ticket>> entry : waiting.entrySet()) {
                AdmissionControl.Ticket head = entry.getValue().isEmpty() ? null : entry.getValue().getFirst();
                if (head != null && admission.granted(head)) {
                    entry.getValue().removeFirst();
                    current = entry.getKey();
                }
            }
            assertThat(current).as("a waiting statement got the freed slot").isNotNull();
            order.add(current);
        }
        assertThat(order).containsExactly("ann", "bob", "carl", "ann", "bob", "carl", "ann");
    }

    @Test
    void slotsAreNotLeftIdleWhenEveryWaitingPrincipalHasItsShare() {
        // A share of a quarter: two slots each. Two principals waiting with their share still use the slots left,
        // evenly, but for the one kept free.
        AdmissionControl admission = new AdmissionControl(8, 100, 0.25);
        enqueue(admission, "xavier", 7);
        enqueue(admission, "ann", 6);
        enqueue(admission, "bob", 6);
        assertThat(admission.running("xavier")).isEqualTo(7);
        for (int index = 0; index < 7; index++) {
            admission.release("xavier");
        }
        assertThat(admission.running()).isEqualTo(7);
        assertThat(Math.abs(admission.running("ann") - admission.running("bob"))).isLessThanOrEqualTo(1);
    }

    @Test
    void withAShareOfOneAPrincipalAloneTakesEverySlot() {
        AdmissionControl admission = new AdmissionControl(4, 10, 1.0);
        assertThat(granted(admission, enqueue(admission, "ann", 5))).isEqualTo(4);
    }

    @Test
    void pastTheQueueSubmissionsAreRefusedAsBusy() {
        AdmissionControl admission = new AdmissionControl(1, 1, 0.5);
        admission.enqueue("ann");
        admission.enqueue("bob");
        assertThatThrownBy(() -> admission.enqueue("carl")).isInstanceOfSatisfying(SluiceException.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.BUSY));
    }

    @Test
    void aStatementThatGivesUpItsPlaceLetsTheNextOneRun() throws InterruptedException {
        AdmissionControl admission = new AdmissionControl(1, 10, 0.5);
        AdmissionControl.Ticket running = admission.enqueue("ann");
        AdmissionControl.Ticket cancelled = admission.enqueue("bob");
        AdmissionControl.Ticket next = admission.enqueue("carl");
        assertThat(admission.awaitSlot(running, () -> false)).isTrue();

        assertThat(admission.awaitSlot(cancelled, () -> true)).isFalse();
        assertThat(admission.queued()).isEqualTo(1);
        // A slot granted to a statement that then leaves is handed on, not lost.
        admission.release("ann");
        assertThat(admission.granted(next)).isTrue();
        admission.leaveQueue(next);
        assertThat(admission.running()).isZero();
        assertThat(admission.queued()).isZero();
    }

    private static List<AdmissionControl.Ticket> enqueue(AdmissionControl admission, String principal, int count) {
        List<AdmissionControl.Ticket> tickets = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            tickets.add(admission.enqueue(principal));
        }
        return tickets;
    }

    private static long granted(AdmissionControl admission, List<AdmissionControl.Ticket> tickets) {
        return tickets.stream().filter(admission::granted).count();
    }
}
