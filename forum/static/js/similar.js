/* Similar questions while asking: progressive enhancement for the ask page.
   Without this script the "Check for similar questions" button does the same job on the server.
   No inline script and no HTML strings: every text goes in through textContent. */
(function () {
  "use strict";

  var box = document.getElementById("similar-questions");
  if (!box || !window.fetch) {
    return;
  }
  var input = document.getElementById(box.getAttribute("data-title-input"));
  var results = document.getElementById("similar-questions-results");
  var endpoint = box.getAttribute("data-similar-endpoint");
  if (!input || !results || !endpoint) {
    return;
  }
  var MIN_CHARS = 10;
  var timer = null;
  var controller = null;
  var last = "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function flag(item) {
    if (item.kind === "article") {
      return element("span", "search-flag search-flag--article", "Knowledge article");
    }
    if (item.has_accepted_answer) {
      return element("span", "search-flag search-flag--accepted", "\u2713 Has an accepted answer");
    }
    return null;
  }

  function render(items) {
    results.textContent = "";
    if (!items.length) {
      return;
    }
    results.appendChild(element("h2", "similar-questions__title", "Similar questions"));
    results.appendChild(element("p", "similar-questions__hint", "One of these may already answer yours:"));
    var list = element("ul", "similar-list");
    items.forEach(function (item) {
      var li = element("li", "similar-list__item");
      var link = element("a", null, item.title);
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.appendChild(element("span", "visually-hidden", " (opens in a new tab)"));
      li.appendChild(link);
      var marker = flag(item);
      if (marker) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(marker);
      }
      li.appendChild(element("span", "muted", " \u00b7 " + item.product.name));
      list.appendChild(li);
    });
    results.appendChild(list);
  }

  function lookup() {
    var title = input.value.trim();
    if (title.length < MIN_CHARS || title === last) {
      return;
    }
    last = title;
    if (controller) {
      controller.abort();
    }
    controller = typeof AbortController === "function" ? new AbortController() : null;
    fetch(endpoint + "?title=" + encodeURIComponent(title), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && input.value.trim() === title) {
        render(data.items || []);
      }
    }).catch(function () {
      /* Offline or aborted: the button still works. */
    });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 350);
  });
  input.addEventListener("change", lookup);
  if (input.value.trim().length >= MIN_CHARS && !results.children.length) {
    lookup();
  }
}());
