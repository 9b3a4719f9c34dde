/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null | Buffer;

/** Runs SQL on one connection or inside one transaction; placeholders are `?` in both dialects. */
export interface SqlExecutor {
  /** Rows of a query (or of a statement with RETURNING). */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** A statement without rows; `changes` is the number of rows it touched. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A database connection both dialects implement, so the store's SQL is written once. */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for people (no password). */
  readonly location: string;
  /** Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of failing). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
