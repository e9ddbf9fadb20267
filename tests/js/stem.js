// Stems every line of standard input with lunr-languages' Italian stemmer (the browser's).
"use strict";
const lunr = require("lunr");
require("lunr-languages/lunr.stemmer.support.js")(lunr);
require("lunr-languages/lunr.it.js")(lunr);
const words = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
process.stdout.write(words.map((w) => lunr.it.stemmer(new lunr.Token(w)).toString()).join("\n") + "\n");
