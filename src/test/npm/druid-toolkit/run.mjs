// Runs one scenario of this suite (see ../shared/scenario-runner.mjs).
import { scenarios } from "./scenarios.mjs";
import { runScenarios } from "../shared/scenario-runner.mjs";

runScenarios(scenarios);
