/**
 * The grade-sync ledger an instructor sees: per student and line item the last value sent, when, the
 * status and, for failures, the reason in plain words.
 */
import { translator, type Translate } from '../i18n/index.js';
import type { GradeOutboxRepo, LedgerEntry } from './servicePorts.js';

/** Failure reasons that have their own words in the catalogue (`grades.failure.*`). */
const KNOWN_FAILURES = ['not_enrolled', 'not_a_student', 'column_deleted', 'lms_unreachable', 'stale_timestamp', 'not_authorized', 'no_service', 'invalid_request', 'url_untrusted', 'no_column'] as const;

/** Plain-language text for a failure reason (ledger, logs), from the message catalogue. */
export function describeFailure(reason: string | null, t: Translate = translator()): string {
  if (reason === null || reason === undefined) return '';
  const known = KNOWN_FAILURES.find((k) => k === reason);
  return known ? t(`grades.failure.${known}`) : t('grades.failure.other', { reason });
}

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
