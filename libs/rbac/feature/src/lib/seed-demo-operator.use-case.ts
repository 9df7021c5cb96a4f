import { Injectable } from '@nestjs/common';
import { Database } from '@latchkey/persistence';
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
  constructor(
    private readonly db: Database,
    private readonly subjects: SubjectRepository,
  ) {}

  async execute(): Promise<{ operatorId: string; apiKey?: string }> {
    const apiKey = generateApiKey('operator');
    // One transaction: an operator row without its role would keep the key
    // unseen forever (later starts find the row and return no key).
    const created = await this.db.transaction(async (tx) => {
      await this.subjects.upsertRole(
        {
          id: PLATFORM_OPERATOR_ROLE,
          description: 'Approves ISVs, grants flags, revokes and reinstates, reads audit',
          permissions: ['isv:approve', 'isv:grant', 'access:revoke', 'access:reinstate', 'audit:read', 'rbac:admin'],
        },
        tx.drizzle,
      );
      const inserted = await this.subjects.insertIfAbsent(
        { id: DEMO_OPERATOR_ID, kind: 'operator', displayName: 'Demo platform operator', apiKeyHash: hashApiKey(apiKey) },
        tx.drizzle,
      );
      await this.subjects.assign(DEMO_OPERATOR_ID, PLATFORM_OPERATOR_ROLE, tx.drizzle);
      return inserted;
    });
    return created ? { operatorId: DEMO_OPERATOR_ID, apiKey } : { operatorId: DEMO_OPERATOR_ID };
  }
}
