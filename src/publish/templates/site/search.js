/* The site's search, in the reader's browser: filters the search page's list of every
   paper with the index `publish html` wrote beside it (see publish/site/search.py, which
   cuts words exactly as `terms` below does). Without this script the page is that list. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var list = document.getElementById("search-list");
  var status = document.getElementById("search-status");
  if (!form || !list || !status) return;
  var input = form.querySelector("input[name=q]");
  var items = Array.prototype.slice.call(list.children);
  var titles = [];  // each paper's titles as shown, folded: for the phrase bonus
  var CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var WORD = new RegExp("[a-z0-9]+|[" + CJK + "]+", "g");
  var index = null, keys = null, stop = Object.create(null), inText = {};
  var own = Object.prototype.hasOwnProperty;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function isCjk(word) { return word.charCodeAt(0) >= 0x3040; }
  function stem(word) {
    // a plural folded: the same rule as search.py's _stem
    var last2 = word.charAt(word.length - 2);
    if (word.length > 3 && word.slice(-1) === "s" && !(last2 >= "0" && last2 <= "9")) {
      if (word.slice(-3) === "ies" && word.length > 4) return word.slice(0, -3) + "y";
      if (word.slice(-4) === "sses") return word.slice(0, -2);
      if (/(ss|us|is)$/.test(word)) return word;
      return word.slice(0, -1);
    }
    return word;
  }
  function queryTerms(query) {
    var out = [], words = fold(query).match(WORD) || [];
    words.forEach(function (word) {
      var grams = [];
      if (isCjk(word)) {
        if (word.length === 1) grams.push(word);
        for (var i = 0; i + 1 < word.length; i++) grams.push(word.slice(i, i + 2));
      } else if ((word.length > 1 || /^[0-9]$/.test(word)) && !stop[word]) {
        grams.push(stem(word));
      }
      grams.forEach(function (g) { if (out.indexOf(g) < 0) out.push(g); });
    });
    return out;
  }
  function postings(value, into) {
    if (value === undefined) return;
    var values = typeof value === "number" ? [value] : value, n = 0;
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      n = i === 0 ? Math.floor(v / 8) : n + Math.floor(v / 8);
      into[n] = (into[n] || 0) | (v & 7);
    }
  }
  function weight(bits) { return (bits & 4 ? 8 : 0) + (bits & 2 ? 4 : 0) + (bits & 1 ? 1 : 0); }
  function prefixed(prefix) {
    // binary search for the first key >= prefix in the sorted keys
    var lo = 0, hi = keys.length, out = [];
    while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < prefix) lo = mid + 1; else hi = mid; }
    for (var i = lo; i < keys.length && keys[i].lastIndexOf(prefix, 0) === 0; i++) out.push(keys[i]);
    return out;
  }
  function search(query) {
    var wanted = queryTerms(query), scores = null, fields = Object.create(null);
    if (!wanted.length) return null;
    var last = wanted[wanted.length - 1];
    wanted.forEach(function (term) {
      var hits = Object.create(null), found = term === last && !isCjk(term) ? prefixed(term) : [term];
      found.forEach(function (key) { if (own.call(index.t, key)) postings(index.t[key], hits); });
      var next = Object.create(null);
      Object.keys(hits).forEach(function (n) {
        if (scores === null || n in scores) {
          next[n] = (scores ? scores[n] : 0) + weight(hits[n]);
          fields[n] = (scores ? fields[n] : 0) | hits[n];
        }
      });
      scores = next;
    });
    // the query as a phrase of a title ranks first, at its start before anywhere in it
    var phrase = fold(query).replace(/\s+/g, " ").trim();
    Object.keys(scores).forEach(function (n) {
      var at = titles[n].indexOf(phrase);
      if (at === 0) scores[n] += 32; else if (at > 0) scores[n] += 16;
    });
    var found = Object.keys(scores).map(Number).sort(function (a, b) {
      return scores[b] - scores[a] || a - b;
    });
    inText = {};  // found in the text only: the list says so, the title does not show why
    found.forEach(function (n) { if (!(fields[n] & 6)) inText[n] = true; });
    return found;
  }
  function say(count, query) {
    var template = count === 0 ? status.dataset.none
      : count === 1 ? status.dataset.one : status.dataset.many;
    status.textContent = template.replace("%(num)s", count.toLocaleString(document.documentElement.lang))
      .replace("%(query)s", query);
  }
  function mark(li, on) {
    var tag = li.querySelector(".hit");
    if (on && !tag) {
      tag = document.createElement("span");
      tag.className = "hit";
      tag.textContent = status.dataset.intext;
      li.insertBefore(tag, li.querySelector(".original-title, .byline"));
    } else if (!on && tag) {
      tag.remove();
    }
  }
  function show(query) {
    var found = index ? search(query) : null;
    if (found === null) {
      items.forEach(function (li) { li.hidden = false; mark(li, false); list.appendChild(li); });
      status.textContent = query.trim() ? "" : status.dataset.all;
      list.classList.remove("ranked");
      return;
    }
    items.forEach(function (li) { li.hidden = true; mark(li, false); });
    found.forEach(function (n) {
      var li = items[n]; li.hidden = false; mark(li, inText[n]); list.appendChild(li);
    });
    list.classList.add("ranked");
    say(found.length, query.trim());
  }
  function update() {
    var query = input.value;
    var url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set("q", query); else url.searchParams.delete("q");
    if (url.href !== window.location.href) {
      try { window.history.replaceState(null, "", url.href); } catch (e) { /* file:// */ }
    }
    show(query);
  }
  function ready() {
    var data = window.publishSearchIndex;
    if (!data || data.key !== list.dataset.key || data.n !== items.length) {
      status.textContent = status.dataset.stale;
      return;  // an index of another build: the page stays a plain list
    }
    index = data;
    keys = Object.keys(index.t).sort();
    titles = items.map(function (li) {
      var shown = li.querySelectorAll("a, .original-title");
      return Array.prototype.map.call(shown, function (e) {
        return fold(e.textContent).replace(/\s+/g, " ").trim();
      }).join(" \n ");
    });
    index.stop.forEach(function (w) { stop[w] = true; });
    form.classList.add("live");
    update();
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) input.value = query;
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  input.addEventListener("input", update);
  var script = document.createElement("script");
  script.src = list.dataset.index;
  script.onload = ready;
  script.onerror = function () { status.textContent = status.dataset.stale; };
  document.head.appendChild(script);
})();
