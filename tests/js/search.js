// Runs queries with real lunr.js + lunr-languages on a built site's index; prints JSON results.
// Usage: node search.js SITE_DIR DOCUMENTS RICERCA_JS (--intero INDEX_JSON | --frammenti MANIFEST) < queries
// --intero loads a whole lunr index with lunr.Index.load (the reference); --frammenti goes through
// ricerca.js's sharded loader, reading shard files from SITE_DIR, and reports how many it loaded.
"use strict";
const fs = require("fs");
const path = require("path");
const lunr = require("lunr");
require("lunr-languages/lunr.stemmer.support.js")(lunr);
require("lunr-languages/lunr.it.js")(lunr);
const [siteDir, docsPath, corePath, mode, indexPath] = process.argv.slice(2);
const settings = JSON.parse(fs.readFileSync(docsPath, "utf8"));
const core = require(corePath)(lunr, settings);
const queries = fs.readFileSync(0, "utf8").split("\n").filter((q) => q.length);
const readJSON = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

async function main() {
  const out = {};
  if (mode === "--intero") {
    const index = lunr.Index.load(readJSON(indexPath));
    for (const q of queries) {
      out[q] = core.search(index, q).map((r) => [r.ref, r.score]);
    }
  } else {
    const manifest = readJSON(indexPath);
    for (const q of queries) {
      // A fresh loader per query: each one proves it gets by with its own shards.
      const sharded = core.shardedIndex(manifest, (p) => Promise.resolve(readJSON(path.join(siteDir, p))));
      const index = await sharded.prepare(q);
      out[q] = { risultati: core.search(index, q).map((r) => [r.ref, r.score]), frammenti: sharded.loadedCount() };
    }
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((error) => { process.stderr.write(String(error.stack || error)); process.exit(1); });
