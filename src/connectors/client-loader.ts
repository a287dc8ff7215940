/**
 * Loads a connector's client library (ioredis, pg, the NATS packages) when the first subtask that
 * uses the connector opens: they are optional peer dependencies, so jobs that use no connector
 * never load them, and a job that uses one without the package installed fails with
 * {@link MissingDependencyError} naming the package.
 *
 * Thread: any; the module cache makes repeated loads cheap.
 */
import { MissingDependencyError } from '../errors.ts';

const loaded = new Map<string, Promise<unknown>>();

/** The module `name` (its namespace object), or a rejection with {@link MissingDependencyError}. */
export function loadClient<T>(name: string, feature: string, load: () => Promise<unknown>): Promise<T> {
  let module = loaded.get(name);
  if (module === undefined) {
    module = load().catch((error: unknown) => {
      loaded.delete(name);
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
        throw new MissingDependencyError(name, feature, error);
      throw error;
    });
    loaded.set(name, module);
  }
  return module as Promise<T>;
}

/** A CommonJS module's exports whether `import()` wrapped them in `default` or not. */
export function commonJsExports<T>(namespace: unknown): T {
  const ns = namespace as { default?: unknown };
  return (ns.default ?? ns) as T;
}
