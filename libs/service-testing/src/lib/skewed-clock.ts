/**
 * Preloaded (`node -r`) into an issuer replica to run it on a host whose clock is off by
 * LATCHKEY_TEST_CLOCK_SKEW_MS: `Date.now()` and `new Date()` read the real time plus the skew, everything else
 * (timers, monotonic clocks) is untouched. The real issuer then mints genuine tokens that are already expired
 * (clock behind) or not valid yet (clock ahead), signed with the real key; nothing else can produce those,
 * since forging them would need the issuer's private key. The skew is constant from the first instruction, so
 * durations the process measures (Kafka, PostgreSQL timeouts) are unaffected.
 */
const skewMs = Number(process.env['LATCHKEY_TEST_CLOCK_SKEW_MS'] ?? '0');
if (!Number.isFinite(skewMs)) throw new Error('LATCHKEY_TEST_CLOCK_SKEW_MS must be a number of milliseconds');

const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);

/** `Date` with the skew: as a constructor without arguments and through `now()`; parsing and arithmetic are the real ones. */
function SkewedDate(this: unknown, ...args: unknown[]): unknown {
  if (new.target === undefined) return new RealDate(realNow() + skewMs).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [realNow() + skewMs] : args, new.target);
}
// Instances stay real Dates (`instanceof Date` holds on either constructor); statics (parse, UTC) are inherited.
SkewedDate.prototype = RealDate.prototype;
Object.setPrototypeOf(SkewedDate, RealDate);
Object.defineProperty(SkewedDate, 'now', { value: () => realNow() + skewMs, writable: true, configurable: true });
globalThis.Date = SkewedDate as unknown as DateConstructor;
