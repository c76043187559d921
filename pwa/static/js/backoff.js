// Capped exponential backoff with jitter: retries spread out and never storm the server.

/**
 * @param {number} attempt  1 for the first retry
 * @param {{base?: number, cap?: number, random?: () => number}} [options]
 * @returns {number} milliseconds to wait
 */
export function backoffDelay(attempt, { base = 2000, cap = 5 * 60 * 1000, random = Math.random } = {}) {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
