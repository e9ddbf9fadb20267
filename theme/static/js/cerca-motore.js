/* Catalogo delle buone pratiche: the search engine of /pratiche/, run in a Web Worker by cerca.js.
 * Here, off the page's main thread: the documents file and the index shards are downloaded and
 * parsed, Lunr runs the query (ricerca.js), the facets filter and count, the results are sorted,
 * and the words the query matched are found in the titles and summaries shown. The page only
 * receives what it draws: one page of results, the total and the counts.
 *
 * Messages from the page:
 *   {tipo: "avvia", script: [lunr and ricerca.js URLs], documenti, indice, base, chiavi}
 *   {tipo: "carica", indice: true|false}  download what a search will need (the documents;
 *     the index manifest too)
 *   {tipo: "cerca", id, stato: {q, ordine, f}, da, a}  results da..a-1 of that state
 * Messages to the page:
 *   {tipo: "risultati", id, stato, da, totale, ordine, conQuery, conteggi, schede}
 *   {tipo: "errore", id}
 * Requests are answered in order, but one that a newer request overtakes while it waits for a
 * download is dropped: only what the visitor asked last is worth computing. */
(function () {
  "use strict";

  var settings = null;
  var keys = [];
  var data = null; // documents file: settings, facets and one record per practice
  var splitter = null; // the index's word separator, capturing, to mark words in place
  var core = null;
  var shards = null; // the sharded index: loads what each query needs
  var byRef = new Map(); // the documents by reference
  var loadingDocs = null;
  var loadingIndex = null;
  var asked = null; // the latest request not yet taken up
  var running = false;
  var last = null; // the last answer computed: {key, outcome, words}
  var searched = null; // the last query searched: {q, ranked}

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status + " per " + url);
      }
      return response.json();
    });
  }

  function loadDocuments() {
    if (!loadingDocs) {
      loadingDocs = fetchJSON(settings.documenti).then(function (json) {
        data = json;
        numberValues();
        splitter = new RegExp("(" + json.separatore + ")", "u");
        core = self.CatalogoRicerca(self.lunr, json);
        return json;
      });
      loadingDocs.catch(function () { loadingDocs = null; }); // a later request tries again
    }
    return loadingDocs;
  }

  /* The index manifest (a few kilobytes); the shards a query needs come later. */
  function loadIndex() {
    if (!loadingIndex) {
      var manifest = fetchJSON(settings.indice);
      loadingIndex = Promise.all([loadDocuments(), manifest]).then(function (results) {
        shards = core.shardedIndex(results[1], function (path) { return fetchJSON(settings.base + path); });
        return shards;
      });
      loadingIndex.catch(function () { loadingIndex = null; });
    }
    return loadingIndex;
  }

  /* ---- filtering ---- */

  /* Each facet value gets a number, and each document the numbers of its values, so that
   * filtering and counting 10,000 documents is a walk through integer arrays. Documents also
   * get their position (i) and are found by reference (byRef). */
  var valueIds = []; // per facet (its index in keys): value -> number
  var valueFacet = []; // number -> facet index
  var valueName = []; // number -> value

  function numberValues() {
    valueIds = keys.map(function () { return new Map(); });
    var docs = data.pratiche;
    var ids = [];
    for (var d = 0; d < docs.length; d++) {
      var doc = docs[d];
      doc.i = d;
      byRef.set(doc.ref, doc);
      ids.length = 0;
      for (var k = 0; k < keys.length; k++) {
        var values = doc.f[keys[k]] || [];
        for (var i = 0; i < values.length; i++) {
          var id = valueIds[k].get(values[i]);
          if (id === undefined) {
            id = valueFacet.length;
            valueIds[k].set(values[i], id);
            valueFacet.push(k);
            valueName.push(values[i]);
          }
          ids.push(id);
        }
      }
      doc.ids = Int32Array.from(ids);
    }
  }

  /* The results of a state, in order, with the facet counts. With a query, the documents are
   * walked in the order of the ranking, which is then the order of the results.
   * Disjunctive counts: each facet counts as if its own selection were empty, so a document
   * that fails one facet's selection still counts for that facet's values, one that fails two
   * counts nowhere. */
  function compute(state, ranked) {
    var terms = {};
    var docs = data.pratiche;
    if (ranked) {
      docs = ranked.map(function (r) {
        terms[r.ref] = r.terms;
        return byRef.get(r.ref);
      });
    }
    var chosen = new Uint8Array(valueFacet.length); // 1: a value the visitor selected
    var selected = []; // the facets with a selection
    keys.forEach(function (key, k) {
      var values = state.f[key] || [];
      if (values.length) {
        selected.push(k);
        values.forEach(function (value) {
          var id = valueIds[k].get(value);
          if (id !== undefined) {
            chosen[id] = 1;
          }
        });
      }
    });
    var passed = new Int32Array(keys.length); // facet -> the last document that had a chosen value in it
    var counts = new Int32Array(valueFacet.length);
    var results = [];
    for (var d = 0; d < docs.length; d++) {
      var doc = docs[d];
      var ids = doc.ids;
      var failures = 0;
      var failedFacet = -1;
      var i;
      if (selected.length) {
        for (i = 0; i < ids.length; i++) {
          if (chosen[ids[i]]) {
            passed[valueFacet[ids[i]]] = d + 1;
          }
        }
        for (i = 0; i < selected.length && failures < 2; i++) {
          if (passed[selected[i]] !== d + 1) {
            failures += 1;
            failedFacet = selected[i];
          }
        }
      }
      if (failures === 0) {
        results.push(doc);
        for (i = 0; i < ids.length; i++) {
          counts[ids[i]] += 1;
        }
      } else if (failures === 1) {
        for (i = 0; i < ids.length; i++) {
          if (valueFacet[ids[i]] === failedFacet) {
            counts[ids[i]] += 1;
          }
        }
      }
    }
    var byFacet = {};
    keys.forEach(function (key) { byFacet[key] = {}; });
    for (var id = 0; id < counts.length; id++) {
      if (counts[id]) {
        byFacet[keys[valueFacet[id]]][valueName[id]] = counts[id];
      }
    }
    var order = state.ordine || (ranked ? "pertinenza" : "titolo");
    if (order === "titolo" && ranked) {
      results.sort(function (a, b) { return a.i - b.i; });
    } else if (order === "data") {
      results.sort(function (a, b) { return a.d < b.d ? 1 : a.d > b.d ? -1 : a.i - b.i; });
    } // else: already in order, of relevance or (the documents file's) of title
    return { results: results, counts: byFacet, terms: terms, order: order, hasQuery: !!ranked };
  }

  /* ---- what the page draws ---- */

  /* A title or summary as [text, marked, text, marked, ..., text]: the words the query matched
   * at odd positions. A word can only match a term it starts with (Italian stems are prefixes of
   * their word), so only those are stemmed. */
  function highlight(text, terms, words) {
    if (!terms.length) {
      return [text];
    }
    var wanted = new Set(terms);
    var prefixes = words.filter(function (w) { return w.length >= data.prefissoMinimo; }).map(core.fold);
    var starts = Array.from(wanted).concat(prefixes);
    var out = [""];
    text.split(splitter).forEach(function (part, i) {
      var hit = false;
      if (i % 2 === 0 && part) {
        var lower = part.toLowerCase();
        var loose = core.fold(lower);
        if (starts.some(function (t) { return lower.indexOf(t) !== -1 || loose.indexOf(t) !== -1; })) {
          var word = core.stems(part);
          hit = word.stems.some(function (s) { return wanted.has(s); }) ||
            prefixes.some(function (p) { return word.folded.indexOf(p) === 0; });
        }
      }
      if (hit) {
        out.push(part, "");
      } else {
        out[out.length - 1] += part;
      }
    });
    return out;
  }

  function card(doc, terms, words) {
    return { u: doc.u, t: highlight(doc.t, terms, words), s: highlight(doc.s, terms, words), terr: doc.terr,
             area: doc.area };
  }

  function answer(message, key, ranked) {
    var state = message.stato;
    if (!last || last.key !== key) {
      last = { key: key, outcome: compute(state, ranked), words: core.queryWords(state.q) };
    }
    var outcome = last.outcome;
    var words = outcome.hasQuery ? last.words : [];
    self.postMessage({
      tipo: "risultati",
      id: message.id,
      stato: state,
      da: message.da,
      totale: outcome.results.length,
      ordine: outcome.order,
      conQuery: outcome.hasQuery,
      conteggi: message.da ? null : outcome.counts,
      schede: outcome.results.slice(message.da, message.a).map(function (doc) {
        return card(doc, outcome.terms[doc.ref] || [], words);
      })
    });
  }

  function next() {
    var message = asked;
    asked = null;
    running = !!message;
    if (!message) {
      return;
    }
    var q = message.stato.q;
    var key = JSON.stringify(message.stato);
    loadDocuments().then(function () {
      if (asked || !core.queryWords(q).length || (last && last.key === key)) {
        return null;
      }
      if (searched && searched.q === q) {
        return searched.ranked; // only the filters or the order changed
      }
      return loadIndex().then(function () {
        return asked ? null : shards.prepare(q);
      }).then(function () {
        return asked ? null : core.search(shards, q);
      }).then(function (ranked) {
        if (ranked) {
          searched = { q: q, ranked: ranked };
        }
        return ranked;
      });
    }).then(function (ranked) {
      if (!asked) { // else a newer request came while this one waited: that one is answered
        answer(message, key, ranked);
      }
    }).catch(function (error) {
      self.postMessage({ tipo: "errore", id: message.id, messaggio: String(error) });
    }).then(next);
  }

  self.onmessage = function (event) {
    var message = event.data;
    if (message.tipo === "avvia") {
      settings = message;
      keys = message.chiavi;
      self.importScripts.apply(self, message.script);
    } else if (message.tipo === "carica") {
      (message.indice ? loadIndex() : loadDocuments()).catch(function () {});
    } else if (message.tipo === "cerca") {
      asked = message;
      if (!running) {
        next();
      }
    }
  };
})();
