/* The atlas in the browser: a runtime that loads the display file once (layers/source.py) and
 * layers that draw any day of it without asking the server for geometry again.
 *
 * L.atlas.runtime(map, {dataUrl | data, strings}) -> runtime
 * runtime.addLayer(id, layer)   a layer implements onAdd(runtime), onData(data), update(info)
 * runtime.setState({date, layers, lang, title})
 *
 * Every text from the data is put into the page with textContent, never as HTML.
 * After each state is drawn the map container gets data-atlas-date and, one frame later,
 * data-atlas-rendered (the tests and the benchmark wait for these).
 */
(function () {
  "use strict";
  var A = (L.atlas = L.atlas || {});
  A.renders = 0;

  A.of = function (map) {
    return (map && map._atlas) || A.current;
  };

  // ---------------------------------------------------------------- geometry
  function decodeLine(arr, q) {
    var n = arr.length / 2, out = new Array(n), x = 0, y = 0;
    for (var i = 0; i < n; i++) {
      x += arr[2 * i];
      y += arr[2 * i + 1];
      out[i] = [y * q, x * q];
    }
    return out;
  }
  function decodePolygons(polys, q) {
    return polys.map(function (rings) {
      return rings.map(function (r) { return decodeLine(r, q); });
    });
  }
  function decodeLines(lines, q) {
    return lines.map(function (l) { return decodeLine(l, q); });
  }

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }

  function darker(hex, f) {
    var n = parseInt(hex.slice(1), 16);
    var r = Math.round(((n >> 16) & 255) * f), g = Math.round(((n >> 8) & 255) * f), b = Math.round((n & 255) * f);
    return "#" + ((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1);
  }

  // ---------------------------------------------------------------- status styles
  // Status is shown by pattern and outline, never by colour alone.
  var DASH = { sovereign: null, annexed: null, occupied: "6 4", protectorate: "1 4", client: "9 3 2 3", leased: "2 3", condominium: "6 2" };
  A.STATUSES = ["sovereign", "annexed", "occupied", "protectorate", "client", "leased", "condominium"];

  // An SVG <pattern> for a status over a colour (and, for occupation, the occupied state's colour).
  function patternSvg(doc, id, status, colour, other) {
    var NS = "http://www.w3.org/2000/svg";
    var p = doc.createElementNS(NS, "pattern");
    p.setAttribute("id", id);
    p.setAttribute("patternUnits", "userSpaceOnUse");
    var size = 8, rotate = 45;
    function add(tag, attrs) {
      var e = doc.createElementNS(NS, tag);
      for (var k in attrs) e.setAttribute(k, attrs[k]);
      p.appendChild(e);
    }
    if (status === "client") rotate = 0;
    if (status === "leased" || status === "protectorate") rotate = 0;
    p.setAttribute("width", size);
    p.setAttribute("height", size);
    if (rotate) p.setAttribute("patternTransform", "rotate(" + rotate + ")");
    add("rect", { x: 0, y: 0, width: size, height: size, fill: colour });
    var white = "rgba(255,255,255,0.85)";
    if (status === "annexed") add("rect", { x: 0, y: 0, width: 1.6, height: size, fill: white });
    else if (status === "occupied") add("rect", { x: 0, y: 0, width: 3.2, height: size, fill: other || "#ffffff" });
    else if (status === "protectorate") add("circle", { cx: 4, cy: 4, r: 1.5, fill: white });
    else if (status === "client") add("rect", { x: 0, y: 0, width: size, height: 1.5, fill: white });
    else if (status === "leased") {
      add("rect", { x: 0, y: 0, width: 1.3, height: size, fill: white });
      add("rect", { x: 0, y: 0, width: size, height: 1.3, fill: white });
    } else if (status === "condominium") {
      add("rect", { x: 0, y: 0, width: 1.3, height: size, fill: white });
      add("rect", { x: 0, y: 0, width: size, height: 1.3, fill: white });
    }
    return p;
  }

  function stateKey(s) {
    return [s.date, (s.layers || []).join(","), s.lang, s.title].join("|");
  }

  // ---------------------------------------------------------------- runtime
  A.Runtime = L.Evented.extend({
    initialize: function (map, options) {
      this.map = map;
      this.options = options || {};
      this.strings = this.options.strings || {};
      this.layers = {};
      this.state = null;
      this.data = null;
      map._atlas = this;
      A.current = this;
      map.getContainer().classList.add("atlas-map");
      if (this.options.follow) this._follow(this.options.follow);
      if (map.attributionControl) map.attributionControl.addAttribution("Land, lakes, rivers: Natural Earth");
      this._panes();
      var self = this;
      if (this.options.data) {
        setTimeout(function () { self._loaded(self.options.data); }, 0);
      } else if (this.options.dataUrl) {
        this._loading = el("div", "atlas-loading", this.t("loading"), map.getContainer());
        A.timing = { fetch: performance.now() };
        var pre = window.__atlasPrefetch && window.__atlasPrefetch[this.options.dataUrl];
        (pre || fetch(this.options.dataUrl, { credentials: "same-origin" })
          .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); }))
          .then(function (d) { A.timing.parsed = performance.now(); self._loaded(d); A.timing.drawn = performance.now(); })
          .catch(function (e) { if (self._loading) self._loading.textContent = "Atlas data could not be loaded: " + e.message; });
      }
    },
    // Follow the page's date controls directly: when the Year (or Month) slider of the embedding
    // page moves, show the new date at once, without waiting for the server's round trip; the
    // server then sends the same state, which costs nothing (see setState). Works only when the
    // page is of the same origin (Streamlit's component iframe); otherwise it silently does nothing.
    _follow: function (sel) {
      var self = this, pdoc;
      try { pdoc = window.parent && window.parent !== window ? window.parent.document : null; } catch (e) { pdoc = null; }
      if (!pdoc) return;
      this._follows = sel;
      this._pdoc = pdoc;
      function onInput(ev) { check(ev.target); }
      function check(t) {
        var s = self.state;
        if (!s || !self.data || !t || !t.matches) return;
        if (!(sel.year && t.matches(sel.year)) && !(sel.month && t.matches(sel.month))) return;
        // A held answer of the server that the sliders now agree with wins (a key date's day).
        if (self._deferred && !self._disagrees(self._deferred)) {
          var d = self._deferred;
          self._deferred = null;
          clearTimeout(self._deferTimer);
          self.setState(d);
          return;
        }
        var parts = s.date.split("-").map(Number), y = parts[0], m = parts[1], d = parts[2];
        if (sel.year && t.matches(sel.year)) y = Number(t.value);
        else if (sel.month && t.matches(sel.month)) m = Number(t.value) + (sel.monthBase === 0 ? 1 : 0);
        else return;
        if (!(y >= 1000 && m >= 1 && m <= 12)) return;
        d = Math.min(d, new Date(Date.UTC(y, m, 0)).getUTCDate()); // 29 February → 28 in other years
        var iso = y + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0");
        if (sel.first && iso < sel.first) iso = sel.first;
        if (sel.last && iso > sel.last) iso = sel.last;
        if (iso === s.date) return;
        self._deferred = null; // the user has moved on: an answer held back is out of date
        clearTimeout(self._deferTimer);
        self.setState({ date: iso, layers: s.layers, lang: s.lang, title: A.formatDate(iso, s.lang, self.strings.months) });
      }
      pdoc.addEventListener("input", onInput, true);
      pdoc.addEventListener("change", onInput, true);
      // Streamlit's sliders (react-aria) set their value from script on key presses and drags, which
      // fires no input event; their aria-valuetext changes with it, so watch that.
      var observer = new MutationObserver(function (records) {
        for (var i = 0; i < records.length; i++) check(records[i].target);
      });
      if (pdoc.body) observer.observe(pdoc.body, { subtree: true, attributes: true, attributeFilter: ["aria-valuetext"] });
      window.addEventListener("pagehide", function () {
        observer.disconnect();
        pdoc.removeEventListener("input", onInput, true);
        pdoc.removeEventListener("change", onInput, true);
      });
    },
    t: function (key) {
      return this.strings[key] || key;
    },
    _panes: function () {
      var m = this.map, z = { atlasLand: 300, atlasTerritories: 410, atlasWater: 440, atlasChanges: 450, atlasLines: 455, atlasTop: 460 };
      for (var k in z) {
        if (!m.getPane(k)) m.createPane(k).style.zIndex = z[k];
      }
      m.getPane("atlasWater").style.pointerEvents = "none";
      m.getPane("atlasChanges").style.pointerEvents = "none";
    },
    addLayer: function (id, layer) {
      this.layers[id] = layer;
      layer.id = id;
      if (layer.onAdd) layer.onAdd(this);
      if (this.data && layer.onData) layer.onData(this.data);
      if (this.data && this.state) this._apply();
      return this;
    },
    // One failing layer must not blank the others: report it and go on.
    _call: function (id, method, arg) {
      var layer = this.layers[id];
      if (!layer[method]) return;
      try {
        layer[method](arg);
      } catch (e) {
        if (window.console) console.error("atlas layer " + id + "." + method + ": " + (e && e.stack ? e.stack : e));
      }
    },
    // fromPage: the state comes from the page's server (the State element), not from _follow.
    setState: function (state, fromPage) {
      A.stateAt = performance.timeOrigin + performance.now();
      if (fromPage && this._follows) {
        // An answer to an older slider position (the user pressed again meanwhile), or a new date
        // whose slider update is still on its way: hold it until the sliders agree with it, or
        // for a moment at most (the server has the last word).
        var self = this;
        clearTimeout(this._deferTimer);
        this._deferred = null;
        if (this._disagrees(state)) {
          this._deferred = state;
          this._deferTimer = setTimeout(function () {
            var d = self._deferred;
            self._deferred = null;
            if (d) self.setState(d);
          }, 3000);
          return this;
        }
      }
      // The page's own controls may have shown this state already (see _follow): nothing to redo.
      if (this.state && this.data && stateKey(state) === stateKey(this.state)) return this;
      this.state = state;
      if (this.data) this._apply();
      return this;
    },
    _disagrees: function (state) {
      var sel = this._follows, pdoc = this._pdoc, p = state.date.split("-").map(Number);
      try {
        var y = sel.year && pdoc.querySelector(sel.year), m = sel.month && pdoc.querySelector(sel.month);
        if (y && Number(y.value) !== p[0]) return true;
        if (m && Number(m.value) + (sel.monthBase === 0 ? 1 : 0) !== p[1]) return true;
      } catch (e) {
        return false;
      }
      return false;
    },
    _loaded: function (data) {
      this.data = data;
      var b = data.boundaries;
      // features by map step: feature k is drawn on step i if f <= i < t
      this.byStep = new Array(b.length);
      if (this._loading) { this._loading.remove(); this._loading = null; }
      if (data.details) this._details(data.details);
      else if (this.options.dataUrl) {
        // Notes, quotes and sources (for popups) come after the first map is drawn.
        var self = this, url = this.options.dataUrl.replace(/\.json$/, "-details.json");
        setTimeout(function () {
          fetch(url, { credentials: "same-origin" })
            .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
            .then(function (d) { self._details(d); })
            .catch(function (e) { if (window.console) console.error("atlas details: " + e); });
        }, 0);
      }
      for (var id in this.layers) this._call(id, "onData", data);
      this.fire("data", { data: data });
      if (this.state) this._apply();
    },
    _details: function (d) {
      var fs = this.data.features;
      (d.features || []).forEach(function (x, k) { if (fs[k]) L.extend(fs[k], x); });
      this.data.sources = d.sources || {};
    },
    // index of the map step holding an ISO date (the last boundary <= date)
    step: function (iso) {
      var b = this.data.boundaries, lo = 0, hi = b.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (b[mid] <= iso) lo = mid; else hi = mid - 1;
      }
      return lo;
    },
    featuresAt: function (i) {
      if (!this.byStep[i]) {
        var out = [], fs = this.data.features;
        for (var k = 0; k < fs.length; k++) if (fs[k].f <= i && i < fs[k].t) out.push(k);
        this.byStep[i] = out;
      }
      return this.byStep[i];
    },
    polity: function (id) {
      var p = (this.data.polities || {})[id];
      var lang = (this.state && this.state.lang) || "en";
      return { name: p ? (p[lang] || p.name) : id, colour: p ? p.colour : "#cccccc" };
    },
    _apply: function () {
      var s = this.state, i = this.step(s.date);
      var info = { date: s.date, step: i, layers: {}, lang: s.lang, title: s.title, features: this.featuresAt(i) };
      (s.layers || []).forEach(function (x) { info.layers[x] = true; });
      for (var id in this.layers) this._call(id, "update", info);
      var c = this.map.getContainer();
      A.appliedAt = performance.timeOrigin + performance.now();
      c.dataset.atlasDate = s.date;
      c.dataset.atlasLayers = (s.layers || []).join(",");
      this.fire("render", info);
      requestAnimationFrame(function () {
        // A frame later the browser has laid out and painted the new state.
        A.renders += 1;
        A.renderedAt = performance.timeOrigin + performance.now();
        c.dataset.atlasRenderedAt = String(A.renderedAt);
        c.dataset.atlasRendered = s.date;
      });
    },
  });
  A.runtime = function (map, options) { return new A.Runtime(map, options); };

  // A date as readers of the language write it (the same rule as layers/i18n.py format_date).
  A.formatDate = function (iso, lang, months) {
    var p = iso.split("-"), day = Number(p[2]), month = (months || [])[Number(p[1]) - 1] || p[1];
    if (lang === "de") return day + ". " + month + " " + p[0];
    if (lang === "th") return day + " " + month + " ค.ศ. " + p[0];
    return day + " " + month + " " + p[0];
  };

  // ---------------------------------------------------------------- basemap
  A.Land = L.Class.extend({
    onAdd: function (rt) { this.rt = rt; },
    onData: function (d) {
      this.layer = L.polygon(decodePolygons(d.base.land, d.q), {
        pane: "atlasLand", interactive: false, stroke: true, color: "#b9b2a3", weight: 0.6, fillColor: "#f2eee3", fillOpacity: 1,
      }).addTo(this.rt.map);
    },
    update: function (info) {
      if (this.layer) this.layer.setStyle({ fillOpacity: info.layers.tiles ? 0 : 1 });
    },
  });
  A.land = function (o) { return new A.Land(o); };

  A.Lakes = L.Class.extend({
    onAdd: function (rt) { this.rt = rt; },
    onData: function (d) {
      this.layer = L.polygon(decodePolygons(d.base.lakes, d.q), {
        pane: "atlasWater", interactive: false, color: "#7fa7c4", weight: 0.6, fillColor: "#cfe0ea", fillOpacity: 1,
      });
    },
    update: function (info) {
      if (!this.layer) return;
      if (info.layers.lakes) this.layer.addTo(this.rt.map); else this.layer.remove();
    },
  });
  A.lakes = function (o) { return new A.Lakes(o); };

  A.Rivers = L.Class.extend({
    onAdd: function (rt) { this.rt = rt; },
    onData: function (d) {
      this.layer = L.polyline(decodeLines(d.base.rivers, d.q), { pane: "atlasWater", interactive: false, color: "#5b8db5", weight: 1, opacity: 0.85 });
    },
    update: function (info) {
      if (!this.layer) return;
      if (info.layers.rivers) this.layer.addTo(this.rt.map); else this.layer.remove();
    },
  });
  A.rivers = function (o) { return new A.Rivers(o); };

  A.Tiles = L.Class.extend({
    initialize: function (options) { this.options = options || {}; },
    onAdd: function (rt) { this.rt = rt; },
    update: function (info) {
      // Created only when switched on, so that nothing is requested from the internet before.
      if (info.layers.tiles) {
        if (!this.layer) this.layer = L.tileLayer(this.options.url, { attribution: this.options.attribution, maxNativeZoom: this.options.maxNativeZoom, maxZoom: 9 });
        this.layer.addTo(this.rt.map);
      } else if (this.layer) {
        this.layer.remove();
      }
    },
  });
  A.tiles = function (o) { return new A.Tiles(o); };

  // ---------------------------------------------------------------- territories
  A.Territories = L.Class.extend({
    initialize: function (options) {
      this.options = options || {};
      this.shown = {}; // feature index -> L.Polygon on the map
      this.cache = {}; // feature index -> L.Polygon
      this.patterns = {};
      this.styleKey = null;
    },
    onAdd: function (rt) {
      this.rt = rt;
      this.renderer = L.svg({ pane: "atlasTerritories", padding: 0.3 });
    },
    onData: function (d) {
      this.geoms = new Array(d.geoms.length);
    },
    _latlngs: function (g) {
      if (!this.geoms[g]) this.geoms[g] = decodePolygons(this.rt.data.geoms[g], this.rt.data.q);
      return this.geoms[g];
    },
    _defs: function () {
      var svg = this.renderer._container;
      if (!svg) return null;
      if (!this._defsEl || this._defsEl.parentNode !== svg) {
        this._defsEl = document.createElementNS("http://www.w3.org/2000/svg", "defs");
        svg.insertBefore(this._defsEl, svg.firstChild);
        this.patterns = {};
      }
      return this._defsEl;
    },
    _fill: function (f, withStatus) {
      var c = this.rt.polity(f.c).colour;
      if (!withStatus || f.s === "sovereign" || !DASH.hasOwnProperty(f.s)) return c;
      var other = f.s === "occupied" && f.o ? this.rt.polity(f.o).colour : null;
      var id = "atlas-p-" + f.s + "-" + c.slice(1) + (other ? "-" + other.slice(1) : "");
      var defs = this._defs();
      if (!defs) { this._pending = true; return c; } // no <svg> yet: patterned once the path is on the map
      if (!this.patterns[id]) {
        defs.appendChild(patternSvg(document, id, f.s, c, other));
        this.patterns[id] = true;
      }
      return "url(#" + id + ")";
    },
    _style: function (f, withStatus) {
      var c = this.rt.polity(f.c).colour;
      return {
        renderer: this.renderer,
        pane: "atlasTerritories",
        color: darker(c, 0.55),
        weight: withStatus && f.s !== "sovereign" ? 1.4 : 0.8,
        opacity: 0.9,
        dashArray: withStatus ? DASH[f.s] || null : null,
        fillColor: this._fill(f, withStatus),
        fillOpacity: this.tiles ? 0.6 : 0.9,
      };
    },
    _make: function (k) {
      var f = this.rt.data.features[k], self = this;
      var poly = L.polygon(this._latlngs(f.g), this._style(f, this.withStatus));
      poly.bindTooltip(function () { return self._tooltip(f); }, { sticky: true, className: "atlas-tooltip" });
      poly.bindPopup(function () { return self._popup(f); }, { maxWidth: 360, className: "atlas-popup" });
      poly._atlasKey = this.styleKey;
      poly._atlasNeedsPattern = !!this._pending;
      this._pending = false;
      return poly;
    },
    update: function (info) {
      var rt = this.rt, want = {};
      var on = !!info.layers.territories;
      this.withStatus = !!info.layers.status;
      this.tiles = !!info.layers.tiles;
      var key = [this.withStatus, this.tiles, info.lang].join("|");
      var restyle = key !== this.styleKey;
      this.styleKey = key;
      if (on) info.features.forEach(function (k) { want[k] = true; });
      for (var k in this.shown) {
        if (!want[k]) { this.shown[k].remove(); delete this.shown[k]; }
      }
      for (var j in want) {
        var p = this.cache[j];
        if (!p) p = this.cache[j] = this._make(+j);
        if (!this.shown[j]) { p.addTo(rt.map); this.shown[j] = p; }
      }
      // Patterns live in the renderer's <svg>, which exists only once a path is on the map:
      // style after adding, and again whenever the status toggle, the tiles or the language change.
      for (var s in this.shown) {
        var poly = this.shown[s];
        if (restyle || poly._atlasKey !== key || poly._atlasNeedsPattern) {
          var f = rt.data.features[s];
          this._pending = false;
          poly.setStyle(this._style(f, this.withStatus));
          poly._atlasKey = key;
          poly._atlasNeedsPattern = !!this._pending;
          this._pending = false;
        }
      }
    },
    unitName: function (u) {
      var n = this.rt.data.units[u] || {}, lang = (this.rt.state && this.rt.state.lang) || "en";
      return { then: n[lang] || n.name || u, local: n.local, modern: n.modern };
    },
    _tooltip: function (f) {
      var n = this.unitName(f.u), box = el("div");
      el("b", null, n.then, box);
      if (n.modern) el("span", "atlas-now", " (" + this.rt.t("popup_now").toLowerCase() + ": " + n.modern + ")", box);
      el("div", null, this.rt.polity(f.c).name + " · " + this.rt.t("status_" + f.s), box);
      return box;
    },
    _popup: function (f) {
      var rt = this.rt, d = rt.data, n = this.unitName(f.u), box = el("div", "atlas-popup-body");
      el("div", "atlas-popup-title", n.then, box);
      function row(label, value) {
        if (!value) return;
        var r = el("div", "atlas-row", null, box);
        el("span", "atlas-label", label + ": ", r);
        el("span", null, value, r);
      }
      row(rt.t("popup_local"), n.local && n.local !== n.then ? n.local : null);
      row(rt.t("popup_now"), n.modern);
      row(rt.t("popup_controller"), rt.polity(f.c).name);
      row(rt.t("popup_status"), rt.t("status_" + f.s));
      row(rt.t("popup_sovereign"), f.o ? rt.polity(f.o).name : null);
      row(rt.t("popup_since"), d.boundaries[f.f]);
      row(rt.t("popup_until"), f.t < d.boundaries.length - 1 ? d.boundaries[f.t] : null);
      if (f.src && f.src.length) {
        var r = el("div", "atlas-row", null, box);
        el("span", "atlas-label", rt.t("popup_sources") + ": ", r);
        var ul = el("ul", "atlas-sources", null, r);
        f.src.forEach(function (id) {
          var s = (d.sources || {})[id] || {};
          el("li", null, s.citation || s.title || id, ul);
        });
      }
      (f.qt || []).forEach(function (q) {
        if (q.quote) el("blockquote", "atlas-quote", "“" + q.quote + "” (" + q.id + ")", box);
        if (q.note) el("div", "atlas-note", q.note, box);
      });
      row(rt.t("popup_notes"), f.n);
      return box;
    },
  });
  A.territories = function (o) { return new A.Territories(o); };

  // ---------------------------------------------------------------- what changed at this step
  A.Changes = L.Class.extend({
    onAdd: function (rt) { this.rt = rt; this.group = L.layerGroup(); },
    // Features that begin at step i and differ (controller or status) from what their unit had before.
    changed: function (i) {
      var rt = this.rt, fs = rt.data.features, out = [];
      if (i <= 0) return out;
      var before = {};
      rt.featuresAt(i - 1).forEach(function (k) {
        var f = fs[k];
        (before[f.u] = before[f.u] || []).push(f);
      });
      rt.featuresAt(i).forEach(function (k) {
        var f = fs[k];
        if (f.f !== i) return;
        var same = (before[f.u] || []).some(function (p) { return p.g === f.g && p.c === f.c && p.s === f.s; });
        if (!same) out.push(k);
      });
      return out;
    },
    update: function (info) {
      var rt = this.rt, self = this;
      this.group.clearLayers();
      this.count = 0;
      if (!info.layers.changes) { this.group.remove(); return; }
      this.changed(info.step).forEach(function (k) {
        var f = rt.data.features[k];
        L.polygon(rt.layers.territories ? rt.layers.territories._latlngs(f.g) : [], {
          pane: "atlasChanges", interactive: false, fill: false, color: "#000000", weight: 2.6, dashArray: "1 5", lineCap: "round", opacity: 0.9,
        }).addTo(self.group);
        self.count += 1;
      });
      this.group.addTo(rt.map);
    },
  });
  A.changes = function (o) { return new A.Changes(o); };

  // ---------------------------------------------------------------- the Soviet–German layers
  // data.coop (layers/source.py coop_data): sites, lines, events. Dates are ISO strings; a site or
  // a line holds on f <= date < t.
  var KIND_LETTER = { air: "A", armour: "T", chemical: "C", industry: "I", naval: "N" };
  var KIND_COLOUR = { air: "#1f5fa8", armour: "#6b4f1d", chemical: "#7b2d8b", industry: "#444444", naval: "#0f7a74" };
  A.KIND_LETTER = KIND_LETTER;
  A.KIND_COLOUR = KIND_COLOUR;

  function sourcesBlock(rt, box, item) {
    if (item.src && item.src.length) {
      var r = el("div", null, null, box);
      el("span", "atlas-label", rt.t("popup_sources") + ": ", r);
      var ul = el("ul", "atlas-sources", null, r), reg = rt.data.sources || {};
      item.src.forEach(function (id) {
        var s = reg[id];
        el("li", null, s && s.title ? s.title + " (" + id + ")" : id, ul);
      });
    }
    (item.qt || []).slice(0, 2).forEach(function (q) {
      el("div", "atlas-label", rt.t("popup_seed") + " (" + q.id + "):", box);
      el("blockquote", "atlas-quote", "“" + q.q + "”", box);
      if (q.n) el("div", "atlas-note", q.n, box);
    });
  }
  function labelled(rt, box, key, text) {
    if (!text) return;
    var r = el("div", null, null, box);
    el("span", "atlas-label", rt.t(key) + ": ", r);
    el("span", null, text, r);
  }
  function fmt(rt, iso) {
    return A.formatDate(iso, (rt.state && rt.state.lang) || "en", rt.strings.months);
  }

  // Which sites, lines and events a day shows (also used by the tests through node, if wanted).
  A.coopAt = function (coop, iso) {
    var year = Number(iso.slice(0, 4)), first = null;
    (coop.events || []).forEach(function (e) { if (!first || e.d < first) first = e.d; });
    return {
      activeSites: (coop.sites || []).filter(function (s) { return s.f <= iso && iso < s.t; }).map(function (s) { return s.i; }),
      lines: (coop.lines || []).filter(function (l) { return l.f <= iso && iso < l.t; }).map(function (l) { return l.i; }),
      // the chosen year's events; the atlas's first year also shows what came before (Rapallo 1922)
      events: (coop.events || []).filter(function (e) {
        var y = Number(e.d.slice(0, 4));
        return y === year || (year <= 1923 && y < year);
      }).map(function (e) { return e.i; }),
    };
  };

  A.Bases = L.Class.extend({
    onAdd: function (rt) { this.rt = rt; this.markers = {}; },
    onData: function (d) {
      var rt = this.rt, self = this;
      this.group = L.layerGroup();
      ((d.coop && d.coop.sites) || []).forEach(function (s) {
        var icon = L.divIcon({
          className: "atlas-site atlas-site-" + s.k,
          html: "",
          iconSize: [22, 22],
          iconAnchor: [11, 11],
        });
        var m = L.marker([s.la, s.lo], { icon: icon, title: s.n, keyboard: true, riseOnHover: true });
        m.on("add", function () {
          var e = m.getElement();
          if (e) {
            e.textContent = KIND_LETTER[s.k] || "?";
            e.style.background = KIND_COLOUR[s.k] || "#555";
            e.setAttribute("data-site", s.i);
          }
          self._style(s.i);
        });
        m.bindPopup(function () { return self._popup(s); }, { maxWidth: 380, className: "atlas-popup" });
        self.markers[s.i] = m;
        m.addTo(self.group);
      });
      this.sites = (d.coop && d.coop.sites) || [];
    },
    _style: function (id) {
      var m = this.markers[id], e = m && m.getElement();
      if (!e || !this.info) return;
      var active = this.active && this.active[id];
      e.classList.toggle("atlas-site-active", !!active);
      e.classList.toggle("atlas-site-inactive", !active);
      m.setZIndexOffset(active ? 1000 : 0);
    },
    _popup: function (s) {
      var rt = this.rt, box = el("div", "atlas-popup-body");
      el("div", "atlas-popup-title", s.n, box);
      labelled(rt, box, "popup_kind", rt.t("kind_" + s.k));
      var last = new Date(Date.parse(s.t) - 86400000).toISOString().slice(0, 10);
      labelled(rt, box, "popup_active", fmt(rt, s.f) + " – " + fmt(rt, last));
      if (this.info && !(this.active || {})[s.i]) el("div", "atlas-note", rt.t("popup_inactive"), box);
      if (s.s) el("p", null, s.s, box);
      sourcesBlock(rt, box, s);
      return box;
    },
    update: function (info) {
      if (!this.group) return;
      this.info = info;
      var at = A.coopAt(this.rt.data.coop || {}, info.date), active = {};
      at.activeSites.forEach(function (i) { active[i] = true; });
      this.active = active;
      this.count = at.activeSites.length;
      if (info.layers.bases) {
        this.group.addTo(this.rt.map);
        for (var id in this.markers) this._style(id);
      } else {
        this.group.remove();
      }
    },
  });
  A.bases = function (o) { return new A.Bases(o); };

  A.Lines = L.Class.extend({
    onAdd: function (rt) { this.rt = rt; this.shown = {}; this.layers = {}; },
    onData: function (d) {
      var rt = this.rt, self = this;
      ((d.coop && d.coop.lines) || []).forEach(function (l) {
        var colour = l.k === "sphere" ? "#b3001b" : l.k === "proposal" ? "#1d4e89" : "#222222";
        var pl = L.polyline(decodeLines(l.p, d.q), { pane: "atlasLines", color: colour, weight: 3, opacity: 0.9, dashArray: "10 6" });
        pl.bindTooltip(l.n, { sticky: true, className: "atlas-line-label" });
        pl.bindPopup(function () {
          var box = el("div", "atlas-popup-body");
          el("div", "atlas-popup-title", l.n, box);
          var last = new Date(Date.parse(l.t) - 86400000).toISOString().slice(0, 10);
          labelled(rt, box, "popup_active", fmt(rt, l.f) + " – " + fmt(rt, last));
          sourcesBlock(rt, box, l);
          return box;
        }, { maxWidth: 380, className: "atlas-popup" });
        // a permanent label at the line's middle point
        var pts = pl.getLatLngs(), first = Array.isArray(pts[0]) ? pts[0] : pts, mid = first[Math.floor(first.length / 2)];
        var label = L.marker(mid, {
          icon: L.divIcon({ className: "atlas-line-name", html: "", iconSize: null }),
          interactive: false, keyboard: false, pane: "atlasTop",
        });
        label.on("add", function () { var e = label.getElement(); if (e) { e.textContent = l.n; e.style.color = colour; } });
        self.layers[l.i] = L.layerGroup([pl, label]);
        self.layers[l.i].lineData = l;
      });
    },
    update: function (info) {
      var at = A.coopAt(this.rt.data.coop || {}, info.date), want = {};
      if (info.layers.lines) at.lines.forEach(function (i) { want[i] = true; });
      for (var id in this.layers) {
        if (want[id] && !this.shown[id]) { this.layers[id].addTo(this.rt.map); this.shown[id] = true; }
        else if (!want[id] && this.shown[id]) { this.layers[id].remove(); delete this.shown[id]; }
      }
      this.count = Object.keys(this.shown).length;
      this.names = Object.keys(this.shown).map(function (id) { return this.layers[id].lineData; }, this);
    },
  });
  A.lines = function (o) { return new A.Lines(o); };

  A.Diplomacy = L.Class.extend({
    onAdd: function (rt) { this.rt = rt; this.markers = {}; this.shown = {}; },
    onData: function (d) {
      var rt = this.rt, self = this;
      ((d.coop && d.coop.events) || []).forEach(function (e) {
        var m = L.marker([e.la, e.lo], {
          icon: L.divIcon({ className: "atlas-event atlas-event-" + (e.k || "event"), html: "", iconSize: [16, 16], iconAnchor: [8, 8] }),
          title: e.d + " " + e.n, keyboard: true, riseOnHover: true,
        });
        m.on("add", function () { var x = m.getElement(); if (x) { x.textContent = "◆"; x.setAttribute("data-event", e.i); } });
        m.bindPopup(function () {
          var box = el("div", "atlas-popup-body");
          el("div", "atlas-popup-title", e.n, box);
          el("div", "atlas-now", fmt(rt, e.d) + (e.e ? " – " + fmt(rt, e.e) : ""), box);
          labelled(rt, box, "popup_place", e.pl);
          labelled(rt, box, "popup_who", (e.who || []).join(", "));
          if (e.w) el("p", null, e.w, box);
          sourcesBlock(rt, box, e);
          return box;
        }, { maxWidth: 380, className: "atlas-popup" });
        self.markers[e.i] = m;
      });
    },
    update: function (info) {
      var at = A.coopAt(this.rt.data.coop || {}, info.date), want = {};
      if (info.layers.diplomacy) at.events.forEach(function (i) { want[i] = true; });
      for (var id in this.markers) {
        if (want[id] && !this.shown[id]) { this.markers[id].addTo(this.rt.map); this.shown[id] = true; }
        else if (!want[id] && this.shown[id]) { this.markers[id].remove(); delete this.shown[id]; }
      }
      this.count = Object.keys(this.shown).length;
    },
  });
  A.diplomacy = function (o) { return new A.Diplomacy(o); };

  // ---------------------------------------------------------------- title and legend
  A.Title = L.Class.extend({
    onAdd: function (rt) {
      this.rt = rt;
      var m = rt.map;
      if (!m._controlCorners.topcenter) {
        m._controlCorners.topcenter = L.DomUtil.create("div", "leaflet-top leaflet-center", m._controlContainer);
      }
      var C = L.Control.extend({
        onAdd: function () {
          var d = L.DomUtil.create("div", "atlas-title leaflet-control");
          L.DomEvent.disableClickPropagation(d);
          return d;
        },
      });
      this.control = new C({ position: "topcenter" }).addTo(m);
      this.control.getContainer().textContent = "…";
    },
    update: function (info) {
      this.control.getContainer().textContent = info.title || info.date;
      this.control.getContainer().setAttribute("data-date", info.date);
    },
  });
  A.title = function (o) { return new A.Title(o); };

  // The legend lists who governed what is in view (largest first, the first few, the rest on demand)
  // and the status patterns; a click on its heading folds it away.
  A.Legend = L.Class.extend({
    initialize: function (options) {
      this.options = L.extend({ top: 10 }, options || {});
      this.collapsed = false;
      this.showAll = false;
    },
    onAdd: function (rt) {
      this.rt = rt;
      var self = this;
      var C = L.Control.extend({
        onAdd: function () {
          var d = L.DomUtil.create("div", "atlas-legend leaflet-control");
          L.DomEvent.disableClickPropagation(d);
          L.DomEvent.disableScrollPropagation(d);
          return d;
        },
      });
      this.control = new C({ position: "bottomright" }).addTo(rt.map);
      rt.map.on("moveend", function () { if (self.info) self.update(self.info); });
    },
    _swatch: function (parent, fill, status) {
      var NS = "http://www.w3.org/2000/svg";
      var svg = document.createElementNS(NS, "svg");
      svg.setAttribute("width", "26");
      svg.setAttribute("height", "14");
      svg.setAttribute("class", "atlas-swatch");
      svg.setAttribute("aria-hidden", "true");
      var fillRef = fill;
      if (status && status !== "sovereign") {
        var id = "atlas-legend-" + status;
        var defs = document.createElementNS(NS, "defs");
        defs.appendChild(patternSvg(document, id, status, "#9a9a9a", status === "occupied" ? "#e0e0e0" : null));
        svg.appendChild(defs);
        fillRef = "url(#" + id + ")";
      }
      var r = document.createElementNS(NS, "rect");
      r.setAttribute("x", "1");
      r.setAttribute("y", "1");
      r.setAttribute("width", "24");
      r.setAttribute("height", "12");
      r.setAttribute("fill", fillRef);
      r.setAttribute("stroke", status ? "#333" : darker(fill, 0.55));
      r.setAttribute("stroke-width", status && status !== "sovereign" ? "1.4" : "0.8");
      if (status && DASH[status]) r.setAttribute("stroke-dasharray", DASH[status]);
      svg.appendChild(r);
      parent.appendChild(svg);
    },
    // Area per controller of the territories in view (all of them before the map has a size).
    _inView: function (info) {
      var rt = this.rt, areas = {}, statuses = {}, view = null, terr = rt.layers.territories;
      try { view = rt.map.getBounds(); } catch (e) { view = null; }
      info.features.forEach(function (k) {
        var f = rt.data.features[k], poly = terr && terr.shown[k];
        if (view && poly && !view.intersects(poly.getBounds())) return;
        areas[f.c] = (areas[f.c] || 0) + (f.a || 0);
        statuses[f.s] = true;
      });
      return { areas: areas, statuses: statuses };
    },
    update: function (info) {
      this.info = info;
      var rt = this.rt, box = this.control.getContainer(), self = this;
      box.textContent = "";
      box.classList.toggle("atlas-collapsed", this.collapsed);
      var seen = this._inView(info);
      var head = el("button", "atlas-legend-toggle", (this.collapsed ? "▸ " : "▾ ") + rt.t("legend_who"), box);
      head.type = "button";
      head.setAttribute("aria-expanded", String(!this.collapsed));
      head.onclick = function () { self.collapsed = !self.collapsed; self.update(self.info); };
      if (this.collapsed) return;
      if (info.layers.territories) {
        var ids = Object.keys(seen.areas).sort(function (a, b) { return seen.areas[b] - seen.areas[a]; });
        var list = el("div", "atlas-legend-list", null, box);
        var shown = this.showAll ? ids : ids.slice(0, this.options.top);
        shown.forEach(function (c) {
          var p = rt.polity(c), row = el("div", "atlas-legend-row", null, list);
          row.setAttribute("data-controller", c);
          self._swatch(row, p.colour, null);
          el("span", null, p.name, row);
        });
        if (ids.length > this.options.top) {
          var more = el("button", "atlas-legend-more", this.showAll ? "−" : "+ " + (ids.length - this.options.top), list);
          more.type = "button";
          more.onclick = function () { self.showAll = !self.showAll; self.update(self.info); };
        }
      }
      if (info.layers.territories && info.layers.status) {
        el("div", "atlas-legend-head", rt.t("legend_status"), box);
        A.STATUSES.forEach(function (s) {
          if (!seen.statuses[s] && s !== "sovereign") return;
          var row = el("div", "atlas-legend-row", null, box);
          self._swatch(row, "#9a9a9a", s);
          el("span", null, rt.t("status_" + s), row);
        });
      }
      if (info.layers.bases && rt.layers.bases && rt.layers.bases.sites && rt.layers.bases.sites.length) {
        el("div", "atlas-legend-head", rt.t("legend_bases"), box);
        Object.keys(KIND_LETTER).forEach(function (k) {
          var row = el("div", "atlas-legend-row", null, box);
          var sw = el("span", "atlas-site atlas-site-legend", KIND_LETTER[k], row);
          sw.style.background = KIND_COLOUR[k];
          sw.setAttribute("aria-hidden", "true");
          el("span", null, rt.t("kind_" + k), row);
        });
      }
      if (info.layers.lines && rt.layers.lines && rt.layers.lines.count) {
        el("div", "atlas-legend-head", rt.t("legend_lines"), box);
        rt.layers.lines.names.forEach(function (l) {
          var row = el("div", "atlas-legend-row", null, box);
          var sw = el("span", "atlas-line-swatch", null, row);
          sw.style.borderTopColor = l.k === "sphere" ? "#b3001b" : l.k === "proposal" ? "#1d4e89" : "#222222";
          sw.setAttribute("aria-hidden", "true");
          el("span", null, l.n, row);
        });
      }
      if (info.layers.diplomacy && rt.layers.diplomacy && rt.layers.diplomacy.count) {
        var drow = el("div", "atlas-legend-row", null, box);
        el("span", "atlas-event atlas-event-legend", "◆", drow).setAttribute("aria-hidden", "true");
        el("span", null, rt.t("legend_diplomacy") + " (" + rt.layers.diplomacy.count + ")", drow);
      }
      if (info.layers.changes && rt.layers.changes && rt.layers.changes.count) {
        var row = el("div", "atlas-legend-row atlas-legend-changed", null, box);
        var s = el("span", "atlas-changed-swatch", null, row);
        s.setAttribute("aria-hidden", "true");
        el("span", null, rt.t("legend_changed"), row);
      }
    },
  });
  A.legend = function (o) { return new A.Legend(o); };
})();
