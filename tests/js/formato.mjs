// Runs the web editor's file format (theme/admin/formato.js, copied beside its vendor/ folder) on the
// cases read from standard input: {shapes, cases: [{file: text} | {value: {...}}]}.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { catalogueFormat } = await import(pathToFileURL(process.argv[2]).href);
const { shapes, cases } = JSON.parse(readFileSync(0, "utf8"));
const format = catalogueFormat(shapes);
const out = cases.map((c) => {
  if ("file" in c) {
    const value = format.fromFile(c.file);
    return { value, text: format.toFile(value) };
  }
  return { text: format.toFile(c.value) };
});
process.stdout.write(JSON.stringify(out));
