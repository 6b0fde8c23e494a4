/* The ask form, enhanced: live character counts under the title and the details, and popular tags
   that add themselves to the Tags field when clicked. Without this script the hints state the
   limits, the popular tags are a list to read, and the server checks everything.
   Its words come translated from the page (data-count-text, data-count-needed: one text per
   plural category, chosen with Intl.PluralRules for the page's language; data-add-tag). */
(function () {
  "use strict";

  var plurals = new Intl.PluralRules(document.documentElement.lang || "en");

  function filled(text, token, value) {
    return text.split(token).join(String(value));
  }

  function counter(field) {
    var countText = field.getAttribute("data-count-text") || "{count}";
    var needed = JSON.parse(field.getAttribute("data-count-needed") || "{}");
    var min = parseInt(field.getAttribute("data-count-min"), 10) || 0;
    var max = parseInt(field.getAttribute("maxlength"), 10) || 0;
    var output = document.createElement("p");
    output.className = "field__count";
    output.id = field.id + "-count";
    output.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", output);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + output.id);
    function update() {
      var n = field.value.trim().length;
      var text = filled(countText, "{count}", n);
      if (n < min) {
        var missing = min - n;
        var form = needed[plurals.select(missing)] || needed.other || "";
        text += " " + filled(form, "{count}", missing);
      }
      output.textContent = text;
      output.classList.toggle("field__count--short", n < min);
    }
    field.addEventListener("input", update);
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-count-min]"), counter);

  var box = document.getElementById("tag-suggestions");
  var input = box && document.getElementById(box.getAttribute("data-tags-input"));
  if (!box || !input) {
    return;
  }
  Array.prototype.forEach.call(box.querySelectorAll("[data-tag]"), function (chip) {
    var name = chip.getAttribute("data-tag");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "tag tag--button";
    button.textContent = name;
    button.setAttribute("aria-label", filled(box.getAttribute("data-add-tag") || "{name}", "{name}", name));
    button.addEventListener("click", function () {
      var tags = input.value.split(/\s+/).filter(Boolean);
      if (tags.indexOf(name) === -1 && tags.length < 5) {
        tags.push(name);
        input.value = tags.join(" ");
      }
      input.focus();
    });
    chip.replaceWith(button);
  });
})();
