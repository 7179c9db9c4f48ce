package io.sluice.core.streams;

import java.util.List;

/** A running query: a persistent one feeding {@code sinks}, or a transient push query. */
public record QueryInfo(String id, boolean persistent, String statement, String source, List<String> sinks, String state) {
}
