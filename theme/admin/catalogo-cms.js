/* The web editor's own code (Decap CMS at /admin/): the file format and the practice preview.
 *
 * Format: the files Decap writes must be ones `python build.py check` accepts and that read well
 * in a pull request's diff. Keys go in the contract's order (the shapes come from schema.py
 * through the page's data), empty optional keys are left out, a sentence result is written as a
 * plain string, dates as YAML dates; YAML 1.1 quoting, so values such as "no" or "1.10" stay
 * text for PyYAML.
 *
 * Preview: the practice is rendered by the theme's own template (practice_content.html, with
 * nunjucks, which reads Jinja's syntax) and the site's own CSS, so the preview has the page's
 * sections in the page's order. The body's Markdown goes through marked and DOMPurify with the
 * site's allow-list.
 */
import { parse, stringify } from "./vendor/yaml/index.js";

const data = JSON.parse(document.getElementById("catalogo-dati").textContent);
const CMS = window.CMS;

// ---- file format ----

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function isEmpty(value) {
  return value === null || value === undefined || value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) && Object.keys(value).length === 0);
}

function asDate(value) {
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
function toFile(value, shape) {
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

function fromFile(value, shape) {
  if (Array.isArray(value)) return value.map((item) => fromFile(item, shape));
  if (shape && shape.kind === "risultato") {
    return typeof value === "string" ? { tipo: "testo", testo: value } : { tipo: "misura", ...value };
  }
  if (value && typeof value === "object" && shape && shape.children) {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = fromFile(item, shape.children[key]);
    return out;
  }
  return value;
}

function shapeOf(collection) {
  return data.forme[collection];
}

function formatFor(collection) {
  const shape = shapeOf(collection);
  return {
    fromFile(text) {
      const match = FRONT_MATTER.exec(text);
      const front = match ? parse(match[1]) || {} : {};
      const body = match ? text.slice(match[0].length) : text;
      return { ...fromFile(front, shape), body };
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

// One format serves both collections: each file's shape is found from its keys.
CMS.registerCustomFormat(data.formato, "md", {
  fromFile(text) {
    const match = FRONT_MATTER.exec(text);
    const front = match ? parse(match[1]) || {} : {};
    return formatFor("edizione" in front ? "festival" : "pratiche").fromFile(text);
  },
  toFile(value) {
    const plain = value && typeof value.toJS === "function" ? value.toJS() : value;
    return formatFor(plain && "edizione" in plain ? "festival" : "pratiche").toFile(plain);
  },
});

// ---- preview ----

const MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
  "settembre", "ottobre", "novembre", "dicembre"];

function italianDate(value) {
  const d = asDate(typeof value === "string" ? value : value instanceof Date ? value.toISOString() : "");
  if (!(d instanceof Date)) return String(value || "");
  const day = d.getUTCDate() === 1 ? "1º" : String(d.getUTCDate());
  return `${day} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function italianNumber(value) {
  const whole = Math.trunc(value);
  let text = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  if (value !== whole) text += "," + value.toFixed(2).split(".")[1];
  return text;
}

function url(path = "") {
  return data.base + String(path).replace(/^\/+/, "");
}

const loader = new (window.nunjucks.Loader.extend({
  getSource(name) {
    return { src: data.modelli[name], path: name, noCache: false };
  },
}))();
const env = new window.nunjucks.Environment(loader, { autoescape: true, trimBlocks: true, lstripBlocks: true });
env.addFilter("data_it", italianDate);
env.addFilter("numero_it", italianNumber);
env.addTest("none", (value) => value === null || value === undefined);
env.addGlobal("url", url);
env.addGlobal("territory_url", (t) => url(`territori/${t.slug}/`));
env.addGlobal("area_url", (slug) => url(`aree/${slug}/`));
env.addGlobal("practice_url", (p) => url(`pratiche/${p.slug}/`));
env.addGlobal("festival_url", (year) => url(`festival/${year}/`));
env.addGlobal("label", (vocabulary, slug) => {
  const term = (data.vocabolari[vocabulary] || {})[slug];
  return term ? term.etichetta : slug;
});
env.addGlobal("site", { vocabularies: data.vocabolari });

function territory(name) {
  if (!name) return null;
  const key = String(name).replace(/^ambito( territoriale sociale)?( di)? /i, "");
  if (/^ambito/i.test(name)) return data.territori.ambiti[key] || null;
  return data.territori.comuni[name] || data.territori.ambiti[key] || null;
}

/* Python's truth: an empty list is false in Jinja, true in JavaScript. */
function jinjaValues(value) {
  if (Array.isArray(value)) return value.length ? value.map(jinjaValues) : null;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = jinjaValues(item);
    return out;
  }
  return value;
}

function bodyHtml(markdown) {
  const raw = window.marked.parse(String(markdown || ""), { gfm: true, async: false });
  // The page's title is the h1: the body's headings start at h2 (markup.py does the same).
  const shifted = raw.replace(/<(\/?)h([1-5])(?=[\s>])/g, (_, slash, level) => `<${slash}h${+level + 1}`);
  return window.DOMPurify.sanitize(shifted, { ALLOWED_TAGS: data.html.tag, ALLOWED_ATTR: data.html.attributi });
}

export function practiceRecord(entry, slug) {
  const d = jinjaValues(toFile(entry, shapeOf("pratiche")));
  const comune = d.comune ? data.territori.comuni[d.comune] || null : null;
  const ambito = d.ambito ? territory(`Ambito di ${d.ambito}`) : comune ? data.territori.ambiti[comune.ambito] : null;
  const place = comune || ambito;
  const today = new Date().toISOString().slice(0, 10);
  return {
    slug: slug || "anteprima",
    titolo: d.titolo || "",
    data: { ...d, pubblicata: d.pubblicata || today },
    comune,
    ambito: ambito || { slug: "", denominazione: "(Ambito da indicare)" },
    ambito_verificato: comune ? comune.verificata : true,
    provincia: place ? data.territori.province[place.provincia] : { slug: "", denominazione: "(provincia)" },
    repliche: (d.repliche || []).map((r) => ({ replica: r, territorio: territory(r.territorio) }))
      .filter((r) => r.territorio !== null),
    aggiornata: d.pubblicata || today,
    body_html: bodyHtml(entry.body),
  };
}

export function renderPractice(entry, slug) {
  const p = practiceRecord(entry, slug);
  return env.renderString('{% from "practice_content.html" import practice_article %}{{ practice_article(p) }}', { p });
}

const PracticePreview = window.createClass({
  render() {
    const entry = this.props.entry;
    const values = entry.get("data").toJS();
    let html;
    try {
      html = renderPractice(values, entry.get("slug"));
    } catch (error) {
      html = `<p class="anteprima-errore">Anteprima non disponibile finché la scheda è incompleta (${
        window.DOMPurify.sanitize(String(error.message || error), { ALLOWED_TAGS: [] })}).</p>`;
    }
    return window.h("main", { className: "container anteprima", dangerouslySetInnerHTML: { __html: html } });
  },
});

for (const href of data.stili) CMS.registerPreviewStyle(href);
CMS.registerPreviewTemplate("pratiche", PracticePreview);
CMS.init();
