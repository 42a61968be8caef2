/* The receptive-field explorer of chapter 6, live in the HTML book (no Python kernel).
 *
 * Every number comes from convlab.explorers.receptive, computed at build time and shipped in
 * course-receptive-data.js (window.COURSE_RECEPTIVE_DATA): for each setting of depth, kernel
 * size and each layer's stride and dilation, the input side, where the field starts, the
 * formula's field, the jump to the next output pixel's field, and one shade per input position
 * along one axis, from the first pixel with a path to the last (the 2-D shade of an all-ones
 * square kernel is the product of two). This script draws the shading, the red square and the
 * dashed square of the next field, and announces the result (the aria-live line).
 */
(function () {
  "use strict";

  var LIGHT = [247, 251, 255], DARK = [8, 48, 107];  // matplotlib's "Blues", its two ends

  function colour(t) {
    return LIGHT.map(function (c, i) { return Math.round(c + (DARK[i] - c) * t); });
  }

  function controls(data) {
    // [key, label, values, layer (0: the whole stack)]: depth, kernel, then a stride and a
    // dilation per layer.
    var list = [["depth", "depth", data.ranges.depth, 0], ["kernel_size", "kernel", data.ranges.kernel_size, 0]];
    data.ranges.depth.forEach(function (layer) {
      list.push(["stride_" + layer, "stride " + layer, data.layer_ranges.stride, layer]);
      list.push(["dilation_" + layer, "dilation " + layer, data.layer_ranges.dilation, layer]);
    });
    return list;
  }

  function stack(s) {
    var layers = [];
    for (var i = 1; i <= s.depth; i++) { layers.push([s.kernel_size, s["stride_" + i], s["dilation_" + i]]); }
    return layers;
  }

  function describe(layers) {
    return layers.map(function (l) {
      return l[0] + "×" + l[0] + " s" + l[1] + (l[2] > 1 ? " d" + l[2] : "");
    }).join(", then ");
  }

  function lookup(data, s) {
    // A setting's index is a mixed-radix number over (kernel, stride 1, dilation 1, …); each
    // entry is data.fields' numbers, each in its number of characters (most significant first).
    var radix = [[data.ranges.kernel_size, s.kernel_size]];
    for (var i = 1; i <= s.depth; i++) {
      radix.push([data.layer_ranges.stride, s["stride_" + i]], [data.layer_ranges.dilation, s["dilation_" + i]]);
    }
    var index = 0;
    radix.forEach(function (r) { index = index * r[0].length + r[0].indexOf(r[1]); });
    var width = data.fields.reduce(function (sum, f) { return sum + f[1]; }, 0);
    var at = index * width, view = {};
    data.fields.forEach(function (f) {
      var value = 0;
      for (var k = 0; k < f[1]; k++) { value = value * data.digits.length + data.digits.indexOf(data.views[s.depth - 1][at + k]); }
      view[f[0]] = value;
      at += f[1];
    });
    view.shades = data.profiles[view.profile].split("").map(function (c) { return data.digits.indexOf(c) / data.levels; });
    return view;
  }

  function build(root, data) {
    var setting = JSON.parse(root.getAttribute("data-initial"));
    var specs = controls(data);
    var form = document.createElement("div");
    form.className = "cx-sliders";
    specs.forEach(function (spec) {
      var values = spec[2];
      var row = document.createElement("label");
      row.className = "cx-slider";
      row.innerHTML = '<span class="cx-name"></span><input type="range"><output></output>';
      row.querySelector(".cx-name").textContent = spec[1];
      var input = row.querySelector("input");
      input.min = values[0];
      input.max = values[values.length - 1];
      input.step = values.length > 1 ? values[1] - values[0] : 1;
      input.value = setting[spec[0]];
      input.setAttribute("data-key", spec[0]);
      input.setAttribute("data-layer", spec[3]);
      input.setAttribute("aria-label", spec[1]);
      input.addEventListener("input", function () { setting[spec[0]] = +input.value; draw(); });
      form.appendChild(row);
    });
    root.appendChild(form);

    var said = document.createElement("p");
    said.className = "cx-announce";
    said.setAttribute("aria-live", "polite");
    root.appendChild(said);
    var heading = document.createElement("p");
    heading.className = "cx-label";
    root.appendChild(heading);
    var figure = document.createElement("figure");
    figure.className = "cx-panel cx-field";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    figure.appendChild(canvas);
    var caption = document.createElement("figcaption");
    figure.appendChild(caption);
    root.appendChild(figure);

    function draw() {
      root.querySelectorAll("input[data-key]").forEach(function (input) {
        input.nextElementSibling.textContent = setting[input.getAttribute("data-key")];
        input.disabled = +input.getAttribute("data-layer") > setting.depth;  // a layer the stack does not have
      });
      var layers = stack(setting);
      var view = lookup(data, setting);
      var side = view.canvas, start = view.start, field = view.field, measured = view.shades.length;
      var cell = Math.max(1, Math.floor(480 / side));
      canvas.width = canvas.height = side * cell;
      var context = canvas.getContext("2d");
      var image = context.createImageData(side * cell, side * cell);
      function shade(i) { return i >= start && i < start + measured ? view.shades[i - start] : 0; }
      for (var y = 0; y < side * cell; y++) {
        for (var x = 0; x < side * cell; x++) {
          var rgb = colour(shade(Math.floor(y / cell)) * shade(Math.floor(x / cell)));
          var at = 4 * (y * side * cell + x);
          image.data[at] = rgb[0]; image.data[at + 1] = rgb[1]; image.data[at + 2] = rgb[2]; image.data[at + 3] = 255;
        }
      }
      context.putImageData(image, 0, 0);
      if (side <= 40) {  // a grid, as in Jupyter, where pixels are large enough to see
        context.strokeStyle = "rgb(217, 217, 217)";
        context.lineWidth = 1;
        for (var i = 0; i <= side; i++) {
          context.beginPath(); context.moveTo(i * cell, 0); context.lineTo(i * cell, side * cell); context.stroke();
          context.beginPath(); context.moveTo(0, i * cell); context.lineTo(side * cell, i * cell); context.stroke();
        }
      }
      context.strokeStyle = "#d62728";
      context.lineWidth = Math.max(2, cell / 6);
      context.strokeRect(start * cell, start * cell, field * cell, field * cell);
      var next = (start + view.jump) * cell;  // the next output pixel's field
      context.setLineDash([Math.max(3, cell / 2), Math.max(3, cell / 3)]);
      context.lineWidth = Math.max(1, cell / 10);
      context.strokeRect(next, next, field * cell, field * cell);
      context.setLineDash([]);
      heading.textContent = describe(layers);
      var title = "field " + field + "×" + field + " (measured " + measured + "×" + measured + ")";
      caption.textContent = title + ", on a " + side + "×" + side + " input; dashed: the next output pixel's field";
      canvas.setAttribute("aria-label", title);
      said.textContent = data.announce.replace(/\{(\w+)\}/g, function (_, key) {
        return String({field: field, jump: view.jump}[key]);
      });
      root.setAttribute("data-field", field);
      root.setAttribute("data-measured", measured);
      root.setAttribute("data-jump", view.jump);
    }

    draw();
  }

  function start() {
    var data = window.COURSE_RECEPTIVE_DATA;
    document.querySelectorAll(".course-receptive").forEach(function (root) {
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
