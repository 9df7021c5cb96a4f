import { openDatabase, type Database } from '@latchkey/persistence';
import { describeEventBusContract } from '../../../test/event-bus.contract';
import { InProcessBroker } from './in-process-broker';
import { InProcessTransport } from './in-process-transport';

// The shared messaging contract against the embedded transport, with the
// outbox and inbox on embedded PGlite.
const broker = new InProcessBroker();
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
}, 60000);

afterAll(async () => {
  await database.close();
});

describeEventBusContract('in-process', () => ({
  newTransport: () => new InProcessTransport(broker),
  stopBroker: async () => broker.stop(),
  startBroker: async () => broker.start(),
  database: () => database,
  timeoutMs: 5000,
  rewindGapMs: 200,
}));
