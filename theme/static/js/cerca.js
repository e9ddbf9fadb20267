/* Catalogo delle buone pratiche: instant search and facets on /pratiche/.
 * Progressive enhancement: without this file the page lists every practice and links to the
 * static facet pages. Plain JavaScript, no inline code, nothing global but CatalogoRicerca. */
(function () {
  "use strict";

  var form = document.getElementById("ricerca");
  var filters = document.getElementById("filtri");
  var serverList = document.getElementById("risultati");
  var pager = document.getElementById("pagine");
  if (!form || !filters || !serverList || !window.lunr || !window.CatalogoRicerca) {
    return;
  }

  var PAGE = 10;
  var DEBOUNCE_MS = 60;
  var input = document.getElementById("q");
  var status = document.getElementById("conteggio");
  var sortSelect = document.getElementById("ordine");
  var moreButton = document.getElementById("altri");
  var moreBox = moreButton.parentNode;
  var base = form.getAttribute("data-base");
  var boxes = Array.prototype.map.call(filters.querySelectorAll("input[type=checkbox]"), function (box) {
    return { box: box, count: box.parentNode.querySelector("[data-conteggio]") };
  });
  var keys = Array.prototype.map.call(filters.querySelectorAll("fieldset[data-faccetta]"), function (f) {
    return f.getAttribute("data-faccetta");
  });

  var data = null; // documents file: settings, facets and one record per practice
  var splitter = null; // the index's word separator, capturing, to highlight words in place
  var core = null;
  var shards = null; // the sharded index: loads what each query needs
  var index = null; // a lunr.Index over the shards loaded so far
  var loadingDocs = null;
  var loadingIndex = null;
  var shown = PAGE;
  var timer = null;
  var active = false; // false while the server-rendered list is still what the visitor sees
  // Results go in a list of their own: hiding the server-rendered one (every practice) is far
  // cheaper than removing its nodes at the first keystroke.
  var list = document.createElement("ul");
  list.className = serverList.className;
  list.id = "risultati-ricerca";
  list.hidden = true;
  serverList.parentNode.insertBefore(list, serverList.nextSibling);

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
      loadingDocs = fetchJSON(form.getAttribute("data-documenti")).then(function (json) {
        data = json;
        data.pratiche.forEach(function (doc, i) { doc.i = i; });
        splitter = new RegExp("(" + json.separatore + ")", "u");
        core = window.CatalogoRicerca(window.lunr, json);
        return json;
      });
    }
    return loadingDocs;
  }

  /* The index manifest (a few kilobytes); the shards a query needs come later, in prepare(). */
  function loadIndex() {
    if (!loadingIndex) {
      loadingIndex = Promise.all([loadDocuments(), fetchJSON(form.getAttribute("data-indice"))])
        .then(function (results) {
          shards = core.shardedIndex(results[1], function (path) { return fetchJSON(base + path); });
          warmUp();
          return shards;
        });
      loadingIndex.catch(function () { loadingIndex = null; }); // a later keystroke tries again
    }
    return loadingIndex;
  }

  /* Runs one search and builds one card off-screen while the visitor has not typed yet, so the
   * first real keystroke does not pay for the browser compiling this code. */
  function warmUp() {
    var idle = window.requestIdleCallback || function (fn) { return window.setTimeout(fn, 1); };
    idle(function () {
      var first = data.pratiche[0];
      if (!first || index) {
        return;
      }
      var state = { q: core.queryWords(first.t)[0] || "", ordine: "", f: {} };
      keys.forEach(function (key) { state.f[key] = []; });
      shards.prepare(state.q).then(function (prepared) {
        if (index) {
          return; // the visitor was quicker
        }
        index = prepared;
        var outcome = compute(state);
        outcome.results.slice(0, 1).forEach(function (doc) {
          card(doc, outcome.terms[doc.ref] || [], core.queryWords(state.q));
        });
      }).catch(function () {});
    });
  }

  /* ---- state <-> URL ---- */

  function readState(params) {
    var state = { q: params.get("q") || "", ordine: params.get("ordine") || "", f: {} };
    keys.forEach(function (key) {
      state.f[key] = params.getAll(key);
    });
    return state;
  }

  function currentState() {
    var state = { q: input.value, ordine: sortSelect.value, f: {} };
    keys.forEach(function (key) {
      state.f[key] = Array.prototype.map.call(
        filters.querySelectorAll("input[name='" + key + "']:checked"), function (box) { return box.value; });
    });
    return state;
  }

  function applyState(state) {
    input.value = state.q;
    sortSelect.value = state.ordine;
    Array.prototype.forEach.call(filters.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = (state.f[box.name] || []).indexOf(box.value) !== -1;
    });
  }

  function stateQuery(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) {
      params.set("q", state.q.trim());
    }
    keys.forEach(function (key) {
      state.f[key].forEach(function (value) { params.append(key, value); });
    });
    if (state.ordine) {
      params.set("ordine", state.ordine);
    }
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function isEmpty(state) {
    return !state.q.trim() && !state.ordine && keys.every(function (key) { return !state.f[key].length; });
  }

  /* ---- filtering ---- */

  function selections(state) {
    var selected = {};
    keys.forEach(function (key) {
      if (state.f[key].length) {
        selected[key] = new Set(state.f[key]);
      }
    });
    return selected;
  }

  /* The facets a document fails, at most two (two or more exclude it from every count). */
  function failing(doc, selected) {
    var failed = [];
    for (var key in selected) {
      var values = doc.f[key] || [];
      var ok = false;
      for (var i = 0; i < values.length && !ok; i++) {
        ok = selected[key].has(values[i]);
      }
      if (!ok && failed.push(key) > 1) {
        break;
      }
    }
    return failed;
  }

  function compute(state) {
    var hits = null;
    var terms = {};
    if (core.queryWords(state.q).length) {
      hits = {};
      core.search(index, state.q).forEach(function (r, rank) {
        hits[r.ref] = rank;
        terms[r.ref] = r.terms;
      });
    }
    var selected = selections(state);
    var results = [];
    var counts = {};
    keys.forEach(function (key) { counts[key] = {}; });
    // Disjunctive counts: each facet counts as if its own selection were empty.
    data.pratiche.forEach(function (doc) {
      if (hits && !(doc.ref in hits)) {
        return;
      }
      var failed = failing(doc, selected);
      if (failed.length > 1) {
        return;
      }
      if (!failed.length) {
        results.push(doc);
      }
      keys.forEach(function (key) {
        if (!failed.length || failed[0] === key) {
          (doc.f[key] || []).forEach(function (v) { counts[key][v] = (counts[key][v] || 0) + 1; });
        }
      });
    });
    var order = state.ordine || (hits ? "pertinenza" : "titolo");
    if (order === "pertinenza") {
      results.sort(function (a, b) { return hits[a.ref] - hits[b.ref]; });
    } else if (order === "data") {
      results.sort(function (a, b) { return a.d < b.d ? 1 : a.d > b.d ? -1 : a.i - b.i; });
    } // else: the documents file is already in title order
    return { results: results, counts: counts, terms: terms, order: order, hasQuery: !!hits };
  }

  /* ---- rendering ---- */

  /* Marks the words of a title or summary that the query matched. A word can only match a
   * term it starts with (Italian stems are prefixes of their word), so only those are stemmed. */
  function highlight(text, terms, words) {
    var fragment = document.createDocumentFragment();
    if (!terms.length) {
      fragment.appendChild(document.createTextNode(text));
      return fragment;
    }
    var wanted = new Set(terms);
    var prefixes = words.filter(function (w) { return w.length >= data.prefissoMinimo; }).map(core.fold);
    var starts = Array.from(wanted).concat(prefixes);
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
        var mark = document.createElement("mark");
        mark.textContent = part;
        fragment.appendChild(mark);
      } else if (part) {
        fragment.appendChild(document.createTextNode(part));
      }
    });
    return fragment;
  }

  function card(doc, terms, words) {
    var li = document.createElement("li");
    var article = document.createElement("article");
    article.className = "card";
    var heading = document.createElement("h3");
    heading.className = "card-title";
    var link = document.createElement("a");
    link.href = base + doc.u;
    link.appendChild(highlight(doc.t, terms, words));
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "card-meta";
    [doc.terr, doc.area].forEach(function (text) {
      var span = document.createElement("span");
      span.textContent = text;
      meta.appendChild(span);
    });
    var summary = document.createElement("p");
    summary.appendChild(highlight(doc.s, terms, words));
    article.appendChild(heading);
    article.appendChild(meta);
    article.appendChild(summary);
    li.appendChild(article);
    return li;
  }

  function describe(state, outcome) {
    var n = outcome.results.length;
    var text = n === 0 ? "Nessuna pratica trovata" : n === 1 ? "1 pratica trovata" : n + " pratiche trovate";
    var order = { pertinenza: "per pertinenza", titolo: "in ordine alfabetico", data: "dalla più recente" };
    if (n > 1) {
      text += ", " + order[outcome.order];
    }
    if (n === 0 && (state.q.trim() || !isEmpty(state))) {
      text += ": prova con meno parole o meno filtri";
    }
    return text + ".";
  }

  function render(state) {
    var outcome = compute(state);
    var words = core.queryWords(state.q);
    var fragment = document.createDocumentFragment();
    outcome.results.slice(0, shown).forEach(function (doc) {
      fragment.appendChild(card(doc, outcome.terms[doc.ref] || [], outcome.hasQuery ? words : []));
    });
    list.replaceChildren(fragment);
    if (!active) {
      serverList.hidden = true;
      if (pager) {
        pager.hidden = true; // the results replace the alphabetical list and its pages
      }
      list.hidden = false;
    }
    moreBox.hidden = outcome.results.length <= shown;
    var message = describe(state, outcome);
    if (status.textContent !== message) {
      status.textContent = message;
    }
    // Only the count text changes: restyling whole rows (Bootstrap Italia's checkbox rules) cost a frame.
    boxes.forEach(function (item) {
      var text = "(" + (outcome.counts[item.box.name][item.box.value] || 0) + ")";
      if (item.count.textContent !== text) {
        item.count.textContent = text;
      }
    });
    active = true;
  }

  function ensureLoaded(state) {
    return loadDocuments().then(function () {
      if (!core.queryWords(state.q).length) {
        return null;
      }
      return loadIndex().then(function () { return shards.prepare(state.q); });
    });
  }

  function update(push) {
    ensureLoaded(currentState()).then(function () {
      var state = currentState();
      if (!active && isEmpty(state)) {
        return; // nothing asked yet: keep the server-rendered list
      }
      if (core.queryWords(state.q).length) {
        if (!shards.covers(state.q)) {
          return; // typed on meanwhile: the update scheduled by that keystroke loads its shards
        }
        index = shards.current();
      }
      var started = window.performance.now();
      render(state);
      // Read by benchmarks/search_speed.py: the work one (debounced) keystroke costs.
      window.performance.measure("cerca-aggiornamento", { start: started, end: window.performance.now(),
                                                          detail: { q: state.q } });
      var query = stateQuery(state);
      if (query !== location.search) {
        history[push ? "pushState" : "replaceState"](null, "", location.pathname + query);
      }
    }).catch(showError);
  }

  // A failed download (offline, or a navigation that aborted it) leaves the full list in place.
  function showError() {
    status.textContent = "La ricerca non è disponibile in questo momento: l'elenco completo resta qui sotto.";
  }

  function schedule(push) {
    shown = PAGE;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { update(push); }, DEBOUNCE_MS);
  }

  /* ---- wiring ---- */

  filters.hidden = false;
  // On a phone the filters start folded, so the results come first on the screen.
  var box = document.getElementById("filtri-box");
  if (box && window.matchMedia && window.matchMedia("(max-width: 59.99rem)").matches) {
    box.open = false;
  }
  document.querySelector(".filters-static").hidden = true;
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    update(true);
  });
  input.addEventListener("input", function () {
    // A new search is a new history entry; refining it while typing replaces that entry.
    schedule(!new URLSearchParams(location.search).get("q"));
  });
  input.addEventListener("focus", function () { loadDocuments().then(loadIndex).catch(showError); }, { once: true });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      schedule(true);
    }
  });
  filters.addEventListener("change", function () { schedule(true); });
  filters.addEventListener("reset", function () {
    window.setTimeout(function () { schedule(true); }, 0); // after the browser unchecks the boxes
  });
  sortSelect.addEventListener("change", function () { schedule(true); });
  moreButton.addEventListener("click", function () {
    var first = list.children.length;
    shown += PAGE;
    render(currentState());
    var next = list.children[first];
    if (next) {
      next.querySelector("a").focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
  window.addEventListener("popstate", function () {
    applyState(readState(new URLSearchParams(location.search)));
    shown = PAGE;
    update(false);
  });

  var initial = readState(new URLSearchParams(location.search));
  applyState(initial);
  if (!isEmpty(initial)) {
    update(false);
  }
})();
