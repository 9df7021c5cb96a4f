/**
 * Raw signature throughput of the two accepted algorithms, to choose the
 * default signing algorithm by measurement (DEFAULT_SIGNING_ALGORITHM in
 * libs/tokens) and to give the issuance benchmark its ceiling.
 *
 *   npx tsx tools/bench/sign-rate.ts [seconds-per-measurement] [rounds] [concurrency]
 *
 * raw: jose SignJWT with a pre-imported private key over a realistic LAT
 *      payload, and jwtVerify with a pre-imported public key (measureSignatureRate).
 * lib: the same through signLimitedAccessToken / verifyLimitedAccessToken
 *      (schema validation, JWKS lookup, error mapping); the gap is the lib's overhead.
 *
 * Each measurement runs ~3 s per algorithm, once with one call in flight
 * (the per-token cost) and once with 32 (jose signs on libuv's thread pool,
 * so a busy server uses both cores). The time is split into rounds that
 * alternate the algorithms (ABBA), so load from other processes falls on
 * both alike; rates are per wall-clock second and per second of this
 * process's CPU time, the latter being the algorithm's own cost.
 */
import { cpus, loadavg } from 'node:os';
import {
  generateSigningKey,
  KeyRing,
  measureOperationRate,
  measureSignatureRate,
  SIGNING_ALGORITHMS,
  signLimitedAccessToken,
  sumOperationRates,
  verifyLimitedAccessToken,
  type OperationRate,
  type SigningAlgorithm,
} from '@latchkey/tokens';

const ISSUER = 'https://issuer.latchkey.example';
const RESOURCE =
  '/subscriptions/8f4b2c1e-3d5a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-contoso-prod/providers/Microsoft.CognitiveServices/accounts/face-contoso-prod';

const ROWS = ['raw sign', 'raw verify', 'lib sign', 'lib verify'] as const;
type Row = (typeof ROWS)[number];
type Measured = Record<Row, { single: OperationRate; concurrent: OperationRate }>;

async function libRound(alg: SigningAlgorithm, durationMs: number, concurrency: number): Promise<Pick<Measured, 'lib sign' | 'lib verify'>> {
  const ring = new KeyRing([{ key: await generateSigningKey(alg), status: 'active' }]);
  const sign = () =>
    signLimitedAccessToken(
      {
        issuer: ISSUER,
        isvId: 'isv-3f2a9c1e',
        resourceId: RESOURCE,
        features: ['Face.Identification', 'Face.Verification'],
        lifetimeSeconds: 3600,
        now: new Date(),
      },
      ring.signingKey(),
    );
  const { token } = await sign();
  const verify = () => verifyLimitedAccessToken(token, { jwks: ring.publicJwks(), issuer: ISSUER, audience: RESOURCE });
  await measureOperationRate(Math.min(300, durationMs / 4), sign); // warm-up, and the key import
  await measureOperationRate(Math.min(300, durationMs / 4), verify);
  return {
    'lib sign': {
      single: await measureOperationRate(durationMs, sign),
      concurrent: await measureOperationRate(durationMs, sign, concurrency),
    },
    'lib verify': {
      single: await measureOperationRate(durationMs, verify),
      concurrent: await measureOperationRate(durationMs, verify, concurrency),
    },
  };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US').padStart(8);
const cell = (r: OperationRate) => `${n(r.perSecond)} ${n(r.perCpuSecond)}`;

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? '3');
  const rounds = Number(process.argv[3] ?? '3');
  const concurrency = Number(process.argv[4] ?? '32');
  const roundMs = (seconds * 1000) / rounds;
  const results = new Map<SigningAlgorithm, Measured[]>(SIGNING_ALGORITHMS.map((alg) => [alg, []]));
  const loadBefore = loadavg()[0] ?? 0;

  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? [...SIGNING_ALGORITHMS] : [...SIGNING_ALGORITHMS].reverse();
    for (const alg of order) {
      const raw = await measureSignatureRate(alg, roundMs, concurrency);
      const lib = await libRound(alg, roundMs, concurrency);
      results.get(alg)?.push({
        'raw sign': { single: raw.sign, concurrent: raw.signConcurrent },
        'raw verify': { single: raw.verify, concurrent: raw.verifyConcurrent },
        ...lib,
      });
    }
  }

  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(
    `${seconds} s per measurement and algorithm, ${rounds} interleaved rounds; ` +
      `load average ${loadBefore.toFixed(2)} → ${(loadavg()[0] ?? 0).toFixed(2)}\n`,
  );
  console.log(`                     |  1 in flight        | ${String(concurrency).padStart(2)} in flight`);
  console.log('alg    operation     |   ops/s  ops/CPU-s |   ops/s  ops/CPU-s');
  console.log('---------------------|--------------------|-------------------');
  for (const [alg, list] of results) {
    for (const row of ROWS) {
      const single = sumOperationRates(list.map((m) => m[row].single));
      const concurrent = sumOperationRates(list.map((m) => m[row].concurrent));
      console.log(`${alg.padEnd(6)} ${row.padEnd(13)} | ${cell(single)} | ${cell(concurrent)}`);
    }
  }
}

void main();
