/* Catalogo delle buone pratiche: instant search and facets on /pratiche/.
 * Progressive enhancement: without this file the page lists every practice and links to the
 * static facet pages. Plain JavaScript, no inline code, nothing global but CatalogoRicerca. */
(function () {
  "use strict";

  var form = document.getElementById("ricerca");
  var filters = document.getElementById("filtri");
  var list = document.getElementById("risultati");
  if (!form || !filters || !list || !window.lunr || !window.CatalogoRicerca) {
    return;
  }

  var PAGE = 50;
  var DEBOUNCE_MS = 60;
  var input = document.getElementById("q");
  var status = document.getElementById("conteggio");
  var sortSelect = document.getElementById("ordine");
  var moreButton = document.getElementById("altri");
  var moreBox = moreButton.parentNode;
  var base = form.getAttribute("data-base");
  var keys = Array.prototype.map.call(filters.querySelectorAll("fieldset[data-faccetta]"), function (f) {
    return f.getAttribute("data-faccetta");
  });

  var data = null; // documents file: settings, facets and one record per practice
  var core = null;
  var index = null;
  var loadingDocs = null;
  var loadingIndex = null;
  var shown = PAGE;
  var timer = null;
  var active = false; // false while the server-rendered list is still what the visitor sees

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
        core = window.CatalogoRicerca(window.lunr, json);
        return json;
      });
    }
    return loadingDocs;
  }

  function loadIndex() {
    if (!loadingIndex) {
      loadingIndex = Promise.all([loadDocuments(), fetchJSON(form.getAttribute("data-indice"))])
        .then(function (results) {
          index = window.lunr.Index.load(results[1]);
          return index;
        });
    }
    return loadingIndex;
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

  function matchesFacets(doc, state, skip) {
    return keys.every(function (key) {
      var wanted = state.f[key];
      if (key === skip || !wanted.length) {
        return true;
      }
      var values = doc.f[key] || [];
      return wanted.some(function (w) { return values.indexOf(w) !== -1; });
    });
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
    var byQuery = data.pratiche.filter(function (doc) { return !hits || doc.ref in hits; });
    var results = byQuery.filter(function (doc) { return matchesFacets(doc, state, null); });
    var order = state.ordine || (hits ? "pertinenza" : "titolo");
    if (order === "pertinenza") {
      results.sort(function (a, b) { return hits[a.ref] - hits[b.ref]; });
    } else if (order === "data") {
      results.sort(function (a, b) { return a.d < b.d ? 1 : a.d > b.d ? -1 : a.i - b.i; });
    } else {
      results.sort(function (a, b) { return a.i - b.i; }); // the documents file is in title order
    }
    // Disjunctive counts: each facet counts as if its own selection were empty.
    var counts = {};
    keys.forEach(function (key) {
      var c = {};
      byQuery.forEach(function (doc) {
        if (matchesFacets(doc, state, key)) {
          (doc.f[key] || []).forEach(function (v) { c[v] = (c[v] || 0) + 1; });
        }
      });
      counts[key] = c;
    });
    return { results: results, counts: counts, terms: terms, order: order, hasQuery: !!hits };
  }

  /* ---- rendering ---- */

  function highlight(text, terms, words) {
    var fragment = document.createDocumentFragment();
    if (!terms.length) {
      fragment.appendChild(document.createTextNode(text));
      return fragment;
    }
    var wanted = new Set(terms);
    var prefixes = words.filter(function (w) { return w.length >= data.prefissoMinimo; }).map(core.fold);
    var splitter = new RegExp("(" + data.separatore + ")", "u");
    text.split(splitter).forEach(function (part, i) {
      var isWord = i % 2 === 0 && part;
      var hit = isWord && (core.stems(part).some(function (s) { return wanted.has(s); }) ||
        prefixes.some(function (p) { return core.fold(core.trim(part.toLowerCase())).indexOf(p) === 0; }));
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
    moreBox.hidden = outcome.results.length <= shown;
    var message = describe(state, outcome);
    if (status.textContent !== message) {
      status.textContent = message;
    }
    Array.prototype.forEach.call(filters.querySelectorAll("input[type=checkbox]"), function (box) {
      var count = outcome.counts[box.name][box.value] || 0;
      var label = box.parentNode.querySelector("[data-conteggio]");
      label.textContent = "(" + count + ")";
      box.parentNode.classList.toggle("zero", count === 0 && !box.checked);
    });
    active = true;
  }

  function ensureLoaded(state) {
    return loadDocuments().then(function () {
      return core.queryWords(state.q).length ? loadIndex() : null;
    });
  }

  function update(push) {
    ensureLoaded(currentState()).then(function () {
      var state = currentState();
      if (!active && isEmpty(state)) {
        return; // nothing asked yet: keep the server-rendered list
      }
      render(state);
      var query = stateQuery(state);
      if (query !== location.search) {
        history[push ? "pushState" : "replaceState"](null, "", location.pathname + query);
      }
    }).catch(showError);
  }

  function showError(error) {
    status.textContent = "La ricerca non è disponibile in questo momento: l'elenco completo resta qui sotto.";
    if (window.console) {
      window.console.warn(error);
    }
  }

  function schedule(push) {
    shown = PAGE;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { update(push); }, DEBOUNCE_MS);
  }

  /* ---- wiring ---- */

  filters.hidden = false;
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
