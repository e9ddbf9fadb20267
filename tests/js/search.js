// Runs queries with real lunr.js + lunr-languages on a built index; prints JSON results.
// Usage: node search.js INDEX_JSON DOCUMENTS_JSON RICERCA_JS < queries (one per line)
"use strict";
const fs = require("fs");
const lunr = require("lunr");
require("lunr-languages/lunr.stemmer.support.js")(lunr);
require("lunr-languages/lunr.it.js")(lunr);
const [indexPath, docsPath, corePath] = process.argv.slice(2);
const settings = JSON.parse(fs.readFileSync(docsPath, "utf8"));
const core = require(corePath)(lunr, settings);
const index = lunr.Index.load(JSON.parse(fs.readFileSync(indexPath, "utf8")));
const queries = fs.readFileSync(0, "utf8").split("\n").filter((q) => q.length);
const out = {};
for (const q of queries) {
  out[q] = core.search(index, q).map((r) => [r.ref, r.score]);
}
process.stdout.write(JSON.stringify(out));
