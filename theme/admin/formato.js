/* The file format of the web editor: what Decap CMS reads from and writes to content/*.md.
 *
 * Keys go in the contract's order (the shapes come from schema.py through the page's data), empty
 * optional keys are left out, a sentence result is written as a plain string, dates as YAML dates;
 * YAML 1.1 quoting, so values such as "no" or "1.10" stay text for PyYAML. A module of its own, with
 * no browser globals, so the tests run it in Node on the real files.
 */
import { parse, stringify } from "../vendor/yaml/index.js";

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function isEmpty(value) {
  return value === null || value === undefined || value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) && Object.keys(value).length === 0);
}

export function asDate(value) {
  const m = typeof value === "string" && /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : value;
}

/* "120" -> 120 and "2,5" -> 2.5; "1.500" stays text (a thousands separator, or a version?). */
function asNumber(value) {
  const text = typeof value === "string" ? value.trim() : "";
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?\d+,\d+$/.test(text)) return Number(text.replace(",", "."));
  return value;
}

/* A value of the form, ordered and pruned by its shape: {keys: [...], children: {...}, kind}. */
export function toFile(value, shape) {
  if (Array.isArray(value)) {
    const items = value.map((item) => toFile(item, shape)).filter((item) => !isEmpty(item));
    return items;
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    if (shape && shape.kind === "risultato") {
      if (value.tipo === "testo") return typeof value.testo === "string" ? value.testo.trim() : value.testo;
      const { tipo, ...measure } = value;
      measure.valore = asNumber(measure.valore);
      return toFile(measure, shape.misura);
    }
    const out = {};
    const keys = shape ? shape.keys.filter((k) => k in value) : Object.keys(value);
    for (const key of [...keys, ...Object.keys(value).filter((k) => !keys.includes(k))]) {
      const child = shape && shape.children ? shape.children[key] : undefined;
      let item = toFile(value[key], child);
      if (child && child.kind === "date") item = asDate(item);
      if (child && child.kind === "integer") item = Array.isArray(item) ? item.map(asNumber) : asNumber(item);
      if (!isEmpty(item)) out[key] = item;
    }
    return out;
  }
  return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : value;
}

function fromFileValue(value, shape) {
  if (Array.isArray(value)) return value.map((item) => fromFileValue(item, shape));
  if (shape && shape.kind === "risultato") {
    return typeof value === "string" ? { tipo: "testo", testo: value } : { tipo: "misura", ...value };
  }
  if (value && typeof value === "object" && shape && shape.children) {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = fromFileValue(item, shape.children[key]);
    return out;
  }
  return value;
}

/* The Decap formatter of one collection, given its shape. */
export function formatFor(shape) {
  return {
    fromFile(text) {
      const match = FRONT_MATTER.exec(text);
      const front = match ? parse(match[1]) || {} : {};
      const body = match ? text.slice(match[0].length) : text;
      return { ...fromFileValue(front, shape), body };
    },
    toFile(value) {
      const plain = value && typeof value.toJS === "function" ? value.toJS() : value;
      const { body = "", ...front } = plain || {};
      const yaml = stringify(toFile(front, shape), { version: "1.1", lineWidth: 0 });
      const text = String(body).replace(/\r\n?/g, "\n").replace(/^\n+/, "");
      return `---\n${yaml}---\n${text.endsWith("\n") || !text ? text : `${text}\n`}`;
    },
  };
}

/* One format per collection ('<name>-pratiche', '<name>-festival'): the collection says the shape. */
export function registerFormats(CMS, name, shapes) {
  for (const [collection, shape] of Object.entries(shapes)) {
    CMS.registerCustomFormat(`${name}-${collection}`, "md", formatFor(shape));
  }
}
