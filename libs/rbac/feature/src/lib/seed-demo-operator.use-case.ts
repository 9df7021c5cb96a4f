import { Injectable } from '@nestjs/common';
import { SubjectRepository } from '@latchkey/rbac/data-access';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';

/** The demo operator's subject id and role. */
export const DEMO_OPERATOR_ID = 'operator-demo';
export const PLATFORM_OPERATOR_ROLE = 'platform-operator';

/**
 * The operator role (every admin permission of the platform) and the demo
 * operator holding it, with an API key returned only when created. The admin
 * APIs that accept it arrive with the RBAC issue.
 */
@Injectable()
export class SeedDemoOperatorUseCase {
  constructor(private readonly subjects: SubjectRepository) {}

  async execute(): Promise<{ operatorId: string; apiKey?: string }> {
    await this.subjects.upsertRole({
      id: PLATFORM_OPERATOR_ROLE,
      description: 'Approves ISVs, grants flags, revokes and reinstates, reads audit',
      permissions: ['isv:approve', 'isv:grant', 'access:revoke', 'access:reinstate', 'audit:read', 'rbac:admin'],
    });
    const apiKey = generateApiKey('operator');
    const created = await this.subjects.insertIfAbsent({
      id: DEMO_OPERATOR_ID,
      kind: 'operator',
      displayName: 'Demo platform operator',
      apiKeyHash: hashApiKey(apiKey),
    });
    await this.subjects.assign(DEMO_OPERATOR_ID, PLATFORM_OPERATOR_ROLE);
    return created ? { operatorId: DEMO_OPERATOR_ID, apiKey } : { operatorId: DEMO_OPERATOR_ID };
  }
}
