/**
 * The grade-sync ledger an instructor sees: per student and line item the last value sent, when, the
 * status and, for failures, the reason in plain words.
 */
import { describeFailure, type GradeOutboxRepo, type LedgerEntry } from './servicePorts.js';

export interface LedgerLine extends LedgerEntry {
  /** Plain-language failure reason ('' when none). */
  reasonText: string;
}

/** Lists the ledger of a context, failures first. */
export async function listGradeLedger(deps: { outbox: GradeOutboxRepo }, input: { contextId: string }): Promise<LedgerLine[]> {
  const rows = await deps.outbox.ledger(input.contextId);
  const rank = { failed: 0, pending: 1, sent: 2 } as const;
  return rows
    .map((r) => ({ ...r, reasonText: describeFailure(r.status === 'failed' ? r.failureReason : null) }))
    .sort((a, b) => rank[a.status] - rank[b.status]);
}
