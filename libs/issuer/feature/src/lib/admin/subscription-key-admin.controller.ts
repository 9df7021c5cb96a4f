import { Body, Controller, Delete, Get, Header, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import type { KeySlot } from '@latchkey/issuer/data-access';
import { KeySlotParam, NoBody, parseAdminInput, ISV_ID_API_PARAM, ISV_ID_PARAM } from './admin-request.schema';
import { SubscriptionKeyAdministration, type IssuedSubscriptionKey, type SubscriptionKeyInfo } from './subscription-key-administration.use-case';

const SLOT = { name: 'slot', enum: ['1', '2'], description: 'Key slot, like the vendor’s key1 and key2.' };

/**
 * An ISV's subscription keys in two slots (key1/key2). Issuing into a slot
 * creates or rotates its key: the slot's previous key stops working at once
 * while the other slot's keeps working, so an ISV rotates without downtime.
 * The key is in the 201 answer only (never cached, never shown again);
 * afterwards only its last four characters are.
 */
@AdminApi()
@Controller('admin/v1/isvs/:isvId/keys')
export class SubscriptionKeyAdminController {
  constructor(private readonly keys: SubscriptionKeyAdministration) {}

  @Get()
  @AdminPermission('issuer.isvs:read')
  @ApiOperation({ summary: 'List the ISV’s active keys by slot, with hints (never the keys)' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiResponse({ status: 200, description: '{ keys: [{ keyId, slot, hint, createdAt }] }' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  async list(@Param('isvId', ISV_ID_PARAM) isvId: string): Promise<{ keys: SubscriptionKeyInfo[] }> {
    return { keys: await this.keys.list(isvId) };
  }

  @Post(':slot')
  @AdminPermission('issuer.keys:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Create the key of a slot, replacing (revoking) the slot’s previous key; the key is shown only in this answer' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiParam(SLOT)
  @ApiResponse({ status: 201, description: '{ keyId, slot, hint, createdAt, subscriptionKey, replacedKeyId }' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): a slot other than 1 or 2' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  issue(@Param('isvId', ISV_ID_PARAM) isvId: string, @Param('slot') slot: string, @Body() body: unknown): Promise<IssuedSubscriptionKey> {
    const keySlot: KeySlot = parseAdminInput(KeySlotParam, slot, 'key slot');
    parseAdminInput(NoBody, body, 'body');
    return this.keys.issue(isvId, keySlot);
  }

  @Delete(':slot')
  @AdminPermission('issuer.keys:write')
  @ApiOperation({ summary: 'Revoke the key of a slot (refused here at once, by other instances within LATCHKEY_ISSUER_CACHE_TTL_MS)' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiParam(SLOT)
  @ApiResponse({ status: 200, description: '{ keyId, slot }' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): a slot other than 1 or 2, or an empty slot' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  revoke(@Param('isvId', ISV_ID_PARAM) isvId: string, @Param('slot') slot: string): Promise<{ keyId: string; slot: KeySlot }> {
    return this.keys.revoke(isvId, parseAdminInput(KeySlotParam, slot, 'key slot'));
  }
}
