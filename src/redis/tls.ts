import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { RqtsError } from '../errors.js';

// TLS for rediss:// URLs. The certificate settings travel inside the URL as redis-py's own
// query parameters (ssl_ca_certs, ssl_certfile, ssl_keyfile, ssl_cert_reqs,
// ssl_check_hostname), so one string names the whole connection: the same URL works for
// Python RQ, and a pool member or a worker the console launches gets it unchanged.

export const TLS_PARAMS = [
  'ssl_ca_certs',
  'ssl_certfile',
  'ssl_keyfile',
  'ssl_cert_reqs',
  'ssl_check_hostname',
] as const;

export type TlsParam = (typeof TLS_PARAMS)[number];

/** Files and checks for a TLS connection, as flags and settings modules name them. */
export interface TlsSettings {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** redis-py's ssl_cert_reqs: none skips verification (never the default). */
  certReqs?: 'none' | 'optional' | 'required';
  checkHostname?: boolean;
}

export function tlsParamsOf(settings: TlsSettings): [TlsParam, string][] {
  const params: [TlsParam, string | undefined][] = [
    ['ssl_ca_certs', settings.caFile],
    ['ssl_certfile', settings.certFile],
    ['ssl_keyfile', settings.keyFile],
    ['ssl_cert_reqs', settings.certReqs],
    ['ssl_check_hostname', settings.checkHostname === undefined ? undefined : String(settings.checkHostname)],
  ];
  return params.filter((entry): entry is [TlsParam, string] => entry[1] !== undefined);
}

/** Node's TLS options from a rediss:// URL's query, reading the named files now. */
export function tlsOptionsFrom(params: URLSearchParams, host: string, display: string): ConnectionOptions {
  // SNI takes names only (RFC 6066); Node still checks an IP against the certificate's SANs.
  const options: ConnectionOptions = host && isIP(host) === 0 ? { servername: host } : {};
  const file = (param: TlsParam): Buffer | undefined => {
    const name = params.get(param);
    if (!name) return undefined;
    try {
      return readFileSync(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new RqtsError(
        'BAD_URL',
        `Cannot read the TLS file ${name} (${param} of ${display}): ${code}`,
        'Check the path given to --tls-ca/--tls-cert/--tls-key or REDIS_SSL_*',
      );
    }
  };
  const ca = file('ssl_ca_certs');
  const cert = file('ssl_certfile');
  const key = file('ssl_keyfile');
  if (ca) options.ca = ca;
  if (cert) options.cert = cert;
  if (key) options.key = key;
  if (Boolean(cert) !== Boolean(key)) {
    throw new RqtsError(
      'BAD_URL',
      `A client certificate needs both its certificate and its key (${display})`,
      'Give --tls-cert and --tls-key together (REDIS_SSL_CERTFILE and REDIS_SSL_KEYFILE)',
    );
  }
  const reqs = params.get('ssl_cert_reqs');
  if (reqs !== null) {
    if (!/^(none|optional|required)$/i.test(reqs)) {
      throw new RqtsError(
        'BAD_URL',
        `ssl_cert_reqs=${reqs} in ${display} is not none, optional or required`,
        'Use required (the default) unless the server has no verifiable certificate',
      );
    }
    if (/^none$/i.test(reqs)) options.rejectUnauthorized = false;
  }
  if (/^(false|0|no|off)$/i.test(params.get('ssl_check_hostname') ?? '')) {
    options.checkServerIdentity = () => undefined;
  }
  return options;
}

const UNVERIFIED =
  /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|self[- ]signed|certificate|Hostname\/IP does not match/i;

/** A TLS failure as one line, or undefined when the error is not about TLS. */
export function describeTlsError(error: unknown, display: string): RqtsError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const text = `${typeof code === 'string' ? code : ''} ${message}`;
  if (/CERTIFICATE_REQUIRED|certificate required|alert.*(bad|unknown) ?certificate/i.test(text)) {
    return new RqtsError(
      'TLS_FAILED',
      `Redis at ${display} refused the TLS handshake: it wants a client certificate it trusts (${firstLine(message)})`,
      'Give --tls-cert FILE --tls-key FILE (REDIS_SSL_CERTFILE, REDIS_SSL_KEYFILE) signed by a CA the server accepts',
    );
  }
  // A plain Redis port takes the ClientHello for a half-sent command and waits: the TLS
  // handshake times out instead of failing.
  const handshakeStalled = /^rediss:/i.test(display) && /ETIMEDOUT|did not answer/i.test(text);
  if (
    handshakeStalled ||
    /ERR_SSL_WRONG_VERSION_NUMBER|wrong version number|packet length too long/i.test(text)
  ) {
    return new RqtsError(
      'TLS_FAILED',
      `${display} does not speak TLS (${firstLine(message)})`,
      "Use redis:// for a plain port, or point rediss:// at the server's --tls-port",
    );
  }
  if (UNVERIFIED.test(text)) {
    return new RqtsError(
      'TLS_FAILED',
      `The TLS certificate of ${display} does not verify (${firstLine(message)})`,
      'Give the CA that signed it with --tls-ca FILE (REDIS_SSL_CA_CERTS), or connect by a name the certificate holds',
    );
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
