'use strict';
/**
 * The peer of `npm run bench -- launch`: a minimal, stock ltijs 5.9.9 tool on PostgreSQL
 * through the ltijs-sequelize plugin, run as a child process and driven over IPC.
 *
 * Launch flow (stock ltijs): GET/POST /login → 302 to the platform with state (+ a signed
 * `state<state>` cookie); POST / with id_token + state → validated, id token and context token
 * stored, 302 to /?ltik=… with a platform session cookie; GET /?ltik=… → the onConnect handler.
 *
 * IPC in:  { type: 'setup', port, database, dbUser, dbHost, dbPort, platform: { url, clientId, authEndpoint, tokenEndpoint, jwksUrl } }
 *          { type: 'stats' }   → { type: 'stats', statements, rss, heapUsed, heapTotal, external, cpuMicros }
 *          { type: 'stop' }
 * IPC out: { type: 'ready' } | { type: 'error', message }
 */
const { Provider: lti } = require('ltijs');
const Database = require('ltijs-sequelize');

let statements = 0;

async function setup(msg) {
  const db = new Database(msg.database, msg.dbUser, msg.dbPass || '', {
    host: msg.dbHost,
    port: msg.dbPort,
    dialect: 'postgres',
    // Counts every statement Sequelize sends (the bench reports statements per launch).
    logging: () => {
      statements++;
    },
    // Same pool size as Masterly's default (10), so the peer is not starved of connections.
    pool: { max: 10, min: 0, idle: 10000 },
  });

  lti.setup(
    'bench-ltijs-encryption-key-0123456789',
    { plugin: db },
    {
      appRoute: '/',
      loginRoute: '/login',
      // Plain http on localhost: cookies must not be Secure; the bench carries them like a browser.
      cookies: { secure: false, sameSite: '' },
      devMode: false,
    },
  );

  lti.onConnect((token, req, res) => {
    // The post-launch response: a small page naming the user and course, like Masterly's /app.
    const ctx = res.locals.context || {};
    const course = (ctx.context && ctx.context.title) || '';
    return res.send(`<!doctype html><title>ltijs</title><p>Hello ${token.userInfo.name || token.user} in ${course}</p>`);
  });

  await lti.deploy({ port: msg.port, silent: true });
  await lti.registerPlatform({
    url: msg.platform.url,
    name: 'Bench platform',
    clientId: msg.platform.clientId,
    authenticationEndpoint: msg.platform.authEndpoint,
    accesstokenEndpoint: msg.platform.tokenEndpoint,
    authConfig: { method: 'JWK_SET', key: msg.platform.jwksUrl },
  });
}

process.on('message', (msg) => {
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'setup') {
    setup(msg).then(
      () => process.send({ type: 'ready' }),
      (err) => process.send({ type: 'error', message: String((err && err.stack) || err) }),
    );
  } else if (msg.type === 'stats') {
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    process.send({
      type: 'stats',
      statements,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      cpuMicros: c.user + c.system,
    });
  } else if (msg.type === 'stop') {
    lti.close({ silent: true }).finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
