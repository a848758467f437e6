/**
 * The service's RFC 8785 serialisation (canonicalJson, the table replay's canonicalize: one function
 * for the payloads written and the tables verified) is byte for byte the `canonicalize` package's, an
 * independent implementation, and the audit bundle's stand-alone verifier's, for any JSON value; and
 * the package's for what JSON.stringify also accepts (undefined members, undefined array items, a
 * Date); what JSON cannot carry is refused.
 */
import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize as offlineCanonicalize } from '../../src/audit/standalone-verifier.mjs';
import { canonicalJson } from '../../src/workflow/hash-chain.js';

// The package is CommonJS whose module.exports is the function its types call `default`.
const reference = canonicalizeModule as unknown as typeof canonicalizeModule.default;

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '"', '\\', '\u2028', '\uD800', '\u0000', '𠜎', '\u007f', 'é', 'e\u0301'),
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2));
/** JSON values with every kind of text, number and nesting, member names included. */
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), number, text, fc.array(tie('value')), fc.dictionary(text, tie('value'))),
})).value;

describe('canonicalJson', () => {
  it('is byte for byte the canonicalize package for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(json, fc.jsonValue()), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
        // The stand-alone verifier of the audit bundle (verify.mjs) writes the same bytes.
        expect(offlineCanonicalize(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves undefined members out, writes undefined items as null and a Date as its ISO text, as the package does', () => {
    const values = [
      { b: undefined, a: 1 },
      [undefined, 1, { c: undefined }],
      { at: new Date(Date.UTC(2026, 11, 4, 5, 6, 7, 8)) },
      [new Date(0)],
      { nested: { z: [1, { y: undefined, x: 'x' }], a: null } },
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(reference(value));
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('orders members by UTF-16 code units, not by code points or locale', () => {
    // By code points U+FF5E (～) would come before U+1F600 (😀); by UTF-16 code units 😀's first unit, 0xD83D, comes first.
    const value = { '\uFF5E': 1, '😀': 2, a: 3, B: 4, é: 5 };
    expect(canonicalJson(value)).toBe(reference(value));
    expect(Object.keys(JSON.parse(canonicalJson(value)) as object)).toEqual(['B', 'a', 'é', '😀', '\uFF5E']);
  });

  it('writes any number of distinct member names (past those it keeps quoted) as the package does', () => {
    const value = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`member-${i}-"q"`, i]));
    expect(canonicalJson(value)).toBe(reference(value));
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('refuses what JSON cannot carry', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, { a: Number.NEGATIVE_INFINITY }, undefined, () => 1, 10n, Symbol('s')]) {
      expect(() => canonicalJson(value)).toThrow(TypeError);
    }
  });
});
