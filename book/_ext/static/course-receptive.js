/* The receptive-field explorer of chapter 6, live in the HTML book (no Python kernel).
 *
 * Every number comes from convlab.receptive_table, computed at build time and shipped in
 * course-receptive-data.js (window.COURSE_RECEPTIVE_DATA): for each setting of depth, kernel
 * size and stride, the input side, where the formula puts the field, the field's side, the
 * measured side and one shade per input position along one axis (the 2-D shade of an all-ones
 * square kernel is the product of two). This script draws the shading and the red square.
 */
(function () {
  "use strict";

  var SLIDERS = [["depth", "depth"], ["kernel_size", "kernel"], ["stride", "stride"]];
  var LIGHT = [247, 251, 255], DARK = [8, 48, 107];  // matplotlib's "Blues", its two ends

  function colour(t) {
    return LIGHT.map(function (c, i) { return Math.round(c + (DARK[i] - c) * t); });
  }

  function describe(s) {
    return s.depth + " layer" + (s.depth > 1 ? "s" : "") + " of " + s.kernel_size + "×" + s.kernel_size +
      ", stride " + s.stride;
  }

  function build(root, data) {
    var setting = JSON.parse(root.getAttribute("data-initial"));
    var form = document.createElement("div");
    form.className = "cx-sliders";
    SLIDERS.forEach(function (spec) {
      var values = data.ranges[spec[0]];
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
      input.addEventListener("input", function () { setting[spec[0]] = +input.value; draw(); });
      form.appendChild(row);
    });
    root.appendChild(form);

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
      });
      var view = data.views[setting.depth + "," + setting.kernel_size + "," + setting.stride];
      var side = view[0], start = view[1], field = view[2], measured = view[3];
      var shades = view[4].split("").map(function (c) { return data.digits.indexOf(c) / data.levels; });
      var cell = Math.max(1, Math.floor(480 / side));
      canvas.width = canvas.height = side * cell;
      var context = canvas.getContext("2d");
      var image = context.createImageData(side * cell, side * cell);
      for (var y = 0; y < side * cell; y++) {
        for (var x = 0; x < side * cell; x++) {
          var rgb = colour(shades[Math.floor(y / cell)] * shades[Math.floor(x / cell)]);
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
      heading.textContent = describe(setting);
      var title = "field " + field + "×" + field + " (measured " + measured + "×" + measured + ")";
      caption.textContent = title + ", on a " + side + "×" + side + " input";
      canvas.setAttribute("aria-label", title);
      root.setAttribute("data-field", field);
      root.setAttribute("data-measured", measured);
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
