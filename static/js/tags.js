/* Tag fields: suggestions from the tags others already use, as you type.
 *
 * Progressive enhancement only. Without JavaScript a tag field is a plain text input of
 * comma-separated tags. With it, a <datalist> is filled from GET /tags/suggest?q=… with the
 * word being typed (after the last comma), so the browser offers existing spellings.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;

  function splitValue(value, multiple) {
    if (!multiple) {
      return { head: "", current: value };
    }
    var cut = Math.max(value.lastIndexOf(","), value.lastIndexOf(";"));
    if (cut < 0) {
      return { head: "", current: value };
    }
    return { head: value.slice(0, cut + 1).replace(/\s*$/, "") + " ", current: value.slice(cut + 1) };
  }

  function alreadyChosen(head) {
    return head.split(/[,;]/).map(function (part) {
      return part.trim().toLowerCase();
    }).filter(Boolean);
  }

  function enhance(input, index) {
    var url = input.getAttribute("data-suggest-url");
    var multiple = input.getAttribute("data-tag-input") === "multiple";
    if (!url || !window.fetch) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = (input.id || "tag-input-" + index) + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);

    var timer = null;
    var controller = null;
    var lastQuery = null;

    function fill(head, tags) {
      var chosen = alreadyChosen(head);
      list.textContent = "";
      tags.forEach(function (tag) {
        if (chosen.indexOf(tag.label.toLowerCase()) !== -1) {
          return;
        }
        var option = document.createElement("option");
        option.value = head + tag.label;
        option.label = tag.matched ? tag.label + " ← " + tag.matched : tag.label;
        list.appendChild(option);
      });
    }

    function lookUp() {
      var parts = splitValue(input.value, multiple);
      var query = parts.current.trim();
      if (!query) {
        list.textContent = "";
        lastQuery = null;
        return;
      }
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) {
          return response.ok ? response.json() : { tags: [] };
        })
        .then(function (body) {
          fill(parts.head, body.tags || []);
        })
        .catch(function () {
          /* A failed or cancelled lookup leaves the field usable as plain text. */
        });
    }

    input.addEventListener("input", function (event) {
      var picked = !(window.InputEvent && event instanceof window.InputEvent) ||
        event.inputType === "insertReplacementText";
      if (picked && multiple && input.value.trim() && !/[,;]\s*$/.test(input.value)) {
        // A suggestion was chosen: make room for the next tag.
        input.value = input.value.replace(/\s*$/, "") + ", ";
        list.textContent = "";
        lastQuery = null;
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-tag-input]").forEach(enhance);
})();
