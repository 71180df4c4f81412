import { migrateDatabase } from '../../../db/connection.js';
import type { ServiceContext } from '../context.js';

/** Brings the database schema up to date; the names of the migrations it applied. */
export async function migrateSchema(ctx: ServiceContext): Promise<string[]> {
  return migrateDatabase(ctx.db);
}
