package io.sluice.cli;

/** How the client prints results: an aligned table for people, or the server's own CSV, NDJSON or JSON bytes. */
enum OutputFormat {
    TABLE(null), CSV("csv"), NDJSON("ndjson"), JSON("json");

    private final String serverFormat;

    OutputFormat(String serverFormat) {
        this.serverFormat = serverFormat;
    }

    /** The native API's format name the bytes are asked for in, or null when the client lays out a table itself. */
    String serverFormat() {
        return serverFormat;
    }
}
