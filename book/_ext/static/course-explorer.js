/* The output-size explorer of chapters 3 and 4, live in the HTML book (no Python kernel).
 *
 * Every number it shows was computed at build time by convlab.explorers.output_size and shipped
 * in course-explorer-data.js (window.COURSE_EXPLORER_DATA): per axis, the output length, the
 * padded length, the window starts and centres, the last window's pixels, the coverage counts and
 * the real pixels per window; and every text, as a template whose blanks it fills. A 2-D setting
 * is a height axis and a width axis, so this script looks the two up and draws: the padded input
 * with a dot at every window centre and the last window outlined, the output (real pixels each
 * window read), and the coverage map (windows reading each pixel; 0s outlined in red). A
 * screen reader hears the result after each move (the aria-live line).
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var CELL = 20;
  var SLIDERS = [
    // key, label, range name in the data (per-axis ranges are shared by both axes)
    ["W", "W (width)", "size"],
    ["H", "H (height)", "size"],
    ["F", "F (width)", "kernel_size"],
    ["F_h", "F (height)", "kernel_size"],
    ["P", "P (padding)", "padding"],
    ["S", "S (stride)", "stride"],
    ["D", "D (dilation)", "dilation"]
  ];

  function lookup(data, setting) {
    // The index of a setting in data.views is a mixed-radix number over data.order; a view is
    // one character per number (see convlab.explorers.output_size.encode).
    var index = 0;
    data.order.forEach(function (name) {
      var range = data.ranges[name];
      index = index * (range[1] - range[0] + 1) + (setting[name] - range[0]);
    });
    data.list = data.list || data.views.split("|");
    var numbers = data.list[index].split("").map(function (c) { return data.digits.indexOf(c); });
    var out = numbers[0], rest = numbers.slice(data.head), taps = setting.kernel_size;
    return {
      out: out, top: numbers[1] - data.top_offset, notes: numbers[2] * data.digits.length + numbers[3],
      span: numbers[4], padded: numbers[5], centre2: numbers[6],
      starts: rest.slice(0, out), real: rest.slice(out, 2 * out), last: rest.slice(2 * out, 2 * out + taps),
      coverage: rest.slice(2 * out + taps)
    };
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function el(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function shade(hue, fraction) {
    var t = Math.max(0, Math.min(1, fraction));
    return "hsl(" + hue + ", 70%, " + (96 - 58 * t).toFixed(1) + "%)";
  }

  function grid(svg, rows, cols) {
    svg.setAttribute("viewBox", "-2 -2 " + (cols * CELL + 4) + " " + (rows * CELL + 4));
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
  }

  function cell(svg, row, col, fillColour, cls) {
    return el("rect", {
      x: col * CELL, y: row * CELL, width: CELL, height: CELL, fill: fillColour,
      stroke: "#888", "stroke-width": 0.6, "class": cls, "data-row": row, "data-col": col
    }, svg);
  }

  function number(svg, row, col, value, dark) {
    var text = el("text", {
      x: (col + 0.5) * CELL, y: (row + 0.5) * CELL, "text-anchor": "middle",
      "dominant-baseline": "central", "font-size": CELL * 0.55, fill: dark ? "#fff" : "#222"
    }, svg);
    text.textContent = String(value);
  }

  function outline(svg, row, col, colour, cls) {
    el("rect", {
      x: col * CELL + 1, y: row * CELL + 1, width: CELL - 2, height: CELL - 2, fill: "none",
      stroke: colour, "stroke-width": 2, "class": cls
    }, svg);
  }

  function drawInput(svg, s, h, w) {
    var rows = h.padded, cols = w.padded;
    grid(svg, rows, cols);
    for (var r = 0; r < rows; r++) {
      for (var c = 0; c < cols; c++) {
        var real = r >= s.P && r < s.P + s.H && c >= s.P && c < s.P + s.W;
        cell(svg, r, c, real ? "#fff" : "#c8c8c8", real ? "cx-cell cx-real" : "cx-cell cx-pad");
      }
    }
    h.last.forEach(function (row) {
      w.last.forEach(function (col) { outline(svg, row, col, "#d62728", "cx-last"); });
    });
    h.starts.forEach(function (rowStart) {
      w.starts.forEach(function (colStart) {
        el("circle", {
          cx: (colStart + w.centre2 / 2 + 0.5) * CELL, cy: (rowStart + h.centre2 / 2 + 0.5) * CELL,
          r: CELL * 0.16, fill: "#000", "class": "cx-dot"
        }, svg);
      });
    });
  }

  function drawOutput(svg, s, h, w) {
    grid(svg, h.out, w.out);
    var most = s.F_h * s.F;
    for (var r = 0; r < h.out; r++) {
      for (var c = 0; c < w.out; c++) {
        var value = h.real[r] * w.real[c];  // the 2-D count is the product of the axes' counts
        cell(svg, r, c, shade(125, value / most), "cx-cell cx-out");
        number(svg, r, c, value, value / most > 0.6);
      }
    }
    outline(svg, h.out - 1, w.out - 1, "#d62728", "cx-last");
  }

  function drawCoverage(svg, s, h, w) {
    // Returns how many pixels it drew, and how many of them it outlined as never read.
    grid(svg, h.coverage.length, w.coverage.length);
    var most = Math.max(1, Math.max.apply(null, h.coverage) * Math.max.apply(null, w.coverage));
    var unread = 0, pixels = 0;
    h.coverage.forEach(function (rowCount, r) {
      w.coverage.forEach(function (colCount, c) {
        var value = rowCount * colCount;
        cell(svg, r, c, shade(28, value / most), "cx-cell cx-cov");
        number(svg, r, c, value, value / most > 0.6);
        if (value === 0) { outline(svg, r, c, "#d62728", "cx-unvisited"); unread += 1; }
        pixels += 1;
      });
    });
    return {unread: unread, pixels: pixels};
  }

  function label(s) {
    var kernel = s.F_h === s.F ? "F=" + s.F : "F=" + s.F_h + "×" + s.F;
    return s.H + "×" + s.W + " input, " + kernel + ", P=" + s.P + ", S=" + s.S + ", D=" + s.D;
  }

  function axisValues(s, axis) {
    return axis === "height"
      ? {size: s.H, kernel_size: s.F_h, padding: s.P, stride: s.S, dilation: s.D}
      : {size: s.W, kernel_size: s.F, padding: s.P, stride: s.S, dilation: s.D};
  }

  function build(root, data) {
    var setting = JSON.parse(root.getAttribute("data-initial"));
    var form = document.createElement("div");
    form.className = "cx-sliders";
    SLIDERS.forEach(function (spec) {
      var range = data.ranges[spec[2]];
      var row = document.createElement("label");
      row.className = "cx-slider";
      row.innerHTML = '<span class="cx-name"></span><input type="range"><output></output>';
      row.querySelector(".cx-name").textContent = spec[1];
      var input = row.querySelector("input");
      input.min = range[0];
      input.max = range[1];
      input.step = 1;
      input.value = setting[spec[0]];
      input.name = spec[0];
      input.setAttribute("data-key", spec[0]);
      input.setAttribute("aria-label", spec[1]);
      input.addEventListener("input", function () { setting[spec[0]] = +input.value; draw(); });
      form.appendChild(row);
    });
    root.appendChild(form);

    var heading = document.createElement("p");
    heading.className = "cx-label";
    root.appendChild(heading);
    var panels = document.createElement("div");
    panels.className = "cx-panels";
    var svgs = {};
    [["input", "input (grey: padding)"], ["output", "output"], ["coverage", "coverage"]].forEach(function (p) {
      var figure = document.createElement("figure");
      figure.className = "cx-panel";
      svgs[p[0]] = el("svg", {"class": "cx-" + p[0], role: "img", "aria-label": p[1]}, figure);
      var caption = document.createElement("figcaption");
      caption.textContent = p[1];
      figure.appendChild(caption);
      svgs[p[0] + "Caption"] = caption;
      panels.appendChild(figure);
    });
    root.appendChild(panels);
    var text = document.createElement("pre");
    text.className = "cx-text";
    root.appendChild(text);
    var said = document.createElement("p");
    said.className = "cx-announce";
    said.setAttribute("aria-live", "polite");
    root.insertBefore(said, heading);

    function draw() {
      SLIDERS.forEach(function (spec) {
        root.querySelector('input[data-key="' + spec[0] + '"]').nextElementSibling.textContent = setting[spec[0]];
      });
      var views = {};
      var lines = [];
      var square = setting.H === setting.W && setting.F_h === setting.F;
      var message = "";
      ["height", "width"].forEach(function (axis) {
        var values = axisValues(setting, axis);
        var view = lookup(data, values);
        views[axis] = view;
        var ending = data.formula_end[view.out > 0 ? "possible" : "impossible"];
        var formula = fill(data.formula + ending, Object.assign({top: view.top, out: view.out}, values));
        if (!square || axis === "height") {
          lines.push((square ? "" : axis === "height" ? "height: " : "width:  ") + "N = " + formula);
        }
        if (view.out === 0 && !message) {
          message = fill(data.impossible, Object.assign({axis: axis, span: view.span, padded: view.padded}, values));
        }
      });
      if (!message && views.height.notes > 0) {  // the notes' formula (no dilation), unrounded
        ["height", "width"].forEach(function (axis) {
          if (square && axis === "width") { return; }
          var values = axisValues(setting, axis);
          var notes = fill(data.notes, Object.assign({notes: data.notes_values[views[axis].notes - 1]}, values));
          lines.push((square ? "" : axis === "height" ? "height: " : "width:  ") + "notes: " + notes);
        });
      }
      heading.textContent = label(setting);
      var h = views.height, w = views.width;
      if (message) {
        lines.push(message);
        panels.hidden = true;
        root.setAttribute("data-output", "impossible");
        said.textContent = fill(data.announce.impossible, {axis: h.out === 0 ? "height" : "width"});
      } else {
        lines.push("output " + h.out + "×" + w.out);
        panels.hidden = false;
        drawInput(svgs.input, setting, h, w);
        drawOutput(svgs.output, setting, h, w);
        var counted = drawCoverage(svgs.coverage, setting, h, w);
        svgs.outputCaption.textContent = "output " + h.out + "×" + w.out;
        root.setAttribute("data-output", h.out + "x" + w.out);
        said.textContent = fill(data.announce.possible, {
          rows: h.out, cols: w.out, unread: counted.unread, pixels: counted.pixels
        });
      }
      text.textContent = lines.join("\n");
      text.classList.toggle("cx-impossible", Boolean(message));
    }

    draw();
  }

  function start() {
    var data = window.COURSE_EXPLORER_DATA;
    document.querySelectorAll(".course-explorer").forEach(function (root) {
      root.textContent = "";
      build(root, data);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
