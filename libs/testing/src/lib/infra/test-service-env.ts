/**
 * Settings every service a test starts gets unless the test sets them itself:
 * in-process apps through process.env (jest's setupFiles, see
 * ./apply-test-service-env.ts), service processes through ServiceProcess.
 *
 * The event-loop utilisation signal of load shedding (docs/OPERATIONS.md
 * "Load shedding") is off. Test machines run a dozen processes on two cores:
 * a service whose loop waits for a core counts as busy, and steering under
 * 90 % would then refuse requests the test expects served, at random. The
 * shedding tests turn their signals on explicitly; tools/bench/overload.ts
 * and soak.ts measure the defaults on a machine of their own.
 */
export const TEST_SERVICE_ENV: Readonly<Record<string, string>> = {
  LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
};
