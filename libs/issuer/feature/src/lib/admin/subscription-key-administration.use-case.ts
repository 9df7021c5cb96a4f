import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IsvRepository, SubscriptionKeyRepository, type KeySlot } from '@latchkey/issuer/data-access';
import { generateApiKey } from '@latchkey/tokens';
import { IsvAuthenticator } from '../isv/isv-authenticator';
import { SubscriptionKeyDigester } from '../isv/subscription-key-digester';
import { CLOCK, type Clock } from '../keys/signing-key.service';
import { IssuerAdminError } from './issuer-admin.errors';

/** A key as an operator sees it after the fact: never the key itself. */
export interface SubscriptionKeyInfo {
  readonly keyId: string;
  readonly slot: KeySlot;
  /** The key's last four characters. */
  readonly hint: string;
  readonly createdAt: string;
}

/** A newly created key: the only time the key is shown. */
export interface IssuedSubscriptionKey extends SubscriptionKeyInfo {
  readonly subscriptionKey: string;
  /** The key this one replaced in its slot (now revoked), if any. */
  readonly replacedKeyId: string | null;
}

/**
 * Subscription keys of an ISV, the vendor's key1/key2 model: two slots,
 * each holding at most one active key. Creating a key in a slot rotates it
 * (the slot's previous key is revoked in the same transaction) while the
 * other slot keeps working, so an ISV rotates without downtime. The key is
 * returned once and stored only as its HMAC digest.
 */
@Injectable()
export class SubscriptionKeyAdministration {
  constructor(
    private readonly isvs: IsvRepository,
    private readonly keys: SubscriptionKeyRepository,
    private readonly digester: SubscriptionKeyDigester,
    private readonly authenticator: IsvAuthenticator,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** Creates a key in `slot` (1 or 2), replacing the slot's key if it has one. */
  async issue(isvId: string, slot: number): Promise<IssuedSubscriptionKey> {
    const keySlot = this.slot(slot);
    await this.assertIsv(isvId);
    const subscriptionKey = generateApiKey('isv');
    const keyId = `sk-${randomUUID()}`;
    const createdAt = this.now();
    const replaced = await this.keys.putInSlot(isvId, keySlot, { id: keyId, digest: this.digester.digest(subscriptionKey), hint: subscriptionKey.slice(-4) }, createdAt);
    this.authenticator.forgetAll();
    return { keyId, slot: keySlot, hint: subscriptionKey.slice(-4), createdAt: createdAt.toISOString(), subscriptionKey, replacedKeyId: replaced ?? null };
  }

  /** Revokes the key in `slot`; refused when the slot is empty. */
  async revoke(isvId: string, slot: number): Promise<{ keyId: string; slot: KeySlot }> {
    const keySlot = this.slot(slot);
    await this.assertIsv(isvId);
    const keyId = await this.keys.revokeSlot(isvId, keySlot, this.now());
    if (!keyId) throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', `Slot ${keySlot} holds no active key.`);
    this.authenticator.forgetAll();
    return { keyId, slot: keySlot };
  }

  async list(isvId: string): Promise<SubscriptionKeyInfo[]> {
    await this.assertIsv(isvId);
    return (await this.keys.active(isvId)).map((k) => ({ keyId: k.id, slot: this.slot(k.slot), hint: k.hint, createdAt: k.createdAt.toISOString() }));
  }

  private slot(slot: number): KeySlot {
    if (slot !== 1 && slot !== 2) throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', 'A key slot is 1 or 2.');
    return slot;
  }

  private async assertIsv(isvId: string): Promise<void> {
    if (!(await this.isvs.findById(isvId))) throw new IssuerAdminError('ISSUER.ADMIN_ISV_NOT_FOUND', `There is no ISV with id ${isvId}.`);
  }
}
