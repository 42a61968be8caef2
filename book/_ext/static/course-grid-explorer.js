/* The grid explorers (book/_ext/course_grid_explorer.py), live in the HTML book.
 *
 * Each placeholder div.course-grid-explorer holds, in a <script type="application/json">, an
 * explorer's data as convlab.explorers.grid.GridExplorer.to_data() writes it: the controls, every
 * distinct panel once (values as whole numbers times 10^digits), and per setting (mixed radix over the controls, the last fastest) a
 * sentence and the panels to show. This script draws them as SVG and looks every number up; it
 * computes none.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var CELL = 24;
  var BAR_HEIGHT = 4 * CELL;
  var RED = "#c81e1e", MARK = "#5b2a86";
  var HUES = {blues: 212, oranges: 26, greens: 135};
  var count = 0;

  function el(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function html(name, className, parent) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  // A cell's fill and the colour of the number on it (dark on light fills, white on dark ones).
  function shade(scale, value, low, high) {
    var t = Math.max(0, Math.min(1, (value - low) / (high - low)));
    if (scale === "signed") {  // white at the middle of the range, red below, blue above
      var side = t < 0.5 ? 4 : 212, depth = Math.abs(t - 0.5) * 2;
      var light = 98 - 50 * depth;
      return [("hsl(" + side + ", 70%, " + light.toFixed(1) + "%)"), light < 62 ? "#fff" : "#111"];
    }
    if (scale === "greys" || scale === "gray") {  // greys: 0 is white (ink on paper); gray: 0 is black
      var grey = Math.round(scale === "gray" ? 255 * t : 255 - 255 * t);
      return ["rgb(" + grey + "," + grey + "," + grey + ")", grey < 140 ? "#fff" : "#111"];
    }
    var lightness = 96 - 58 * t;
    return ["hsl(" + HUES[scale] + ", 65%, " + lightness.toFixed(1) + "%)", lightness < 60 ? "#fff" : "#111"];
  }

  function label(svg, x, y, text, colour, size) {
    var node = el("text", {
      x: x, y: y, "text-anchor": "middle", "dominant-baseline": "central", "font-size": size || CELL * 0.5,
      fill: colour
    }, svg);
    node.textContent = text;
    return node;
  }

  function key(pair) { return pair[0] + "," + pair[1]; }

  // A cell wide enough for the longest number the panel prints (CELL when it prints none).
  function cellWidth(p) {
    if (!p.numbers) { return CELL; }
    var longest = 0;
    p.values.forEach(function (row) {
      row.forEach(function (v) { if (v !== null) { longest = Math.max(longest, text(p, v).length); } });
    });
    return Math.max(CELL, longest * CELL * 0.31 + 6);
  }

  function drawGrid(svg, p) {
    var rows = p.values.length, cols = p.values[0].length, W = cellWidth(p);
    var legend = p.legend ? 1.7 * CELL : 0;
    svg.setAttribute("viewBox", "-2 -2 " + (cols * W + 4) + " " + (rows * CELL + legend + 4));
    var muted = {};
    p.muted.forEach(function (cell) { muted[key(cell)] = true; });
    for (var r = 0; r < rows; r++) {
      for (var c = 0; c < cols; c++) {
        var value = p.values[r][c], fill = "#fff", ink = "#111";
        if (muted[r + "," + c]) {
          fill = "#d4d4d4";
        } else if (value !== null) {
          var colours = shade(p.colour, value, p.vmin, p.vmax);
          fill = colours[0];
          ink = colours[1];
        }
        el("rect", {
          x: c * W, y: r * CELL, width: W, height: CELL, fill: fill, stroke: "#767676",
          "stroke-width": 0.6, "class": "cgx-cell", "data-row": r, "data-col": c
        }, svg);
        if (p.numbers && value !== null) {
          label(svg, (c + 0.5) * W, (r + 0.5) * CELL, text(p, value), ink);
        }
      }
    }
    p.marks.forEach(function (cell) {
      el("rect", {
        x: cell[1] * W + 2, y: cell[0] * CELL + 2, width: W - 4, height: CELL - 4, fill: "none",
        stroke: MARK, "stroke-width": 2, "stroke-dasharray": "4 2", "class": "cgx-mark"
      }, svg);
    });
    p.outlines.forEach(function (box) {
      el("rect", {
        x: box[1] * W, y: box[0] * CELL, width: box[3] * W, height: box[2] * CELL, fill: "none",
        stroke: RED, "stroke-width": 3, "class": "cgx-outline"
      }, svg);
    });
    if (p.legend) { drawLegend(svg, p, rows * CELL + CELL * 0.4, cols * W); }
  }

  // A colour bar under the grid: the scale from vmin (left) to vmax (right), its ends labelled.
  function drawLegend(svg, p, top, width) {
    var steps = 24;
    for (var i = 0; i < steps; i++) {
      el("rect", {
        x: i * width / steps, y: top, width: width / steps + 0.3, height: CELL * 0.45,
        fill: shade(p.colour, p.vmin + (i + 0.5) / steps * (p.vmax - p.vmin), p.vmin, p.vmax)[0],
        "class": "cgx-legend"
      }, svg);
    }
    var y = top + CELL * 1.05, size = CELL * 0.55;
    [[p.vmin, 0, "start"], [p.vmax, width, "end"]].concat(p.colour === "signed" ? [[0, width / 2, "middle"]] : [])
      .forEach(function (end) {
        var node = label(svg, end[1], y, text(p, end[0]), "#111", size);
        node.setAttribute("text-anchor", end[2]);
        node.setAttribute("class", "cgx-legend");
      });
  }

  function drawBars(svg, p) {
    var values = p.values[0], n = values.length, top = CELL * 0.8, left = CELL * 1.2;
    var longest = Math.max.apply(null, p.labels.map(function (l) { return l.length; }));
    var W = Math.max(CELL, longest * CELL * 0.3 + 8);
    svg.setAttribute("viewBox", "-2 -2 " + (left + n * W + 4) + " " + (top + BAR_HEIGHT + CELL + 4));
    var chosen = {};
    p.outlines.forEach(function (box) { chosen[box[1]] = true; });
    [p.vmin, (p.vmin + p.vmax) / 2, p.vmax].forEach(function (tick) {  // the scale: its ends and middle
      var y = top + BAR_HEIGHT * (1 - (tick - p.vmin) / (p.vmax - p.vmin));
      el("line", {x1: left - 3, x2: left + n * W, y1: y, y2: y, stroke: "#bbb", "stroke-width": 0.6}, svg);
      var node = label(svg, left - 5, y, text({digits: tick % 1 ? 1 : 0}, tick), "#333", CELL * 0.4);
      node.setAttribute("text-anchor", "end");
      node.setAttribute("class", "cgx-scale");
    });
    el("line", {x1: left, x2: left + n * W, y1: top + BAR_HEIGHT, y2: top + BAR_HEIGHT, stroke: "#555"}, svg);
    values.forEach(function (value, i) {
      var height = BAR_HEIGHT * Math.max(0, Math.min(1, (value - p.vmin) / (p.vmax - p.vmin)));
      var x = left + i * W;
      el("rect", {
        x: x + 3, y: top + BAR_HEIGHT - height, width: W - 6, height: height,
        fill: chosen[i] ? RED : shade(p.colour, 0.75, 0, 1)[0], "class": "cgx-bar", "data-col": i
      }, svg);
      if (p.numbers) {
        label(svg, x + W / 2, top + BAR_HEIGHT - height - CELL * 0.35, text(p, value), "#111", CELL * 0.38);
      }
      label(svg, x + W / 2, top + BAR_HEIGHT + CELL * 0.5, p.labels[i], chosen[i] ? RED : "#111", CELL * 0.45);
    });
  }

  function text(p, value) {
    var s = value.toFixed(p.digits);
    return s.charAt(0) === "-" ? "\u2212" + s.slice(1) : s;
  }

  // A panel as an object; its values were shipped as whole numbers, each value times 10^digits.
  function panel(data, index) {
    var row = data.panels[index], p = {};
    data.panel_fields.forEach(function (name, i) { p[name] = row[i]; });
    var scale = Math.pow(10, p.digits);
    p.values = p.values.map(function (r) { return r.map(function (v) { return v === null ? null : v / scale; }); });
    return p;
  }

  function build(root, data) {
    var id = "cgx-" + (++count);
    var setting = data.controls.map(function (c) { return c.initial; });
    var form = html("div", "cgx-controls", root);
    form.setAttribute("role", "group");
    form.setAttribute("aria-label", data.title + ": controls");
    var inputs = data.controls.map(function (c, i) {
      var row = html("div", "cgx-control", form);
      var caption = html("label", "cgx-name", row);
      caption.textContent = c.label;
      caption.htmlFor = id + "-" + c.name;
      var input;
      if (c.menu) {
        input = html("select", "", row);
        c.values.forEach(function (v, j) {
          var option = html("option", "", input);
          option.value = j;
          option.textContent = c.names ? c.names[j] : String(v);
        });
      } else {
        input = html("input", "", row);
        input.type = "range";
        input.min = 0;
        input.max = c.values.length - 1;
        input.step = 1;
      }
      input.id = id + "-" + c.name;
      if (!c.menu) { html("output", "", row).htmlFor = input.id; }
      input.name = c.name;
      input.value = setting[i];
      input.setAttribute("data-key", c.name);
      input.addEventListener(c.menu ? "change" : "input", function () { setting[i] = +input.value; draw(); });
      if (c.menu) { input.addEventListener("input", function () { setting[i] = +input.value; draw(); }); }
      return input;
    });
    var panels = html("div", "cgx-panels", root);
    var status = html("p", "cgx-status", root);
    status.setAttribute("aria-live", "polite");
    status.id = id + "-status";

    function draw() {
      var index = 0;
      data.controls.forEach(function (c, i) {
        index = index * c.values.length + setting[i];
        var shown = c.names ? c.names[setting[i]] : String(c.values[setting[i]]);
        if (!c.menu) {
          inputs[i].setAttribute("aria-valuetext", shown);
          inputs[i].nextElementSibling.textContent = shown;
        }
      });
      var frame = data.frames[index];
      while (panels.firstChild) { panels.removeChild(panels.firstChild); }
      frame.slice(1).forEach(function (ref) {
        var p = panel(data, ref);
        var figure = html("figure", "cgx-panel", panels);
        var svg = el("svg", {role: "img", "aria-label": p.title, "class": "cgx-" + p.kind}, figure);
        (p.kind === "bars" ? drawBars : drawGrid)(svg, p);
        // One cell size in every panel; a picture (no numbers) a little smaller
        svg.style.width = (svg.viewBox.baseVal.width * (p.numbers || p.kind === "bars" ? 1.2 : 0.85)) + "px";
        html("figcaption", "", figure).textContent = p.title;
      });
      status.textContent = frame[0];
      root.setAttribute("data-frame", index);
    }

    draw();
  }

  function start() {
    document.querySelectorAll(".course-grid-explorer").forEach(function (root) {
      var source = root.querySelector('script[type="application/json"]');
      var data = JSON.parse(source.textContent);
      Array.prototype.slice.call(root.children).forEach(function (child) {
        if (child !== source) { root.removeChild(child); }
      });
      build(root, data);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
