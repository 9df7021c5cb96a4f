import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '@latchkey/persistence';

/** A stored checkpoint. */
export interface StoredCheckpoint {
  readonly treeSize: number;
  readonly headHash: string;
  /** The compact JWS (`lk-audit-checkpoint+jwt`). */
  readonly token: string;
  readonly createdAt: Date;
}

interface CheckpointRow extends Record<string, unknown> {
  tree_size: string | number;
  head_hash: string;
  token: string;
  created_at: Date;
}

const fromRow = (row: CheckpointRow): StoredCheckpoint => ({
  treeSize: Number(row.tree_size),
  headHash: row.head_hash,
  token: row.token,
  createdAt: new Date(row.created_at),
});

/** The signed checkpoints of the chain, in signing order (append only, like the chain). */
@Injectable()
export class AuditCheckpointRepository {
  constructor(private readonly db: Database) {}

  /** The last checkpoint signed, as `tx` sees it (under the chain's lock, so checkpoints are written one at a time). */
  async latest(tx: Pick<Database, 'query'> = this.db): Promise<StoredCheckpoint | undefined> {
    const [row] = await tx.query<CheckpointRow>('SELECT tree_size, head_hash, token, created_at FROM audit.checkpoints ORDER BY seq DESC LIMIT 1');
    return row ? fromRow(row) : undefined;
  }

  async append(tx: Transaction, checkpoint: Omit<StoredCheckpoint, 'createdAt'>): Promise<void> {
    await tx.query('INSERT INTO audit.checkpoints (tree_size, head_hash, token) VALUES ($1, $2, $3)', [checkpoint.treeSize, checkpoint.headHash, checkpoint.token]);
  }

  /** Every checkpoint, oldest first (for verification). */
  async all(): Promise<StoredCheckpoint[]> {
    return (await this.db.query<CheckpointRow>('SELECT tree_size, head_hash, token, created_at FROM audit.checkpoints ORDER BY seq')).map(fromRow);
  }
}
