// Nithet's rule language on the tablet: relevance, required-if, constraints and calculations.
// A twin of forms/rules/ (server validation), its values in rule-values.js; both run forms/vectors/rules.json.
// XLSForm subset of ODK expressions: ${name}, `.`, and/or/not(), div/mod, hyphenated functions,
// plus `/`, coalesce(), minutes(), get() (a key of an object answer), bare true/false. Evaluation never throws on data: bad data is null.
// As in ODK a date (YYYY-MM-DD) is days since 1970-01-01 in arithmetic, and date() turns days back into a date.
// compileRule(src, {choice: true}) is a choice filter (XLSForm choice_filter): a bare name is a column of the choice.
// regex() matches the whole string, as if wrapped in ^(?:...)$; no `u` flag, so characters beyond
// U+FFFF (emoji) are two units to `.` here but one in Python: keep patterns to the common subset.

import { arith, compare, DATE, days, finite, flatten, isEmpty, isObject, localToday, minutesOf, num, numbers, roundHalfAway, str, total, wholeRegex, words, truthy } from './rule-values.js';

export { truthy };

/** Thrown by compileRule; `position` is the 0-based code-point offset in the source. */
export class RuleSyntaxError extends Error {
  /** @param {string} message @param {number} position */
  constructor(message, position) {
    super(`${message} (at position ${position})`);
    this.name = 'RuleSyntaxError';
    this.position = position;
  }
}

/** @typedef {{kind: string, text: string, pos: number}} Token  pos is a UTF-16 index */
/** AST: ['lit', v] | ['ref', name] | ['col', name] | ['cur'] | ['neg', n] | ['bin', op, l, r] | ['call', name, args]
 * @typedef {Array<any>} Node */

const WS = ' \t\r\n\u00a0';
const NUMBER = /[0-9]+(?:\.[0-9]*)?|\.[0-9]+/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*/y;
const REF_NAME = /^[^ \t\r\n\u00a0{}$]+$/;
const OPERATORS = ['<=', '>=', '!=', '=', '<', '>', '+', '-', '*', '/', '(', ')', ','];
const WORD_OPERATORS = new Set(['and', 'or', 'div', 'mod']);
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);
/** Binary operators, lowest precedence first; all left-associative. */
const LEVELS = [['or'], ['and'], ['=', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', 'div', '/', 'mod']];
/** @type {Record<string, [number, number|null]>} name -> [min, max or null] arguments */
const ARITY = {
  true: [0, 0], false: [0, 0], not: [1, 1], selected: [2, 2], 'count-selected': [1, 1], if: [3, 3],
  'string-length': [1, 1], round: [1, 2], int: [1, 1], number: [1, 1], concat: [0, null], coalesce: [2, 2],
  regex: [2, 2], sum: [1, null], count: [1, null], mean: [1, null], min: [1, null], max: [1, null],
  minutes: [2, 2], today: [0, 0], date: [1, 1], get: [2, 2],
};

/** @param {string} src @param {boolean} choice bare names are choice columns @returns {Node} */
function parse(src, choice) {
  const fail = (/** @type {string} */ msg, /** @type {number} */ i) =>
    new RuleSyntaxError(msg, [...src.slice(0, i)].length);
  /** @type {Token[]} */
  const tokens = [];
  let i = 0;
  const sticky = (/** @type {RegExp} */ re) => { re.lastIndex = i; return re.exec(src); };
  const emit = (/** @type {string} */ kind, /** @type {string} */ text, /** @type {number} */ next) => {
    tokens.push({ kind, text, pos: i });
    i = next;
  };
  while (i < src.length) {
    const ch = src[i];
    let m;
    if (WS.includes(ch)) i += 1;
    else if ((m = sticky(NUMBER))) emit('num', m[0], i + m[0].length);
    else if (ch === "'" || ch === '"') {
      const end = src.indexOf(ch, i + 1);
      if (end < 0) throw fail('unterminated string', i);
      emit('str', src.slice(i + 1, end), end + 1);
    } else if (src.startsWith('${', i)) {
      const end = src.indexOf('}', i + 2);
      if (end < 0) throw fail('unterminated reference', i);
      if (!REF_NAME.test(src.slice(i + 2, end))) throw fail('invalid reference name', i);
      emit('ref', src.slice(i + 2, end), end + 1);
    } else if (ch === '.') emit('dot', '.', i + 1);
    else if ((m = sticky(NAME))) emit(WORD_OPERATORS.has(m[0]) ? 'op' : 'name', m[0], i + m[0].length);
    else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (!op) throw fail(`unexpected character '${String.fromCodePoint(src.codePointAt(i) ?? 0)}'`, i);
      emit('op', op, i + op.length);
    }
  }
  tokens.push({ kind: 'end', text: '', pos: src.length });

  let k = 0;
  const peek = () => tokens[k];
  const isOp = (/** @type {string} */ text) => peek().kind === 'op' && peek().text === text;
  const unexpected = (/** @type {Token} */ tok, detail = '') => {
    const what = tok.kind === 'end' ? 'end of expression' : `'${tok.text}'`;
    return fail(`unexpected ${what}${detail ? `, ${detail}` : ''}`, tok.pos);
  };
  const expect = (/** @type {string} */ text) => {
    const tok = tokens[k++];
    if (tok.kind !== 'op' || tok.text !== text) throw unexpected(tok, `expected '${text}'`);
  };
  /** @returns {Node} */
  const binary = (/** @type {number} */ level) => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    while (peek().kind === 'op' && LEVELS[level].includes(peek().text)) {
      const op = tokens[k++].text;
      left = ['bin', op, left, binary(level + 1)];
    }
    return left;
  };
  /** @returns {Node} */
  const unary = () => {
    if (isOp('-')) { k += 1; return ['neg', unary()]; }
    return primary();
  };
  /** @returns {Node} */
  const primary = () => {
    const tok = tokens[k++];
    if (tok.kind === 'num') return ['lit', Number(tok.text)];
    if (tok.kind === 'str') return ['lit', tok.text];
    if (tok.kind === 'ref') return ['ref', tok.text];
    if (tok.kind === 'dot') return ['cur'];
    if (tok.kind === 'op' && tok.text === '(') { const node = binary(0); expect(')'); return node; }
    if (tok.kind === 'name') {
      if (isOp('(')) return call(tok);
      if (tok.text === 'true' || tok.text === 'false') return ['lit', tok.text === 'true'];
      if (choice) return ['col', tok.text];
      throw fail(`unknown name '${tok.text}'`, tok.pos);
    }
    throw unexpected(tok);
  };
  /** @returns {Node} */
  const call = (/** @type {Token} */ name) => {
    if (!Object.hasOwn(ARITY, name.text)) throw fail(`unknown function '${name.text}'`, name.pos);
    expect('(');
    /** @type {Node[]} */
    const args = [];
    if (!isOp(')')) {
      args.push(binary(0));
      while (isOp(',')) { k += 1; args.push(binary(0)); }
    }
    expect(')');
    const [lo, hi] = ARITY[name.text];
    if (args.length < lo || (hi !== null && args.length > hi)) {
      const want = lo === hi ? `${lo}` : hi === null ? `at least ${lo}` : `${lo} to ${hi}`;
      throw fail(`${name.text}() takes ${want} argument(s), got ${args.length}`, name.pos);
    }
    if (name.text === 'true' || name.text === 'false') return ['lit', name.text === 'true'];
    return ['call', name.text, args];
  };
  const node = binary(0);
  if (peek().kind !== 'end') throw unexpected(peek());
  return node;
}

// ---------------------------------------------------------------- evaluation

/** @typedef {Record<string, any>} Answers */
/** @typedef {{answers: Answers, current: any, item: Answers|null, today: string|null, choice: Answers|null}} Context */

/** @param {Context} ctx @param {string} name */
function lookup(ctx, name) {
  if (ctx.item && Object.hasOwn(ctx.item, name)) return ctx.item[name] ?? null;
  if (Object.hasOwn(ctx.answers, name)) return ctx.answers[name] ?? null;
  for (const value of Object.values(ctx.answers)) {
    if (Array.isArray(value) && value.some((it) => isObject(it) && Object.hasOwn(it, name))) {
      return value.map((it) => (isObject(it) ? it[name] ?? null : null));
    }
  }
  return null;
}

/** @type {Record<string, (a: any[], ctx: Context) => any>} */
const FUNCTIONS = {
  not: (a) => !truthy(a[0]),
  selected: ([value, choice]) => {
    const c = str(choice);
    if (Array.isArray(value)) return value.some((v) => str(v) === c);
    const text = str(value);
    return text !== '' && (text === c || words(text).includes(c));
  },
  'count-selected': ([v]) => (Array.isArray(v) ? v.filter((x) => !isEmpty(x)).length : words(str(v)).length),
  'string-length': ([v]) => [...str(v)].length,
  round: (a) => {
    const x = num(a[0]), d = a.length > 1 ? num(a[1]) : 0;
    if (x === null || d === null) return null;
    const digits = Math.max(-22, Math.min(22, Math.trunc(d)));
    const p = Number(`1e${Math.abs(digits)}`);
    const y = digits >= 0 ? x * p : x / p;
    if (Math.abs(y) >= 2 ** 52) return x;
    const r = roundHalfAway(y);
    return finite(digits >= 0 ? r / p : r * p);
  },
  int: ([v]) => { const x = num(v); return x === null ? null : Math.trunc(x); },
  number: ([v]) => num(v),
  concat: (a) => a.map(str).join(''),
  regex: ([v, pattern]) => {
    const re = wholeRegex(str(pattern));
    return re === null ? null : re.test(str(v));
  },
  sum: (a) => total(numbers(a)),
  count: (a) => flatten(a).length,
  mean: (a) => {
    const ns = numbers(a), t = total(ns);
    return t === null || !ns.length ? null : finite(t / ns.length);
  },
  min: (a) => numbers(a).reduce((m, n) => (m === null || n < m ? n : m), /** @type {number|null} */ (null)),
  max: (a) => numbers(a).reduce((m, n) => (m === null || n > m ? n : m), /** @type {number|null} */ (null)),
  minutes: ([s, e]) => {
    const a = minutesOf(s), b = minutesOf(e);
    return a === null || b === null ? null : b - a;
  },
  today: (_a, ctx) => ctx.today ?? localToday(),
  // A date from days since 1970-01-01 (or a date, or the date of a date-time); otherwise null.
  date: ([v]) => {
    if (typeof v === 'string' && DATE.test(v)) return days(v.slice(0, 10)) === null ? null : v.slice(0, 10);
    const x = num(v);
    if (x === null || x < -719162 || x > 2932896) return null;
    return new Date(Math.floor(x) * 86400000).toISOString().slice(0, 10);
  },
  // The value at a key of an object answer (a photo, a reading grid); otherwise null.
  get: ([obj, key]) => {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
    const k = str(key);
    return Object.hasOwn(obj, k) ? obj[k] : null;
  },
};

/** @param {Node} node @param {Context} ctx @returns {any} */
function evaluate(node, ctx) {
  switch (node[0]) {
    case 'lit': return node[1];
    case 'ref': return lookup(ctx, node[1]);
    case 'col': return ctx.choice && Object.hasOwn(ctx.choice, node[1]) ? ctx.choice[node[1]] ?? null : null;
    case 'cur': return ctx.current ?? null;
    case 'neg': { const x = num(evaluate(node[1], ctx)); return x === null ? null : -x; }
    case 'bin': {
      const [, op, l, r] = node;
      if (op === 'or') return truthy(evaluate(l, ctx)) || truthy(evaluate(r, ctx));
      if (op === 'and') return truthy(evaluate(l, ctx)) && truthy(evaluate(r, ctx));
      const a = evaluate(l, ctx), b = evaluate(r, ctx);
      return COMPARISONS.has(op) ? compare(op, a, b) : arith(op === 'div' ? '/' : op, a, b);
    }
    default: {
      const [, name, args] = node;
      if (name === 'if') return evaluate(truthy(evaluate(args[0], ctx)) ? args[1] : args[2], ctx);
      if (name === 'coalesce') {
        const v = evaluate(args[0], ctx);
        return isEmpty(v) ? evaluate(args[1], ctx) : v;
      }
      return FUNCTIONS[name](args.map((/** @type {Node} */ n) => evaluate(n, ctx)), ctx);
    }
  }
}

/** @param {Node} node @param {Set<string>} out @param {string} kind 'ref' or 'col' */
function collectRefs(node, out, kind = 'ref') {
  if (node[0] === kind) out.add(node[1]);
  else if (node[0] === 'neg') collectRefs(node[1], out, kind);
  else if (node[0] === 'bin') { collectRefs(node[2], out, kind); collectRefs(node[3], out, kind); }
  else if (node[0] === 'call') for (const a of node[2]) collectRefs(a, out, kind);
}

/** @typedef {{current?: any, item?: Answers|null, today?: string|null, choice?: Answers|null}} EvalOptions */
/**
 * @typedef {object} Rule
 * @property {string} source
 * @property {(answers: Answers, options?: EvalOptions) => any} evaluate
 * @property {() => Set<string>} references  names used in ${...}
 * @property {() => Set<string>} columns  choice columns a choice filter reads (bare names)
 */

/** @type {Map<string, Rule>} */
const cache = new Map();

/** Compile a rule (cached; a choice filter with `{choice: true}`); throws RuleSyntaxError.
 * @param {string} source @param {{choice?: boolean}} [mode] @returns {Rule} */
export function compileRule(source, { choice = false } = {}) {
  const cacheKey = choice ? `choice:${source}` : source;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const ast = parse(source, choice);
  /** @type {Set<string>} */
  const refs = new Set();
  collectRefs(ast, refs);
  /** @type {Set<string>} */
  const cols = new Set();
  collectRefs(ast, cols, 'col');
  const rule = Object.freeze({
    source,
    evaluate: (/** @type {Answers} */ answers, /** @type {EvalOptions} */ options = {}) => {
      const { current = null, item = null, today = null, choice: row = null } = options;
      return evaluate(ast, { answers: answers ?? {}, current, item, today, choice: row });
    },
    references: () => new Set(refs),
    columns: () => new Set(cols),
  });
  if (cache.size >= 1024) cache.clear();
  cache.set(cacheKey, rule);
  return rule;
}
