import { defineServiceDrizzleConfig } from '@latchkey/persistence';

// Generates this service's checked-in SQL migrations from its *.table.ts files:
//   npx drizzle-kit generate --config libs/abuse-detector/data-access/drizzle.config.ts --name <what_changed>
export default defineServiceDrizzleConfig({ dir: 'libs/abuse-detector/data-access', schemaName: 'abuse_detector' });
