/**
 * What a capacity benchmark (issuance.ts, token-use.ts) changes in a service's defaults: load shedding's event-loop
 * utilisation signal is off, unless the environment sets it. Those runs measure how far one process goes with its
 * loop at 100 %, and the signal's job is to stop the loop short of that (at 90 % by default) by refusing the
 * surplus. overload.ts and soak.ts keep the defaults: they measure the shedding.
 */
export function capacityRunShedding(): NodeJS.ProcessEnv {
  return { LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: process.env['LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION'] ?? '0' };
}
