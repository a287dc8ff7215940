// fast-check generators of keys, shared by the key-encoding and key-group tests.
import fc from 'fast-check';

/** Primitive keys, with the awkward numbers (-0, NaN, infinities) and strings (lone surrogates, NUL). */
export const primitiveKey = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.boolean(),
  fc.constant(null),
);

/** Any key: primitives, and arrays and plain objects of keys. */
export const anyKey: fc.Arbitrary<unknown> = fc.letrec<{ key: unknown }>((tie) => ({
  key: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitiveKey,
    fc.array(tie('key'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('key'), { maxKeys: 4 }),
  ),
})).key;
