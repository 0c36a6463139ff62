/* The financing plan on one page: "Ajouter une ligne" adds the line in place (without
   scripts the same button posts the form back with one more line), and the totals and
   the balance follow what is typed. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-plan]");
  if (!form) return;
  var lang = document.documentElement.lang || "fr";
  var money = new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", {
    style: "currency", currency: "EUR", minimumFractionDigits: 2,
  });

  function amount(text) {
    // "12 500,50" in French, "12,500.50" in English; spaces of any kind are grouping.
    var value = (text || "").replace(/[\s\u00a0\u202f]/g, "");
    value = lang === "fr" ? value.replace(",", ".") : value.replace(/,/g, "");
    if (!/^-?\d+(\.\d{0,2})?$/.test(value)) return null;
    return Math.round(parseFloat(value) * 100);
  }

  function total(prefix) {
    var cents = 0;
    form.querySelectorAll("[data-formset='" + prefix + "'] tbody tr").forEach(function (row) {
      var removed = row.querySelector("input[name$='-DELETE']");
      var input = row.querySelector("input[name$='-amount']");
      if (!input || (removed && removed.checked)) return;
      cents += amount(input.value) || 0;
    });
    return cents;
  }

  function show(name, cents) {
    var box = form.querySelector("[data-total='" + name + "']");
    if (box) box.textContent = money.format(cents / 100);
  }

  function refresh() {
    var uses = total("uses"), sources = total("sources"), gap = sources - uses;
    show("uses", uses);
    show("sources", sources);
    show("gap", gap);
    var gapBox = form.querySelector("[data-total='gap']");
    gapBox.classList.toggle("off", gap !== 0);
    gapBox.classList.toggle("even", gap === 0);
    form.querySelector("[data-balance-word='even']").hidden = gap !== 0;
    form.querySelector("[data-balance-word='off']").hidden = gap === 0;
  }

  function addLine(prefix) {
    var count = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = form.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var index = parseInt(count.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = document.getElementById("empty-" + prefix).innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    var body = form.querySelector("[data-formset='" + prefix + "'] tbody");
    body.insertAdjacentHTML("beforeend", html);
    count.value = String(index + 1);
    var first = body.lastElementChild.querySelector("input, select");
    if (first) first.focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-line]");
    if (!button) return;
    event.preventDefault();
    addLine(button.getAttribute("data-add-line"));
  });
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
