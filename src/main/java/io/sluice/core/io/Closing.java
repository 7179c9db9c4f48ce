package io.sluice.core.io;

import java.util.function.Consumer;

/** Closing what is being let go anyway, where a failure to close leaves the caller nothing to do. */
public final class Closing {

    private Closing() {
    }

    /** Closes {@code resource} (nothing for null) and ignores a failure: native handles being released, say. */
    public static void quietly(AutoCloseable resource) {
        quietly(resource, failure -> { });
    }

    /** Closes {@code resource} (nothing for null) and hands a failure to {@code onFailure}, to log it. */
    public static void quietly(AutoCloseable resource, Consumer<Exception> onFailure) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            onFailure.accept(e);
        }
    }
}
