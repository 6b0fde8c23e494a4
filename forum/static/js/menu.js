// On narrow screens the header folds its navigation behind a Menu button. Without JavaScript
// the button stays hidden and the links are simply shown.
(function () {
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-toggle");
  if (!button) {
    return;
  }
  header.classList.add("site-header--js");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("site-header--open", open);
  });
})();
