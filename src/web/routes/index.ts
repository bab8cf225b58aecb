import type { Router } from 'express';
import type { DeepLinkingServices } from '../../services/deepLinking.js';
import type { FoundationServices } from '../../services/index.js';
import type { InstructorServices } from '../../services/instructorServices.js';
import type { Clock } from '../../services/ports.js';
import { clientHasher } from '../clientAddress.js';
import { adminRouter } from './admin.js';
import { deepLinkingRouter } from './deepLinking.js';
import { homeRouter } from './home.js';
import { instructorDashboardRouter } from './instructorDashboard.js';
import { instructorEvidenceRouter, type InstructorEvidenceServices } from './instructorEvidence.js';
import { instructorGradesRouter, type InstructorGradesServices } from './instructorGrades.js';
import { ltiRouter } from './lti.js';
import { studentRouter, type StudentServices } from './student.js';
import { privacyRouter, type PrivacyWebServices } from './privacy.js';

/** Everything the web layer calls, built once by the composition root. */
export interface WebDeps {
  /** Sessions, launches, keys and platform registration. */
  foundation: FoundationServices;
  student: StudentServices;
  deepLinking: DeepLinkingServices;
  evidence: InstructorEvidenceServices;
  grades: InstructorGradesServices;
  instructor: InstructorServices;
  baseUrl: string;
  cookieSecret: string;
  sessionTtlSeconds: number;
  clock: Clock;
  /**
   * Checks an admin token given by a client address (its hash): false when wrong, RateLimited while the address is
   * locked out (services/verifyAdminToken.ts).
   */
  checkAdminToken: (clientHash: string, token: string) => Promise<boolean>;
  /** Student data export and erasure, and the audit log. */
  privacy: PrivacyWebServices;
}

/** All feature routers, in the order they are mounted (each router owns distinct paths). */
export function webRouters(deps: WebDeps): Router[] {
  const session = { getSession: deps.foundation.getSession, cookieSecret: deps.cookieSecret };
  const clientHash = clientHasher(deps.cookieSecret);
  return [
    deepLinkingRouter({ ...session, services: deps.deepLinking }),
    instructorEvidenceRouter({ ...session, services: deps.evidence }),
    instructorGradesRouter({ ...session, services: deps.grades }),
    instructorDashboardRouter({ ...session, services: deps.instructor }),
    ltiRouter({ services: deps.foundation, baseUrl: deps.baseUrl, cookieSecret: deps.cookieSecret, sessionTtlSeconds: deps.sessionTtlSeconds, clientHash }),
    homeRouter({ ...session, services: deps.deepLinking }),
    studentRouter({ ...session, services: deps.student }),
    privacyRouter({
      ...session,
      services: deps.privacy,
      clock: deps.clock,
      admin: { cookieSecret: deps.cookieSecret, clock: deps.clock, checkToken: (req, token) => deps.checkAdminToken(clientHash(req), token) },
    }),
    adminRouter({
      services: deps.foundation,
      baseUrl: deps.baseUrl,
      cookieSecret: deps.cookieSecret,
      clock: deps.clock,
      checkToken: (req, token) => deps.checkAdminToken(clientHash(req), token),
    }),
  ];
}
