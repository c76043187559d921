// Building DOM nodes without HTML strings: text is always text, never markup.

/**
 * An element with attributes (`class` sets className) and children (strings become text; null is skipped).
 * @param {string} tag @param {Record<string, string>} [attrs] @param {...(Node|string|null|undefined)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  node.append(.../** @type {(Node|string)[]} */ (children.filter((c) => c !== null && c !== undefined)));
  return node;
}
