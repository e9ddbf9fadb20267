/* Catalogo delle buone pratiche: the search core shared by the page (cerca.js) and the tests.
 * It mirrors catalogo/search.py: same separator, trimmer, accent folding, stop words and query
 * rules, so the browser finds exactly what the build-time index promises. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory;
  } else {
    root.CatalogoRicerca = factory;
  }
})(this, function (lunr, settings) {
  "use strict";

  var separator = new RegExp(settings.separatore, "u");
  var stopWords = new Set(settings.paroleVuote);
  var minPrefix = settings.prefissoMinimo;
  var prefixBoost = settings.pesoPrefisso;

  function trim(word) {
    return word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  }

  function fold(word) {
    return word.normalize("NFKD").replace(/\p{M}/gu, "");
  }

  function tokenize(text) {
    return text.normalize("NFC").toLowerCase().split(separator).filter(Boolean);
  }

  function register(fn, label) {
    if (!lunr.Pipeline.registeredFunctions[label]) {
      lunr.Pipeline.registerFunction(fn, label);
    }
  }

  // The index-time functions, registered under the labels lunr.py uses (only the search
  // pipeline, trimmer-catalogo + stemmer-it, runs in the browser).
  register(function (token) { return token.update(trim); }, "trimmer-catalogo");
  register(function (token) {
    var word = token.toString();
    return !word || stopWords.has(word) ? undefined : token;
  }, "stopWordFilter-catalogo");
  register(function (token) {
    var plain = lunr.it.stemmer(token.clone()).toString();
    var folded = lunr.it.stemmer(new lunr.Token(fold(token.toString()))).toString();
    if (plain === folded) {
      return token.update(function () { return plain; });
    }
    return [token.clone(function () { return plain; }), token.clone(function () { return folded; })];
  }, "stemmer-accenti-catalogo");

  function queryWords(query) {
    return tokenize(query).map(trim).filter(function (w) { return w && !stopWords.has(w); });
  }

  /* The documents one word finds (stemmed, or as a prefix of an indexed term). Memoized per
   * index: while typing "servizi soc", "servizi" is not searched again. */
  var wordCache = new WeakMap();
  function searchWord(index, word) {
    var cache = wordCache.get(index);
    if (!cache) {
      cache = new Map();
      wordCache.set(index, cache);
    }
    var found = cache.get(word);
    if (!found) {
      found = index.query(function (q) {
        q.term(word, { presence: lunr.Query.presence.OPTIONAL });
        if (word.length >= minPrefix) {
          q.term(fold(word), {
            usePipeline: false,
            wildcard: lunr.Query.wildcard.TRAILING,
            boost: prefixBoost,
            presence: lunr.Query.presence.OPTIONAL
          });
        }
      });
      cache.set(word, found);
    }
    return found;
  }

  /* Every word must match; scores add up. Returns [{ref, score, terms}] best first, terms being
   * the index terms that matched (for highlighting). Same rules as search.py's search(). */
  function search(index, query) {
    var found = null;
    queryWords(query).forEach(function (word) {
      var next = new Map();
      searchWord(index, word).forEach(function (r) {
        var previous = found ? found.get(r.ref) : { score: 0, terms: [] };
        if (previous) {
          next.set(r.ref, {
            score: previous.score + r.score,
            terms: previous.terms.concat(Object.keys(r.matchData.metadata))
          });
        }
      });
      found = next;
    });
    if (!found) {
      return [];
    }
    var out = [];
    found.forEach(function (value, ref) { out.push({ ref: ref, score: value.score, terms: value.terms }); });
    out.sort(function (a, b) {
      return b.score - a.score || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
    });
    return out;
  }

  /* The stems a word of the page would be indexed under, and its folded form, to highlight
   * what matched (exactly or by prefix).
   * Memoized: the same titles and summaries are highlighted again at every keystroke. */
  var stemCache = new Map();
  function stems(word) {
    var cached = stemCache.get(word);
    if (cached) {
      return cached;
    }
    var w = trim(word.normalize("NFC").toLowerCase());
    var result = { stems: [], folded: fold(w) };
    if (w) {
      var plain = lunr.it.stemmer(new lunr.Token(w)).toString();
      var folded = lunr.it.stemmer(new lunr.Token(result.folded)).toString();
      result.stems = plain === folded ? [plain] : [plain, folded];
    }
    stemCache.set(word, result);
    return result;
  }

  return { search: search, queryWords: queryWords, tokenize: tokenize, trim: trim, fold: fold, stems: stems,
           separator: separator };
});
