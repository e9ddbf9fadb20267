// Runs the web editor's file format (theme/admin/formato.js, copied beside its vendor/ folder) on the
// cases read from standard input: {shapes, cases: [{collection, file: text} | {collection, value: {...}}]},
// each through the format the web editor registers for its collection.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { registerFormats } = await import(pathToFileURL(process.argv[2]).href);
const { shapes, cases } = JSON.parse(readFileSync(0, "utf8"));
const formats = {};
registerFormats({ registerCustomFormat: (name, _extension, format) => { formats[name] = format; } }, "f", shapes);
const out = cases.map((c) => {
  const format = formats[`f-${c.collection}`];
  if ("file" in c) {
    const value = format.fromFile(c.file);
    return { value, text: format.toFile(value) };
  }
  return { text: format.toFile(c.value) };
});
process.stdout.write(JSON.stringify(out));
