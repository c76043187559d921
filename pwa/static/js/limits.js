// The limits the server enforces (answer lengths, linked records, rating range, photos), as the server
// sends them in each page's JSON island `#limits` (server/pages.py limits, from forms/): one source, so
// the tablet refuses exactly what the server would. Read when first asked, not at import.

/** @typedef {{text: Record<string, number>, text_default: number, linked_max: number, rating: [number, number],
 *   photo_max_bytes: number, photo_max_side: number, photo_types: string[]}} Limits */

/** @type {Limits | null} */
let cached = null;

/** @returns {Limits} */
export function limits() {
  if (!cached) {
    const island = globalThis.document?.getElementById('limits')?.textContent;
    if (!island) throw new Error('this page has no #limits island (server/pages.py limits)');
    cached = /** @type {Limits} */ (JSON.parse(island));
  }
  return cached;
}
