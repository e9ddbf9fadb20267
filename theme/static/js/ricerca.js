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

  /* The index arrives in shards of consecutive terms (catalogo/search.py, shard_index): a manifest
   * with each shard's first term, then only the shards a query's words and prefixes fall in.
   * From the loaded shards this rebuilds exactly the entries lunr.Index.load would make of the
   * whole index for those terms (same term numbers, same weights, same order), and a query
   * only ever reads the entries of its own terms: results are those of the whole index.
   * fetchShard(path) returns a promise of a shard's JSON. */
  function shardedIndex(manifest, fetchShard) {
    var parts = manifest.frammenti;
    var firsts = parts.map(function (part) { return part[0]; });
    var queryPipeline = lunr.Pipeline.load(manifest.pipeline);
    var loaded = [];
    var pending = [];
    var index = null;
    var stale = true;

    function shardOf(term) { // the last shard whose first term is not after it
      var low = 0;
      var high = firsts.length - 1;
      while (low < high) {
        var middle = (low + high + 1) >> 1;
        if (firsts[middle] <= term) {
          low = middle;
        } else {
          high = middle - 1;
        }
      }
      return low;
    }

    function needed(query) {
      var wanted = new Set();
      queryWords(query).forEach(function (word) {
        queryPipeline.runString(word).forEach(function (term) { wanted.add(shardOf(term)); });
        if (word.length >= minPrefix) {
          var prefix = fold(word);
          var i = shardOf(prefix);
          wanted.add(i);
          for (i += 1; i < firsts.length && firsts[i].lastIndexOf(prefix, 0) === 0; i++) {
            wanted.add(i);
          }
        }
      });
      return Array.from(wanted).sort(function (a, b) { return a - b; });
    }

    function rebuild() {
      var fields = manifest.campi;
      var weights = manifest.pesi;
      var inverted = Object.create(null);
      var elements = Object.create(null);
      var terms = [];
      for (var s = 0; s < loaded.length; s++) {
        var entries = loaded[s];
        for (var k = 0; entries && k < entries.length; k++) {
          var entry = entries[k];
          var termIndex = parts[s][1] + k;
          var posting = { _index: termIndex };
          for (var f = 0; f < fields.length; f++) {
            var flat = entry[f + 1];
            var docs = {};
            var doc = 0;
            for (var j = 0; j < flat.length; j += 2) {
              doc += flat[j];
              var ref = doc.toString(36);
              docs[ref] = {};
              var fieldRef = fields[f] + "/" + ref;
              (elements[fieldRef] || (elements[fieldRef] = [])).push(termIndex, weights[flat[j + 1]]);
            }
            posting[fields[f]] = docs;
          }
          inverted[entry[0]] = posting;
          terms.push(entry[0]);
        }
      }
      var vectors = Object.create(null);
      Object.keys(elements).forEach(function (fieldRef) { vectors[fieldRef] = new lunr.Vector(elements[fieldRef]); });
      index = new lunr.Index({ invertedIndex: inverted, fieldVectors: vectors, tokenSet: lunr.TokenSet.fromArray(terms),
                               fields: fields, pipeline: queryPipeline });
      stale = false;
    }

    function load(n) {
      if (!pending[n]) {
        pending[n] = fetchShard(parts[n][2]).then(function (entries) {
          loaded[n] = entries;
          stale = true;
        }, function (error) {
          pending[n] = null; // a later query tries again
          throw error;
        });
      }
      return pending[n];
    }

    return {
      /* True when current() answers the query completely. */
      covers: function (query) {
        return !stale && needed(query).every(function (n) { return loaded[n]; });
      },
      /* The index over the shards loaded so far (once prepare() has built it). */
      current: function () { return index; },
      /* A promise of a lunr.Index that answers the query exactly as the whole index would. */
      prepare: function (query) {
        return Promise.all(needed(query).map(load)).then(function () {
          if (stale) {
            rebuild();
          }
          return index;
        });
      },
      needed: needed,
      loadedCount: function () { return loaded.filter(Boolean).length; }
    };
  }

  return { search: search, queryWords: queryWords, tokenize: tokenize, trim: trim, fold: fold, stems: stems,
           separator: separator, shardedIndex: shardedIndex };
});
