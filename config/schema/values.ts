/**
 * Value validation for configuration leaves: checks one CLI token against a ValueType and
 * returns its canonical text, or an error message in the style of Junos.
 */
import type { NumericRange, ParsedValue, ValueType } from './types.js';

export function parseValue(type: ValueType, text: string): ParsedValue {
  switch (type.base) {
    case 'empty':
      return text === '' ? { value: '' } : { error: `invalid value '${text}'` };
    case 'boolean':
      if (text === 'true' || text === 'false') return { value: text };
      return { error: `invalid value '${text}', expecting true or false` };
    case 'string':
      return parseString(type, text);
    case 'integer':
      return parseInteger(type.ranges, text);
    case 'decimal':
      return parseDecimal(type.ranges, text);
    case 'enumeration': {
      const exact = type.values.find((v) => v.name === text);
      if (exact) return { value: exact.name };
      // Junos accepts a unique abbreviation of an enumerated keyword.
      const partial = text === '' ? [] : type.values.filter((v) => v.name.startsWith(text));
      if (partial.length === 1) return { value: partial[0]!.name };
      return { error: `invalid value '${text}'` };
    }
    case 'union': {
      let firstError: string | undefined;
      for (const m of type.members) {
        const r = parseValue(m, text);
        if ('value' in r) return r;
        if (firstError === undefined && m.base !== 'enumeration') firstError = r.error;
      }
      return { error: firstError ?? `invalid value '${text}'` };
    }
    case 'ipv4-address': {
      const a = parseIpv4(text);
      return a === undefined ? { error: `invalid IPv4 address '${text}'` } : { value: a };
    }
    case 'ipv4-prefix':
      return parseV4Prefix(text);
    case 'ipv6-address': {
      const a = parseIpv6(text);
      return a === undefined ? { error: `invalid IPv6 address '${text}'` } : { value: a };
    }
    case 'ipv6-prefix':
      return parseV6Prefix(text);
    case 'ip-address': {
      const a = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
      return a === undefined ? { error: `invalid IP address '${text}'` } : { value: a };
    }
    case 'ip-prefix':
      return text.includes(':') ? parseV6Prefix(text) : parseV4Prefix(text);
    case 'interface-name':
      return parseInterfaceName(text);
    case 'mac-address':
      return parseMac(text);
  }
}

/** The name shown between `<` and `>` in `?` help for a value of this type (without the brackets). */
export function typeLabel(type: ValueType): string {
  switch (type.base) {
    case 'empty':
      return '';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'enumeration':
      return 'value';
    case 'union': {
      const bases = type.members.map((m) => m.base);
      if (bases.length === 2 && bases[1] === 'interface-name' && (bases[0] === 'ip-address' || bases[0] === 'ipv4-address' || bases[0] === 'ipv6-address')) {
        return `${typeLabel(type.members[0]!)}-or-interface`;
      }
      const first = type.members.find((m) => m.base !== 'enumeration') ?? type.members[0];
      return first ? typeLabel(first) : 'value';
    }
    case 'ipv4-address':
      return 'ipv4addr';
    case 'ipv4-prefix':
      return 'ipv4prefix';
    case 'ipv6-address':
      return 'ipv6addr';
    case 'ipv6-prefix':
      return 'ipv6prefix';
    case 'ip-address':
      return 'ipaddr';
    case 'ip-prefix':
      return 'ipprefix';
    case 'interface-name':
      return 'interface-name';
    case 'mac-address':
      return 'mac-address';
  }
}

// -------------------------------------------------------------------------------------------
// numbers

/** `(64..8192)`, `(1..10, 20..30)`; a one-value range is written as the value. */
export function formatRanges(ranges: readonly NumericRange[]): string {
  return '(' + ranges.map((r) => (r.min === r.max ? r.min : `${r.min}..${r.max}`)).join(', ') + ')';
}

function parseInteger(ranges: readonly NumericRange[], text: string): ParsedValue {
  if (!/^[-+]?\d+$/.test(text)) return { error: `invalid numeric value '${text}'` };
  const v = BigInt(text);
  const canonical = v.toString();
  if (ranges.length > 0 && !ranges.some((r) => BigInt(r.min) <= v && v <= BigInt(r.max))) {
    return { error: `Value ${canonical} is not within range ${formatRanges(ranges)}` };
  }
  return { value: canonical };
}

/** A decimal as an exact scaled integer: value = int / 10^scale. */
function decimalParts(text: string): { int: bigint; scale: number } | undefined {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  const digits = (m[2] || '0') + frac;
  const int = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  return { int, scale: frac.length };
}

function compareDecimal(a: { int: bigint; scale: number }, b: { int: bigint; scale: number }): number {
  const s = Math.max(a.scale, b.scale);
  const x = a.int * 10n ** BigInt(s - a.scale);
  const y = b.int * 10n ** BigInt(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

function parseDecimal(ranges: readonly NumericRange[], text: string): ParsedValue {
  const v = decimalParts(text);
  if (!v) return { error: `invalid numeric value '${text}'` };
  const canonical = text.replace(/^\+/, '');
  if (ranges.length > 0) {
    const ok = ranges.some((r) => {
      const lo = decimalParts(r.min);
      const hi = decimalParts(r.max);
      return lo !== undefined && hi !== undefined && compareDecimal(lo, v) <= 0 && compareDecimal(v, hi) <= 0;
    });
    if (!ok) return { error: `Value ${canonical} is not within range ${formatRanges(ranges)}` };
  }
  return { value: canonical };
}

// -------------------------------------------------------------------------------------------
// strings

function parseString(type: Extract<ValueType, { base: 'string' }>, text: string): ParsedValue {
  if (type.length && type.length.length > 0) {
    const n = BigInt([...text].length);
    if (!type.length.some((r) => BigInt(r.min) <= n && n <= BigInt(r.max))) {
      const r = type.length;
      const only = r.length === 1 ? r[0]! : undefined;
      if (only && only.min === '0') return { error: `Must be a string of ${only.max} characters or less` };
      if (only && only.min === only.max) return { error: `Must be a string of exactly ${only.min} characters` };
      if (only) return { error: `Must be a string of ${only.min} to ${only.max} characters` };
      return { error: `Length ${n} is not within range ${formatRanges(r)}` };
    }
  }
  if (type.pattern !== undefined) {
    const re = posixToRegExp(type.pattern);
    if (re && !re.test(text)) return { error: type.patternMessage ?? `invalid value '${text}': does not match the required format` };
  }
  return { value: text };
}

const regexCache = new Map<string, RegExp | null>();

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

/**
 * Converts a POSIX extended regular expression (Junos patterns; YANG/XSD patterns are stored
 * anchored in the same syntax) to a JS RegExp, best effort. Returns undefined when it cannot be
 * converted, in which case the caller accepts the value.
 */
export function posixToRegExp(pattern: string): RegExp | undefined {
  const cached = regexCache.get(pattern);
  if (cached !== undefined) return cached ?? undefined;
  let re: RegExp | null = null;
  try {
    let out = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\') {
        out += c + (pattern[i + 1] ?? '');
        i++;
      } else if (c === '[') {
        // Bracket expression: translate [:class:] and escape what JS treats specially.
        let j = i + 1;
        let body = '';
        if (pattern[j] === '^') {
          body += '^';
          j++;
        }
        if (pattern[j] === ']') {
          body += '\\]';
          j++;
        }
        for (; j < pattern.length && pattern[j] !== ']'; j++) {
          const d = pattern[j]!;
          if (d === '[' && pattern[j + 1] === ':') {
            const end = pattern.indexOf(':]', j + 2);
            const cls = end < 0 ? undefined : POSIX_CLASSES[pattern.slice(j + 2, end)];
            if (cls === undefined) throw new Error('unknown class');
            body += cls;
            j = end + 1;
          } else if (d === '\\' || d === '[') {
            body += '\\' + d;
          } else {
            body += d;
          }
        }
        if (j >= pattern.length) throw new Error('unterminated bracket');
        out += `[${body}]`;
        i = j;
      } else {
        out += c;
      }
    }
    re = new RegExp(out);
  } catch {
    re = null;
  }
  regexCache.set(pattern, re);
  return re ?? undefined;
}

// -------------------------------------------------------------------------------------------
// addresses

/** Canonical dotted quad, or undefined. */
export function parseIpv4(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    nums.push(n);
  }
  return nums.join('.');
}

function parseV4Prefix(text: string): ParsedValue {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? undefined : text.slice(slash + 1);
  let addr = parseIpv4(addrText);
  // Junos accepts abbreviated prefixes such as 10/8 or 0/0 (missing octets are zero).
  if (addr === undefined && lenText !== undefined && /^\d{1,3}(\.\d{1,3}){0,2}$/.test(addrText)) {
    const parts = addrText.split('.');
    while (parts.length < 4) parts.push('0');
    addr = parseIpv4(parts.join('.'));
  }
  if (addr === undefined) return { error: `invalid IPv4 prefix '${text}'` };
  if (lenText === undefined) return { value: `${addr}/32` };
  if (!/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) return { error: `invalid prefix length in '${text}'` };
  return { value: `${addr}/${Number(lenText)}` };
}

/** Canonical (RFC 5952) IPv6 text, or undefined. */
export function parseIpv6(text: string): string | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  let groups: number[] | undefined;
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseSide = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        const o = v4.split('.').map(Number);
        out.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  if (dbl >= 0) {
    const left = parseSide(text.slice(0, dbl));
    const right = parseSide(text.slice(dbl + 2));
    if (!left || !right || left.length + right.length > 7) return undefined;
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else {
    groups = parseSide(text);
    if (!groups || groups.length !== 8) return undefined;
  }
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

function parseV6Prefix(text: string): ParsedValue {
  const slash = text.indexOf('/');
  const addr = parseIpv6(slash < 0 ? text : text.slice(0, slash));
  if (addr === undefined) return { error: `invalid IPv6 prefix '${text}'` };
  if (slash < 0) return { value: `${addr}/128` };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > 128) return { error: `invalid prefix length in '${text}'` };
  return { value: `${addr}/${Number(lenText)}` };
}

/**
 * Junos interface names: a device (`ge-0/0/0`, `xe-1/2/3:1`, `st0`, `reth1`, `lo0`, `irb`,
 * `vlan`) optionally followed by `.unit` (0..1073741823).
 */
const INTERFACE_RE = /^(?:[a-z][a-z0-9]*-\d{1,3}\/\d{1,3}\/\d{1,3}(?::\d{1,3})?|[a-z][a-z0-9]*)(?:\.(\d{1,10}))?$/;

function parseInterfaceName(text: string): ParsedValue {
  const m = INTERFACE_RE.exec(text);
  if (!m || (m[1] !== undefined && Number(m[1]) > 1073741823)) return { error: `invalid interface name '${text}'` };
  return { value: text };
}

function parseMac(text: string): ParsedValue {
  const m = /^([0-9A-Fa-f]{1,2})[:-]([0-9A-Fa-f]{1,2})[:-]([0-9A-Fa-f]{1,2})[:-]([0-9A-Fa-f]{1,2})[:-]([0-9A-Fa-f]{1,2})[:-]([0-9A-Fa-f]{1,2})$/.exec(text);
  if (m) return { value: m.slice(1, 7).map((h) => h.toLowerCase().padStart(2, '0')).join(':') };
  const dotted = /^([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})$/.exec(text);
  if (dotted) {
    const hex = (dotted[1]! + dotted[2]! + dotted[3]!).toLowerCase();
    return { value: hex.match(/../g)!.join(':') };
  }
  return { error: `invalid MAC address '${text}'` };
}
