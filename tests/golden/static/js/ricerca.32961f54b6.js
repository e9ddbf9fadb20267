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
   * index, for the last few words: while typing "servizi soc", "servizi" is not searched again.
   * A sharded index (below) answers each word with a lunr.Index of that word's own terms. */
  var WORDS_KEPT = 16;
  var wordCache = new WeakMap();
  function searchWord(index, word) {
    var cache = wordCache.get(index);
    if (!cache) {
      cache = new Map();
      wordCache.set(index, cache);
    }
    var found = cache.get(word);
    if (found) {
      cache.delete(word); // most recently used last
    } else {
      var lunrIndex = index.wordIndex ? index.wordIndex(word) : index;
      found = lunrIndex.query(function (q) {
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
      if (cache.size >= WORDS_KEPT) {
        cache.delete(cache.keys().next().value);
      }
    }
    cache.set(word, found);
    return found;
  }

  /* Every word must match; scores add up. Returns [{ref, score, terms}] best first, terms being
   * the index terms that matched (for highlighting). Same rules as search.py's search(). */
  function search(index, query) {
    var found = null;
    queryWords(query).forEach(function (word) {
      var next = new Map();
      searchWord(index, word).forEach(function (r) {
        var terms = Object.keys(r.matchData.metadata);
        if (!found) {
          next.set(r.ref, { score: r.score, terms: terms });
          return;
        }
        var previous = found.get(r.ref); // this search's own record: added to in place
        if (previous) {
          previous.score += r.score;
          Array.prototype.push.apply(previous.terms, terms);
          next.set(r.ref, previous);
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
   * A word is searched in a lunr.Index of its own terms alone (its stems, and every term it is
   * a prefix of): their postings, decoded exactly as lunr.Index.load would make those entries
   * of the whole index (same term numbers, same weights, same order), the document vectors of
   * those terms, and a dictionary (token set) of those terms. A query only ever reads the
   * entries and vector elements of its own terms, so results are those of the whole index, to
   * the last bit; and a word costs what it matches, not the size of the shards loaded.
   * fetchShard(path) returns a promise of a shard's JSON. */
  function shardedIndex(manifest, fetchShard) {
    var parts = manifest.frammenti;
    var firsts = parts.map(function (part) { return part[0]; });
    var fields = manifest.campi;
    var weights = manifest.pesi;
    var queryPipeline = lunr.Pipeline.load(manifest.pipeline);
    var loaded = []; // per shard: its entries, once it has arrived
    var pending = [];
    var inverted = Object.create(null); // the postings of the terms searched so far
    // A document's reference and its field references ("titolo/3f"), made once: a common word has
    // tens of thousands of postings, and each new string is work for the garbage collector.
    var refs = [];
    var fieldRefs = fields.map(function () { return []; });
    var NO_METADATA = Object.freeze(Object.create(null)); // lunr reads a posting's metadata, never writes it

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

    function isPrefix(prefix, term) {
      return term.lastIndexOf(prefix, 0) === 0;
    }

    function needed(query) {
      var wanted = new Set();
      queryWords(query).forEach(function (word) {
        queryPipeline.runString(word).forEach(function (term) { wanted.add(shardOf(term)); });
        if (word.length >= minPrefix) {
          var prefix = fold(word);
          var i = shardOf(prefix);
          wanted.add(i);
          for (i += 1; i < firsts.length && isPrefix(prefix, firsts[i]); i++) {
            wanted.add(i);
          }
        }
      });
      return Array.from(wanted).sort(function (a, b) { return a - b; });
    }

    /* The first entry of a loaded shard whose term is not before the given one. */
    function lowerBound(entries, term) {
      var low = 0;
      var high = entries.length;
      while (low < high) {
        var middle = (low + high) >> 1;
        if (entries[middle][0] < term) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      return low;
    }

    /* A word's terms in index order, as [term number, entry] (their shards must be loaded). */
    function wordEntries(word) {
      var found = new Map();
      queryPipeline.runString(word).forEach(function (term) {
        var s = shardOf(term);
        var entries = loaded[s];
        var k = lowerBound(entries, term);
        if (k < entries.length && entries[k][0] === term) {
          found.set(parts[s][1] + k, entries[k]);
        }
      });
      if (word.length >= minPrefix) {
        var prefix = fold(word);
        var s = shardOf(prefix);
        var k = lowerBound(loaded[s], prefix);
        for (;;) {
          var entries = loaded[s];
          for (; k < entries.length && isPrefix(prefix, entries[k][0]); k++) {
            found.set(parts[s][1] + k, entries[k]);
          }
          if (k < entries.length || s + 1 >= parts.length || !isPrefix(prefix, firsts[s + 1])) {
            break; // the terms with this prefix end in this shard
          }
          s += 1;
          k = 0;
        }
      }
      return Array.from(found.keys()).sort(function (a, b) { return a - b; }).map(function (termIndex) {
        return [termIndex, found.get(termIndex)];
      });
    }

    /* A lunr.Index that answers this word as the whole index would (its shards must be loaded). */
    function wordIndex(word) {
      var elements = fields.map(function () { return new Map(); }); // per field: document number -> its elements
      var touched = []; // [field, document number] of each vector, as first met
      var terms = [];
      wordEntries(word).forEach(function (item) {
        var termIndex = item[0];
        var entry = item[1];
        var term = entry[0];
        var posting = inverted[term];
        var known = !!posting;
        if (!known) {
          posting = inverted[term] = { _index: termIndex };
        }
        for (var f = 0; f < fields.length; f++) {
          var flat = entry[f + 1];
          var docs = known ? null : {};
          var byDoc = elements[f];
          var doc = 0;
          for (var j = 0; j < flat.length; j += 2) {
            doc += flat[j];
            if (docs) {
              docs[refs[doc] || (refs[doc] = doc.toString(36))] = NO_METADATA;
            }
            var element = byDoc.get(doc);
            if (!element) {
              element = [];
              byDoc.set(doc, element);
              touched.push(f, doc);
            }
            element.push(termIndex, weights[flat[j + 1]]);
          }
          if (docs) {
            posting[fields[f]] = docs;
          }
        }
        terms.push(term);
      });
      var vectors = Object.create(null);
      for (var t = 0; t < touched.length; t += 2) {
        var field = touched[t];
        var number = touched[t + 1];
        var names = fieldRefs[field];
        if (!names[number]) {
          names[number] = fields[field] + "/" + (refs[number] || (refs[number] = number.toString(36)));
        }
        vectors[names[number]] = new lunr.Vector(elements[field].get(number));
      }
      return new lunr.Index({ invertedIndex: inverted, fieldVectors: vectors, tokenSet: lunr.TokenSet.fromArray(terms),
                              fields: fields, pipeline: queryPipeline });
    }

    function load(n) {
      if (!pending[n]) {
        pending[n] = fetchShard(parts[n][2]).then(function (entries) {
          loaded[n] = entries;
        }, function (error) {
          pending[n] = null; // a later query tries again
          throw error;
        });
      }
      return pending[n];
    }

    var sharded = {
      /* A promise of this index, once it can answer the query exactly as the whole index would:
       * pass it to search(). */
      prepare: function (query) {
        return Promise.all(needed(query).map(load)).then(function () { return sharded; });
      },
      wordIndex: wordIndex,
      needed: needed,
      loadedCount: function () { return loaded.filter(Boolean).length; }
    };
    return sharded;
  }

  return { search: search, queryWords: queryWords, tokenize: tokenize, trim: trim, fold: fold, stems: stems,
           separator: separator, shardedIndex: shardedIndex };
});
