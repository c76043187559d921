// The hand-over as a sequence of QR codes: the summaries of a visit's observations, as UTF-8 JSON, cut into
// parts small enough for one code each, each part headed `NTH1:<batch>:<index>/<count>:`. The recorder's
// camera reads the parts in any order; a part read twice counts once; the batch is whole when every index
// is in. A code without the header is not ours (a one-summary code of the first version still is).
// Pure functions, no imports: tested in Chromium (tests/e2e/test_client_modules.py).

const PREFIX = 'NTH1:';
/** Bytes of payload per code: a version 18 code (89 modules) at level M at most, read from a screen. */
export const PART_BYTES = 480;

/** @typedef {{id: string, school: string, date: string, session: string, teacher: string, start: string,
 *   end: string, [key: string]: unknown}} Summary */
/** @typedef {{kind: 'part', batch: string, index: number, count: number, bytes: Uint8Array}
 *   | {kind: 'whole', summaries: Summary[]} | {kind: 'foreign'}} Reading */

const ascii = new TextEncoder();

/** @param {unknown} s @returns {s is Summary} */
function isSummary(s) {
  const o = /** @type {Record<string, unknown>} */ (s);
  return !!o && typeof o === 'object'
    && ['id', 'school', 'date', 'session', 'teacher', 'start', 'end'].every((k) => typeof o[k] === 'string');
}

/** The summaries in a decoded payload, or null when it is not a list of summaries.
 * @param {Uint8Array} bytes @returns {Summary[]|null} */
function summariesOf(bytes) {
  try {
    const data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    const list = data && data.v === 2 ? data.s : data && data.v === 1 ? [data] : null;
    return Array.isArray(list) && list.length > 0 && list.every(isSummary) ? list : null;
  } catch {
    return null;
  }
}

/** The codes that carry `summaries`: each a byte array (QR byte mode), in order.
 * @param {Summary[]} summaries @param {string} batch a few letters naming this hand-over
 * @param {number} [size] payload bytes per code @returns {Uint8Array[]} */
export function encodeCodes(summaries, batch, size = PART_BYTES) {
  const payload = ascii.encode(JSON.stringify({ v: 2, s: summaries }));
  const count = Math.max(1, Math.ceil(payload.length / size));
  return Array.from({ length: count }, (_, i) => {
    const head = ascii.encode(`${PREFIX}${batch}:${i + 1}/${count}:`);
    const part = payload.subarray(i * size, (i + 1) * size);
    const code = new Uint8Array(head.length + part.length);
    code.set(head);
    code.set(part, head.length);
    return code;
  });
}

/** What one scanned code is: a part of a batch, a whole (first-version) summary, or not ours.
 * @param {Uint8Array|Uint8ClampedArray|number[]} raw @returns {Reading} */
export function readCode(raw) {
  const bytes = Uint8Array.from(raw);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 40));
  const m = /^NTH1:([A-Za-z0-9]{1,12}):(\d{1,3})\/(\d{1,3}):/.exec(head);
  if (m) {
    const index = Number(m[2]);
    const count = Number(m[3]);
    if (index >= 1 && index <= count) return { kind: 'part', batch: m[1], index, count, bytes: bytes.subarray(m[0].length) };
    return { kind: 'foreign' };
  }
  const whole = summariesOf(bytes);
  return whole ? { kind: 'whole', summaries: whole } : { kind: 'foreign' };
}

/** Gathers the parts of hand-overs as they are scanned, in any order. */
export class Collector {
  constructor() {
    /** @type {Map<string, Map<number, Uint8Array>>} */
    this.batches = new Map();
    /** @type {{batch: string, got: number, count: number}|null} */
    this.progress = null;
  }

  /** Take one scanned code: the summaries when its batch is complete, 'foreign' when it is not ours
   * (or its batch does not read as summaries), null otherwise (a new part or one read before).
   * @param {Uint8Array|Uint8ClampedArray|number[]} raw @returns {Summary[]|'foreign'|null} */
  add(raw) {
    const code = readCode(raw);
    if (code.kind === 'foreign') return 'foreign';
    if (code.kind === 'whole') {
      this.progress = null;
      return code.summaries;
    }
    const key = `${code.batch}/${code.count}`;
    const parts = this.batches.get(key) || new Map();
    this.batches.set(key, parts);
    if (!parts.has(code.index)) parts.set(code.index, code.bytes);
    this.progress = { batch: code.batch, got: parts.size, count: code.count };
    if (parts.size < code.count) return null;
    this.batches.delete(key);
    const all = [...parts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    const joined = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
    all.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
    return summariesOf(joined) || 'foreign';
  }
}
