package io.sluice.core.auth;

import java.util.Objects;

/** Who is asking. {@code id} is stable and owns statements; {@code admin} may see and manage everything. */
public record Principal(String id, String name, boolean admin) {
    public Principal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
