// The e2e harness's result format for mocha (the cluster suite, e2e/cluster/): one line per
// check, "PASS: <suite>: <test>" or "FAIL: <suite>: <test>" followed by the failure's message
// indented, and the closing "N passed, N failed" line that test/reporter.js and run.sh print.
// With E2E_RESULTS set (run.sh exports it) each result is also appended to that file as
// "PASS ..."/"FAIL ..." exactly like e2e/lib.sh's e2e_pass/e2e_fail, so run.sh counts
// the suite's checks with its own and a failing check fails the e2e run.
const fs = require("fs");
const Mocha = require("mocha");
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_RUN_END } = Mocha.Runner.constants;

class HarnessReporter extends Mocha.reporters.Base {
    constructor(runner, options) {
        super(runner, options);
        const results = process.env.E2E_RESULTS;
        const record = (status, name) => {
            process.stdout.write(`${status}: ${name}\n`);
            if (results) fs.appendFileSync(results, `${status} ${name}\n`);
        };
        // "deploy: namespace ray-e2e enforces ..." from describe("deploy") + it("namespace ...")
        const name = (test) => test.titlePath().join(": ");
        runner.on(EVENT_TEST_PASS, (test) => record("PASS", name(test)));
        runner.on(EVENT_TEST_FAIL, (test, err) => {
            record("FAIL", name(test));
            const msg = String(err?.message ?? err)
                .trim()
                .split("\n")
                .slice(0, 15);
            process.stdout.write(msg.map((l) => `    ${l}\n`).join(""));
        });
        runner.once(EVENT_RUN_END, () => {
            const s = this.stats;
            process.stdout.write(`${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ""}\n`);
        });
    }
}

module.exports = HarnessReporter;
