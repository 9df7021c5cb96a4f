import { z } from 'zod';

/** Azure's own limit on a resource id is far below this; it bounds untrusted input. */
export const RESOURCE_ID_MAX = 512;

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const NAMESPACE = '[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)+'; // Microsoft.CognitiveServices
const TYPE_AND_NAME = '/[a-z][a-z0-9]*/[^/\\s]{1,260}'; // /accounts/face-one
const RESOURCE_ID = new RegExp(
  `^/subscriptions/${GUID}/resourcegroups/[^/\\s]{1,90}/providers/${NAMESPACE}(${TYPE_AND_NAME})+$`,
  'i',
);

/**
 * An Azure Resource Manager resource id:
 * `/subscriptions/{guid}/resourceGroups/{name}/providers/{namespace}/{type}/{name}`
 * with optional child `/{type}/{name}` pairs. Azure names are
 * case-insensitive, so the pattern is too; producers send the
 * {@link canonicalResourceId} form.
 */
export const AzureResourceId = z
  .string()
  .max(RESOURCE_ID_MAX)
  .regex(RESOURCE_ID, { message: 'not an Azure resource id' });

/** An Azure resource id (see {@link AzureResourceId}). */
export type AzureResourceId = z.infer<typeof AzureResourceId>;

/**
 * The canonical spelling of a resource id: lower case, because Azure
 * resource ids are case-insensitive and one resource must have one
 * partition key, one revocation key and one token audience.
 */
export function canonicalResourceId(resourceId: string): string {
  return resourceId.toLowerCase();
}
