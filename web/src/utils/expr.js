// expr.js - the computed-field language of the server (src/entity/expr.c),
// so a form shows a computed value as the user types, from the expression
// served in metadata. Exact like the server: numbers are BigInt mantissas
// with a scale, never floating point; a / b keeps 12 fraction digits (more
// when an operand has more, at most 18) cut toward zero; the result is
// rounded half away from zero to the field's scale. tests/expr-cases.json
// holds the cases this file and the C evaluator must both pass.

const DIV_SCALE = 12
const MAX_SCALE = 18
const MAX_LENGTH = 2000
const MAX_MANTISSA = 10n ** 36n
const INT64_MAX = 9223372036854775807n

export class ExprError extends Error {
  constructor (code, zh, en, pos = 0) {
    super(en)
    this.code = code // parse, unknown, type, division_by_zero, overflow
    this.zh = zh
    this.en = en
    this.pos = pos
  }
}

const overflow = () => new ExprError('overflow', '数值超出可精确保存的范围', 'The number is too large to be kept exactly')
const inRange = m => m < MAX_MANTISSA && m > -MAX_MANTISSA
const NULL = { kind: 'null' }
const num = (m, scale) => ({ kind: 'num', m, scale })

// "12.50" -> {m: 1250n, scale: 2}; null on bad text.
export function toNumber (text) {
  const t = String(text)
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t) || t === '-') return null
  const [whole, frac = ''] = t.replace('-', '').split('.')
  if (frac.length > MAX_SCALE) return null
  const m = BigInt((whole || '0') + frac)
  if (!inRange(m)) return null
  return num(t.startsWith('-') ? -m : m, frac.length)
}

// A form or API value as an expression value: numbers and number-looking
// text are numbers, other text is text.
export function toValue (v) {
  if (v === null || v === undefined || v === '') return NULL
  if (typeof v === 'boolean') return { kind: 'bool', b: v }
  if (typeof v === 'number') return Number.isFinite(v) ? (toNumber(String(v)) || NULL) : NULL
  return toNumber(v) || { kind: 'text', s: String(v) }
}

// ---------------------------------------------------------------- parse

const FUNCS = {
  round: [2, 2], min: [2, 16], max: [2, 16], abs: [1, 1], if: [3, 3], coalesce: [2, 16], sum: [1, 1], count: [1, 1],
  rmb_upper: [1, 1]
}
const RESERVED = ['and', 'or', 'not', 'in', 'where']

export function parse (text) {
  let p = 0
  const syntax = (zh, en) => new ExprError('parse', `表达式第 ${p + 1} 个字符处有误：${zh}`,
    `Expression error at character ${p + 1}: ${en}`, p)
  const space = () => { while (p < text.length && /\s/.test(text[p])) p++ }
  const accept = tok => { space(); if (text.startsWith(tok, p)) { p += tok.length; return true } return false }
  const identChar = c => c !== undefined && /[A-Za-z0-9_]/.test(c)
  const acceptWord = kw => {
    space()
    if (!text.startsWith(kw, p) || identChar(text[p + kw.length])) return false
    p += kw.length
    return true
  }
  const ident = () => {
    space()
    if (!/[A-Za-z_]/.test(text[p] || '')) return null
    const start = p
    while (identChar(text[p])) p++
    return text.slice(start, p)
  }
  const numberLiteral = () => {
    const start = p
    while (/[0-9]/.test(text[p] || '')) p++
    if (text[p] === '.' && /[0-9]/.test(text[p + 1] || '')) { p++; while (/[0-9]/.test(text[p] || '')) p++ }
    const v = toNumber(text.slice(start, p))
    if (!v) { p = start; throw syntax('数字无效或位数过多', 'invalid number or too many digits') }
    return { k: 'lit', v }
  }
  const textLiteral = () => {
    p++
    let out = ''
    while (p < text.length) {
      if (text[p] === "'") { if (text[p + 1] !== "'") break; p++ }
      out += text[p++]
    }
    if (text[p] !== "'") throw syntax('字符串缺少结尾的单引号', 'unterminated string')
    p++
    return { k: 'lit', v: { kind: 'text', s: out } }
  }
  const aggregate = fn => {
    const node = { k: 'agg', fn, rel: ident(), field: null, where: null }
    if (!node.rel) throw syntax('此处应为关联名', 'a relation name is expected here')
    if (accept('.')) {
      node.field = ident()
      if (!node.field) throw syntax('此处应为字段名', 'a field name is expected here')
    } else if (fn !== 'count') throw syntax('汇总需要写成 关联.字段', 'an aggregate needs relation.field')
    if (acceptWord('where')) node.where = or()
    if (!accept(')')) throw syntax('缺少右括号', '")" expected')
    return node
  }
  const call = name => {
    if (!FUNCS[name]) throw new ExprError('unknown', `未知函数 ${name}`, `Unknown function ${name}`, p)
    const save = p
    const relationFollows = ident() && accept('.')
    p = save
    if (name === 'sum' || name === 'count' || ((name === 'min' || name === 'max') && relationFollows)) return aggregate(name)
    const args = []
    if (!accept(')')) {
      do {
        if (args.length === 16) throw syntax('参数过多', 'too many arguments')
        args.push(or())
      } while (accept(','))
      if (!accept(')')) throw syntax('缺少右括号', '")" expected')
    }
    const [lo, hi] = FUNCS[name]
    if (args.length < lo || args.length > hi) throw syntax('函数参数个数不对', 'wrong number of arguments')
    return { k: 'call', fn: name, args }
  }
  const primary = () => {
    space()
    if (/[0-9]/.test(text[p] || '')) return numberLiteral()
    if (text[p] === "'") return textLiteral()
    if (accept('(')) {
      const n = or()
      if (!accept(')')) throw syntax('缺少右括号', '")" expected')
      return n
    }
    const start = p
    const name = ident()
    if (!name) {
      throw p < text.length ? syntax('此处应为数值、字段或函数', 'a value, field or function is expected here')
        : syntax('表达式不完整', 'the expression is incomplete')
    }
    if (RESERVED.includes(name)) { p = start; throw syntax('此处应为数值、字段或函数', 'a value, field or function is expected here') }
    if (accept('(')) return call(name)
    if (name === 'true' || name === 'false') return { k: 'lit', v: { kind: 'bool', b: name === 'true' } }
    if (name === 'null') return { k: 'lit', v: NULL }
    space()
    if (text[p] === '.') throw syntax('关联记录的字段只能在汇总函数中使用', 'related fields are read only inside aggregates')
    return { k: 'field', name }
  }
  const unary = () => accept('-') ? { k: 'neg', a: unary() } : primary()
  const term = () => {
    let l = unary()
    for (;;) {
      if (accept('*')) l = { k: 'mul', a: l, b: unary() }
      else if (accept('/')) l = { k: 'div', a: l, b: unary() }
      else return l
    }
  }
  const sum = () => {
    let l = term()
    for (;;) {
      if (accept('+')) l = { k: 'add', a: l, b: term() }
      else if (accept('-')) l = { k: 'sub', a: l, b: term() }
      else return l
    }
  }
  const inList = (l, negated) => {
    if (!accept('(')) throw syntax('in 后面应为括号中的列表', '"(" expected after in')
    const items = []
    do {
      if (items.length === 64) throw syntax('列表过长', 'list too long')
      space()
      if (text[p] === "'") items.push(textLiteral().v)
      else if (/[0-9]/.test(text[p] || '')) items.push(numberLiteral().v)
      else throw syntax('列表中只能是常量', 'the list holds literals only')
    } while (accept(','))
    if (!accept(')')) throw syntax('缺少右括号', '")" expected')
    return { k: 'in', a: l, items, negated }
  }
  const OPS = [['!=', 'ne'], ['<>', 'ne'], ['<=', 'le'], ['>=', 'ge'], ['=', 'eq'], ['<', 'lt'], ['>', 'gt']]
  const comparison = () => {
    const l = sum()
    for (const [tok, k] of OPS) if (accept(tok)) return { k, a: l, b: sum() }
    const save = p
    if (acceptWord('not')) {
      if (acceptWord('in')) return inList(l, true)
      p = save
    }
    if (acceptWord('in')) return inList(l, false)
    return l
  }
  const negation = () => acceptWord('not') ? { k: 'not', a: negation() } : comparison()
  const and = () => {
    let l = negation()
    while (acceptWord('and')) l = { k: 'and', a: l, b: negation() }
    return l
  }
  const or = () => {
    let l = and()
    while (acceptWord('or')) l = { k: 'or', a: l, b: and() }
    return l
  }
  if (text.length > MAX_LENGTH) throw new ExprError('parse', '表达式过长', 'The expression is too long')
  const tree = or()
  space()
  if (p < text.length) throw syntax('多余的内容', 'unexpected text')
  return tree
}

// ----------------------------------------------------------------- eval

const typeError = (zh, en) => new ExprError('type', zh, en)
const pow10 = n => 10n ** BigInt(n)

function rescaleUp (v, s) {
  const m = v.m * pow10(s - v.scale)
  if (!inRange(m)) throw overflow()
  return num(m, s)
}

function truncateTo (v, s) {
  return num(v.m / pow10(v.scale - s), s) // BigInt division cuts toward zero, as C does
}

export function round (v, scale) {
  if (v.kind !== 'num') return v
  if (scale >= v.scale) return rescaleUp(v, scale)
  const p = pow10(v.scale - scale)
  let q = v.m / p
  const r = v.m % p
  if (r >= p / 2n) q++
  else if (-r >= p / 2n) q--
  if (!inRange(q)) throw overflow()
  return num(q, scale)
}

function arith (k, a, b) {
  if (a.kind === 'null' || b.kind === 'null') return NULL
  if (k === 'add' || k === 'sub') {
    const s = Math.max(a.scale, b.scale)
    a = rescaleUp(a, s)
    b = rescaleUp(b, s)
    const m = k === 'add' ? a.m + b.m : a.m - b.m
    if (!inRange(m)) throw overflow()
    return num(m, s)
  }
  if (k === 'mul') {
    let out = num(a.m * b.m, a.scale + b.scale)
    if (out.m >= (1n << 127n) || out.m < -(1n << 127n)) throw overflow() // what 128 bits hold in C
    if (out.scale > MAX_SCALE) out = truncateTo(out, MAX_SCALE)
    if (!inRange(out.m)) throw overflow()
    return out
  }
  if (b.m === 0n) throw new ExprError('division_by_zero', '除数为零', 'Division by zero')
  const s = Math.max(a.scale, b.scale, DIV_SCALE)
  const numerator = a.m * pow10(s + b.scale - a.scale)
  if (numerator >= (1n << 127n) || numerator < -(1n << 127n)) throw overflow()
  const m = numerator / b.m
  if (!inRange(m)) throw overflow()
  return num(m, s)
}

function compare (a, b) {
  if (a.kind === 'text') return a.s < b.s ? -1 : a.s > b.s ? 1 : 0
  if (a.kind === 'bool') return Number(a.b) - Number(b.b)
  const s = Math.max(a.scale, b.scale)
  a = rescaleUp(a, s)
  b = rescaleUp(b, s)
  return a.m < b.m ? -1 : a.m > b.m ? 1 : 0
}

const wantNumber = v => {
  if (v.kind !== 'num' && v.kind !== 'null') throw typeError('此处应为数值', 'A number is expected here')
  return v
}

function truth (n, env) {
  const v = ev(n, env)
  if (v.kind !== 'bool' && v.kind !== 'null') throw typeError('此处应为条件', 'A condition is expected here')
  return v.kind === 'bool' && v.b
}

function compareNode (k, a, b) {
  if (a.kind === 'null' || b.kind === 'null') {
    const both = a.kind === b.kind
    return { kind: 'bool', b: k === 'eq' ? both : k === 'ne' ? !both : false }
  }
  if (a.kind !== b.kind) throw typeError('不能比较不同类型的值', 'Values of different types cannot be compared')
  const c = compare(a, b)
  const b2 = { eq: c === 0, ne: c !== 0, lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0 }[k]
  return { kind: 'bool', b: b2 }
}

function call (n, env) {
  switch (n.fn) {
    case 'if': return ev(n.args[truth(n.args[0], env) ? 1 : 2], env)
    case 'coalesce': {
      let v = NULL
      for (const a of n.args) { v = ev(a, env); if (v.kind !== 'null') break }
      return v
    }
    case 'rmb_upper': {
      const v = wantNumber(ev(n.args[0], env))
      return v.kind === 'null' ? v : { kind: 'text', s: rmbUpper(round(v, 2).m) }
    }
    case 'abs': {
      const v = wantNumber(ev(n.args[0], env))
      return v.kind === 'null' || v.m >= 0n ? v : num(-v.m, v.scale)
    }
    case 'round': {
      const a = wantNumber(ev(n.args[0], env))
      const d = wantNumber(ev(n.args[1], env))
      if (a.kind === 'null') return a
      if (d.kind === 'null' || d.scale !== 0 || d.m < 0n || d.m > BigInt(MAX_SCALE)) {
        throw typeError(`round 的位数应为 0 到 ${MAX_SCALE} 的整数`, `round takes 0 to ${MAX_SCALE} digits`)
      }
      return round(a, Number(d.m))
    }
    default: { // min, max
      let best = null
      for (const arg of n.args) {
        const v = wantNumber(ev(arg, env))
        if (v.kind === 'null') return NULL
        if (!best || (n.fn === 'min' ? compare(v, best) < 0 : compare(v, best) > 0)) best = v
      }
      return best
    }
  }
}

function aggregate (n, env) {
  if (!env.rows) throw new ExprError('unknown', `此处不能汇总关联记录 ${n.rel}`, `Related records ${n.rel} cannot be summed here`)
  let acc = NULL
  let count = 0n
  for (const row of env.rows(n.rel) || []) {
    const rowEnv = { field: name => toValue(row[name]) }
    if (n.where && !truth(n.where, rowEnv)) continue
    if (n.fn === 'count') { count++; continue }
    const v = wantNumber(rowEnv.field(n.field))
    if (v.kind === 'null') continue
    if (acc.kind === 'null') acc = v
    else if (n.fn === 'sum') acc = arith('add', acc, v)
    else if (n.fn === 'min' ? compare(v, acc) < 0 : compare(v, acc) > 0) acc = v
  }
  if (n.fn === 'count') return num(count, 0)
  if (n.fn === 'sum' && acc.kind === 'null') return num(0n, 0)
  return acc
}

function ev (n, env) {
  switch (n.k) {
    case 'lit': return n.v
    case 'field': return env.field(n.name)
    case 'neg': {
      const v = wantNumber(ev(n.a, env))
      return v.kind === 'null' ? v : num(-v.m, v.scale)
    }
    case 'not': {
      const v = ev(n.a, env)
      return v.kind === 'null' ? v : { kind: 'bool', b: !v.b }
    }
    case 'and': return { kind: 'bool', b: truth(n.a, env) && truth(n.b, env) }
    case 'or': return { kind: 'bool', b: truth(n.a, env) || truth(n.b, env) }
    case 'add': case 'sub': case 'mul': case 'div': {
      const a = wantNumber(ev(n.a, env))
      const b = wantNumber(ev(n.b, env))
      return arith(n.k, a, b)
    }
    case 'in': {
      const a = ev(n.a, env)
      if (a.kind === 'null') return { kind: 'bool', b: false }
      let found = false
      for (const item of n.items) {
        if (item.kind !== a.kind) throw typeError('不能比较不同类型的值', 'Values of different types cannot be compared')
        if (compare(a, item) === 0) { found = true; break }
      }
      return { kind: 'bool', b: n.negated ? !found : found }
    }
    case 'call': return call(n, env)
    case 'agg': return aggregate(n, env)
    default: return compareNode(n.k, ev(n.a, env), ev(n.b, env))
  }
}

// The environment of a plain record: its values by field name, and the
// rows of a relation as an array under the relation's name.
const recordEnv = record => ({
  field: name => toValue(record[name]),
  rows: rel => Array.isArray(record[rel]) ? record[rel] : []
})

// Trees of the expressions met so far: metadata serves a few, forms
// evaluate them on every keystroke.
const trees = new Map()
const treeOf = text => {
  if (typeof text !== 'string') return text
  if (!trees.has(text)) trees.set(text, parse(text))
  return trees.get(text)
}

// The names of the relations an expression sums or counts.
export function relationsRead (tree) {
  const names = new Set()
  const walk = n => {
    if (!n) return
    if (n.k === 'agg') names.add(n.rel)
    for (const x of [n.a, n.b, n.where, ...(n.args || [])]) if (x && typeof x === 'object') walk(x)
  }
  walk(treeOf(tree))
  return [...names]
}

// The names of the record's own fields an expression reads (not those of
// the rows it sums or counts).
export function fieldsRead (tree) {
  const names = new Set()
  const walk = n => {
    if (!n || n.k === 'agg') return
    if (n.k === 'field') names.add(n.name)
    for (const x of [n.a, n.b, ...(n.args || [])]) if (x && typeof x === 'object') walk(x)
  }
  walk(treeOf(tree))
  return [...names]
}

// An amount of 分 (BigInt) in Chinese capitals, the rules of src/util/rmb.c
// (整 after 元 only, one 零 per run of zeros, 万/亿/万亿, 负); 10^16 元 or
// more has no written form.
const DIGIT = '零壹贰叁肆伍陆柒捌玖'
const PLACE = ['', '拾', '佰', '仟']
export function rmbUpper (fen) {
  const neg = fen < 0n
  const abs = neg ? -fen : fen
  const yuan = abs / 100n
  if (yuan >= 10n ** 16n) throw overflow()
  const jiao = Number(abs / 10n % 10n), cents = Number(abs % 10n)
  const d = yuan.toString().split('').reverse().map(Number)
  const group = k => d.slice(4 * k, 4 * k + 4).some(x => x)
  const unit = k => k === 1 ? (group(1) ? '万' : '') : k === 2 ? (group(2) || group(3) ? '亿' : '') : k === 3 ? (group(3) ? '万' : '') : ''
  let out = neg ? '负' : '', started = false, pendingZero = false
  for (let p = yuan ? d.length - 1 : -1; p >= 0; p--) {
    if (d[p] === 0) pendingZero = started
    else {
      if (pendingZero) out += '零'
      pendingZero = false
      out += DIGIT[d[p]] + PLACE[p % 4]
      started = true
    }
    if (p % 4 === 0) out += unit(p / 4)
  }
  if (yuan) out += '元'
  if (!jiao && !cents) return out + (yuan ? '整' : '零元整')
  if (jiao) out += DIGIT[jiao] + '角'
  else if (yuan) out += '零'
  if (cents) out += DIGIT[cents] + '分'
  return out
}

// The raw value of an expression over a record.
export function evaluate (tree, record) {
  return ev(treeOf(tree), recordEnv(record || {}))
}

// The value for a field of `scale` digits as exact text ("12.30"), the text
// of a text result (rmb_upper), or null;
// throws ExprError (overflow past the stored column, division by zero, ...).
export function evaluateScaled (tree, record, scale) {
  const v = evaluate(tree, record)
  if (v.kind === 'null') return null
  if (v.kind === 'text') return v.s // a computed text field (大写金额)
  if (v.kind !== 'num') throw typeError('结果应为数值', 'The result must be a number')
  const r = round(v, scale)
  if (r.m > INT64_MAX || r.m < -INT64_MAX) throw overflow()
  return format(r)
}

// A value as text: numbers exactly ("-0.01"), booleans true/false, "null".
export function format (v) {
  if (v.kind === 'null') return 'null'
  if (v.kind === 'bool') return v.b ? 'true' : 'false'
  if (v.kind === 'text') return v.s
  const neg = v.m < 0n
  let digits = (neg ? -v.m : v.m).toString().padStart(v.scale + 1, '0')
  if (v.scale) digits = digits.slice(0, -v.scale) + '.' + digits.slice(-v.scale)
  return (neg ? '-' : '') + digits
}
