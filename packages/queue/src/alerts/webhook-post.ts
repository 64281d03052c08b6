import { type LookupAddress, lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * POSTs a JSON body and resolves with the answer's status, its body read and dropped. No redirect is
 * followed. `checkAddress` sees every address the host name resolves to when the connection is made
 * (not before: a name that resolves to a public address when checked and to an internal one a
 * moment later must not get through) and throws to refuse them.
 */
export function postJson(
  url: string,
  body: string,
  options: { signal: AbortSignal; checkAddress?: (addresses: readonly string[]) => void },
): Promise<number> {
  const target = new URL(url);
  const checked: LookupFunction | undefined = options.checkAddress
    ? (hostname, lookupOptions, callback) => {
        lookup(hostname, { ...lookupOptions, all: true }, (error, found: LookupAddress[]) => {
          if (error) return callback(error, '', 0);
          try {
            options.checkAddress!(found.map((entry) => entry.address));
          } catch (refused) {
            return callback(refused as NodeJS.ErrnoException, '', 0);
          }
          // Node asks for every address (`all`) when it races IPv4 and IPv6, else for one.
          if ((lookupOptions as { all?: boolean }).all)
            return (callback as (e: null, a: LookupAddress[]) => void)(null, found);
          callback(null, found[0]!.address, found[0]!.family);
        });
      }
    : undefined;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: options.signal,
        ...(checked ? { lookup: checked } : {}),
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => resolve(answer.statusCode ?? 0));
        answer.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
