import { parseRedisUrl } from '../../redis/connection.js';
import { RqtsError } from '../../errors.js';

// How `rqts console -u prod=redis://… -u redis://…` names its contexts. Kept apart from
// contexts.ts (pollers, actions, workers) so the CLI can check its arguments cheaply.

export interface ContextSpec {
  name: string;
  url: string;
}

/** What a context may be called: typed after `-u NAME=` and shown in the header. */
const NAME = /^[A-Za-z0-9][\w.-]*$/;

/**
 * `-u` values as contexts: `prod=redis://…` names one, a bare URL is named after its host
 * and port (and db when not 0). A URL's own `=` (a query) never reads as a name: a name has
 * no `:` and comes before the scheme.
 */
export function parseContextArgs(args: readonly string[]): ContextSpec[] {
  const specs = args.map((arg) => {
    const eq = arg.indexOf('=');
    const head = eq > 0 ? arg.slice(0, eq) : '';
    if (head !== '' && !head.includes(':') && !head.includes('/')) {
      if (!NAME.test(head))
        throw new RqtsError(
          'BAD_ARGUMENT',
          `-u ${JSON.stringify(head)}=…: a context name is letters, digits, . _ -`,
          'Name it like -u prod=redis://prod:6379/0',
        );
      return { name: head, url: arg.slice(eq + 1), named: true };
    }
    return { name: defaultName(arg), url: arg, named: false };
  });
  const used = new Set<string>();
  for (const spec of specs) {
    if (!spec.named) continue;
    if (used.has(spec.name))
      throw new RqtsError(
        'BAD_ARGUMENT',
        `Two contexts are named ${spec.name}`,
        'Give each -u NAME=URL its own name',
      );
    used.add(spec.name);
  }
  // Two unnamed URLs to the same host:port (different users, say) still need two names.
  return specs.map(({ name, url, named }) => {
    if (named) return { name, url };
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}#${n}`;
    used.add(unique);
    return { name: unique, url };
  });
}

/** host:port (db when not 0), the Sentinel master's name, or the socket path. */
export function defaultName(url: string): string {
  // Without the query: it may name TLS files, which a name has no need to read.
  const [head = url, query] = url.split('?', 2) as [string, string | undefined];
  const db = new URLSearchParams(query ?? '').get('db');
  const { options } = parseRedisUrl(db === null ? head : `${head}?db=${encodeURIComponent(db)}`);
  const suffix = options.db ? `/${options.db}` : '';
  if (options.sentinels && options.name) return `${options.name}${suffix}`;
  if (options.path) return `${options.path}${suffix}`;
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}${suffix}`;
}
