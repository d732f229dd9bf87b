// Judges' forms. On a score sheet: check each mark against its range as it is typed and keep a
// running total (sum of weight x mark). On any form marked data-enter-next, Enter in a field
// moves to the next field instead of sending the form half filled; in the last field it sends.
// The server checks everything again; this only helps. (No inline script: the CSP forbids it.)
(function () {
  "use strict";

  document.querySelectorAll("form[data-enter-next]").forEach(function (form) {
    var fields = Array.prototype.slice.call(form.querySelectorAll("input[type=text]"));
    fields.forEach(function (input, index) {
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" || event.isComposing || index === fields.length - 1) { return; }
        event.preventDefault();
        fields[index + 1].focus();
        fields[index + 1].select();
      });
    });
  });

  var form = document.querySelector("form[data-sheet]");
  if (!form) { return; }
  var inputs = form.querySelectorAll("input[data-max]");
  var output = form.querySelector("output[data-total]");
  // Full-width digits and points (８．５) and the ideographic full stop (8。5) as the server reads them.
  var fold = function (text) {
    return text.replace(/[\uFF10-\uFF19\uFF0E]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0xFEE0);
    }).replace(/\u3002/g, ".").replace(/\s+/g, "");
  };
  // Work in hundredths so that 0.1 + 0.2 shows as 0.3. "8", "8.5", ".5" and "8." are numbers.
  var hundredths = function (text) {
    if (!/^-?(\d+\.?\d{0,2}|\.\d{1,2})$/.test(text)) { return null; }
    var negative = text.charAt(0) === "-";
    var parts = text.replace("-", "").split(".");
    var value = parseInt(parts[0] || "0", 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
    return negative ? -value : value;
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
        message = input.dataset.range || (input.dataset.min + " – " + input.dataset.max);
        complete = false;
      } else { total += value * parseFloat(input.dataset.weight); }
      if (live) { live.hidden = message === ""; live.textContent = message; }
      // A field the server found wrong stays marked until the judge changes it.
      if (message) { input.setAttribute("aria-invalid", "true"); }
      else if (input.dataset.edited || !document.getElementById(input.id + "-error")) {
        input.setAttribute("aria-invalid", "false");
      }
    });
    if (output) { output.textContent = complete ? (Math.round(total) / 100).toFixed(2) : "—"; }
  };
  inputs.forEach(function (input) {
    input.addEventListener("input", function () { input.dataset.edited = "1"; update(); });
  });
  update();
})();
