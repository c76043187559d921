// UI strings: the server renders them from its one gettext catalog into a JSON island in each page.
/** @type {Record<string, string>} */
const messages = (() => {
  try {
    return JSON.parse(globalThis.document?.getElementById('i18n')?.textContent || '{}');
  } catch {
    return {};
  }
})();

/** @param {string} key @returns {string} */
export function t(key) {
  return messages[key] ?? key;
}
