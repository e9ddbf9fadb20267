/* Catalogo delle buone pratiche: instant search and facets on /pratiche/.
 * Progressive enhancement: without this file the page lists every practice and links to the
 * static facet pages. Plain JavaScript, no inline code, nothing global.
 * The search itself runs in a Web Worker (cerca-motore.js): downloads, Lunr, facet counts and
 * sorting never hold up the page. Here: the form, the URL, and drawing what it sends. */
(function () {
  "use strict";

  var form = document.getElementById("ricerca");
  var filters = document.getElementById("filtri");
  var serverList = document.getElementById("risultati");
  var pager = document.getElementById("pagine");
  var engine = form && form.getAttribute("data-motore");
  if (!form || !filters || !serverList || !engine || !window.Worker || !window.lunr || !window.CatalogoRicerca) {
    return;
  }

  var PAGE = 10; // results drawn, and added by "Mostra altre pratiche"
  var BURST_MS = 16; // keys closer together than this are one request
  var URL_PAUSE_MS = 500; // typing paused this long: the URL follows
  var input = document.getElementById("q");
  var status = document.getElementById("conteggio");
  var sortSelect = document.getElementById("ordine");
  var moreButton = document.getElementById("altri");
  var moreBox = moreButton.parentNode;
  var base = form.getAttribute("data-base");
  var boxes = Array.prototype.map.call(filters.querySelectorAll("input[type=checkbox]"), function (box) {
    var count = box.parentNode.querySelector("[data-conteggio]");
    return { box: box, count: count, text: textNode(count) };
  });
  var keys = Array.prototype.map.call(filters.querySelectorAll("fieldset[data-faccetta]"), function (f) {
    return f.getAttribute("data-faccetta");
  });
  // The worker loads the scripts this page loaded before this one: Lunr, its Italian stemmer
  // and ricerca.js (the HTTP cache has them already).
  var me = document.currentScript;
  var scripts = Array.prototype.filter.call(document.querySelectorAll("script[src]"), function (script) {
    return me && script.compareDocumentPosition(me) & Node.DOCUMENT_POSITION_FOLLOWING;
  }).map(function (script) { return script.src; });

  var worker = null;
  var sent = 0; // requests sent to the worker, numbered
  var inFlight = false; // a request the worker has not answered yet
  var waiting = null; // the newest request asked since: {state, from, to}
  var drawn = 0; // the request whose answer the list shows
  var drawnState = null;
  var pushWanted = false; // a request since the last drawing asked for a new history entry
  var typedOnly = true; // every request since the last drawing came from typing in the box
  var pendingUrl = null; // the URL not yet written: {query, push}
  var urlTimer = null;
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

  /* The element's one text node, so that a new text only changes its characters (no node is
   * replaced: nothing to restyle). */
  function textNode(element) {
    if (!(element.childNodes.length === 1 && element.firstChild.nodeType === Node.TEXT_NODE)) {
      element.textContent = element.textContent || "";
      if (!element.firstChild) {
        element.appendChild(document.createTextNode(""));
      }
    }
    return element.firstChild;
  }

  function setText(element, text) {
    textNode(element).data = text;
  }

  function absolute(url) {
    return new URL(url, document.baseURI).href;
  }

  function startWorker() {
    if (!worker) {
      worker = new Worker(engine);
      worker.onmessage = receive;
      worker.onerror = showError;
      worker.postMessage({
        tipo: "avvia",
        script: scripts,
        documenti: absolute(form.getAttribute("data-documenti")),
        indice: absolute(form.getAttribute("data-indice")),
        base: absolute(base),
        chiavi: keys
      });
    }
    return worker;
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
    keys.forEach(function (key) { state.f[key] = []; });
    boxes.forEach(function (item) {
      if (item.box.checked && state.f[item.box.name]) {
        state.f[item.box.name].push(item.box.value);
      }
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

  /* ---- rendering ---- */

  /* [text, marked, text, ...] (cerca-motore.js, highlight) as the content of an element. */
  function setMarked(element, parts) {
    if (parts.length === 1) {
      setText(element, parts[0]);
      return;
    }
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < parts.length; i++) {
      if (i % 2) {
        var mark = document.createElement("mark");
        mark.textContent = parts[i];
        fragment.appendChild(mark);
      } else if (parts[i]) {
        fragment.appendChild(document.createTextNode(parts[i]));
      }
    }
    element.replaceChildren(fragment);
  }

  /* An empty card, as practice_card in macros.html draws it. */
  function newCard() {
    var li = document.createElement("li");
    var article = document.createElement("article");
    article.className = "card";
    var heading = document.createElement("h3");
    heading.className = "card-title";
    var link = document.createElement("a");
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "card-meta";
    var territory = document.createElement("span");
    var area = document.createElement("span");
    meta.appendChild(territory);
    meta.appendChild(area);
    var summary = document.createElement("p");
    article.appendChild(heading);
    article.appendChild(meta);
    article.appendChild(summary);
    li.appendChild(article);
    li.parti = { link: link, territory: territory, area: area, summary: summary, shown: {} };
    return li;
  }

  /* Writes a result into a card, touching only what differs from what it showed: the list is
   * updated in place, so unchanged text is neither restyled nor laid out again. */
  function fillCard(li, item) {
    var parts = li.parti;
    var shown = parts.shown;
    var href = base + item.u;
    if (shown.href !== href) {
      parts.link.href = href;
    }
    var title = item.t.join("\u0000");
    if (shown.title !== title) {
      setMarked(parts.link, item.t);
    }
    if (shown.territory !== item.terr) {
      setText(parts.territory, item.terr);
    }
    if (shown.area !== item.area) {
      setText(parts.area, item.area);
    }
    var summary = item.s.join("\u0000");
    if (shown.summary !== summary) {
      setMarked(parts.summary, item.s);
    }
    parts.shown = { href: href, title: title, territory: item.terr, area: item.area, summary: summary };
  }

  function describe(state, outcome) {
    var n = outcome.totale;
    var text = n === 0 ? "Nessuna pratica trovata" : n === 1 ? "1 pratica trovata" : n + " pratiche trovate";
    var order = { pertinenza: "per pertinenza", titolo: "in ordine alfabetico", data: "dalla più recente" };
    if (n > 1) {
      text += ", " + order[outcome.ordine];
    }
    if (n === 0 && (state.q.trim() || !isEmpty(state))) {
      text += ": prova con meno parole o meno filtri";
    }
    return text + ".";
  }

  /* Draws the worker's answer: a new list (da = 0), or more results at its end. */
  function render(answer) {
    var state = answer.stato;
    var cards = list.children;
    var first = answer.da;
    answer.schede.forEach(function (item, i) {
      var li = cards[first + i];
      if (!li) {
        li = list.appendChild(newCard());
      }
      fillCard(li, item);
    });
    var end = first + answer.schede.length;
    while (cards.length > end) {
      list.lastElementChild.remove();
    }
    if (first && cards[first]) {
      cards[first].parti.link.focus(); // "Mostra altre pratiche": on to the first new one
    }
    if (!active) {
      serverList.hidden = true;
      if (pager) {
        pager.hidden = true; // the results replace the alphabetical list and its pages
      }
      list.hidden = false;
    }
    moreBox.hidden = answer.totale <= answer.da + answer.schede.length;
    var message = describe(state, answer);
    if (status.textContent !== message) {
      status.textContent = message;
    }
    if (answer.conteggi) {
      // Only the count text changes: restyling whole rows (Bootstrap Italia's checkbox rules) cost a frame.
      boxes.forEach(function (item) {
        var text = "(" + (answer.conteggi[item.box.name][item.box.value] || 0) + ")";
        if (item.text.data !== text) {
          item.text.data = text;
        }
      });
    }
    active = true;
  }

  function receive(event) {
    var answer = event.data;
    askWaiting(); // the worker computes it while this answer is drawn
    if (answer.id <= drawn) {
      return; // the list already shows a later request's answer
    }
    if (answer.tipo === "errore") {
      showError();
      return;
    }
    var started = window.performance.now();
    render(answer);
    drawn = answer.id;
    drawnState = answer.stato;
    // Read by benchmarks/search_speed.py: the drawing of one answer, and the query it answers.
    window.performance.measure("cerca-aggiornamento", { start: started, end: window.performance.now(),
                                                          detail: { q: answer.stato.q } });
    window.performance.clearMeasures("cerca-aggiornamento"); // one entry per answer would pile up
    if (!answer.da) {
      // A search typed on: its entry may have been made by an earlier answer since this request.
      var push = pushWanted && !(typedOnly && new URLSearchParams(urlQuery()).get("q"));
      setUrl(stateQuery(answer.stato), push, typedOnly);
      pushWanted = false;
      typedOnly = true;
    }
  }

  /* ---- the URL ---- */

  /* While the visitor refines a search by typing, the URL follows once they pause: each history
   * call costs the page several milliseconds (and Safari refuses more than 100 in 30 seconds).
   * A new search gets its history entry at once (Back then returns to the list before it), and
   * anything else (a filter, the order, Escape, a submitted search) updates the URL at once. */
  function setUrl(query, push, later) {
    pendingUrl = { query: query, push: push || !!(pendingUrl && pendingUrl.push) };
    window.clearTimeout(urlTimer);
    if (later && !pendingUrl.push) {
      urlTimer = window.setTimeout(flushUrl, URL_PAUSE_MS);
    } else {
      flushUrl();
    }
  }

  function flushUrl() {
    window.clearTimeout(urlTimer);
    var pending = pendingUrl;
    pendingUrl = null;
    if (pending && pending.query !== location.search) {
      history[pending.push ? "pushState" : "replaceState"](null, "", location.pathname + pending.query);
    }
  }

  /* The query string the URL has, or will have once the visitor pauses. */
  function urlQuery() {
    return pendingUrl ? pendingUrl.query : location.search;
  }

  /* One request at a time: while the worker computes one, the newest of those asked meanwhile
   * waits for its answer, and the others are forgotten. Sent at once, they would queue in the
   * worker, which would compute each prefix typed in the meantime before the last one. */
  function ask(state, from, to) {
    if (inFlight) {
      waiting = { state: state, from: from, to: to };
      return;
    }
    inFlight = true;
    sent += 1;
    startWorker().postMessage({ tipo: "cerca", id: sent, stato: state, da: from, a: to });
  }

  /* The worker answered (or failed): the request that waited, if any, goes now. */
  function askWaiting() {
    inFlight = false;
    var next = waiting;
    waiting = null;
    if (next) {
      ask(next.state, next.from, next.to);
    }
  }

  /* push: the change starts a new history entry; typed: it comes from typing in the box. */
  function update(push, typed) {
    var state = currentState();
    if (!active && isEmpty(state)) {
      return; // nothing asked yet: keep the server-rendered list
    }
    pushWanted = pushWanted || push;
    typedOnly = typedOnly && !!typed;
    ask(state, 0, shown);
  }

  // A failed download (offline, or a navigation that aborted it) leaves the full list in place.
  function showError() {
    inFlight = false; // a later request tries again
    status.textContent = "La ricerca non è disponibile in questo momento: l'elenco completo resta qui sotto.";
  }

  /* After the events of one action (a reset unchecks many boxes), one request. The worker
   * takes up only the latest of those that pile up while it is busy. */
  function schedule(push, typed, delay) {
    shown = PAGE;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { update(push, typed); }, delay || 0);
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
  var lastInput = -Infinity;
  input.addEventListener("input", function () {
    // Keys closer together than a person types (a paste, an autocompletion, a fast burst) are one
    // request, once they stop: "fami", a costly prefix, is not searched on the way to "famiglie".
    // Until the list shows a first answer, every key waits for the pause: the worker is still
    // downloading what it needs, and the first letters' search would only hold up the word's.
    var now = window.performance.now();
    var burst = now - lastInput < BURST_MS || !drawn;
    lastInput = now;
    // A new search is a new history entry; refining it while typing replaces that entry.
    schedule(!new URLSearchParams(urlQuery()).get("q"), true, burst ? BURST_MS : 0);
  });
  // Before the visitor leaves, follows a result or moves on from the box, the URL catches up.
  input.addEventListener("blur", flushUrl);
  document.addEventListener("pointerdown", flushUrl, true);
  window.addEventListener("pagehide", flushUrl);
  input.addEventListener("focus", function () {
    startWorker().postMessage({ tipo: "carica", indice: true });
  }, { once: true });
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
    if (drawnState) {
      shown = list.children.length + PAGE;
      ask(drawnState, list.children.length, shown);
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
    window.clearTimeout(urlTimer);
    pendingUrl = null; // what was typed since the last pause is not in the history
    applyState(readState(new URLSearchParams(location.search)));
    shown = PAGE;
    update(false);
  });

  // The worker starts (and compiles Lunr) while the visitor reads the page; it downloads nothing
  // until the search box is focused or a filter is used.
  (window.requestIdleCallback || window.setTimeout)(startWorker);

  var initial = readState(new URLSearchParams(location.search));
  applyState(initial);
  if (!isEmpty(initial)) {
    update(false);
  }
})();
