/* The web editor's own code (Decap CMS at /admin/): it registers the file format (formato.js) and
 * the practice preview, then starts the editor.
 *
 * Preview: the practice is rendered by the theme's own template (practice_content.html, with
 * nunjucks, which reads Jinja's syntax) and the site's own CSS, so the preview has the page's
 * sections in the page's order. The body's Markdown goes through marked and DOMPurify with the
 * site's allow-list.
 */
import { asDate, registerFormats, toFile } from "./formato.js";

const data = JSON.parse(document.getElementById("catalogo-dati").textContent);
const CMS = window.CMS;

registerFormats(CMS, data.formato, data.forme);

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
// The interest form, filled in with the practice (render.interest_url builds the same address).
env.addGlobal("interest_url", (p) => {
  if (!data.modulo_interesse) return null;
  const query = new URLSearchParams({ pratica: p.slug, title: `Interesse a replicare: ${p.titolo}` });
  return `${data.modulo_interesse}&${query}`;
});

/* A key of the contract the template does not place by name, as (text, link) pairs: the page's
 * generic facts (site/facts.py makes the same for the built page). */
function factTexts(key, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return [];
  if (key.many && Array.isArray(value)) return value.flatMap((item) => factTexts({ ...key, many: false }, item));
  if (key.kind === "group") {
    return key.children.flatMap((child) =>
      factTexts(child, value[child.name]).map(([text, link]) => [`${child.label}: ${text}`, link]));
  }
  if (key.vocabulary) {
    const term = (data.vocabolari[key.vocabulary] || {})[value];
    return [[term ? term.etichetta : String(value), null]];
  }
  if (key.kind === "url") return [[String(value), String(value)]];
  if (key.kind === "email") return [[String(value), `mailto:${value}`]];
  if (typeof value === "boolean") return [[value ? "sì" : "no", null]];
  if (key.kind === "date") return [[italianDate(value), null]];
  if ((key.kind === "number" || key.kind === "mixed") && typeof value === "number") {
    return [[italianNumber(value), null]];
  }
  return [[String(value), null]];
}
env.addGlobal("other_facts", (p) => data.altre_chiavi
  .map((key) => ({ label: key.label, values: factTexts(key, p.data[key.name]) }))
  .filter((fact) => fact.values.length));

// The links that leave the page (an e-mail, a correction, a report) are the built page's; the
// preview shows the practice's facts.
env.addGlobal("interest_mail", () => null);
env.addGlobal("correction_url", () => null);
env.addGlobal("error_report_url", () => null);
env.addGlobal("page_address", (p) => p.slug);

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
  const d = jinjaValues(toFile(entry, data.forme.pratiche));
  const comune = d.comune ? data.territori.comuni[d.comune] || null : null;
  const ambito = data.territori.ambiti[d.ambito || (comune && comune.ambito)] || null;
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
    repliche: jinjaValues((d.repliche || []).map((r) => ({ replica: r, territorio: territory(r.territorio) }))
      .filter((r) => r.territorio !== null)),
    aggiornata: d.pubblicata || today,
    body_html: bodyHtml(entry.body),
  };
}

export function renderPractice(entry, slug) {
  const p = practiceRecord(entry, slug);
  // No related practices: they are computed over the whole catalogue at build time.
  return env.renderString('{% from "practice_content.html" import practice_article %}' +
    "{{ practice_article(p, related) }}", { p, related: null });
}

/* The preview's frame is a document of Decap's: give it the page's language and a title. */
function labelFrame(element, title) {
  if (!element) return;
  const doc = element.ownerDocument;
  doc.documentElement.lang = "it";
  doc.title = `Anteprima: ${title || "nuova pratica"}`;
  const frame = doc.defaultView && doc.defaultView.frameElement;
  if (frame) frame.title = "Anteprima della scheda";
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
    const title = values.titolo;
    return window.h("main", {
      className: "container anteprima", ref: (element) => labelFrame(element, title),
      dangerouslySetInnerHTML: { __html: html },
    });
  },
});

// Decap's media library commits uploads straight to the main branch, past the pull request; the
// catalogue's bodies take no images, so its button (no stable attribute to style it by) is removed.
new MutationObserver(() => {
  for (const button of document.querySelectorAll("header button")) {
    if (button.textContent.trim() === "Media") button.remove();
  }
}).observe(document.body, { childList: true, subtree: true });

for (const href of data.stili) CMS.registerPreviewStyle(href);
CMS.registerPreviewTemplate("pratiche", PracticePreview);
CMS.init();
