// cjmgen default theme: small progressive enhancements; every page reads fine without it.
(function () {
  "use strict";
  // Keep the stage header visible when a stage link is followed inside the grid.
  document.documentElement.classList.add("js");
})();
