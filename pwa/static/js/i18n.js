// UI strings, gettext style: the message id is the English text, `t('Saved on this tablet')`. Babel extracts
// every t('…') and N_('…') here (babel.cfg, scripts/messages.py); the server serves exactly those ids'
// translations from its one catalog as one cacheable file per language (server/js_catalog.py), a classic
// script the page loads with `defer` before its modules: it sets `self.NITHET_MESSAGES`. Where there is
// none (the service worker, the notebook page) every id stands for itself.
/** @type {Record<string, string>} */
const messages = /** @type {any} */ (globalThis).NITHET_MESSAGES ?? {};

/** The translation of an English message id (the id itself when there is none). @param {string} msgid */
export function t(msgid) {
  return messages[msgid] ?? msgid;
}

/** Marks a message id for extraction where it is translated later by t(LABELS[x]). @param {string} msgid */
export const N_ = (msgid) => msgid;

/** The title of a problem of the server's catalog (sync/problems.py) by its code. @param {string} code */
export const problemTitle = (code) => messages[`problem.${code}`] ?? code;
