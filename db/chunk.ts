/**
 * Splits ids or rows into statements of bounded size: SQLite takes at most 32,766 bound
 * parameters in one statement.
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
