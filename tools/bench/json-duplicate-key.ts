/**
 * What the duplicate-key check adds to JSON body parsing (docs/BENCHMARKS.md,
 * "JSON duplicate-key check"): the time of `findDuplicateJsonKey` beside the
 * parse the platform's JSON parser already does (Fastify's default parser,
 * secure-json-parse: JSON.parse plus its prototype-poisoning scan), on an
 * issuance body and on 1 MiB bodies.
 *
 *   npx tsx tools/bench/json-duplicate-key.ts [--rounds 15]
 */
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { findDuplicateJsonKey } from '@latchkey/http';

const MIB = 1024 * 1024;
// The parser registerBodyParsers wraps, with the same options.
const fastifyJsonParser = new FastifyAdapter().getInstance().getDefaultJsonParser('error', 'error');
// Synchronous: it calls back before returning (the Promise in its type is for async parsers).
function parseAsTheServiceDoes(text: string): void {
  void fastifyJsonParser(undefined as never, text, (error) => {
    if (error) throw error;
  });
}
const roundsArgument = process.argv.indexOf('--rounds');
const ROUNDS = roundsArgument === -1 ? 15 : Number(process.argv[roundsArgument + 1]);

/** Repeats `part(i)` (joined by commas) until the text inside `open`/`close` reaches 1 MiB. */
function mebibyte(open: string, part: (index: number) => string, close: string): string {
  const parts: string[] = [];
  let length = open.length + close.length;
  for (let index = 0; length < MIB; index++) {
    const next = part(index);
    parts.push(next);
    length += next.length + 1;
  }
  return `${open}${parts.join(',')}${close}`;
}

const RESOURCE =
  '/subscriptions/8f4b2c1e-3d5a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-contoso-prod/providers/Microsoft.CognitiveServices/accounts/face-contoso-prod';
const bodies: readonly (readonly [string, string])[] = [
  [
    'issuance body',
    JSON.stringify({ targetAzureResourceId: RESOURCE, featureFlags: ['Face.Verification', 'LimitedAccess.HighRisk', 'Face.Identification'] }),
  ],
  [
    '1 MiB: array of small records',
    mebibyte(
      '{"items":[',
      (index) =>
        JSON.stringify({ id: `item-${index}`, name: `Name "${index}"`, tags: ['a', 'b'], count: index, nested: { enabled: true, note: null } }),
      ']}',
    ),
  ],
  ['1 MiB: one object, wide', mebibyte('{', (index) => `"key${index}":${index}`, '}')],
  ['1 MiB: every key \\u-escaped', mebibyte('[', (index) => `{"\\u006b${index}":1,"\\u006c${index}":2}`, ']')],
  ['1 MiB: one string value', JSON.stringify({ blob: 'x'.repeat(MIB - 12) })],
];

/** Median time of one call, in microseconds, over ROUNDS rounds of enough calls to last about 50 ms each. */
function measure(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  const once = Math.max(Number(process.hrtime.bigint() - start), 1);
  const calls = Math.max(1, Math.round(50e6 / once));
  for (let call = 0; call < calls; call++) run(); // warm-up round
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const begun = process.hrtime.bigint();
    for (let call = 0; call < calls; call++) run();
    perCall.push(Number(process.hrtime.bigint() - begun) / calls / 1000);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] ?? Number.NaN;
}

const format = (micros: number): string => (micros >= 1000 ? `${(micros / 1000).toFixed(2)} ms` : `${micros.toFixed(2)} µs`);

console.log(`Node ${process.version}, ${new Date().toISOString()}, median of ${ROUNDS} rounds`);
console.log('| body | bytes | Fastify JSON parse | duplicate-key check | check / parse |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, text] of bodies) {
  if (findDuplicateJsonKey(text) !== undefined) throw new Error(`${name} has a duplicate key`);
  const parse = measure(() => parseAsTheServiceDoes(text));
  const check = measure(() => findDuplicateJsonKey(text));
  console.log(`| ${name} | ${Buffer.byteLength(text).toLocaleString('en')} | ${format(parse)} | ${format(check)} | ${(check / parse).toFixed(2)} |`);
}
