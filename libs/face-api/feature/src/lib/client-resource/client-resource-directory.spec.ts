import type { ConfigOf } from '@latchkey/config';
import type { ClientResource, ClientResourceRepository } from '@latchkey/face-api/data-access';
import { hashApiKey } from '@latchkey/tokens';
import type { faceApiConfig } from '../face-api.config';
import { ClientResourceDirectory } from './client-resource-directory';

const KEY = 'lk_cli_' + 'k'.repeat(43);
const ROW: ClientResource = {
  resourceId: '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face',
  displayName: 'Door maker',
  subscriptionKeyHash: hashApiKey(KEY),
  createdAt: new Date(),
};

/** A repository holding `rows`, counting its reads. */
function repository(rows: ClientResource[]): { repo: ClientResourceRepository; reads: () => number } {
  let reads = 0;
  const repo = {
    findByKeyHash: async (hash: string) => {
      reads++;
      return rows.find((row) => row.subscriptionKeyHash === hash);
    },
  } as unknown as ClientResourceRepository;
  return { repo, reads: () => reads };
}

function directory(repo: ClientResourceRepository, ttlMs: number): ClientResourceDirectory {
  return new ClientResourceDirectory(repo, { LATCHKEY_FACE_API_CACHE_TTL_MS: ttlMs } as ConfigOf<typeof faceApiConfig>);
}

describe(ClientResourceDirectory.name, () => {
  it('resolves a key to its resource by digest, exposing only id and name', async () => {
    const { repo } = repository([ROW]);
    await expect(directory(repo, 1000).resolveResourceByKey(KEY)).resolves.toEqual({ resourceId: ROW.resourceId, displayName: ROW.displayName });
  });

  it('resolves an unknown, empty or oversized key to nothing; the last two without a read', async () => {
    const { repo, reads } = repository([ROW]);
    const resolver = directory(repo, 1000);
    await expect(resolver.resolveResourceByKey(KEY + 'x')).resolves.toBeUndefined();
    await expect(resolver.resolveResourceByKey('')).resolves.toBeUndefined();
    await expect(resolver.resolveResourceByKey('k'.repeat(257))).resolves.toBeUndefined();
    expect(reads()).toBe(1);
  });

  it('remembers lookups, unknown keys too, and shares one read among concurrent ones', async () => {
    const { repo, reads } = repository([ROW]);
    const resolver = directory(repo, 60_000);
    await Promise.all([resolver.resolveResourceByKey(KEY), resolver.resolveResourceByKey(KEY), resolver.resolveResourceByKey(KEY)]);
    await resolver.resolveResourceByKey('lk_cli_unknown');
    await resolver.resolveResourceByKey('lk_cli_unknown');
    expect(reads()).toBe(2);
  });

  it('reads afresh after forgetAll (a key changed on this instance)', async () => {
    const rows: ClientResource[] = [];
    const { repo } = repository(rows);
    const resolver = directory(repo, 60_000);
    await expect(resolver.resolveResourceByKey(KEY)).resolves.toBeUndefined();
    rows.push(ROW);
    await expect(resolver.resolveResourceByKey(KEY)).resolves.toBeUndefined(); // still remembered
    resolver.forgetAll();
    await expect(resolver.resolveResourceByKey(KEY)).resolves.toMatchObject({ resourceId: ROW.resourceId });
  });

  it('reads every time with a TTL of 0', async () => {
    const { repo, reads } = repository([ROW]);
    const resolver = directory(repo, 0);
    await resolver.resolveResourceByKey(KEY);
    await resolver.resolveResourceByKey(KEY);
    expect(reads()).toBe(2);
  });
});
