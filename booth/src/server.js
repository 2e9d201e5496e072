/**
 * The booth's three requests to the plebiscites API: the parameters' canonical bytes, and the
 * two public writes, a ballot (docs/plebiscite-spec.md §11.1) or an audit (§10). The writes need
 * no session or CSRF token: the credential's signature inside the ballot authorises it.
 */

/** The parameters' bytes exactly as served: their hash is the election hash. */
export async function fetchParameters(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`the parameters could not be fetched (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

/** POST `body` as JSON; the answer (201) or an Error with the server's reason. */
export async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status !== 201) {
    throw new Error(`the server refused it (${response.status}): ${answer.detail ?? 'no reason'}`);
  }
  return answer;
}
