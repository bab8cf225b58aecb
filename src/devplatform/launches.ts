import { SignJWT } from 'jose';
import { buildLaunchClaims } from './claims.js';
import { DEFAULT_RESOURCE_LINK, STORAGE_FRAME, platformStorageOf, toolEndpoints, type Ctx } from './context.js';
import { isInstructor } from './people.js';

/** A launch the course page (or a test) intends: its id travels as `lti_message_hint`. */
export interface LaunchIntent {
  id: string;
  userId: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest' | 'LtiSubmissionReviewRequest';
  resourceLinkId: string | null;
  /** Submission Review: the student whose work is reviewed (`for_user`). */
  forUserId?: string | null;
}

/** Thrown for a launch the platform refuses; `code` names the reason. */
export class PlatformError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** Records a launch intent and returns the third-party login initiation URL (the iframe src). */
export async function createLaunch(
  ctx: Ctx,
  input: { userId: string; messageType?: LaunchIntent['messageType']; resourceLinkId?: string; forUserId?: string },
): Promise<{ intent: LaunchIntent; loginUrl: string; loginParams: Record<string, string> }> {
  const user = ctx.roster.get(input.userId);
  if (!user || user.status === 'Deleted') throw new PlatformError('unknown_user', 'No such person in this course', 404);
  if (ctx.tool?.().pending) throw new PlatformError('tool_pending', 'The tool is pending: activate it under Manage tools first', 409);
  const messageType = input.messageType ?? 'LtiResourceLinkRequest';
  if (messageType === 'LtiDeepLinkingRequest' && !isInstructor(user)) {
    throw new PlatformError('not_instructor', 'Only instructors can add content', 403);
  }
  // Submission Review ("review" in the gradebook, Moodle's Grade analysis): staff only, about one student's work.
  if (messageType === 'LtiSubmissionReviewRequest') {
    const student = input.forUserId ? ctx.roster.get(input.forUserId) : undefined;
    if (!student) throw new PlatformError('unknown_user', 'No such student to review', 404);
  }
  const resourceLinkId = messageType !== 'LtiDeepLinkingRequest' ? (input.resourceLinkId ?? DEFAULT_RESOURCE_LINK) : null;
  if (resourceLinkId) {
    const link = await ctx.db.selectFrom('dp_resource_links').select('id').where('id', '=', resourceLinkId).executeTakeFirst();
    if (!link) throw new PlatformError('unknown_resource_link', 'No such resource link', 404);
  }
  const forUserId = messageType === 'LtiSubmissionReviewRequest' ? (input.forUserId ?? null) : null;
  const intent: LaunchIntent = { id: ctx.randomId(), userId: user.id, messageType, resourceLinkId, forUserId };
  await ctx.db
    .insertInto('dp_launches')
    .values({ id: intent.id, user_id: intent.userId, message_type: messageType, resource_link_id: resourceLinkId, created_at: ctx.now(), for_user_id: forUserId })
    .execute();
  return { intent, ...loginUrlFor(ctx, intent) };
}

/** The third-party login initiation request for an intent: the parameters an LMS puts in the iframe src. */
export function loginUrlFor(ctx: Ctx, intent: LaunchIntent): { loginUrl: string; loginParams: Record<string, string> } {
  const tool = toolEndpoints(ctx.toolUrl);
  const loginParams: Record<string, string> = {
    iss: ctx.url,
    login_hint: intent.userId,
    target_link_uri: tool.launch,
    lti_message_hint: intent.id,
    client_id: ctx.clientId,
  };
  if (ctx.mode() === 'canvas') {
    // Canvas names it deployment_id (not lti_deployment_id) and adds its region, environment and storage target.
    loginParams.deployment_id = ctx.deploymentId;
    loginParams.canvas_region = 'us-east-1';
    loginParams.canvas_environment = 'prod';
  } else {
    loginParams.lti_deployment_id = ctx.deploymentId;
  }
  if (platformStorageOf(ctx) !== 'none') loginParams.lti_storage_target = STORAGE_FRAME;
  return { loginUrl: `${tool.login}?${new URLSearchParams(loginParams).toString()}`, loginParams };
}

/** Loads an intent by its message hint. */
export async function findLaunch(ctx: Ctx, id: string): Promise<LaunchIntent | undefined> {
  const row = await ctx.db.selectFrom('dp_launches').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? { id: row.id, userId: row.user_id, messageType: row.message_type as LaunchIntent['messageType'], resourceLinkId: row.resource_link_id, forUserId: row.for_user_id }
    : undefined;
}

/** Builds and signs the id_token for an intent. */
export async function idTokenFor(ctx: Ctx, intent: LaunchIntent, nonce: string): Promise<string> {
  const user = ctx.roster.get(intent.userId);
  if (!user) throw new PlatformError('unknown_user', 'No such person in this course', 404);
  let resourceLink;
  if (intent.resourceLinkId) {
    const row = await ctx.db.selectFrom('dp_resource_links').selectAll().where('id', '=', intent.resourceLinkId).executeTakeFirst();
    if (!row) throw new PlatformError('unknown_resource_link', 'No such resource link', 404);
    resourceLink = {
      id: row.id,
      title: row.title,
      description: row.description,
      custom: JSON.parse(row.custom) as Record<string, string>,
      lineItemId: row.line_item_id,
    };
  }
  const claims = buildLaunchClaims(ctx, {
    user,
    nonce,
    messageType: intent.messageType,
    ...(resourceLink ? { resourceLink } : {}),
    ...(intent.messageType === 'LtiDeepLinkingRequest' ? { deepLinkData: intent.id } : {}),
    ...(intent.forUserId ? { forUserId: intent.forUserId } : {}),
  });
  return signWithPlatformKey(ctx, claims);
}

/** Signs claims RS256 with the platform key and its kid. */
export function signWithPlatformKey(ctx: Ctx, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: ctx.key.kid, typ: 'JWT' }).sign(ctx.key.privateKey);
}
