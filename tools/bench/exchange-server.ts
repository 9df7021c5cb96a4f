/**
 * The exchange under benchmark, in a process of its own (forked by
 * tools/bench/exchange.ts through ExchangeProcess), so the load generator and
 * the identity provider do not share its event loop: the real
 * ExchangeModule, configured by the parent's environment
 * (LATCHKEY_EXCHANGE_*, DATABASE_URL). See bench-server.ts.
 */
import { ExchangeModule } from '@latchkey/exchange/feature';
import { serveForBenchmark } from './bench-server';

serveForBenchmark('exchange', ExchangeModule, 'ES256');
