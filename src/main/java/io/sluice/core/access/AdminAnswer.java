package io.sluice.core.access;

import java.util.List;

/** What an admin statement answers: text columns and rows, shown as a result like any statement's. */
public record AdminAnswer(List<String> columns, List<List<String>> rows) {

    public AdminAnswer {
        columns = List.copyOf(columns);
        rows = rows.stream().map(row -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(row))).toList();
    }

    static AdminAnswer status(String message) {
        return new AdminAnswer(List.of("status"), List.of(List.of(message)));
    }
}
