// Accessibility fixes for sphinx-book-theme 1.4 / pydata-sphinx-theme 0.20 and
// MyST-NB 1.4, found by axe-core in tests/browser.
document.addEventListener("DOMContentLoaded", () => {
  // The search button shows "Search Ctrl+K" but is named "Search" by aria-label,
  // and MyST-NB's "Show code cell source" toggles are named "Toggle hidden
  // content". Speech users say what they see, so the name comes from the text.
  const mislabelled = ".search-button-field[aria-label], details.hide > summary[aria-label]";
  for (const element of document.querySelectorAll(mislabelled)) {
    element.removeAttribute("aria-label");
  }
  // The sidebar's expand/collapse toggles contain only an icon; name each one
  // after the section link it opens.
  for (const summary of document.querySelectorAll(".bd-sidenav details > summary")) {
    const link = summary.parentElement.parentElement.querySelector(":scope > a");
    if (link && !summary.hasAttribute("aria-label")) {
      summary.setAttribute("aria-label", link.textContent.trim());
    }
  }
});
