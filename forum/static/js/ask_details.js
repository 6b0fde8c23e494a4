// Show only the chosen product's profile fields on the ask form; without JavaScript all groups show
// (each says which product it is for) and the server reads only the chosen product's.
(function () {
  "use strict";
  var select = document.getElementById("product");
  var groups = document.querySelectorAll(".ask-details[data-product]");
  if (!select || !groups.length) {
    return;
  }
  function update() {
    groups.forEach(function (group) {
      group.hidden = group.getAttribute("data-product") !== select.value;
    });
  }
  select.addEventListener("change", update);
  update();
})();
