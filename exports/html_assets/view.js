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
    return n ? n.label : id;
  }

  function docLine(docId) {
    var d = docById.get(docId) || {};
    var text = d.title || docId;
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
    box.appendChild(el("div", "tt-head", n.label));
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

  function nodeShown(id) {
    var n = nodeById.get(id);
    return !!n && typeOn.get(n.type) !== false;
  }

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return typeOn.get(n.type) !== false; } });
  var edgesView = new vis.DataView(edges, {
    filter: function (e) { return relationOn.get(e.relation) !== false && nodeShown(e.from) && nodeShown(e.to); }
  });

  var state = {
    network: null, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    stabilized: false, stabilizedAt: null, startedAt: performance.now(),
    shown: function () {
      return { nodes: state.network.body.nodeIndices.length, edges: state.network.body.edgeIndices.length };
    },
    find: find, setType: setType, setRelation: setRelation
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

  function showNode(id) {
    var n = nodeById.get(id);
    if (!n) return;
    clearPanel();
    panelBody.appendChild(el("h3", null, n.label));
    panelBody.appendChild(facts([["type", n.type], ["id", n.id], ["mentions", fmt(n.mentions)],
      ["relations", fmt(n.degree)], ["aliases", n.aliases.join(", ")]]));
    if (n.documents.length) {
      panelBody.appendChild(el("h4", null, "Articles"));
      var ul = el("ul");
      n.documents.forEach(function (d) { ul.appendChild(el("li", null, docLine(d))); });
      panelBody.appendChild(ul);
    }
    var mine = edgesOfNode.get(id) || [];
    if (mine.length) {
      panelBody.appendChild(el("h4", null, "Relations"));
      var rl = el("ul");
      mine.slice(0, 100).forEach(function (e) {
        var li = el("li");
        var b = el("button", "link", relationText(e));
        b.type = "button";
        b.addEventListener("click", function () { selectEdge(e.id); });
        li.appendChild(b);
        rl.appendChild(li);
      });
      if (mine.length > 100) rl.appendChild(el("li", null, "+" + (mine.length - 100) + " more"));
      panelBody.appendChild(rl);
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
    return { id: n.id, label: n.label.toLowerCase(), aliases: n.aliases.map(function (a) { return a.toLowerCase(); }) };
  });
  nodeItems.slice().sort(function (a, b) { return b.degree - a.degree; }).forEach(function (n) {
    var o = document.createElement("option");
    o.value = n.label;
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
    refresh();
    state.network.unselectAll();
    hidePanel();
    state.network.fit({ animation: false });
  });

  // ---- the network ----
  var progress = document.getElementById("progress");
  var network = new vis.Network(document.getElementById("network"), { nodes: [], edges: [] }, options);
  state.network = network;

  function stabilized() {
    if (state.stabilized) return;
    // physics off once laid out: dragging moves one node and zooming redraws nothing else
    network.setOptions({ physics: { enabled: false } });
    state.stabilized = true;
    state.stabilizedAt = performance.now();
    progress.textContent = "";
    document.body.dataset.stabilized = "true";
  }

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
