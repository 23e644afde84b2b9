// A real OpenID provider for the end-to-end tests (tests/tests/oidc.rs): node-oidc-provider
// (OpenID Certified), with the client-credentials grant issuing JWT access tokens (RFC 9068)
// for the resource the client names (`resource`, RFC 8707; default: the test audience).
//
//   node provider.mjs --port 0 --state /tmp/keys.json [--audience api://samverkan]
//
// Prints `listening <port>` on stdout once it serves. The signing keys live in the state
// file (made when missing), so that a restart on the same port (the tests' downtime) serves
// the same keys. Test-only administration beside the provider:
//   POST /admin/rotate   a new RSA key signs from now on; the old keys stay published
//   POST /admin/retire   only the newest key stays published
//   GET  /admin/stats    {"jwks": n, "discovery": n}: requests the provider has answered
// The clients and the claims each client's tokens carry are below (invented data only).

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const port = Number(args.port ?? 0);
const statePath = args.state;
const audience = args.audience ?? 'api://samverkan';
if (!statePath) {
  console.error('usage: node provider.mjs --port N --state FILE [--audience URI]');
  process.exit(2);
}

function newKey(kty) {
  const { privateKey } = kty === 'EC'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    ...jwk, kid: `${kty.toLowerCase()}-${crypto.randomUUID()}`, use: 'sig', alg: kty === 'EC' ? 'ES256' : 'RS256',
  };
}

let keys;
if (fs.existsSync(statePath)) {
  keys = JSON.parse(fs.readFileSync(statePath, 'utf8'));
} else {
  keys = [newKey('RSA'), newKey('EC')];
  fs.writeFileSync(statePath, JSON.stringify(keys));
}

// The clients: secret `hemligt-<client id>`; `claims` are added to each access token;
// `ttl` is the access token's lifetime in seconds; `alg` the signing algorithm.
const CLIENTS = {
  // An Entra-like administrator: an app role and a stable pseudonymous id.
  kommunadmin: { claims: { roles: ['Samverkan.Admin'], oid: '0d6b7a4e-2f1c-4b8e-9a37-5c1e8f2d9b01', name: 'Åsa Processledare' } },
  // A steering-group member by group id, signed with the EC key.
  styrgrupp: { claims: { groups: ['8f0c2a9e-71d4-4f5b-b6a3-2e9d1c7f4a10'], oid: '3a9e5c21-6b7d-4e80-8f12-9c4b2d1e7a55' }, alg: 'ES256' },
  // A platform administrator through Entra's directory role ids (`wids`).
  plattform: { claims: { wids: ['62e90394-69f5-4237-9190-012177145e10'], oid: '7c2d4e6f-8a1b-4c3d-9e5f-0a1b2c3d4e5f' } },
  // Signed in, but mapped to no role.
  utan_roll: { claims: { roles: ['Annat.System'], oid: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' } },
  // Tokens that expire after one second.
  kortlivad: { claims: { roles: ['Samverkan.Admin'], oid: 'c0ffee00-1111-4222-8333-444455556666' }, ttl: 1 },
};

const stats = { jwks: 0, discovery: 0 };

function build() {
  const provider = new Provider(`http://127.0.0.1:${server.address().port}`, {
    clients: Object.entries(CLIENTS).map(([id, c]) => ({
      client_id: id,
      client_secret: `hemligt-${id}`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      'urn:samverkan:alg': c.alg ?? 'RS256',
    })),
    extraClientMetadata: { properties: ['urn:samverkan:alg'] },
    jwks: { keys },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource, client) => ({
          scope: 'api',
          audience: resource,
          accessTokenTTL: CLIENTS[client.clientId]?.ttl ?? 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: client['urn:samverkan:alg'] } },
        }),
      },
    },
    extraTokenClaims: async (ctx, token) => CLIENTS[token.clientId]?.claims,
    ttl: { ClientCredentials: (ctx, token, client) => CLIENTS[client.clientId]?.ttl ?? 600 },
  });
  provider.proxy = false;
  return provider.callback();
}

let handler;

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path.startsWith('/admin/')) {
    const answer = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/admin/stats') return answer(200, stats);
    if (req.method === 'POST' && path === '/admin/rotate') {
      keys = [newKey('RSA'), ...keys];
    } else if (req.method === 'POST' && path === '/admin/retire') {
      const newestRsa = keys.find((k) => k.kty === 'RSA');
      const newestEc = keys.find((k) => k.kty === 'EC');
      keys = [newestRsa, newestEc].filter(Boolean);
    } else {
      return answer(404, { error: 'not found' });
    }
    fs.writeFileSync(statePath, JSON.stringify(keys));
    handler = build();
    return answer(200, { kids: keys.map((k) => k.kid) });
  }
  if (path === '/jwks') stats.jwks += 1;
  if (path === '/.well-known/openid-configuration') stats.discovery += 1;
  return handler(req, res);
});

server.listen(port, '127.0.0.1', () => {
  handler = build();
  process.stdout.write(`listening ${server.address().port}\n`);
});
