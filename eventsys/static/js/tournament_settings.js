// Tournament settings: when the sport changes, the fields still at the previous sport's
// defaults take the new sport's defaults (values typed by the organizer stay). Without this
// script the server does the same when the form is saved (services.tournaments.apply_sport_defaults).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-sport-defaults]");
    if (!form) { return; }
    var table;
    try { table = JSON.parse(form.getAttribute("data-sport-defaults")); } catch (e) { return; }
    var sport = form.elements.namedItem("sport");
    var shown = form.elements.namedItem("defaults_for");
    if (!sport || !shown) { return; }
    sport.addEventListener("change", function () {
      var before = table[shown.value];
      var after = table[sport.value];
      if (!before || !after) { return; }
      Object.keys(after).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value === before[name]) { field.value = after[name]; }
      });
      shown.value = sport.value;
    });
  });
})();
