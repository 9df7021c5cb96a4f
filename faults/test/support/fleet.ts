import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openDatabase, type Database } from '@latchkey/persistence';
import { createServiceWorkspace, faceApiEnv, faceApiOperatorKey, type ServiceWorkspace } from '@latchkey/service-testing';
import { freePort, InfraEnv, KafkaBroker, testDatabaseUrl } from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';
import { FleetService, type ServiceName } from './fleet-service';
import { PostgresProxy } from './postgres-proxy';

/** The `iss` of the fleet's tokens, and the audit's checkpoint issuer: public names, never where they listen. */
export const ISSUER_URL = 'https://sts.faults.test';
export const AUDIT_URL = 'https://audit.faults.test';

/** More variables for a service's first boot (e.g. a crash point), by service. */
export type ServiceEnv = Partial<Record<ServiceName, Readonly<Record<string, string>>>>;

/**
 * The platform as a fault case runs it: a Kafka broker of its own (a fault must not touch the shared broker other
 * suites use, and the audit's fixed consumer group must start from empty topics), a PostgreSQL relay of its own in
 * front of the machine's server (PostgresProxy), a scratch database per service, and the issuer, the face-api and
 * the audit each as a process on a fixed port. `boot()` may fail half-way: `stop()` stops whatever did start.
 */
export class Fleet {
  kafka: KafkaBroker | undefined;
  postgres: PostgresProxy | undefined;
  /** The audit's store, reached directly (not through the relay), for the reconciliation. */
  auditStore: Database | undefined;
  readonly services = new Map<ServiceName, FleetService>();
  readonly issuerOperatorKey = `op-${randomBytes(32).toString('base64url')}`;
  readonly faceApiOperatorKey = faceApiOperatorKey();
  private readonly workspaces: ServiceWorkspace[] = [];
  private readonly sharedBrokers = process.env[InfraEnv.kafkaBrokers];

  constructor(private readonly firstBoot: ServiceEnv = {}) {}

  /** The running service `name` (fails when boot() did not get that far). */
  service(name: ServiceName): FleetService {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} was not booted`);
    return service;
  }

  get issuer(): FleetService {
    return this.service('issuer');
  }

  get face(): FleetService {
    return this.service('face-api');
  }

  get audit(): FleetService {
    return this.service('audit');
  }

  /** The broker (fails when boot() did not start it). */
  get broker(): KafkaBroker {
    if (!this.kafka) throw new Error('no broker');
    return this.kafka;
  }

  /** The PostgreSQL relay (fails when boot() did not start it). */
  get database(): PostgresProxy {
    if (!this.postgres) throw new Error('no PostgreSQL relay');
    return this.postgres;
  }

  async boot(): Promise<void> {
    const serverUrl = testDatabaseUrl();
    if (!serverUrl) throw new Error('the fault suite needs PostgreSQL (use describeWithInfrastructure)');
    this.kafka = await KafkaBroker.start();
    const brokers = this.kafka.brokers.join(',');
    // What createServiceWorkspace and ServiceProcess read the broker from; jest gives each file its own process.env.
    process.env[InfraEnv.kafkaBrokers] = brokers;
    this.postgres = await PostgresProxy.start(serverUrl);
    const [issuerSpace, faceSpace, auditSpace] = await Promise.all(['issuer', 'face-api', 'audit'].map((name) => this.workspace(name)));
    if (!issuerSpace || !faceSpace || !auditSpace) throw new Error('a workspace is missing');
    this.auditStore = await openDatabase({ url: auditSpace.database.url });
    const [issuerPort, facePort, auditPort] = [await freePort(), await freePort(), await freePort()];
    const viaRelay = (workspace: ServiceWorkspace) => ({
      DATABASE_URL: this.database.via(workspace.database.url),
      LATCHKEY_DATA_DIR: workspace.dataDir,
      KAFKA_BROKERS: brokers,
    });

    const auditKey = await generateSigningKey('EdDSA');
    this.add('audit', auditPort, {
      ...viaRelay(auditSpace),
      LATCHKEY_AUDIT_URL: AUDIT_URL,
      LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(auditKey.privateJwk),
      // A checkpoint every second, so what a case stored is anchored by a signature soon after the load stops.
      LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS: '1000',
    });
    this.add('issuer', issuerPort, {
      ...viaRelay(issuerSpace),
      LATCHKEY_ISSUER_URL: ISSUER_URL,
      LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_ISSUER_KEY_DIGEST_SECRET: randomBytes(32).toString('base64'),
      LATCHKEY_ISSUER_OPERATOR_KEY: this.issuerOperatorKey,
    });
    const issuer = this.issuer;
    this.add('face-api', facePort, {
      ...viaRelay(faceSpace),
      ...faceApiEnv(
        { issuerUrl: ISSUER_URL, url: issuer.url },
        { dataDir: faceSpace.dataDir, spoolDir: join(faceSpace.dataDir, 'spool'), operatorKey: this.faceApiOperatorKey },
      ),
    });
    // The issuer and the audit boot at once; allSettled, so one that did boot is stopped by stop() even if the other failed.
    const booted = await Promise.allSettled([this.audit.start(this.firstBoot.audit), issuer.start(this.firstBoot.issuer)]);
    for (const outcome of booted) if (outcome.status === 'rejected') throw outcome.reason;
    await this.face.start(this.firstBoot['face-api']);
  }

  /** Stops every process, the relay, the broker, and drops the databases; every step runs even if one before it fails. */
  async stop(): Promise<void> {
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown> | undefined) => {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    };
    for (const name of ['face-api', 'issuer', 'audit'] as const) await attempt(() => this.services.get(name)?.stop());
    await attempt(() => this.auditStore?.close());
    await attempt(() => this.postgres?.close());
    for (const workspace of this.workspaces) await attempt(() => workspace.dispose());
    await attempt(() => this.kafka?.stop());
    if (this.sharedBrokers === undefined) delete process.env[InfraEnv.kafkaBrokers];
    else process.env[InfraEnv.kafkaBrokers] = this.sharedBrokers;
    if (failures.length > 0) throw new AggregateError(failures, `stopping the fleet failed: ${failures.map(String).join('; ')}`);
  }

  private add(name: ServiceName, port: number, env: Record<string, string>): void {
    this.services.set(name, new FleetService(name, port, env));
  }

  private async workspace(name: string): Promise<ServiceWorkspace> {
    const workspace = await createServiceWorkspace(name);
    this.workspaces.push(workspace);
    return workspace;
  }
}
