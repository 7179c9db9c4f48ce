package io.sluice.cli;

import picocli.CommandLine;

/** Entry point of the standalone client jar (target/sluice-cli.jar): {@code java -jar sluice-cli.jar -e "SELECT 1"}. */
public final class SqlMain {

    private SqlMain() {
    }

    public static void main(String[] args) {
        System.exit(run("sluice-sql", args));
    }

    /** Runs the client as {@code name} (how its help names it) and answers its exit status. */
    public static int run(String name, String[] args) {
        return new CommandLine(new SqlCommand()).setCommandName(name).execute(args);
    }
}
