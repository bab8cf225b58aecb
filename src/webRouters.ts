/**
 * The web process's feature routers, built from the composed services — the ONE place routers are constructed
 * (src/main.ts mounts what this returns, in order).
 */
import type { Router } from 'express';
import type { Composition } from './compose.js';
import { adminRouter } from './web/routes/admin.js';
import { homeRouter } from './web/routes/home.js';
import { ltiRouter } from './web/routes/lti.js';
import { deepLinkingRouter } from './web/deepLinking.js';
import { instructorDashboardRouter } from './web/instructorDashboard.js';
import { instructorEvidenceRouter } from './web/instructorEvidence.js';
import { instructorGradesRouter } from './web/instructorGrades.js';
import { studentRouter } from './web/studentRoutes.js';
import { clientHasher } from './web/clientAddress.js';

/** Every feature router, in mounting order. */
export function webRouters(c: Composition): Router[] {
  const { config, services, engine } = c;
  const session = { getSession: services.getSession, cookieSecret: c.secrets.cookieSecret };
  const clientHash = clientHasher(c.secrets.cookieSecret);
  return [
    deepLinkingRouter({ ...session, services: c.deepLinking }),
    instructorEvidenceRouter({ ...session, services: c.lmsEvidence }),
    instructorGradesRouter({ ...session, services: c.grades }),
    instructorDashboardRouter({ ...session, services: c.instructor }),
    ltiRouter({ services, baseUrl: config.BASE_URL, cookieSecret: c.secrets.cookieSecret, sessionTtlSeconds: config.SESSION_TTL_SECONDS, clientHash }),
    homeRouter(session),
    studentRouter({
      ...session,
      services: { ...engine, ...(config.DEMO ? { ensureCourse: async (contextId: string) => void (await engine.ensureDemoCourse(contextId)) } : {}) },
    }),
    adminRouter({
      services,
      baseUrl: config.BASE_URL,
      cookieSecret: c.secrets.cookieSecret,
      clock: c.clock,
      checkToken: (req, token) => c.checkAdminToken(clientHash(req), token),
    }),
  ];
}
