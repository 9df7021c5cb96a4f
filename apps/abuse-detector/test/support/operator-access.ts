import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveServiceKey } from '@latchkey/access-guards';
import { ADMIN_SCOPE, DEFAULT_ADMIN_AUDIENCE, type AccessRevocationV1, type EventInput } from '@latchkey/contracts';
import { anAccessRevocation } from '@latchkey/contracts/testing';
import { generateSigningKey, KeyRing, signInternalAccessToken, type SigningKey } from '@latchkey/tokens';

/** The permission the alert stream asks the decision API for. */
const ALERTS_READ = 'abuse.alerts:read';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** What the stand-in decision API allows (`<kind>:<id>:<permission>`), and the decisions asked per `<kind>:<id>`. */
interface Decisions {
  readonly allowed: Set<string>;
  readonly asked: Map<string, number>;
}

/**
 * Operator tokens for the abuse detector's RBAC guard, and what the guard checks them against, each on a free port of
 * 127.0.0.1: a stand-in exchange (the JWKS of the key that signs the tokens) and a stand-in of the rbac service's
 * decision API that allows what {@link anOperator} granted, and accepts the endpoint registry's PUT. The spec starts the
 * detector with {@link detectorEnv} between {@link start} and {@link stop}.
 */
export class OperatorAccess {
  private constructor(
    private readonly exchangeIssuer: string,
    private readonly exchangeKey: SigningKey,
    private readonly decisions: Decisions,
    private readonly servers: readonly Server[],
    /**
     * The detector's env for its RBAC guard against the stand-ins, decisions not cached: a removed permission shows at
     * the stream's next re-check without waiting for `rbac.changed`.
     */
    readonly detectorEnv: Readonly<Record<string, string>>,
  ) {}

  /** Starts both stand-ins; what was started is stopped again when a later step fails. */
  static async start(options: { readonly exchangeIssuer: string }): Promise<OperatorAccess> {
    const exchangeKey = await generateSigningKey('ES256');
    const jwks = JSON.stringify(new KeyRing([{ key: exchangeKey, status: 'active' }]).publicJwks());
    const decisions: Decisions = { allowed: new Set(), asked: new Map() };
    const servers: Server[] = [];
    try {
      const keys = await standIn(servers, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
      const decisionApi = await standIn(servers, (req, res) => {
        void readBody(req).then((raw) => {
          // PUT is the endpoint registry the detector reports its permissions to at boot.
          if (req.method === 'PUT') {
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"changed":true,"permissionsAdded":[]}');
            return;
          }
          const body = JSON.parse(raw) as { subject: { kind: string; id: string }; permission: string };
          const who = `${body.subject.kind}:${body.subject.id}`;
          decisions.asked.set(who, (decisions.asked.get(who) ?? 0) + 1);
          const allow = decisions.allowed.has(`${who}:${body.permission}`);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ decision: allow ? 'allow' : 'deny', reason: 'test' }));
        });
      });
      return new OperatorAccess(options.exchangeIssuer, exchangeKey, decisions, servers, {
        LATCHKEY_RBAC_EXCHANGE_ISSUER: options.exchangeIssuer,
        LATCHKEY_RBAC_EXCHANGE_JWKS_URL: `${keys}/.well-known/jwks.json`,
        LATCHKEY_RBAC_DECISION_URL: `${decisionApi}/rbac/v1/decisions`,
        // The detector's own key towards the rbac service; the stand-in does not check it.
        LATCHKEY_ABUSE_DETECTOR_RBAC_KEY: deriveServiceKey(randomBytes(32), 'abuse-detector'),
        LATCHKEY_RBAC_DECISION_CACHE_TTL_MS: '0',
      });
    } catch (error) {
      await stopAll(servers);
      throw error;
    }
  }

  /** A new person the decision API allows to read the alerts. */
  anOperator(): string {
    const personId = `person-${randomUUID()}`;
    this.decisions.allowed.add(`person:${personId}:${ALERTS_READ}`);
    return personId;
  }

  /** Takes the permission to read the alerts away from `personId`: every decision asked from now on denies it. */
  removePermission(personId: string): void {
    this.decisions.allowed.delete(`person:${personId}:${ALERTS_READ}`);
  }

  /** How many decisions the detector asked about `personId` so far. */
  decisionsAskedFor(personId: string): number {
    return this.decisions.asked.get(`person:${personId}`) ?? 0;
  }

  /** An operator token of the exchange for the admin API, valid for `lifetimeMs`, whose person the decision API decides on. */
  async operatorToken(personId: string, lifetimeMs = 3_600_000): Promise<{ token: string; exp: number }> {
    const now = new Date();
    const signed = await signInternalAccessToken(
      {
        issuer: this.exchangeIssuer,
        audience: DEFAULT_ADMIN_AUDIENCE,
        personId,
        clientId: 'latchkey-console',
        scopes: [ADMIN_SCOPE],
        tenantId: TENANT,
        objectId: randomUUID(),
        now,
        expiresAt: new Date(now.getTime() + lifetimeMs),
      },
      this.exchangeKey,
    );
    return { token: signed.token, exp: signed.claims.exp };
  }

  /** The `access.revocation` data of an operator revoking `personId` by hand, as of now. */
  revocationOf(personId: string): EventInput<typeof AccessRevocationV1> {
    return anAccessRevocation({ subject: { kind: 'person', personId }, reason: 'ADMIN.MANUAL', alertId: null, actor: 'test' });
  }

  stop(): Promise<void> {
    return stopAll(this.servers);
  }
}

/** A stand-in server on a free port of 127.0.0.1, added to `servers` before it listens; its base URL. */
async function standIn(servers: Server[], handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => resolve(raw));
  });
}

async function stopAll(servers: readonly Server[]): Promise<void> {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((closed) => server.close(() => closed()));
  }
}
