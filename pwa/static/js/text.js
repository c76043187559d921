// @ts-check
/** One rule for free text, the same as the server's `forms/text.py` (checked by `forms/vectors/text.json`):
 * keep tab and newline, a carriage return becomes a newline, drop every other C0/C1 control character and
 * DEL, a lone surrogate becomes U+FFFD, then NFC. */

// eslint-disable-next-line no-control-regex
const DROP = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** @param {string} text @returns {string} */
export function cleanText(text) {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(DROP, '')
    .replace(SURROGATE, '\ufffd')
    .normalize('NFC');
}
