import { defineServiceDrizzleConfig } from '@latchkey/persistence';

// Generates this service's checked-in SQL migrations from its *.table.ts files:
//   npx drizzle-kit generate --config libs/face-api/data-access/drizzle.config.ts --name <what_changed>
export default defineServiceDrizzleConfig({ dir: 'libs/face-api/data-access', schemaName: 'face_api' });
