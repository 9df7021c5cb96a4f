/**
 * The rbac service under benchmark, in a process of its own (forked by
 * tools/bench/rbac.ts through RbacProcess), so autocannon does not share its
 * event loop: the real RbacModule, configured by the parent's environment
 * (LATCHKEY_RBAC_OPERATOR_KEY, DATABASE_URL). See bench-server.ts.
 */
import { RbacModule } from '@latchkey/rbac/feature';
import { serveForBenchmark } from './bench-server';

serveForBenchmark('rbac', RbacModule, 'none');
