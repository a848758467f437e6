import { defineConfig } from 'drizzle-kit';

/**
 * One schema, two dialects: `drizzle-kit generate` writes SQLite's migrations (migrations/), and
 * with DB_DIALECT=postgresql PostgreSQL's (migrations/pg/, from src/db/schema.pg.ts, derived from
 * the same tables). `npm run db:generate` runs both.
 */
export default process.env.DB_DIALECT === 'postgresql'
  ? defineConfig({ dialect: 'postgresql', schema: './src/db/schema.pg.ts', out: './migrations/pg', casing: 'snake_case' })
  : defineConfig({ dialect: 'sqlite', schema: './src/db/schema.ts', out: './migrations', casing: 'snake_case' });
