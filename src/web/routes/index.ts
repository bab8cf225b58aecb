import type { Router } from 'express';
import type { DeepLinkingServices } from '../../services/deepLinking.js';
import type { FoundationServices } from '../../services/index.js';
import type { InstructorServices } from '../../services/instructorServices.js';
import type { Clock } from '../../services/ports.js';
import type { CourseSetupServices } from '../../services/courseSetup.js';
import { clientHasher } from '../clientAddress.js';
import { courseReady } from '../courseReady.js';
import type { AudienceOf } from '../landing.js';
import { courseSetupRouter } from './courseSetup.js';
import { adminRouter } from './admin.js';
import { authoringRouter, type AuthoringServices } from './authoring.js';
import { deepLinkingRouter } from './deepLinking.js';
import { homeRouter } from './home.js';
import { instructorDashboardRouter } from './instructorDashboard.js';
import { instructorEvidenceRouter, type InstructorEvidenceServices } from './instructorEvidence.js';
import { instructorGradesRouter, type InstructorGradesServices } from './instructorGrades.js';
import { instructorAlertsRouter, type InstructorAlertServices } from './instructorAlerts.js';
import { ltiRouter } from './lti.js';
import { courseImportRouter } from './courseImport.js';
import type { CourseImportServices } from '../../services/courseImport.js';
import { registrationRouter, type RegistrationRoutesDeps } from './registration.js';
import type { ConsoleServices } from './admin.js';
import { studentRouter, type StudentServices } from './student.js';
import { privacyRouter, type PrivacyWebServices } from './privacy.js';
import { timeZoneRouter } from './timeZone.js';

/** Everything the web layer calls, built once by the composition root. */
export interface WebDeps {
  /** Sessions, launches, keys and platform registration. */
  foundation: FoundationServices;
  student: StudentServices;
  deepLinking: DeepLinkingServices;
  evidence: InstructorEvidenceServices;
  grades: InstructorGradesServices;
  instructor: InstructorServices;
  alerts: InstructorAlertServices;
  /** E-mail digests are configured (SMTP_URL): the alerts page says so. */
  digests: boolean;
  /** Course set-up (a course without content: sample units, copies, term rollover). */
  setup: CourseSetupServices;
  /** Course import (staged, previewed, committed) and export. */
  courseImport: CourseImportServices;
  authoring: AuthoringServices;
  baseUrl: string;
  cookieSecret: string;
  sessionTtlSeconds: number;
  clock: Clock;
  /**
   * Checks an admin token given by a client address (its hash): false when wrong, RateLimited while the address is
   * locked out (services/verifyAdminToken.ts).
   */
  checkAdminToken: (clientHash: string, token: string) => Promise<boolean>;
  /** Dynamic registration and the console's platform controls. */
  registration: Omit<RegistrationRoutesDeps, 'clientHash'> & ConsoleServices;
  /** Student data export and erasure, and the audit log. */
  privacy: PrivacyWebServices;
  /** Sorts launch roles into the audience that chooses a launch's first page (src/lti/roles.ts `launchAudience`). */
  audienceOf: AudienceOf;
}

/**
 * All feature routers, in the order they are mounted (each router owns distinct paths). The busiest come first:
 * Express tries every route of every router mounted before the one that matches, and a practice page or an answer
 * walked through eleven routers' routes (4 % of the tool's CPU per answer) when the student router came twelfth.
 */
export function webRouters(deps: WebDeps): Router[] {
  const session = { getSession: deps.foundation.getSession, cookieSecret: deps.cookieSecret };
  const clientHash = clientHasher(deps.cookieSecret);
  // Pages that need course content send instructors to set-up and show students a "not set up yet" page.
  const ready = courseReady(deps.setup.hasCourse);
  return [
    studentRouter({ ...session, services: deps.student, courseReady: ready }),
    ltiRouter({ services: deps.foundation, baseUrl: deps.baseUrl, cookieSecret: deps.cookieSecret, sessionTtlSeconds: deps.sessionTtlSeconds, clientHash, audienceOf: deps.audienceOf }),
    deepLinkingRouter({ ...session, services: deps.deepLinking }),
    instructorEvidenceRouter({ ...session, services: deps.evidence }),
    instructorGradesRouter({ ...session, services: deps.grades }),
    instructorDashboardRouter({ ...session, services: deps.instructor, courseReady: ready }),
    instructorAlertsRouter({ ...session, services: deps.alerts, digests: deps.digests }),
    courseSetupRouter({ ...session, services: deps.setup }),
    courseImportRouter({ ...session, services: deps.courseImport }),
    authoringRouter({ ...session, services: deps.authoring }),
    timeZoneRouter({ ...session, services: deps.foundation }),
    homeRouter({ ...session, services: deps.deepLinking, baseUrl: deps.baseUrl, audienceOf: deps.audienceOf }),
    registrationRouter({ ...deps.registration, clientHash }),
    privacyRouter({
      ...session,
      services: deps.privacy,
      clock: deps.clock,
      admin: { cookieSecret: deps.cookieSecret, clock: deps.clock, checkToken: (req, token) => deps.checkAdminToken(clientHash(req), token) },
    }),
    adminRouter({
      services: deps.foundation,
      console: deps.registration,
      baseUrl: deps.baseUrl,
      cookieSecret: deps.cookieSecret,
      clock: deps.clock,
      checkToken: (req, token) => deps.checkAdminToken(clientHash(req), token),
    }),
  ];
}
