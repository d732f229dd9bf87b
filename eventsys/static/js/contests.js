// Score sheet helpers: check each mark against its range as it is typed and keep a running
// total (sum of weight x mark). The server checks everything again; this only helps.
(function () {
  "use strict";
  var form = document.querySelector("form[data-sheet]");
  if (!form) { return; }
  var inputs = form.querySelectorAll("input[data-max]");
  var output = form.querySelector("output[data-total]");
  var fold = function (text) {
    return text.replace(/[\uFF10-\uFF19\uFF0E]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0xFEE0);
    }).replace(/\u3002/g, ".").trim();
  };
  // Work in hundredths so that 0.1 + 0.2 shows as 0.3.
  var hundredths = function (text) {
    if (!/^-?\d+(\.\d{1,2})?$/.test(text)) { return null; }
    var parts = text.replace("-", "").split(".");
    var value = parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
    return text.charAt(0) === "-" ? -value : value;
  };
  var update = function () {
    var total = 0, complete = true;
    inputs.forEach(function (input) {
      var text = fold(input.value);
      var live = document.getElementById(input.id + "-live");
      var value = hundredths(text);
      var message = "";
      if (text === "") { complete = false; }
      else if (value === null) { message = form.dataset.nan || "?"; complete = false; }
      else if (value < hundredths(input.dataset.min) || value > hundredths(input.dataset.max)) {
        message = input.dataset.min + " – " + input.dataset.max; complete = false;
      } else { total += value * parseFloat(input.dataset.weight); }
      if (live) { live.hidden = message === ""; live.textContent = message; }
      input.setAttribute("aria-invalid", message ? "true" : "false");
    });
    if (output) { output.textContent = complete ? (Math.round(total) / 100).toFixed(2) : "—"; }
  };
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
