/* Catalogo delle buone pratiche: the "Stampa o salva in PDF" button of /pubblicazione/. */
(function () {
  "use strict";
  var button = document.querySelector("[data-stampa]");
  if (button && window.print) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
})();
