import type { ExecutionContext } from '@nestjs/common';
import { FaceError } from '../face/face.errors';
import { clientResourceOf, type AuthenticatedClientResource, type RequestWithClientResource } from './authenticated-client-resource';
import type { ClientResourceDirectory } from './client-resource-directory';
import { ClientResourceKeyGuard } from './client-resource-key.guard';

const KEY = 'lk_cli_' + 'k'.repeat(43);
const RESOURCE: AuthenticatedClientResource = { resourceId: '/subscriptions/x/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/a', displayName: 'A' };

type TestRequest = RequestWithClientResource & { headers: Record<string, string | string[] | undefined> };

function guard(): ClientResourceKeyGuard {
  const directory = { resolveResourceByKey: async (key: string) => (key === KEY ? RESOURCE : undefined) } as ClientResourceDirectory;
  return new ClientResourceKeyGuard(directory);
}

async function outcome(headers: TestRequest['headers']): Promise<{ result: string; request: TestRequest }> {
  const request: TestRequest = { headers };
  const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  try {
    await guard().canActivate(context);
    return { result: 'allowed', request };
  } catch (error) {
    if (!(error instanceof FaceError)) throw error;
    expect(error.message).not.toContain(KEY.slice(7)); // never echoes a key
    return { result: error.code, request };
  }
}

describe(ClientResourceKeyGuard.name, () => {
  it("lets a resource's key through and attaches the resource to the request", async () => {
    const { result, request } = await outcome({ 'ocp-apim-subscription-key': KEY });
    expect(result).toBe('allowed');
    expect(clientResourceOf(request)).toEqual(RESOURCE);
    expect(request.clientResource).toEqual(RESOURCE);
  });

  it.each([
    ['no header', {}],
    ['an empty header', { 'ocp-apim-subscription-key': '' }],
  ])('refuses %s with FACE.KEY_MISSING', async (_case, headers) => {
    const { result, request } = await outcome(headers);
    expect(result).toBe('FACE.KEY_MISSING');
    expect(clientResourceOf(request)).toBeUndefined();
  });

  it.each([
    ['an unknown key', { 'ocp-apim-subscription-key': 'lk_cli_nobody' }],
    ['the key in other case', { 'ocp-apim-subscription-key': KEY.toUpperCase() }],
    ['two headers joined by Node', { 'ocp-apim-subscription-key': `${KEY}, ${KEY}` }],
    ['two headers as an array', { 'ocp-apim-subscription-key': [KEY, KEY] }],
    ['the key in another header', { authorization: `Bearer ${KEY}`, 'ocp-apim-subscription-key': 'x' }],
  ])('refuses %s with FACE.KEY_INVALID', async (_case, headers) => {
    const { result, request } = await outcome(headers);
    expect(result).toBe('FACE.KEY_INVALID');
    expect(clientResourceOf(request)).toBeUndefined();
  });
});
