/**
 * The bench platform's signer (child process): generates the platform's RSA-2048 key, sends its public JWK, then
 * signs claim sets (RS256, with `kid`; iat now, exp in 5 minutes) on request, so the bench's own process spends
 * no CPU on RSA while the tool under test runs.
 *
 * IPC in: { type: 'sign', id, claims } · { type: 'cpu' }. Out: { type: 'ready', jwk } · { id, token } | { id, error } ·
 * { type: 'cpu', cpuMicros }.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const KID = 'bench-platform-key-1';
const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
process.send?.({ type: 'ready', jwk: { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' } });

process.on('message', (raw: unknown) => {
  const m = raw as { type: string; id: number; claims: Record<string, unknown> };
  if (m.type === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ type: 'cpu', cpuMicros: c.user + c.system });
    return;
  }
  if (m.type !== 'sign') return;
  new SignJWT(m.claims)
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey)
    .then(
      (token) => process.send?.({ id: m.id, token }),
      (err: unknown) => process.send?.({ id: m.id, error: String(err) }),
    );
});
process.on('disconnect', () => process.exit(0));
