// SSRF guard for async-job callbacks: the host POSTs only to public addresses unless an admin allow-listed the
// host (settings.api.callback_private_hosts). The name is resolved and EVERY address checked when the job is
// accepted, and checked again by the connection's own lookup at each attempt, so a DNS answer that changes
// between the check and the connect (rebinding) cannot point the POST at 127.0.0.1 or the LAN.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, BlockList } from 'node:net';
import { VigilError } from '../../src-contract/errors.ts';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) blocked.addSubnet(net, bits, 'ipv6');

/** True for loopback, private, link-local, CGNAT, multicast, documentation and unspecified addresses. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return blocked.check(address, 'ipv4');
}

export interface CallbackPolicy {
  /** Host names/addresses allowed although they are not public (admin setting). */
  privateHosts(): readonly string[];
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

function allowListed(policy: CallbackPolicy, host: string): boolean {
  return policy.privateHosts().some((h) => bare(h) === bare(host));
}

function refuse(host: string, address: string): VigilError {
  return new VigilError('FORBIDDEN', `callbacks to ${host} (${address}) are refused: not a public address; an admin can allow it in settings (api.callback_private_hosts)`, { field: 'client_context.callback_url' });
}

/** Resolves the callback host and refuses it when any of its addresses is not public (unless allow-listed). */
export async function checkCallbackUrl(url: URL, policy: CallbackPolicy): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new VigilError('INVALID_REQUEST', 'callback_url must be http or https', { field: 'client_context.callback_url' });
  const host = bare(url.hostname);
  if (allowListed(policy, host)) return;
  const addrs = isIP(host) ? [{ address: host, family: isIP(host) }] : await new Promise<LookupAddress[]>((resolve, reject) => {
    dnsLookup(host, { all: true }, (err, a) => (err ? reject(new VigilError('INVALID_REQUEST', `callback host ${host} does not resolve`, { field: 'client_context.callback_url' })) : resolve(a)));
  });
  for (const a of addrs) if (isNonPublicAddress(a.address)) throw refuse(host, a.address);
}

type LookupFn = (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => void;

/** A `lookup` for http(s).request that re-checks every resolved address at connect time. */
export function guardedLookup(policy: CallbackPolicy): LookupFn {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as object), all: true }, (err, addrs) => {
      if (err) return callback(err, []);
      if (!allowListed(policy, hostname)) {
        const bad = addrs.find((a) => isNonPublicAddress(a.address));
        if (bad) return callback(Object.assign(refuse(hostname, bad.address), { code: 'ECALLBACKBLOCKED' }) as unknown as NodeJS.ErrnoException, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, addrs);
      callback(null, addrs[0].address, addrs[0].family);
    });
  };
}
