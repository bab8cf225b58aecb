/**
 * E-mail digests of instructor alerts (scheduled in src/jobs/schedules.ts; only when SMTP_URL is set).
 */
import { z } from 'zod';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/compose.ts). */
export interface AlertDigestServices {
  sendAlertDigests(): Promise<{ sent: number; failed: number }>;
}

/** Sends each instructor the alerts no digest has reported yet. Idempotent: a second run finds nothing new. */
export const alertDigestJob = defineJob({
  name: 'alert-digest',
  payload: z.object({}),
  key: () => 'alert-digest',
  perform: (services: AlertDigestServices) => services.sendAlertDigests(),
});
