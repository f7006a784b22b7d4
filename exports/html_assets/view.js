/* newsgraph view: builds the page from the JSON blocks that exports/html.py wrote.
 *
 * Every string from the graph is article text and may be hostile, so it reaches the
 * page only through textContent, DOM nodes and <option>.value: never innerHTML, never
 * an attribute that runs code. vis-network renders tooltips given as Elements as they
 * are, and string titles as text.
 */
(function () {
  "use strict";

  function readJSON(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var meta = readJSON("newsgraph-meta");
  var nodeItems = readJSON("newsgraph-nodes");
  var edgeItems = readJSON("newsgraph-edges");
  var options = readJSON("newsgraph-options");

  // Long names are shortened on the canvas (the full name is in the tooltip and the panel)
  var SHORT = 24;
  function shortLabel(name) {
    var chars = Array.from(String(name));  // code points: a cut never splits a surrogate pair
    if (chars.length <= SHORT) return String(name);
    var head = chars.slice(0, SHORT - 2).join("");
    var space = head.lastIndexOf(" ");
    return (space >= 12 ? head.slice(0, space) : head).replace(/[\s,;:.\-]+$/, "") + "\u2026";
  }
  nodeItems.forEach(function (n) {
    n.name = n.label;
    n.label = shortLabel(n.name);
  });
  // node and label size grow with the square root of the degree (value): hubs stand out,
  // and a graph whose biggest hub has two relations does not blow those up to full size
  if (options.nodes && options.nodes.scaling) {
    options.nodes.scaling.customScalingFunction = function (min, max, total, value) {
      return Math.min(1, Math.sqrt(Math.max(0, value) / Math.max(max, 16)));
    };
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fmt(n) {
    return Number(n).toLocaleString("en-US");
  }

  // Maps, not plain objects: a hostile id such as "__proto__" stays an ordinary key
  var nodeById = new Map();
  var docById = new Map();
  var edgesOfNode = new Map();
  meta.documents.forEach(function (d) { docById.set(d.id, d); });
  nodeItems.forEach(function (n) {
    nodeById.set(n.id, n);
    edgesOfNode.set(n.id, []);
  });
  edgeItems.forEach(function (e) {
    edgesOfNode.get(e.from).push(e);
    edgesOfNode.get(e.to).push(e);
  });

  function labelOf(id) {
    var n = nodeById.get(id);
    return n ? n.name : id;
  }

  function docLine(docId) {
    var d = docById.get(docId) || {};
    // an article without a headline goes by its first words, never by its bare id
    var text = d.title || (d.lead ? "\u201c" + d.lead + "\u201d" : docId);
    if (d.date) text += " (" + d.date + ")";
    return text;
  }

  function relationText(e) {
    return labelOf(e.from) + (e.directed ? "  \u2192 " : "  \u2014 ") + e.relation +
      (e.directed ? " \u2192  " : " \u2014  ") + labelOf(e.to);
  }

  // ---- tooltips (Elements, built once) ----
  function nodeTooltip(n) {
    var box = el("div");
    box.appendChild(el("div", "tt-head", n.name));
    box.appendChild(el("div", "tt-line", n.type + " \u00b7 " + fmt(n.mentions) + " mention" +
      (n.mentions === 1 ? "" : "s") + " \u00b7 " + fmt(n.degree) + " relation" + (n.degree === 1 ? "" : "s")));
    if (n.aliases.length) {
      var shown = n.aliases.slice(0, 8).join(", ");
      if (n.aliases.length > 8) shown += ", +" + (n.aliases.length - 8) + " more";
      box.appendChild(el("div", "tt-line", "Also: " + shown));
    }
    return box;
  }

  function edgeTooltip(e) {
    var box = el("div");
    box.appendChild(el("div", "tt-head", relationText(e)));
    e.facts.forEach(function (f) {
      box.appendChild(el("div", "tt-line", f[0] + ": " + f[1]));
    });
    e.evidence.slice(0, 3).forEach(function (ev) {
      var q = el("div", "tt-quote", "\u201c" + ev.sentence + "\u201d ");
      q.appendChild(el("span", "tt-src", "\u2014 " + docLine(ev.doc)));
      box.appendChild(q);
    });
    if (e.evidence.length > 3) {
      box.appendChild(el("div", "tt-line", "+" + (e.evidence.length - 3) + " more sentences (click the edge)"));
    }
    return box;
  }

  nodeItems.forEach(function (n) { n.title = nodeTooltip(n); });
  edgeItems.forEach(function (e) { e.title = edgeTooltip(e); });

  // ---- filters ----
  var typeOn = new Map();
  var relationOn = new Map();
  meta.types.forEach(function (t) { typeOn.set(t.name, true); });
  meta.relations.forEach(function (r) { relationOn.set(r.name, true); });

  var hideIsolated = !!meta.hide_isolated;

  // double-click: entities shown whatever the filters say, and entities collapsed into a neighbour
  var expanded = new Set(), collapsed = new Set();

  function nodeShown(id) {
    var n = nodeById.get(id);
    if (!n || collapsed.has(id)) return false;
    if (expanded.has(id)) return true;
    return typeOn.get(n.type) !== false && !(hideIsolated && n.degree === 0);
  }

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return nodeShown(n.id); } });
  // ---- dates: an edge (or deal) is shown when its period meets the chosen months ----
  var dateRange = { from: "", to: "", undated: true };
  function periodShown(date) {
    if (!date) return dateRange.undated;
    var month = String(date).slice(0, 7);
    var first = month.length === 4 ? month + "-01" : month, last = month.length === 4 ? month + "-12" : month;
    return (!dateRange.from || last >= dateRange.from) && (!dateRange.to || first <= dateRange.to);
  }

  var edgesView = new vis.DataView(edges, {
    filter: function (e) {
      return relationOn.get(e.relation) !== false && nodeShown(e.from) && nodeShown(e.to) && periodShown(e.date);
    }
  });

  var state = {
    network: null, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    stabilized: false, stabilizedAt: null, startedAt: performance.now(),
    shown: function () {
      return { nodes: state.network.body.nodeIndices.length, edges: state.network.body.edgeIndices.length };
    },
    find: find, setType: setType, setRelation: setRelation, setHideIsolated: setHideIsolated,
    setDates: setDates, toggleNeighbours: toggleNeighbours, findPath: findPath
  };
  window.newsgraph = state;

  var countsEl = document.getElementById("counts");
  function updateCounts() {
    countsEl.textContent = "Showing " + fmt(nodesView.length) + " of " + fmt(meta.total_nodes) +
      " entities and " + fmt(edgesView.length) + " of " + fmt(meta.total_edges) + " relations";
  }

  function refresh() {
    // keep where every node is, so a node shown again comes back to its place
    // (vis' storePositions fails on a DataView that hides nodes, so by hand)
    if (state.stabilized) {
      var ids = state.network.body.nodeIndices.slice();  // what is drawn now, before the filter changed
      var pos = state.network.getPositions(ids);
      nodes.update(ids.map(function (id) { return { id: id, x: pos[id].x, y: pos[id].y }; }));
    }
    nodesView.refresh();
    edgesView.refresh();
    updateCounts();
  }

  function setType(name, on) {
    typeOn.set(name, !!on);
    var box = document.querySelector('#type-filter input[data-index="' + meta.types.findIndex(function (t) { return t.name === name; }) + '"]');
    if (box) box.checked = !!on;
    refresh();
  }

  function setRelation(name, on) {
    relationOn.set(name, !!on);
    var box = document.querySelector('#relation-filter input[data-index="' + meta.relations.findIndex(function (r) { return r.name === name; }) + '"]');
    if (box) box.checked = !!on;
    refresh();
  }

  var isolatedBox = document.getElementById("hide-isolated");
  function setHideIsolated(on) {
    hideIsolated = !!on;
    isolatedBox.checked = hideIsolated;
    refresh();
  }
  if (meta.isolated) {
    document.getElementById("isolated-count").textContent = fmt(meta.isolated);
    isolatedBox.checked = hideIsolated;
    isolatedBox.addEventListener("change", function () { setHideIsolated(isolatedBox.checked); });
  } else {
    document.getElementById("isolated").hidden = true;
  }

  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var dateUndated = document.getElementById("date-undated");
  function setDates(from, to, undated) {
    dateRange = { from: from || "", to: to || "", undated: undated !== false };
    dateFrom.value = dateRange.from;
    dateTo.value = dateRange.to;
    dateUndated.checked = dateRange.undated;
    refresh();
    if (deals.length) renderDeals();
  }
  (function () {
    var months = edgeItems.map(function (e) { return e.date; }).concat(
      (meta.deals || []).map(function (d) { return d.announced || d.completed; }))
      .filter(function (d) { return /^\d{4}/.test(d || ""); }).map(function (d) { return d.slice(0, 7); }).sort();
    if (!months.length) return;
    document.getElementById("dates").hidden = false;
    var lo = months[0].length === 4 ? months[0] + "-01" : months[0];
    var hi = months[months.length - 1];
    hi = hi.length === 4 ? hi + "-12" : hi;
    [dateFrom, dateTo].forEach(function (input) { input.min = lo; input.max = hi; });
    document.getElementById("undated-count").textContent =
      fmt(edgeItems.filter(function (e) { return !e.date; }).length);
    function changed() { setDates(dateFrom.value, dateTo.value, dateUndated.checked); }
    [dateFrom, dateTo, dateUndated].forEach(function (input) { input.addEventListener("change", changed); });
  })();

  function filterList(listId, entries, swatch, onChange) {
    var list = document.getElementById(listId);
    entries.forEach(function (entry, i) {
      var li = el("li");
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.dataset.index = String(i);
      box.addEventListener("change", function () { onChange(entry.name, box.checked); });
      label.appendChild(box);
      label.appendChild(swatch(entry));
      label.appendChild(el("span", "name", entry.name));
      label.appendChild(el("span", "count", fmt(entry.count)));
      li.appendChild(label);
      list.appendChild(li);
    });
  }

  filterList("type-filter", meta.types, function (t) {
    var s = el("span", "swatch", t.glyph);
    s.style.color = t.color;
    s.title = t.shape;
    return s;
  }, setType);
  filterList("relation-filter", meta.relations, function (r) {
    var s = el("span", "swatch rel", r.directed ? "\u2192" : "\u2014");
    s.style.color = r.color;
    s.title = r.directed ? "directed" : "undirected";
    return s;
  }, setRelation);

  if (meta.note) {
    var note = document.getElementById("note");
    note.textContent = meta.note;
    note.hidden = false;
  }

  // ---- side panel ----
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");

  function clearPanel() {
    while (panelBody.firstChild) panelBody.removeChild(panelBody.firstChild);
  }

  function facts(rows) {
    var dl = el("dl");
    rows.forEach(function (r) {
      if (r[1] === undefined || r[1] === null || r[1] === "") return;
      dl.appendChild(el("dt", null, r[0]));
      dl.appendChild(el("dd", null, r[1]));
    });
    return dl;
  }

  function sourceLine(docId) {
    var d = docById.get(docId) || {};
    var span = el("span", "source", "\u2014 " + docLine(docId));
    // only plain web links become links; "javascript:" and the like stay text
    if (typeof d.url === "string" && /^https?:\/\//i.test(d.url)) {
      span.appendChild(document.createTextNode(" "));
      var a = el("a", null, "open article");
      a.href = d.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      span.appendChild(a);
    }
    return span;
  }

  // one line of a profile: the other end, then amount, date and role, whole on one item
  function relationLine(e, id) {
    var out = e.from === id, other = out ? e.to : e.from;
    var arrow = !e.directed ? "\u2014 " : out ? "\u2192 " : "\u2190 ";
    var parts = [arrow + labelOf(other)];
    e.facts.forEach(function (f) { if (f[0] !== "confidence") parts.push(f[1]); });
    return parts.join(" \u00b7 ");
  }

  var GROUP_LINES = 50;
  function showNode(id) {
    var n = nodeById.get(id);
    if (!n) return;
    clearPanel();
    panelBody.appendChild(el("h3", null, n.name));
    panelBody.appendChild(facts([["type", n.type], ["mentions", fmt(n.mentions)],
      ["relations", fmt(n.degree)], ["id", n.id]]));
    if (n.aliases.length) {
      panelBody.appendChild(el("h4", null, "Also called"));
      var al = el("ul", "aliases");
      n.aliases.forEach(function (a) { al.appendChild(el("li", null, a)); });
      panelBody.appendChild(al);
    }
    var mine = edgesOfNode.get(id) || [];
    var order = meta.relations.map(function (r) { return r.name; });
    var groups = new Map();
    mine.forEach(function (e) {
      if (!groups.has(e.relation)) groups.set(e.relation, []);
      groups.get(e.relation).push(e);
    });
    order.filter(function (r) { return groups.has(r); }).forEach(function (relation) {
      var list = groups.get(relation).slice().sort(function (a, b) {
        var x = relationLine(a, id), y = relationLine(b, id);
        return x < y ? -1 : x > y ? 1 : 0;
      });
      var colour = (meta.relations.find(function (r) { return r.name === relation; }) || {}).color;
      var h = el("h4", "relation", relation + " (" + fmt(list.length) + ")");
      if (colour) h.style.borderLeftColor = colour;
      panelBody.appendChild(h);
      var rl = el("ul", "relations");
      list.slice(0, GROUP_LINES).forEach(function (e) {
        var li = el("li");
        var b = el("button", "link", relationLine(e, id));
        b.type = "button";
        b.title = relationText(e);
        b.addEventListener("click", function () { selectEdge(e.id); });
        li.appendChild(b);
        rl.appendChild(li);
      });
      if (list.length > GROUP_LINES) rl.appendChild(el("li", null, "+" + fmt(list.length - GROUP_LINES) + " more " + relation));
      panelBody.appendChild(rl);
    });
    if (n.documents.length) {
      panelBody.appendChild(el("h4", null, "Articles (" + fmt(n.documents.length) + ")"));
      var ul = el("ul", "articles");
      n.documents.slice().sort(function (a, b) {
        var x = (docById.get(a) || {}).date || "", y = (docById.get(b) || {}).date || "";
        return x > y ? -1 : x < y ? 1 : 0;  // newest first
      }).forEach(function (d) { ul.appendChild(el("li", null, docLine(d))); });
      panelBody.appendChild(ul);
    }
    var seen = new Set(), sentences = [];
    mine.forEach(function (e) {
      e.evidence.forEach(function (ev) {
        var key = ev.doc + "\u0000" + ev.sentence;
        if (!seen.has(key)) { seen.add(key); sentences.push(ev); }
      });
    });
    if (sentences.length) {
      panelBody.appendChild(el("h4", null, "Evidence (" + fmt(sentences.length) + ")"));
      sentences.slice(0, 10).forEach(function (ev) {
        var q = el("blockquote", null, ev.sentence);
        q.appendChild(sourceLine(ev.doc));
        panelBody.appendChild(q);
      });
      if (sentences.length > 10) {
        panelBody.appendChild(el("p", "more", "+" + fmt(sentences.length - 10) + " more: click a relation above for its sentences"));
      }
    }
    panel.hidden = false;
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e) return;
    clearPanel();
    panelBody.appendChild(el("h3", null, relationText(e)));
    panelBody.appendChild(facts([["relation", e.relation + (e.directed ? "" : " (undirected)")]].concat(e.facts)));
    panelBody.appendChild(el("h4", null, "Evidence (" + e.evidence.length + ")"));
    e.evidence.forEach(function (ev) {
      var q = el("blockquote", null, ev.sentence);
      q.appendChild(sourceLine(ev.doc));
      panelBody.appendChild(q);
    });
    panel.hidden = false;
  }

  function selectEdge(id) {
    var e = edges.get(id);
    if (!e) return;
    if (!edgesView.get(id)) {
      setRelation(e.relation, true);
      setType(nodeById.get(e.from).type, true);
      setType(nodeById.get(e.to).type, true);
      if (!periodShown(e.date)) setDates("", "", true);
    }
    state.network.selectEdges([id]);
    showEdge(id);
  }

  function hidePanel() {
    panel.hidden = true;
    clearPanel();
  }
  document.getElementById("panel-close").addEventListener("click", hidePanel);

  // ---- search ----
  var searchInput = document.getElementById("search-input");
  var searchStatus = document.getElementById("search-status");
  var datalist = document.getElementById("search-names");
  var index = nodeItems.map(function (n) {
    return { id: n.id, label: n.name.toLowerCase(), aliases: n.aliases.map(function (a) { return a.toLowerCase(); }) };
  });
  nodeItems.slice().sort(function (a, b) { return b.degree - a.degree; }).forEach(function (n) {
    var o = document.createElement("option");
    o.value = n.name;
    datalist.appendChild(o);
  });

  function lookup(query) {
    var q = String(query).trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (x) { return x.label === q; },
      function (x) { return x.aliases.indexOf(q) >= 0; },
      function (x) { return x.label.indexOf(q) === 0; },
      function (x) { return x.label.indexOf(q) >= 0 || x.aliases.some(function (a) { return a.indexOf(q) >= 0; }); }
    ];
    for (var t = 0; t < tests.length; t++) {
      for (var i = 0; i < index.length; i++) {
        if (tests[t](index[i])) return index[i].id;
      }
    }
    return null;
  }

  function find(query) {
    var id = lookup(query);
    if (id === null) {
      searchStatus.textContent = String(query).trim() ? "No entity matches \u201c" + String(query).trim() + "\u201d" : "";
      return null;
    }
    searchStatus.textContent = "";
    var n = nodeById.get(id);
    if (typeOn.get(n.type) === false) setType(n.type, true);
    if (hideIsolated && n.degree === 0) setHideIsolated(false);
    state.network.selectNodes([id]);
    state.network.focus(id, { scale: Math.max(state.network.getScale(), 1.2), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showNode(id);
    return id;
  }

  document.getElementById("search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    find(searchInput.value);
  });

  document.getElementById("reset").addEventListener("click", function () {
    searchInput.value = "";
    searchStatus.textContent = "";
    meta.types.forEach(function (t) { typeOn.set(t.name, true); });
    meta.relations.forEach(function (r) { relationOn.set(r.name, true); });
    document.querySelectorAll("ul.filter input").forEach(function (b) { b.checked = true; });
    hideIsolated = !!meta.hide_isolated;
    isolatedBox.checked = hideIsolated;
    dateRange = { from: "", to: "", undated: true };
    dateFrom.value = dateTo.value = "";
    expanded.clear();
    collapsed.clear();
    pathFrom.value = pathTo.value = pathStatus.textContent = "";
    dateUndated.checked = true;
    refresh();
    dealType.value = dealStatus.value = dealParty.value = "";
    dealSelected = null;
    dealLimit = dealPage;
    if (deals.length) renderDeals();
    state.network.unselectAll();
    hidePanel();
    fitView();
  });

  // ---- deals: the table under the graph ----
  var deals = meta.deals || [];
  var dealSection = document.getElementById("deals");
  var dealRows = document.getElementById("deal-rows");
  var dealCount = document.getElementById("deal-count");
  var dealMore = document.getElementById("deals-more");
  var dealType = document.getElementById("deal-type");
  var dealStatus = document.getElementById("deal-status");
  var dealParty = document.getElementById("deal-party");
  var dealSort = { key: "date", descending: true };
  var dealPage = 200;  // rows drawn at a time: thousands of rows would slow the page down
  var dealLimit = dealPage;
  var dealSelected = null;

  function plainName(text) {
    return String(text).replace(/_/g, " ");
  }

  function moneyOf(d, field) {
    for (var i = 0; i < d.money.length; i++) if (d.money[i][0] === field) return d.money[i][1];
    return "";
  }

  function dealDate(d) {
    return d.announced || d.completed || "";
  }

  function dealTitle(d) {
    return plainName(d.type) + ": " + d.parties.map(function (p) { return p.label; }).join(" \u2013 ");
  }

  [[dealType, meta.deal_types || []], [dealStatus, meta.deal_statuses || []]].forEach(function (pair) {
    pair[1].forEach(function (entry) {
      var o = document.createElement("option");
      o.value = entry.name;
      o.textContent = plainName(entry.name) + " (" + fmt(entry.count) + ")";
      pair[0].appendChild(o);
    });
  });

  function dealShown(d) {
    if (!periodShown(d.announced || d.completed)) return false;
    if (dealType.value && d.type !== dealType.value) return false;
    if (dealStatus.value && d.status !== dealStatus.value) return false;
    var q = dealParty.value.trim().toLowerCase();
    if (q && !d.parties.some(function (p) { return p.label.toLowerCase().indexOf(q) >= 0; })) return false;
    return true;
  }

  function compareDeals(a, b) {
    // deals without a date or an amount come last whichever way the column is sorted
    var x, y;
    if (dealSort.key === "amount") { x = a.usd; y = b.usd; } else { x = dealDate(a) || null; y = dealDate(b) || null; }
    if (x === null && y === null) return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    if (x === null) return 1;
    if (y === null) return -1;
    var c = x < y ? -1 : x > y ? 1 : 0;
    if (c === 0) return a.id < b.id ? -1 : 1;
    return dealSort.descending ? -c : c;
  }

  function dealRow(d) {
    var tr = el("tr");
    tr.dataset.deal = d.id;
    tr.tabIndex = 0;
    tr.setAttribute("aria-selected", d.id === dealSelected ? "true" : "false");
    tr.appendChild(el("td", "when", dealDate(d)));
    tr.appendChild(el("td", "kind", plainName(d.type)));
    var parties = el("td");
    d.parties.forEach(function (p, i) {
      if (i) parties.appendChild(document.createTextNode("; "));
      parties.appendChild(document.createTextNode(p.label + " "));
      parties.appendChild(el("span", "role", "(" + p.role + ")"));
    });
    tr.appendChild(parties);
    tr.appendChild(el("td", null, d.asset.join(", ")));
    ["total", "upfront", "milestones"].forEach(function (f) { tr.appendChild(el("td", null, moneyOf(d, f))); });
    tr.appendChild(el("td", "kind", d.status));
    tr.addEventListener("click", function () { selectDeal(d.id); });
    tr.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); selectDeal(d.id); }
    });
    return tr;
  }

  function renderDeals() {
    var shown = deals.filter(dealShown).sort(compareDeals);
    while (dealRows.firstChild) dealRows.removeChild(dealRows.firstChild);
    shown.slice(0, dealLimit).forEach(function (d) { dealRows.appendChild(dealRow(d)); });
    dealCount.textContent = (shown.length === deals.length ? fmt(deals.length) + " deal" + (deals.length === 1 ? "" : "s")
      : fmt(shown.length) + " of " + fmt(deals.length) + " deals");
    dealMore.hidden = shown.length <= dealLimit;
    dealMore.textContent = "Showing " + fmt(Math.min(dealLimit, shown.length)) + " of " + fmt(shown.length) +
      ": show " + fmt(Math.min(dealPage, shown.length - dealLimit)) + " more";
    document.querySelectorAll("#deal-table th").forEach(function (th) {
      var b = th.querySelector("button[data-sort]");
      if (!b) return;
      if (b.dataset.sort === dealSort.key) th.setAttribute("aria-sort", dealSort.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    return shown.length;
  }

  function sortDeals(key, descending) {
    if (descending === undefined) descending = dealSort.key === key ? !dealSort.descending : true;
    dealSort = { key: key, descending: !!descending };
    return renderDeals();
  }

  function showDeal(d) {
    clearPanel();
    panelBody.appendChild(el("h3", null, dealTitle(d)));
    var dl = facts([["type", plainName(d.type)], ["status", d.status], ["announced", d.announced],
      ["completed", d.completed]]);
    d.parties.forEach(function (p) {
      dl.appendChild(el("dt", null, p.role));
      var dd = el("dd");
      var b = el("button", "link", p.label);
      b.type = "button";
      if (nodeById.has(p.id)) b.addEventListener("click", function () { selectNodeById(p.id); });
      else b.disabled = true;
      dd.appendChild(b);
      dl.appendChild(dd);
    });
    [["asset", d.asset.join(", ")], ["territory", d.territory.join(", ")]].concat(
      d.money.map(function (m) { return [plainName(m[0]), m[1]]; })).forEach(function (r) {
      if (!r[1]) return;
      dl.appendChild(el("dt", null, r[0]));
      dl.appendChild(el("dd", null, r[1]));
    });
    panelBody.appendChild(dl);
    if (d.conflicts.length) {
      panelBody.appendChild(el("h4", null, "Figures stated differently"));
      var ul = el("ul");
      d.conflicts.forEach(function (c) {
        ul.appendChild(el("li", null, plainName(c[0]) + " " + c[1] + " \u2014 " + c[2].map(docLine).join("; ")));
      });
      panelBody.appendChild(ul);
    }
    panelBody.appendChild(el("h4", null, "Evidence (" + d.evidence.length + ")"));
    d.evidence.forEach(function (ev) {
      var q = el("blockquote", null, ev.sentence);
      q.appendChild(sourceLine(ev.doc));
      panelBody.appendChild(q);
    });
    panel.hidden = false;
  }

  function selectNodeById(id) {
    var n = nodeById.get(id);
    if (typeOn.get(n.type) === false) setType(n.type, true);
    state.network.selectNodes([id]);
    state.network.focus(id, { scale: Math.max(state.network.getScale(), 1.2), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showNode(id);
    return id;
  }

  function selectDeal(id) {
    var d = deals.find(function (x) { return x.id === id; });
    if (!d) return null;
    var ids = [];
    d.parties.forEach(function (p) {
      var n = nodeById.get(p.id);
      if (!n || ids.indexOf(p.id) >= 0) return;
      if (typeOn.get(n.type) === false) setType(n.type, true);
      ids.push(p.id);
    });
    state.network.selectNodes(ids);
    if (ids.length) state.network.fit({ nodes: ids, maxZoomLevel: 1.5, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    dealSelected = id;
    dealRows.querySelectorAll("tr").forEach(function (tr) {
      tr.setAttribute("aria-selected", tr.dataset.deal === id ? "true" : "false");
    });
    showDeal(d);
    return ids;
  }

  if (deals.length) {
    dealSection.hidden = false;
    document.getElementById("deals-bar").addEventListener("submit", function (ev) { ev.preventDefault(); });
    [dealType, dealStatus].forEach(function (s) { s.addEventListener("change", function () { dealLimit = dealPage; renderDeals(); }); });
    dealParty.addEventListener("input", function () { dealLimit = dealPage; renderDeals(); });
    document.querySelectorAll("#deal-table th button[data-sort]").forEach(function (b) {
      b.addEventListener("click", function () { sortDeals(b.dataset.sort); });
    });
    dealMore.addEventListener("click", function () { dealLimit += dealPage; renderDeals(); });
    var toggle = document.getElementById("deals-toggle");
    toggle.addEventListener("click", function () {
      var scroll = document.getElementById("deals-scroll");
      scroll.hidden = !scroll.hidden;
      toggle.setAttribute("aria-expanded", scroll.hidden ? "false" : "true");
      toggle.textContent = scroll.hidden ? "Show table" : "Hide table";
    });
    renderDeals();
  }
  state.deals = deals;
  state.selectDeal = selectDeal;
  state.sortDeals = sortDeals;

  // ---- neighbourhood: double-click to expand or collapse, shortest path ----
  function neighbours(id) {
    var out = [];
    (edgesOfNode.get(id) || []).forEach(function (e) {
      var other = e.from === id ? e.to : e.from;
      if (other !== id && out.indexOf(other) < 0) out.push(other);
    });
    return out;
  }

  // Expands when a neighbour is hidden (by a filter or a collapse); otherwise collapses
  // the neighbours that hang on this entity alone. Returns what it did.
  function toggleNeighbours(id) {
    if (!nodeById.has(id)) return null;
    var around = neighbours(id);
    var hidden = around.filter(function (n) { return !nodeShown(n); });
    if (hidden.length) {
      hidden.forEach(function (n) {
        collapsed.delete(n);
        if (!nodeShown(n)) expanded.add(n);  // a filter hides it: show it anyway
      });
      refresh();
      return { expanded: hidden.length };
    }
    var leaves = around.filter(function (n) {
      return neighbours(n).every(function (m) { return m === id || !nodeShown(m); });
    });
    leaves.forEach(function (n) { expanded.delete(n); collapsed.add(n); });
    refresh();
    return { collapsed: leaves.length };
  }

  var pathFrom = document.getElementById("path-from");
  var pathTo = document.getElementById("path-to");
  var pathStatus = document.getElementById("path-status");

  // breadth-first over the edges on screen, either direction: the fewest steps
  function shortestPath(a, b) {
    var shown = new Map();
    edgesView.get().forEach(function (e) {
      [[e.from, e.to], [e.to, e.from]].forEach(function (p) {
        if (!shown.has(p[0])) shown.set(p[0], []);
        shown.get(p[0]).push([p[1], e]);
      });
    });
    var back = new Map([[a, null]]), queue = [a];
    for (var i = 0; i < queue.length && !back.has(b); i++) {
      (shown.get(queue[i]) || []).forEach(function (step) {
        if (!back.has(step[0])) { back.set(step[0], [queue[i], step[1]]); queue.push(step[0]); }
      });
    }
    if (!back.has(b)) return null;
    var nodesOnPath = [b], edgesOnPath = [];
    for (var at = b; back.get(at); at = back.get(at)[0]) {
      edgesOnPath.unshift(back.get(at)[1]);
      nodesOnPath.unshift(back.get(at)[0]);
    }
    return { nodes: nodesOnPath, edges: edgesOnPath };
  }

  function findPath(fromQuery, toQuery) {
    var a = lookup(fromQuery), b = lookup(toQuery);
    var missing = a === null ? fromQuery : b === null ? toQuery : null;
    if (missing !== null) {
      pathStatus.textContent = "No entity matches \u201c" + String(missing).trim() + "\u201d";
      return null;
    }
    [a, b].forEach(function (id) { if (!nodeShown(id)) { collapsed.delete(id); expanded.add(id); } });
    refresh();
    var path = a === b ? { nodes: [a], edges: [] } : shortestPath(a, b);
    if (!path) {
      pathStatus.textContent = "No path between " + labelOf(a) + " and " + labelOf(b) + " over the shown relations";
      state.network.selectNodes([a, b]);
      return null;
    }
    pathStatus.textContent = fmt(path.edges.length) + " step" + (path.edges.length === 1 ? "" : "s");
    state.network.setSelection({ nodes: path.nodes, edges: path.edges.map(function (e) { return e.id; }) },
                               { highlightEdges: false });
    state.network.fit({ nodes: path.nodes, maxZoomLevel: 1.5, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showPath(path);
    return path;
  }

  function showPath(path) {
    clearPanel();
    panelBody.appendChild(el("h3", null, "Path: " + labelOf(path.nodes[0]) + " \u2192 " + labelOf(path.nodes[path.nodes.length - 1])));
    var ol = el("ol", "path");
    path.edges.forEach(function (e, i) {
      var li = el("li");
      var b = el("button", "link", relationLine(e, path.nodes[i]));
      b.type = "button";
      b.title = relationText(e);
      b.addEventListener("click", function () { selectEdge(e.id); });
      li.appendChild(b);
      ol.appendChild(li);
    });
    panelBody.appendChild(el("p", null, "From " + labelOf(path.nodes[0]) + ":"));
    panelBody.appendChild(ol);
    panel.hidden = false;
  }

  document.getElementById("path").addEventListener("submit", function (ev) {
    ev.preventDefault();
    findPath(pathFrom.value, pathTo.value);
  });

  // ---- saving the view: the canvas as PNG, the shown entities and relations as CSV ----
  function download(name, blob) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // RFC 4180 quoting; a cell that a spreadsheet would run as a formula starts with "'"
  // (as in deals.csv)
  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r']/.test(text)) text = "'" + text;
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function csv(rows) {
    return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }

  function entitiesCSV() {
    var rows = [["id", "name", "type", "aliases", "mentions", "relations"]];
    nodesView.get().forEach(function (n) {
      rows.push([n.id, n.name, n.type, n.aliases.join("; "), n.mentions, n.degree]);
    });
    return csv(rows);
  }

  function relationsCSV() {
    var rows = [["source", "source_name", "relation", "target", "target_name", "date", "facts", "evidence"]];
    edgesView.get().forEach(function (e) {
      rows.push([e.from, labelOf(e.from), e.relation, e.to, labelOf(e.to), e.date,
        e.facts.map(function (f) { return f[0] + ": " + f[1]; }).join("; "),
        e.evidence.map(function (ev) { return ev.sentence; }).join(" | ")]);
    });
    return csv(rows);
  }

  function savePNG() {
    // the canvas is transparent: lay it on white so the file looks like the page
    var source = document.querySelector("#network canvas");
    var c = document.createElement("canvas");
    c.width = source.width;
    c.height = source.height;
    var ctx = c.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(source, 0, 0);
    c.toBlob(function (blob) { download("newsgraph-view.png", blob); }, "image/png");
  }

  document.getElementById("save-png").addEventListener("click", savePNG);
  document.getElementById("save-entities").addEventListener("click", function () {
    download("newsgraph-entities.csv", new Blob([entitiesCSV()], { type: "text/csv;charset=utf-8" }));
  });
  document.getElementById("save-relations").addEventListener("click", function () {
    download("newsgraph-relations.csv", new Blob([relationsCSV()], { type: "text/csv;charset=utf-8" }));
  });

  // ---- the network ----
  var progress = document.getElementById("progress");
  var network = new vis.Network(document.getElementById("network"), { nodes: [], edges: [] }, options);
  state.network = network;

  // The first view: the drawing fills the canvas (a focus view of three entities too, up
  // to a zoom where they are large), and labels are sized for that zoom: about 11 px for
  // a leaf and 18 px for the biggest hub on screen. Zooming in keeps those sizes on
  // screen (the text does not swell over its neighbours); zooming out shrinks them, and
  // in a big graph the leaves' labels start below the drawing threshold and appear as
  // one zooms in.
  var LEAF_PX = 11, HUB_PX = 18, MAX_ZOOM = 2.2;
  var firstScale = null, labelScale = null, labelFrame = 0;
  function sizeLabels() {
    labelFrame = 0;
    var scale = Math.max(network.getScale(), firstScale || 0);
    if (!(scale > 0) || scale === labelScale) return;
    labelScale = scale;
    var leaf = nodesView.length > 300 ? 4 : LEAF_PX;
    var min = leaf / scale, max = Math.max(min * 1.3, HUB_PX / scale);
    network.setOptions({ nodes: { scaling: { label: { min: min, max: max } } } });
    // vis applies label scaling when the data change: say they did (nothing moves, physics is off)
    network.body.emitter.emit("_dataUpdated");
    state.labelSizes = { scale: scale, min: min, max: max };
  }
  function fitView() {
    network.fit({ maxZoomLevel: MAX_ZOOM, animation: false });
    firstScale = network.getScale();
    sizeLabels();
  }
  function resizeLabelsSoon() {
    if (firstScale !== null && !labelFrame) labelFrame = requestAnimationFrame(sizeLabels);
  }
  state.fitView = fitView;

  function stabilized() {
    if (state.stabilized) return;
    // physics off once laid out: dragging moves one node and zooming redraws nothing else
    network.setOptions({ physics: { enabled: false } });
    if (nodesView.length) fitView();
    state.stabilized = true;
    state.stabilizedAt = performance.now();
    progress.textContent = "";
    document.body.dataset.stabilized = "true";
  }

  network.on("zoom", resizeLabelsSoon);
  network.on("doubleClick", function (p) {
    if (p.nodes.length) toggleNeighbours(p.nodes[0]);
  });
  network.on("animationFinished", resizeLabelsSoon);
  network.on("stabilizationProgress", function (p) {
    progress.textContent = "Laying out " + fmt(nodesView.length) + " entities\u2026 " +
      Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", stabilized);
  network.once("stabilized", stabilized);
  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else hidePanel();
  });

  progress.textContent = "Laying out " + fmt(nodesView.length) + " entities\u2026";
  network.setData({ nodes: nodesView, edges: edgesView });
  updateCounts();
  if (nodesView.length === 0 || !options.physics || options.physics.enabled === false) stabilized();
  if (meta.focus && nodeById.has(meta.focus)) {
    network.selectNodes([meta.focus]);
    showNode(meta.focus);
  }
})();
