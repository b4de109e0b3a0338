import { defineConfig } from 'drizzle-kit';

// Used only by `npm run db:generate` (drizzle-kit) to diff the schema and write SQL migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/database/schema.ts',
  out: './src/database/migrations',
});
