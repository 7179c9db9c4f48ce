package io.sluice.cli;

import picocli.CommandLine;

/** Entry point of the standalone client jar (target/sluice-cli.jar): {@code java -jar sluice-cli.jar -e "SELECT 1"}. */
public final class SqlMain {

    private SqlMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SqlCommand()).setCommandName("sluice-sql").execute(args));
    }
}
