package io.sluice.core.statement;

/** An admission slot given back exactly once, whichever path ends the statement. */
final class SlotRelease {
    private final AdmissionControl admission;
    private final String principal;
    private boolean held;

    SlotRelease(AdmissionControl admission, String principal) {
        this.admission = admission;
        this.principal = principal;
    }

    void taken() {
        held = true;
    }

    void release() {
        if (held) {
            held = false;
            admission.release(principal);
        }
    }
}
