/** D1 binds at most 100 parameters a statement: rows per multi-row insert for a given column count. */
export const D1_MAX_PARAMS = 100;

export function chunkRows<T>(rows: readonly T[], columnsPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(D1_MAX_PARAMS / columnsPerRow));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
