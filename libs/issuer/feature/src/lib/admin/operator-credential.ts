import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { generateApiKey } from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { readOrCreateSecretFile } from '../keys/local-secret';

/** The shortest operator key accepted, from configuration or from the generated file. */
export const MIN_OPERATOR_KEY_LENGTH = 32;

/** Where the operator key comes from, decided from configuration. */
export interface OperatorKeySource {
  /** LATCHKEY_ISSUER_OPERATOR_KEY, already validated by the config slice. */
  readonly configured: string | undefined;
  /** True when the platform runs on its embedded database (no DATABASE_URL). */
  readonly embedded: boolean;
  readonly dataDir: string;
}

/** The resolved key and where it came from; `undefined` means the admin API is disabled. */
export type ResolvedOperatorKey =
  | { readonly key: string; readonly from: 'config' }
  | { readonly key: string; readonly from: 'file'; readonly path: string };

/**
 * The configured key; else, embedded, a key generated once under
 * `<dataDir>/secrets` (the operator reads it there, like the other local
 * secrets); else nothing. Unlike the signing and digest secrets, a missing
 * operator key on PostgreSQL does not stop the boot: issuance needs no
 * operator, so only the admin API stays shut.
 */
export async function resolveOperatorKey(source: OperatorKeySource): Promise<ResolvedOperatorKey | undefined> {
  if (source.configured) return { key: source.configured, from: 'config' };
  if (!source.embedded) return undefined;
  const file = await readOrCreateSecretFile(source.dataDir, 'issuer-operator-key', () => generateApiKey('operator'));
  if (file.value.length < MIN_OPERATOR_KEY_LENGTH || /\s/.test(file.value)) {
    throw new Error(`${file.path} does not hold an operator key of at least ${MIN_OPERATOR_KEY_LENGTH} characters; delete it to generate one`);
  }
  return { key: file.value, from: 'file', path: file.path };
}

/**
 * The interim operator credential of the admin API: one bearer key, held
 * only as a keyed digest. Presented keys are digested the same way and the
 * two 32-byte digests compared with timingSafeEqual, so neither the key's
 * content nor its length shows in the comparison's timing.
 */
@Injectable()
export class OperatorCredential implements OnModuleInit {
  private readonly logger = new Logger('OperatorKey:issuer');
  /** Per process: the digests are for comparing only, never stored or shown. */
  private readonly compareKey = randomBytes(32);
  private expected: Buffer | undefined;

  constructor(@InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>) {}

  async onModuleInit(): Promise<void> {
    const platform = loadConfig(platformConfig);
    const resolved = await resolveOperatorKey({
      configured: this.config.LATCHKEY_ISSUER_OPERATOR_KEY,
      embedded: !platform.DATABASE_URL,
      dataDir: platform.LATCHKEY_DATA_DIR,
    });
    if (resolved === undefined) {
      this.logger.warn('admin API disabled: LATCHKEY_ISSUER_OPERATOR_KEY is not set, so every /admin/v1 request is refused 401');
      return;
    }
    this.expected = this.digest(resolved.key);
    // The path, never the key: the operator reads the file, the log stays shareable.
    if (resolved.from === 'file') this.logger.log(`admin API enabled; the operator key is in ${resolved.path}`);
  }

  /** False when no operator key exists: every admin request is refused. */
  get enabled(): boolean {
    return this.expected !== undefined;
  }

  /** True only when an operator key exists and `presented` is exactly it. */
  matches(presented: string): boolean {
    if (this.expected === undefined) return false;
    return timingSafeEqual(this.digest(presented), this.expected);
  }

  private digest(key: string): Buffer {
    return createHmac('sha256', this.compareKey).update(key, 'utf8').digest();
  }
}
