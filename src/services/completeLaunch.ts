import { languageFor, launchLocale } from '../i18n/index.js';
import type { Clock, LaunchInput, LaunchRepo, LtiTool, VerifiedLaunch } from './ports.js';

/** What completing a launch needs. */
export interface CompleteLaunchDeps {
  lti: LtiTool;
  launches: LaunchRepo;
  clock: Clock;
  newId: () => string;
  sessionTtlSeconds: number;
  /** What runs after the session is open, in order (composed in src/compose.ts). */
  afterLaunch?: readonly AfterLaunchStep[];
}

/**
 * A step after a launch opened its session (the course's demo content, a roster refresh). A step in the
 * `background` is not awaited: it must handle its own failures (the launch has answered by then); any other step
 * finishes before the launch answers, and its failure fails the launch.
 */
export interface AfterLaunchStep {
  name: string;
  background?: boolean;
  run(done: CompletedLaunch): Promise<void>;
}

/** A launch that passed every check and opened a session. */
export interface CompletedLaunch {
  sessionId: string;
  /** Our row ids for the user and the course (null without a context), for follow-up work without another query. */
  userId: string;
  contextId: string | null;
  /**
   * Whether the course has content: as the launch's record found it, and set by a step that adds content (the demo
   * course). The launch lands course staff of a course without content on its set-up page.
   */
  courseHasContent: boolean;
  expiresAt: number;
  launch: VerifiedLaunch;
}

/**
 * Verifies the posted id_token (ordered checks, state consumed once) and records the launch: user, course,
 * enrollment and a session bound to user + context + deployment, in one statement on PostgreSQL.
 */
export async function completeLaunch(deps: CompleteLaunchDeps, input: LaunchInput): Promise<CompletedLaunch> {
  const launch = await deps.lti.verifyLaunch(input);
  const at = deps.clock.now();
  const expiresAt = at + deps.sessionTtlSeconds * 1000;
  const recorded = await deps.launches.record({
    sessionId: deps.newId(),
    userId: deps.newId(),
    contextRowId: deps.newId(),
    launch,
    at,
    expiresAt,
    // The course's language defaults to the locale of its first instructor launch (recorded with the launch).
    courseLanguage: launch.isInstructor && launch.context ? languageFor(launchLocale(launch.extra)) : null,
  });
  const done = { ...recorded, expiresAt, launch };
  for (const step of deps.afterLaunch ?? []) {
    if (step.background) void step.run(done);
    else await step.run(done);
  }
  return done;
}
