// pglite-prisma-adapter 0.6 reports every database error as kind "postgres", so Prisma
// throws a bare DriverAdapterError where the pg adapter gives PrismaClientKnownRequestError
// P2002 (unique), P2003 (foreign key), P2011 (null)... This wraps the adapter factory and
// maps the SQLSTATE codes the same way @prisma/adapter-pg does, so callers can handle
// conflicts identically on both backends.

interface PgErrorCause {
  kind: string;
  code?: string;
  message?: string;
  detail?: string;
  column?: string;
}

function fieldsFromDetail(detail: string | undefined): { fields: string[] } | undefined {
  const fields = detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(', ');
  return fields ? { fields } : undefined;
}

function mapCause(cause: PgErrorCause): Record<string, unknown> | undefined {
  const base = { originalCode: cause.code, originalMessage: cause.message };
  switch (cause.code) {
    case '23505':
      return { ...base, kind: 'UniqueConstraintViolation', constraint: fieldsFromDetail(cause.detail) };
    case '23502':
      return { ...base, kind: 'NullConstraintViolation', constraint: fieldsFromDetail(cause.detail) };
    case '23503':
      return {
        ...base,
        kind: 'ForeignKeyConstraintViolation',
        constraint: cause.column ? { fields: [cause.column] } : undefined,
      };
    case '22001':
      return { ...base, kind: 'LengthMismatch', column: cause.column };
    case '22003':
      return { ...base, kind: 'ValueOutOfRange', cause: cause.message };
    case '40001':
      return { ...base, kind: 'TransactionWriteConflict' };
    default:
      return undefined;
  }
}

function remapError(err: unknown): unknown {
  if (err instanceof Error && err.name === 'DriverAdapterError') {
    const cause = (err as Error & { cause?: unknown }).cause as PgErrorCause | undefined;
    if (cause && cause.kind === 'postgres') {
      const mapped = mapCause(cause);
      if (mapped) (err as Error & { cause?: unknown }).cause = mapped;
    }
  }
  return err;
}

const WRAPPED = new Set(['queryRaw', 'executeRaw', 'executeScript', 'commit', 'rollback']);

function wrapQueryable<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop === 'startTransaction') {
        return async (...args: unknown[]) => wrapQueryable((await fn.apply(obj, args)) as object);
      }
      if (typeof prop === 'string' && WRAPPED.has(prop)) {
        return async (...args: unknown[]) => {
          try {
            return await fn.apply(obj, args);
          } catch (err) {
            throw remapError(err);
          }
        };
      }
      return fn.bind(obj);
    },
  });
}

/** Wraps a driver adapter factory (PrismaPGlite) so its connections report mapped errors. */
export function withPgErrorMapping<F extends { connect(): Promise<unknown> }>(factory: F): F {
  return new Proxy(factory, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if ((prop === 'connect' || prop === 'connectToShadowDb') && typeof value === 'function') {
        const fn = value as () => Promise<object>;
        return async () => wrapQueryable(await fn.call(obj));
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}
