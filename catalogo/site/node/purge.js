// Removes the rules of Bootstrap Italia's compiled CSS that no template, script or allowed
// Markdown tag uses (PurgeCSS). Reads {css, content: [{raw, extension}], safelist} as JSON on
// stdin and writes the purged CSS on stdout.
"use strict";
const { PurgeCSS } = require("purgecss");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const request = JSON.parse(input);
  const [result] = await new PurgeCSS().purge({
    css: [{ raw: request.css }],
    content: request.content,
    safelist: { standard: request.safelist.map((s) => new RegExp(s)) },
    fontFace: true,
    keyframes: true,
    variables: true,
  });
  process.stdout.write(result.css);
});
