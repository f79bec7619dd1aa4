import { isIP } from 'node:net';

/** The subjectAltName entries of a certificate, normalised so that two spellings of one name compare equal. */
export interface SubjectAltNames {
  /** Lower-case DNS names without a trailing dot (wildcards such as *.example.com allowed). */
  dns: string[];
  /** IP addresses in canonical form (IPv6 compressed, no brackets). */
  ips: string[];
}

// Listening on every address says nothing about the name clients use, so these never go in a certificate.
const anyAddress = new Set(['0.0.0.0', '::']);

// One DNS label: letters, digits, hyphens inside, underscores tolerated (some internal names use them).
const dnsName = /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Returns an IP address in one canonical spelling (URL parsing compresses IPv6 the standard way). */
export function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

/** Classifies one configured host name as a DNS name or an IP address; throws a sentence when it can be neither. */
export function classifyHostname(raw: string): { kind: 'dns' | 'ip'; value: string } | null {
  let name = raw.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (anyAddress.has(name)) return null;
  if (isIP(name)) return { kind: 'ip', value: canonicalIp(name) };
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length > 0 && name.length <= 253 && dnsName.test(name)) return { kind: 'dns', value: name };
  throw new Error(`The host name "${raw}" (server.host or server.certHostnames) cannot go in a certificate: use a DNS name such as kirjuri.example.com or an IP address.`);
}

/** The names a self-signed certificate must cover: localhost, 127.0.0.1, ::1, the listening host (unless it is 0.0.0.0 or ::) and the extra names. */
export function requiredSubjectAltNames(host: string, extraHostnames: readonly string[]): SubjectAltNames {
  const dns = new Set(['localhost']);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const name of [host, ...extraHostnames]) {
    const entry = classifyHostname(name);
    if (entry) (entry.kind === 'dns' ? dns : ips).add(entry.value);
  }
  return { dns: [...dns], ips: [...ips] };
}

/** Lists the required names that `present` lacks (empty when the certificate covers them all). */
export function missingSubjectAltNames(required: SubjectAltNames, present: SubjectAltNames): string[] {
  const dns = new Set(present.dns.map((d) => d.toLowerCase()));
  const ips = new Set(present.ips.map(canonicalIp));
  return [...required.dns.filter((d) => !dns.has(d)), ...required.ips.filter((ip) => !ips.has(ip))];
}
