// @ts-check
/** Print and share buttons of the report pages: `data-print` prints; `data-share-pdf` fetches the PDF
 * and hands it to the Web Share sheet (LINE and the like) where the browser can share files, else
 * downloads it. No other behaviour: the pages work without this file. */

/** @param {string} href @param {string} filename */
async function sharePdf(href, filename) {
  const response = await fetch(href, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`PDF ${response.status}`);
  const blob = await response.blob();
  const file = new File([blob], filename, { type: "application/pdf" });
  if (navigator.canShare && navigator.canShare({ files: [file] })) {
    await navigator.share({ files: [file], title: document.title });
    return;
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

document.addEventListener("click", (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  if (target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
    return;
  }
  const link = /** @type {HTMLAnchorElement | null} */ (target.closest("a[data-share-pdf]"));
  if (link) {
    event.preventDefault();
    // A long report takes seconds to lay out: the button shows it is working, and a second tap meanwhile
    // asks for nothing more.
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    link.setAttribute("aria-disabled", "true");
    const name = link.dataset.filename || "nithet.pdf";
    sharePdf(link.href, name)
      .catch((err) => {
        if (err && err.name === "AbortError") return; // the user closed the share sheet
        window.location.href = link.href;
      })
      .finally(() => {
        link.removeAttribute("aria-busy");
        link.removeAttribute("aria-disabled");
      });
  }
});
