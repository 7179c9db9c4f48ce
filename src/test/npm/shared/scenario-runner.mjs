// How every conformance suite runs: `node run.mjs --list` prints the scenario names, one a line; `node run.mjs "<name>"`
// runs that scenario and exits 0 when it passes, 1 with the reason when it fails (an uncaught exception in the client
// included). Plain Node, no packages: the suites import it by relative path (this folder has no package of its own).
export function runScenarios(scenarios, argv = process.argv.slice(2)) {
    const [name] = argv;
    if (name === "--list") {
        console.log(Object.keys(scenarios).join("\n"));
        process.exit(0);
    }
    const scenario = scenarios[name];
    if (!scenario) {
        console.error(`no scenario named ${JSON.stringify(name)}`);
        process.exit(2);
    }
    function fail(reason) {
        console.error(reason?.stack ?? String(reason));
        process.exit(1);
    }
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    // A scenario that waits forever (a row that never comes, a stream that never ends) fails rather than hangs.
    setTimeout(() => fail(new Error(`scenario did not finish within 60 s: ${name}`)), 60_000).unref();
    scenario().then(() => process.exit(0), fail);
}
