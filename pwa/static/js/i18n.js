// UI strings, gettext style: the message id is the English text, `t('Saved on this tablet')`. Babel extracts
// every t('…') and N_('…') here (babel.cfg, scripts/messages.py); the server renders exactly those ids'
// translations from its one catalog into a JSON island in each page (server/pages.py js_messages).
/** @type {Record<string, string>} */
const messages = (() => {
  try {
    return JSON.parse(globalThis.document?.getElementById('i18n')?.textContent || '{}');
  } catch {
    return {};
  }
})();

/** The translation of an English message id (the id itself when there is none). @param {string} msgid */
export function t(msgid) {
  return messages[msgid] ?? msgid;
}

/** Marks a message id for extraction where it is translated later by t(LABELS[x]). @param {string} msgid */
export const N_ = (msgid) => msgid;

/** The title of a problem of the server's catalog (sync/problems.py) by its code. @param {string} code */
export const problemTitle = (code) => messages[`problem.${code}`] ?? code;
