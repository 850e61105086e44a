// TechStore lineage docs: behaviour of the self-contained page. The DAG is
// pre-rendered as SVG by Go (a layered layout computed in Go); this script adds search,
// the selector box, model and column pages, deep links and exports.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("docs-data").textContent);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var svg = document.getElementById("dag");
  var nodeEls = {};
  Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (g) { nodeEls[g.getAttribute("data-id")] = g; });
  var edgeEls = Array.prototype.slice.call(svg.querySelectorAll("path.edge"));
  var full = { x: 0, y: 0, w: data.width, h: data.height };
  var view = Object.assign({}, full);
  var state = { visible: null, focus: null, up: 1, down: 1, column: null };

  // ---------- helpers ----------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "onclick") e.addEventListener("click", attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }
  function modelLink(id) {
    var n = byId[id];
    return el("a", { href: "#model/" + encodeURIComponent(id), text: n ? n.name : id });
  }
  function setViewBox(v) {
    view = v;
    svg.setAttribute("viewBox", [v.x, v.y, v.w, v.h].join(" "));
  }

  // ---------- graph traversal ----------
  var ups = {}, downs = {};
  data.nodes.forEach(function (n) { ups[n.id] = n.upstream || []; downs[n.id] = n.downstream || []; });
  function walk(start, adj, depth) {
    // depth 0 means every generation
    var seen = {}, frontier = start.slice(), d = 0;
    while (frontier.length && (depth === 0 || d < depth)) {
      var next = [];
      frontier.forEach(function (id) {
        (adj[id] || []).forEach(function (m) { if (!seen[m]) { seen[m] = true; next.push(m); } });
      });
      frontier = next; d++;
    }
    return Object.keys(seen);
  }

  // ---------- selector (the engine's syntax, as far as a static page can) ----------
  // A SelectorError points at a character of the expression, as the Go
  // selector's SyntaxError does.
  function SelectorError(input, pos, msg) {
    this.input = input; this.pos = pos; this.msg = msg;
    this.message = "invalid selector at column " + (pos + 1) + ": " + msg;
  }
  SelectorError.prototype = Object.create(Error.prototype);
  // fnmatch as dbt (Python) has it: * ? [seq] [!seq]; no wildcard = equality.
  var reCache = {};
  function globRe(p) {
    if (reCache[p]) return reCache[p];
    var out = "", i = 0;
    while (i < p.length) {
      var ch = p[i];
      if (ch === "*") { out += ".*"; i++; continue; }
      if (ch === "?") { out += "."; i++; continue; }
      if (ch === "[") {
        var j = i + 1;
        if (p[j] === "!") j++;
        if (p[j] === "]") j++;
        while (j < p.length && p[j] !== "]") j++;
        if (j < p.length) {
          var cls = p.slice(i + 1, j).replace(/\\/g, "\\\\");
          if (cls[0] === "!") cls = "^" + cls.slice(1); else if (cls[0] === "^") cls = "\\" + cls;
          out += "[" + cls + "]"; i = j + 1; continue;
        }
      }
      out += ch.replace(/[.+^${}()|[\]\\\/-]/g, "\\$&"); i++;
    }
    return (reCache[p] = new RegExp("^" + out + "$"));
  }
  function glob(p, s) { return /[*?[]/.test(p) ? globRe(p).test(s) : p === s; }
  function fqnMatch(n, v) {
    if (n.resource_type === "source") return false;
    var fqn = n.fqn && n.fqn.length ? n.fqn : [n.name], parts = v.split(".");
    if (v === "*") return true;
    if (parts.length === 1 && !/[*?[]/.test(v)) return n.name === v || fqn[fqn.length - 1] === v || fqn[0] === v || (fqn.length > 1 && fqn[1] === v);
    if (parts.length === 1 && glob(v, n.name)) return true;
    return fqnPrefix(fqn, v, parts) || (fqn.length > 1 && fqnPrefix(fqn.slice(1), v, parts));
  }
  function fqnPrefix(fqn, v, parts) {
    if (fqn[fqn.length - 1] === v) return true;
    if (fqn.length < parts.length) return false;
    for (var i = 0; i < parts.length; i++) {
      if (/[*?[]/.test(parts[i])) return glob(parts.slice(i).join("."), fqn.slice(i).join("."));
      if (fqn[i] !== parts[i]) return false;
    }
    return true;
  }
  // path: a file or folder relative to the project root; * within a
  // segment, ** across segments.
  function segsMatch(pat, segs) {
    if (!pat.length) return !segs.length;
    if (pat[0] === "**") {
      for (var k = 0; k <= segs.length; k++) if (segsMatch(pat.slice(1), segs.slice(k))) return true;
      return false;
    }
    return segs.length > 0 && glob(pat[0], segs[0]) && segsMatch(pat.slice(1), segs.slice(1));
  }
  function pathMatch(n, v) {
    var pat = v.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "").split("/").filter(function (s) { return s && s !== "."; });
    if (!pat.length || (pat.length === 1 && pat[0] === "**")) return true;
    if (!n.path) return false;
    var segs = n.path.split("/");
    for (var k = segs.length; k >= 1; k--) if (segsMatch(pat, segs.slice(0, k))) return true;
    return false;
  }
  function fileMatch(n, v) {
    if (!n.path) return false;
    var base = n.path.split("/").pop(), stem = base.replace(/\.[^.]*$/, "");
    return glob(v, base) || glob(v, stem);
  }
  function sourceMatch(n, v) {
    if (n.resource_type !== "source") return false;
    var p = v.split("."), pkg = "*", src = p[0], table = "*";
    if (p.length === 2) table = p[1];
    if (p.length === 3) { pkg = p[0]; src = p[1]; table = p[2]; }
    var dot = n.name.indexOf(".");
    return glob(pkg, (n.fqn || [data.project])[0]) && glob(src, n.name.slice(0, dot)) && glob(table, n.name.slice(dot + 1));
  }
  var methods = {
    fqn: fqnMatch,
    path: pathMatch,
    file: fileMatch,
    tag: function (n, v) { return (n.tags || []).some(function (t) { return glob(v, t); }); },
    package: function (n, v) { return glob(v, (n.fqn && n.fqn[0]) || data.project); },
    resource_type: function (n, v) { return n.resource_type === v; },
    source: sourceMatch,
    "config.materialized": function (n, v) { return n.resource_type !== "source" && glob(v, n.materialized || ""); },
    "config.tags": function (n, v) { return n.resource_type !== "source" && (n.tags || []).some(function (t) { return glob(v, t); }); }
  };
  var methodNames = Object.keys(methods);
  // What the engine knows and this page cannot: said, not matched silently.
  var notHere = {
    state: "state: compares with a second manifest (--state DIR), which a static page does not have; run `techstore ls --select %s --state DIR` instead",
    selector: "selector: names a selectors.yml entry, which the page does not carry; run `techstore ls --selector NAME` instead",
    test_type: "tests are not drawn on this page, so test_type: cannot select anything here; run `techstore ls --select %s` instead",
    test_name: "tests are not drawn on this page, so test_name: cannot select anything here; run `techstore ls --select %s` instead"
  };
  // parseCriterion reads input[a:b]: [@][n+][method[.arg]:]value[+n].
  function parseCriterion(input, a, b) {
    var c = { text: input.slice(a, b), pos: a, at: false, parents: false, pDepth: 0, children: false, cDepth: 0 }, p = a;
    if (input[p] === "@") { c.at = true; p++; }
    var q = p;
    while (q < b && /\d/.test(input[q])) q++;
    if (q < b && input[q] === "+") { c.parents = true; if (q > p) c.pDepth = parseInt(input.slice(p, q), 10); p = q + 1; }
    var e = b, r = b;
    while (r > p && /\d/.test(input[r - 1])) r--;
    if (r > p && input[r - 1] === "+") { c.children = true; if (r < b) c.cDepth = parseInt(input.slice(r, b), 10); e = r - 1; }
    if (p >= e) throw new SelectorError(input, p, "missing node name or method:value after \"" + (input.slice(a, p) || input.slice(a, b)) + "\", e.g. " + input.slice(a, p) + "silver_orders");
    if (c.at && c.children) throw new SelectorError(input, e, "'@' cannot be combined with a trailing '+': '@model' already selects every descendant of the model");
    var body = input.slice(p, e), colon = body.indexOf(":");
    if (colon >= 0) {
      var m = body.slice(0, colon);
      if (!m) throw new SelectorError(input, p, "missing method name before ':'; valid methods: " + methodNames.join(", "));
      for (var k = 0; k < m.length; k++) {
        if (!/[A-Za-z0-9_.]/.test(m[k])) throw new SelectorError(input, p + k, "unexpected '" + m[k] + "' in method name \"" + m + "\"; a method is letters, digits, '_' and '.'");
      }
      c.method = m; c.value = body.slice(colon + 1);
      var vat = p + colon + 1;
      if (!c.value) throw new SelectorError(input, vat, "empty value for method \"" + m + "\"");
      var extra = c.value.indexOf(":");
      if (extra >= 0) throw new SelectorError(input, vat + extra, "unexpected ':' in value \"" + c.value + "\": a criterion has a single method:value colon");
      var why = notHere[m];
      if (why) throw new SelectorError(input, p, why.replace("%s", input.slice(a, b)));
      if (m.indexOf("config.") === 0 && !methods[m]) {
        throw new SelectorError(input, p + 7, "the page carries only config.materialized and config.tags of each node, not \"" + m +
          "\"; run `techstore ls --select " + body + "` for the other config keys");
      }
      if (!methods[m]) throw new SelectorError(input, p, "unknown selector method \"" + m + "\" (use " + methodNames.join(", ") + ")");
    } else {
      c.value = body;
      c.method = body.indexOf("/") >= 0 ? "path" : /\.(sql|csv|py)$/.test(body) ? "file" : "fqn";
    }
    return c;
  }
  // parse reads the whole box: criteria separated by spaces (union), each a
  // comma-separated intersection; "--exclude" switches to the criteria to
  // subtract (dbt's flag, as dbt Cloud's IDE takes it), "--select"/"-s" back.
  function parse(input) {
    var out = { select: [], exclude: [] }, list = out.select, i = 0, sawExclude = false;
    while (i < input.length) {
      if (/\s/.test(input[i])) { i++; continue; }
      var j = i;
      while (j < input.length && !/\s/.test(input[j])) j++;
      var tok = input.slice(i, j);
      if (tok === "--exclude") { list = out.exclude; sawExclude = true; }
      else if (tok === "--select" || tok === "-s" || tok === "--models" || tok === "-m") list = out.select;
      else if (tok[0] === "-" && tok[1] === "-") throw new SelectorError(input, i, "unknown flag \"" + tok + "\": the box takes --select and --exclude");
      else list.push(parseGroup(input, i, j));
      i = j;
    }
    if (sawExclude && !out.exclude.length) throw new SelectorError(input, input.length, "--exclude needs a selector after it, e.g. --exclude tag:deprecated");
    return out;
  }
  function parseGroup(input, a, b) {
    var items = [], s = a;
    for (;;) {
      var t = s;
      while (t < b && input[t] !== ",") t++;
      if (s === t) throw new SelectorError(input, s, s === a ? "empty criterion before ',': a comma joins two criteria, e.g. tag:silver,config.materialized:table" :
        t === b ? "empty criterion after ',': a comma joins two criteria, e.g. tag:silver,config.materialized:table" : "empty criterion between commas: remove the extra ','");
      items.push(parseCriterion(input, s, t));
      if (t === b) break;
      s = t + 1;
    }
    return items;
  }
  function evalCriterion(c, warnings) {
    var fn = methods[c.method];
    var base = data.nodes.filter(function (n) { return fn(n, c.value); }).map(function (n) { return n.id; });
    if (!base.length) warnings.push("The selection criterion '" + c.text + "' does not match any enabled nodes");
    var out = {};
    base.forEach(function (id) { out[id] = true; });
    if (c.at) {
      var desc = walk(base, downs, 0);
      desc.forEach(function (id) { out[id] = true; });
      walk(base.concat(desc), ups, 0).forEach(function (id) { out[id] = true; });
    }
    if (c.parents) walk(base, ups, c.pDepth).forEach(function (id) { out[id] = true; });
    if (c.children) walk(base, downs, c.cDepth).forEach(function (id) { out[id] = true; });
    return out;
  }
  function unionOf(groups, warnings) {
    var result = {};
    groups.forEach(function (g) {
      var sets = g.map(function (c) { return evalCriterion(c, warnings); });
      Object.keys(sets[0]).forEach(function (id) {
        if (sets.every(function (s) { return s[id]; })) result[id] = true;
      });
    });
    return result;
  }
  // select returns the selected ids (as a set) and dbt's warnings; it
  // throws a SelectorError for an expression that does not parse.
  function select(expr) {
    var p = parse(expr), warnings = [], result = {};
    if (p.select.length) result = unionOf(p.select, warnings);
    else data.nodes.forEach(function (n) { result[n.id] = true; });
    var ex = unionOf(p.exclude, warnings);
    Object.keys(ex).forEach(function (id) { delete result[id]; });
    return { set: result, warnings: warnings };
  }
  window.techstoreSelect = function (expr) { return Object.keys(select(expr).set).sort(); };

  // ---------- DAG view ----------
  function applyVisible(set) {
    state.visible = set;
    var shown = 0;
    Object.keys(nodeEls).forEach(function (id) {
      var on = !set || !!set[id];
      nodeEls[id].classList.toggle("hidden", !on);
      if (on) shown++;
    });
    edgeEls.forEach(function (p) {
      var on = !set || (set[p.getAttribute("data-from")] && set[p.getAttribute("data-to")]);
      p.classList.toggle("hidden", !on);
    });
    document.getElementById("count").textContent = shown + " of " + data.nodes.length + " nodes";
    fit();
  }
  function fit() {
    var ids = state.visible ? Object.keys(state.visible) : null;
    if (!ids) { setViewBox(full); return; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ids.forEach(function (id) {
      var b = byId[id] && byId[id].box;
      if (!b) return;
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h);
    });
    if (x0 === Infinity) { setViewBox(full); return; }
    // Never zoom in further than a comfortable reading size.
    var pad = 20, w = Math.max(x1 - x0 + 2 * pad, 700), h = Math.max(y1 - y0 + 2 * pad, 350);
    setViewBox({ x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w: w, h: h });
  }
  function markClass(cls, ids) {
    Object.keys(nodeEls).forEach(function (id) { nodeEls[id].classList.toggle(cls, !!(ids && ids[id])); });
  }

  // pan and zoom
  var drag = null;
  svg.addEventListener("mousedown", function (e) { drag = { x: e.clientX, y: e.clientY, v: Object.assign({}, view), moved: false }; });
  window.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var r = svg.getBoundingClientRect(), s = Math.max(drag.v.w / r.width, drag.v.h / r.height);
    var dx = (e.clientX - drag.x) * s, dy = (e.clientY - drag.y) * s;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    setViewBox({ x: drag.v.x - dx, y: drag.v.y - dy, w: drag.v.w, h: drag.v.h });
  });
  window.addEventListener("mouseup", function () { setTimeout(function () { drag = null; }, 0); });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var f = e.deltaY > 0 ? 1.15 : 1 / 1.15, r = svg.getBoundingClientRect();
    var px = view.x + (e.clientX - r.left) / r.width * view.w, py = view.y + (e.clientY - r.top) / r.height * view.h;
    setViewBox({ x: px - (px - view.x) * f, y: py - (py - view.y) * f, w: view.w * f, h: view.h * f });
  }, { passive: false });
  svg.addEventListener("click", function (e) {
    if (drag && drag.moved) return;
    var g = e.target.closest && e.target.closest("g.node");
    if (g) location.hash = "#model/" + encodeURIComponent(g.getAttribute("data-id"));
  });

  // ---------- search ----------
  var search = document.getElementById("search"), results = document.getElementById("results");
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { markClass("match", null); return; }
    var hits = data.nodes.filter(function (n) {
      return n.name.toLowerCase().indexOf(q) >= 0 || (n.description || "").toLowerCase().indexOf(q) >= 0 ||
        (n.columns || []).some(function (c) { return c.name.toLowerCase() === q; });
    });
    var m = {};
    hits.forEach(function (n) { m[n.id] = true; });
    markClass("match", m);
    hits.slice(0, 50).forEach(function (n) {
      results.appendChild(el("a", { href: "#model/" + encodeURIComponent(n.id), text: n.name + "  (" + n.layer + ")" }));
    });
  });
  results.addEventListener("click", function () { results.textContent = ""; search.value = ""; markClass("match", null); });

  // ---------- selector box ----------
  var selInput = document.getElementById("selector"), selErr = document.getElementById("sel-error");
  function applySelector() {
    var expr = selInput.value.trim();
    selErr.textContent = ""; selErr.className = "";
    if (!expr) { resetView(); return; }
    var res;
    try {
      res = select(expr);
    } catch (err) {
      selErr.className = "error";
      if (err instanceof SelectorError) {
        // The expression with a caret under the offending character.
        selErr.appendChild(el("span", { "class": "sel-msg", text: err.message }));
        selErr.appendChild(el("pre", { "class": "sel-caret", text: err.input + "\n" + new Array(err.pos + 1).join(" ") + "^" }));
      } else selErr.textContent = err.message;
      return;
    }
    var ids = Object.keys(res.set);
    if (!ids.length) res.warnings.push("Nothing selected: no node on this page matches \"" + expr + "\"");
    if (res.warnings.length) { selErr.className = "warning"; selErr.textContent = res.warnings.join("; "); }
    state.focus = null;
    markClass("focus", null); markClass("lin-hl", null);
    applyVisible(res.set);
    document.getElementById("view-controls").textContent = "";
    // A deep link to the selection, without re-routing.
    history.replaceState(null, "", "#select/" + encodeURIComponent(expr));
  }
  document.getElementById("apply").addEventListener("click", applySelector);
  selInput.addEventListener("keydown", function (e) { if (e.key === "Enter") applySelector(); });
  document.getElementById("reset").addEventListener("click", function () {
    selInput.value = ""; selErr.textContent = "";
    if (location.hash) location.hash = ""; else resetView();
  });
  function resetView() {
    state.focus = null; state.column = null;
    markClass("focus", null); markClass("lin-hl", null);
    applyVisible(null);
    document.getElementById("view-controls").textContent = "";
    overviewPanel();
  }

  // ---------- panels ----------
  var panel = document.getElementById("panel");
  function overviewPanel() {
    panel.textContent = "";
    var counts = {};
    data.nodes.forEach(function (n) { counts[n.layer] = (counts[n.layer] || 0) + 1; });
    panel.appendChild(el("h2", { text: data.project + " lineage" }));
    panel.appendChild(el("p", { "class": "meta", text: "Generated " + (data.generated_at || "") + (data.run_at ? " · last run " + data.run_at : " · no run results") }));
    var t = el("table", null, [el("tr", null, [el("th", { text: "layer" }), el("th", { text: "nodes" })])]);
    data.layers.forEach(function (l) { t.appendChild(el("tr", null, [el("td", { text: l }), el("td", { text: String(counts[l] || 0) })])); });
    panel.appendChild(t);
    panel.appendChild(el("p", { "class": "hint", text: "Click a node to open its page; click a column to follow its lineage." }));
    panel.appendChild(el("p", { "class": "hint", id: "selector-help", text: "The selector box takes the engine's (dbt's) syntax: name, silver_*, +name, name+, 2+name+1, @name; " +
      "methods fqn:, path: (* within a folder, ** across), file:, tag:, package:, resource_type:, source:, config.materialized:, config.tags:; " +
      "a space is a union, a comma an intersection, and --exclude <selector> subtracts. Not on this page: state: (needs a second manifest: use techstore ls --state DIR), " +
      "selector: (selectors.yml), test_type:/test_name: and tests (not drawn), and config keys other than materialized and tags (use techstore ls). " +
      "@name walks the drawn graph: the engine's graph also holds tests, so its @name adds the other parents of tests on name's descendants." }));
  }

  function neighbourhood(id) {
    var set = {};
    set[id] = true;
    walk([id], ups, state.up).forEach(function (m) { set[m] = true; });
    walk([id], downs, state.down).forEach(function (m) { set[m] = true; });
    return set;
  }
  function viewControls(id) {
    var c = document.getElementById("view-controls");
    c.textContent = "";
    function btn(label, cls, fn) { c.appendChild(el("button", { id: cls, text: label, onclick: fn })); }
    btn("upstream +1", "expand-up", function () { state.up = state.up === 0 ? 0 : state.up + 1; showGraphFor(id); });
    btn("downstream +1", "expand-down", function () { state.down = state.down === 0 ? 0 : state.down + 1; showGraphFor(id); });
    btn("all lineage", "expand-all", function () { state.up = 0; state.down = 0; showGraphFor(id); });
    btn("whole DAG", "show-dag", function () { applyVisible(null); });
  }
  function showGraphFor(id) {
    var f = {}; f[id] = true;
    markClass("focus", f);
    applyVisible(neighbourhood(id));
  }

  function statusSpan(s) { return s ? el("span", { "class": "status-" + s, text: s }) : el("span", { "class": "meta", text: "not run" }); }

  function showModel(id) {
    var n = byId[id];
    if (!n) { panel.textContent = ""; panel.appendChild(el("p", { text: "No node " + id + " in this project." })); return; }
    if (state.focus !== id) { state.up = 1; state.down = 1; }
    state.focus = id;
    showGraphFor(id);
    viewControls(id);
    panel.textContent = "";
    panel.appendChild(el("h2", { id: "model-title", text: n.name }));
    panel.appendChild(el("div", { "class": "meta", text: n.resource_type + " · " + n.layer + " · " + n.relation + (n.materialized ? " · materialized as " + n.materialized : "") + (n.path ? " · " + n.path : "") }));
    if ((n.tags || []).length) panel.appendChild(el("div", null, n.tags.map(function (t) { return el("span", { "class": "tag", text: t }); })));
    if (n.description) panel.appendChild(el("p", { "class": "desc", text: n.description }));

    panel.appendChild(el("h3", { text: "Last run" }));
    if (n.run) {
      var r = n.run;
      panel.appendChild(el("p", { id: "last-run" }, [statusSpan(r.status),
        " in " + r.execution_time.toFixed(2) + "s" + (r.rows != null ? " · " + r.rows + " rows" : "") + (r.completed_at ? " · " + r.completed_at : "") + (r.message ? " · " + r.message : "")]));
    } else panel.appendChild(el("p", { "class": "meta", id: "last-run", text: n.resource_type === "source" ? "a raw table (not built by the engine)" : "no run result (target/run_results.json)" }));

    panel.appendChild(el("h3", { text: "Columns" }));
    var t = el("table", { id: "columns" }, [el("tr", null, ["column", "type", "description", "tests", "lineage"].map(function (h) { return el("th", { text: h }); }))]);
    (n.columns || []).forEach(function (c) {
      var kinds = {};
      (c.inputs || []).forEach(function (e) { kinds[e.kind] = true; });
      var tr = el("tr", { "data-col": c.name }, [
        el("td", { "class": "colname" }, [el("a", { href: "#column/" + encodeURIComponent(id) + "/" + encodeURIComponent(c.name), text: c.name })]),
        el("td", { text: c.type || "" }), el("td", { text: c.description || "" }), el("td", { text: (c.tests || []).join(", ") }),
        el("td", null, Object.keys(kinds).map(function (k) { return el("span", { "class": "kind kind-" + k, text: k }); }))
      ]);
      t.appendChild(tr);
    });
    panel.appendChild(t);
    if ((n.lineage_problems || []).length) panel.appendChild(el("div", { "class": "problems" }, n.lineage_problems.map(function (p) { return el("div", { text: "lineage: " + p }); })));
    panel.appendChild(el("div", { id: "column-lineage" }));

    panel.appendChild(el("h3", { text: "Tests" }));
    if ((n.tests || []).length) {
      var tt = el("table", { id: "tests" }, [el("tr", null, ["test", "column", "last status"].map(function (h) { return el("th", { text: h }); }))]);
      n.tests.forEach(function (x) { tt.appendChild(el("tr", null, [el("td", { text: x.name }), el("td", { text: x.column || "" }), el("td", null, [statusSpan(x.status)])])); });
      panel.appendChild(tt);
    } else panel.appendChild(el("p", { "class": "meta", text: "no tests" }));

    panel.appendChild(el("h3", { text: "Upstream" }));
    panel.appendChild(el("div", { id: "upstream" }, linkList(n.upstream)));
    panel.appendChild(el("h3", { text: "Downstream" }));
    panel.appendChild(el("div", { id: "downstream" }, linkList(n.downstream)));
    if (n.raw_sql) {
      panel.appendChild(el("h3", { text: "SQL" }));
      panel.appendChild(el("details", null, [el("summary", { text: "raw" }), el("pre", { text: n.raw_sql })]));
      if (n.compiled_sql) panel.appendChild(el("details", null, [el("summary", { text: "compiled" }), el("pre", { text: n.compiled_sql })]));
    }
  }
  function linkList(ids) {
    if (!ids || !ids.length) return [el("span", { "class": "meta", text: "none" })];
    var out = [];
    ids.forEach(function (id, i) { if (i) out.push(", "); out.push(modelLink(id)); });
    return out;
  }

  // ---------- column lineage ----------
  var direct = { identity: 1, renamed: 1, transformed: 1, aggregated: 1, unknown: 1 };
  function columnOf(id, name) {
    var n = byId[id];
    if (!n) return null;
    var lname = name.toLowerCase();
    return (n.columns || []).filter(function (c) { return c.name.toLowerCase() === lname; })[0] || null;
  }
  // upstreamColumns walks the direct inputs back to the raw tables; each
  // hop keeps its kind and its depth (1 = read by the column itself).
  function upstreamColumns(id, name) {
    var hops = [], seen = {}, queue = [{ node: id, column: name, depth: 0 }];
    seen[id + "\u0000" + name.toLowerCase()] = true;
    while (queue.length) {
      var cur = queue.shift(), c = columnOf(cur.node, cur.column);
      if (!c) continue;
      (c.inputs || []).forEach(function (e) {
        if (!direct[e.kind]) return;
        var hop = { to: cur, from: e.from, kind: e.kind, note: e.note || "", depth: cur.depth + 1 };
        hops.push(hop);
        if (e.kind === "unknown") return;
        var k = e.from.node + "\u0000" + e.from.column.toLowerCase();
        if (!seen[k]) { seen[k] = true; queue.push({ node: e.from.node, column: e.from.column, depth: cur.depth + 1 }); }
      });
    }
    return hops;
  }
  function showColumn(id, name) {
    showModel(id);
    state.column = { node: id, column: name };
    Array.prototype.forEach.call(panel.querySelectorAll("#columns tr[data-col]"), function (tr) {
      tr.classList.toggle("col-focus", tr.getAttribute("data-col").toLowerCase() === name.toLowerCase());
    });
    if (!byId[id]) return;
    if (!columnOf(id, name)) {
      var miss = document.getElementById("column-lineage");
      miss.textContent = "";
      miss.appendChild(el("p", { "class": "problems", text: byId[id].name + " has no column " + name + "." }));
      return;
    }
    var hops = upstreamColumns(id, name);
    var nodesInvolved = {};
    nodesInvolved[id] = true;
    hops.forEach(function (h) { if (h.kind !== "unknown" && byId[h.from.node]) nodesInvolved[h.from.node] = true; });
    markClass("lin-hl", nodesInvolved);
    applyVisible(Object.assign({}, nodesInvolved));
    var box = document.getElementById("column-lineage");
    box.textContent = "";
    box.appendChild(el("h3", { text: "Lineage of " + name }));
    box.appendChild(el("div", { "class": "colgraph-wrap" }, [columnGraph(id, name, hops)]));
    var list = el("table", { id: "lineage-hops" }, [el("tr", null, ["column", "comes from", "how"].map(function (h) { return el("th", { text: h }); }))]);
    hops.forEach(function (h) {
      var from = h.kind === "unknown" ? el("span", { text: "unknown: " + h.note }) :
        el("a", { href: "#column/" + encodeURIComponent(h.from.node) + "/" + encodeURIComponent(h.from.column), text: label(h.from.node) + "." + h.from.column });
      list.appendChild(el("tr", { "class": "hop" }, [el("td", { text: label(h.to.node) + "." + h.to.column }), el("td", null, [from]), el("td", null, [el("span", { "class": "kind kind-" + h.kind, text: h.kind })])]));
    });
    if (!hops.length) list.appendChild(el("tr", null, [el("td", { colspan: "3", "class": "meta", text: "no input columns (a constant, or a raw table column)" })]));
    box.appendChild(list);
    if (box.scrollIntoView) box.scrollIntoView({ block: "start" });
    var ind = (byId[id].indirect || []);
    if (ind.length) {
      box.appendChild(el("p", { "class": "meta", text: "Rows of " + byId[id].name + " also depend on (filter/join): " +
        ind.map(function (e) { return e.kind === "unknown" ? "unknown (" + e.note + ")" : label(e.from.node) + "." + e.from.column + " [" + e.kind + "]"; }).join(", ") }));
    }
  }
  function label(id) { return byId[id] ? byId[id].name : id; }
  // columnGraph draws the column and its upstream columns, one column of
  // boxes per hop distance (right = the selected column), edges labelled.
  function columnGraph(id, name, hops) {
    var cols = {}, order = [];
    function key(n, c) { return n + "\u0000" + c.toLowerCase(); }
    function add(n, c, d) {
      var k = key(n, c);
      if (!cols[k]) { cols[k] = { node: n, column: c, depth: d }; order.push(k); }
      else if (d > cols[k].depth) cols[k].depth = d;
    }
    add(id, name, 0);
    hops.forEach(function (h, i) {
      if (h.kind === "unknown") add("unknown#" + i, "unknown", h.depth);
      else add(h.from.node, h.from.column, h.depth);
    });
    var maxD = 0, perDepth = {};
    order.forEach(function (k) { var c = cols[k]; maxD = Math.max(maxD, c.depth); c.row = perDepth[c.depth] = (perDepth[c.depth] || 0) + 1; });
    var W = 290, H = 34, maxRows = Math.max.apply(null, Object.keys(perDepth).map(function (d) { return perDepth[d]; }));
    var gw = (maxD + 1) * W + 20, gh = maxRows * H + 20;
    var s = svgEl("svg", { id: "colgraph", viewBox: "0 0 " + gw + " " + gh, width: gw, height: gh });
    var defs = svgEl("defs", {});
    var mk = svgEl("marker", { id: "carrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto" });
    mk.appendChild(svgEl("path", { d: "M0,0L10,5L0,10z", fill: "#57606a" }));
    defs.appendChild(mk); s.appendChild(defs);
    function pos(c) { return { x: 10 + (maxD - c.depth) * W, y: 10 + (c.row - 1) * H }; }
    hops.forEach(function (h, i) {
      var from = h.kind === "unknown" ? cols[key("unknown#" + i, "unknown")] : cols[key(h.from.node, h.from.column)];
      var to = cols[key(h.to.node, h.to.column)];
      if (!from || !to) return;
      var a = pos(from), b = pos(to);
      s.appendChild(svgEl("line", { x1: a.x + 180, y1: a.y + 13, x2: b.x, y2: b.y + 13, stroke: "#57606a", "marker-end": "url(#carrow)", "class": "hop-edge" }));
      s.appendChild(svgEl("text", { x: (a.x + 180 + b.x) / 2, y: (a.y + b.y) / 2 + 9, "font-size": "10", "text-anchor": "middle", fill: "#0969da", "class": "hop-label" }, h.kind));
    });
    order.forEach(function (k) {
      var c = cols[k], p = pos(c), n = byId[c.node];
      var g = svgEl("g", { "class": "lin-col" + (c.depth === 0 ? " lin-focus" : ""), "data-node": c.node.indexOf("unknown#") === 0 ? "" : c.node, "data-col": c.column, transform: "translate(" + p.x + "," + p.y + ")" });
      var fill = { source: "#d0d7de", bronze: "#e3b486", silver: "#dfe6ec", gold: "#f5d46b" }[n ? n.layer : ""] || "#ffebe9";
      g.appendChild(svgEl("rect", { width: 180, height: 26, rx: 4, fill: fill, stroke: c.depth === 0 ? "#0969da" : "#cf222e", "stroke-width": 2 }));
      var txt = c.node.indexOf("unknown#") === 0 ? "unknown" : (n ? n.name : c.node) + "." + c.column;
      g.appendChild(svgEl("text", { x: 6, y: 17, "font-size": "11", "font-family": "monospace" }, txt.length > 28 ? txt.slice(0, 27) + "…" : txt));
      g.appendChild(svgEl("title", {}, txt));
      s.appendChild(g);
    });
    return s;
  }

  // ---------- exports ----------
  function download(name, blob) {
    var a = el("a", { download: name, href: URL.createObjectURL(blob) });
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }
  function currentSVG() {
    var clone = svg.cloneNode(true);
    Array.prototype.forEach.call(clone.querySelectorAll(".hidden"), function (e) { e.remove(); });
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    clone.setAttribute("width", Math.round(view.w));
    clone.setAttribute("height", Math.round(view.h));
    clone.removeAttribute("style");
    return new XMLSerializer().serializeToString(clone);
  }
  document.getElementById("export-svg").addEventListener("click", function () {
    download("lineage.svg", new Blob([currentSVG()], { type: "image/svg+xml" }));
  });
  document.getElementById("export-png").addEventListener("click", function () {
    var img = new Image(), text = currentSVG();
    img.onload = function () {
      var scale = Math.min(2, 16000 / Math.max(view.w, view.h));
      var c = el("canvas", { width: Math.round(view.w * scale), height: Math.round(view.h * scale) });
      var ctx = c.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0, c.width, c.height);
      c.toBlob(function (b) { if (b) download("lineage.png", b); });
    };
    img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(text)));
  });

  // ---------- routing (deep links) ----------
  function route() {
    var h = location.hash.replace(/^#/, ""), m;
    if ((m = /^model\/(.+)$/.exec(h))) showModel(decodeURIComponent(m[1]));
    else if ((m = /^column\/([^/]+)\/(.+)$/.exec(h))) showColumn(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
    else if ((m = /^select\/(.+)$/.exec(h))) { overviewPanel(); selInput.value = decodeURIComponent(m[1]); applySelector(); }
    else resetView();
  }
  window.addEventListener("hashchange", route);
  route();
  document.body.setAttribute("data-ready", "1");
  window.techstoreReady = performance.now();
})();
