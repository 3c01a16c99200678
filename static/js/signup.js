// Sign-up: the "new organisation" part shows only once the person says theirs is not listed.
// Without JavaScript both parts stay visible and the server works out which one was meant.
(function () {
  "use strict";
  var select = document.getElementById("organisation");
  var part = document.getElementById("new-organisation");
  var name = document.getElementById("organisation_name");
  if (!select || !part) {
    return;
  }
  if (select.value === "" && name && name.value.trim() !== "") {
    select.value = "new";
  }
  function update() {
    part.hidden = select.value !== "new";
  }
  select.addEventListener("change", function () {
    update();
    if (!part.hidden && name) {
      name.focus();
    }
  });
  update();
})();
