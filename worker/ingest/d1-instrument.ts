// A D1 binding that counts what reaches the database (statements, batches,
// round trips) and can fail on purpose around a batch: the bench's statement
// count and the tests' consumer failures. Statements are the real ones.
export interface D1Counts {
  /** SQL statements executed (each statement of a batch counts). */
  statements: number;
  /** batch() calls. */
  batches: number;
  /** Round trips: batch(), run(), all(), first(), raw(), exec(). */
  calls: number;
}

export interface D1Hooks {
  /** Runs before a batch reaches D1; throwing fails it with nothing written. */
  beforeBatch?(statements: number): void | Promise<void>;
  /** Runs after a batch committed; throwing loses its answer (written, but the caller sees an error). */
  afterBatch?(statements: number): void | Promise<void>;
}

export function instrumentD1(inner: D1Database, hooks: D1Hooks = {}): { db: D1Database; counts: D1Counts } {
  const counts: D1Counts = { statements: 0, batches: 0, calls: 0 };
  const real = new WeakMap<object, D1PreparedStatement>();
  const one = <T>(work: () => Promise<T>): Promise<T> => {
    counts.statements++;
    counts.calls++;
    return work();
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = {
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      first: (column?: string) => one(() => (column === undefined ? statement.first() : statement.first(column))),
      run: () => one(() => statement.run()),
      all: () => one(() => statement.all()),
      raw: (options?: { columnNames?: boolean }) => one(() => statement.raw(options as { columnNames: true })),
    };
    real.set(wrapped, statement);
    return wrapped as unknown as D1PreparedStatement;
  };
  const db = {
    prepare: (query: string) => wrap(inner.prepare(query)),
    async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
      counts.batches++;
      counts.calls++;
      counts.statements += statements.length;
      await hooks.beforeBatch?.(statements.length);
      const results = await inner.batch<T>(statements.map((s) => real.get(s) ?? s));
      await hooks.afterBatch?.(statements.length);
      return results;
    },
    exec: (query: string) => {
      counts.calls++;
      counts.statements += query.split(";").filter((s) => s.trim()).length;
      return inner.exec(query);
    },
    dump: () => inner.dump(),
    withSession: (constraint?: string) => inner.withSession(constraint),
  };
  return { db: db as unknown as D1Database, counts };
}
