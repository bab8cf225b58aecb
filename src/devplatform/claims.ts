import { DEFAULT_RESOURCE_LINK, SCOPES, platformEndpoints, toolEndpoints, type Ctx } from './context.js';
import type { DevUser } from './people.js';

/** The LTI claim names (LTI 1.3 core §5, Deep Linking 2.0 §4.4, AGS §3.1, NRPS §3.6). */
export const CLAIM = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  toolPlatform: 'https://purl.imsglobal.org/spec/lti/claim/tool_platform',
  launchPresentation: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  forUser: 'https://purl.imsglobal.org/spec/lti/claim/for_user',
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  dlData: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  dlMsg: 'https://purl.imsglobal.org/spec/lti-dl/claim/msg',
  dlErrorMsg: 'https://purl.imsglobal.org/spec/lti-dl/claim/errormsg',
  dlLog: 'https://purl.imsglobal.org/spec/lti-dl/claim/log',
  dlErrorLog: 'https://purl.imsglobal.org/spec/lti-dl/claim/errorlog',
} as const;

/** What a launch is about. */
export interface LaunchInput {
  user: DevUser;
  nonce: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest' | 'LtiSubmissionReviewRequest';
  /** Submission Review: the student whose work is reviewed. */
  forUserId?: string;
  resourceLink?: { id: string; title: string; description?: string | null; custom?: Record<string, string>; lineItemId?: number | null };
  /** Opaque value echoed back in the Deep Linking response (`data`). */
  deepLinkData?: string;
}

/** Builds a complete, valid id_token claim set for a launch (iss, aud, sub, iat, exp, nonce, azp and the LTI claims). */
export function buildLaunchClaims(ctx: Ctx, input: LaunchInput): Record<string, unknown> {
  const mode = ctx.mode();
  const ep = platformEndpoints(ctx.url, ctx.courseId, ctx.pageUrl);
  const tool = toolEndpoints(ctx.toolUrl);
  const iat = Math.floor(ctx.now() / 1000);
  const { user } = input;
  const link = input.resourceLink ?? { id: DEFAULT_RESOURCE_LINK, title: 'Masterly' };
  const claims: Record<string, unknown> = {
    iss: ctx.url,
    aud: ctx.clientId,
    azp: ctx.clientId,
    sub: user.id,
    iat,
    exp: iat + 300,
    nonce: input.nonce,
    [CLAIM.messageType]: input.messageType,
    [CLAIM.version]: '1.3.0',
    [CLAIM.deploymentId]: ctx.deploymentId,
    [CLAIM.targetLinkUri]: tool.launch,
    [CLAIM.roles]: [...user.roles],
    [CLAIM.context]: {
      id: ctx.courseId,
      label: ctx.course.label,
      title: ctx.course.title,
      type: [mode === 'moodle' ? 'CourseSection' : 'http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'],
    },
    [CLAIM.toolPlatform]: {
      guid: `${ctx.url.replace(/^https?:\/\//, '')}`,
      name: 'Masterly emulator',
      product_family_code: mode === 'generic' ? 'masterly-devplatform' : mode,
      version: '1.0',
    },
    [CLAIM.launchPresentation]: {
      document_target: 'iframe',
      return_url: `${ep.returnUrl}?launch=${encodeURIComponent(link.id)}`,
      locale: user.locale ?? 'en',
    },
    [CLAIM.custom]: {
      ...(link.custom ?? {}),
      ...(mode === 'canvas'
        ? {
            canvas_course_id: ctx.courseId,
            canvas_user_id: user.id,
            canvas_api_domain: new URL(ctx.pageUrl).host,
            // `$Canvas.course.previousContextIds`: the courses this one was copied from, comma-separated ("" when none).
            canvas_previous_context_ids: ctx.course.copiedFrom.join(','),
          }
        : {}),
    },
    [CLAIM.ags]:
      ctx.agsMode() === 'sync_only'
        ? { scope: [SCOPES.score], ...(link.lineItemId ? { lineitem: `${ep.lineItems}/${link.lineItemId}` } : {}) }
        : {
            scope: [SCOPES.lineItem, SCOPES.lineItemReadonly, SCOPES.resultReadonly, SCOPES.score],
            lineitems: ep.lineItems,
            ...(link.lineItemId ? { lineitem: `${ep.lineItems}/${link.lineItemId}` } : {}),
          },
    [CLAIM.nrps]: { context_memberships_url: ep.memberships, service_versions: ['2.0'] },
  };
  const grants = ctx.tool?.();
  if (grants && !grants.services) {
    // Installed without the grades and roster services (Moodle's form defaults): no AGS or NRPS claims.
    delete claims[CLAIM.ags];
    delete claims[CLAIM.nrps];
  }
  if (grants && !grants.names) return finish(ctx, mode, claims, input, link, tool.launch, ep);
  if (user.name) {
    claims.name = user.name;
    claims.given_name = user.givenName;
    claims.family_name = user.familyName;
  }
  if (user.email) claims.email = user.email;
  return finish(ctx, mode, claims, input, link, tool.launch, ep);
}

/** The message-specific claims (resource link or deep linking settings) and Canvas's extras. */
function finish(
  ctx: Ctx,
  mode: string,
  claims: Record<string, unknown>,
  input: LaunchInput,
  link: NonNullable<LaunchInput['resourceLink']>,
  launchUrl: string,
  ep: ReturnType<typeof platformEndpoints>,
): Record<string, unknown> {
  if (input.messageType !== 'LtiDeepLinkingRequest') {
    claims[CLAIM.resourceLink] = {
      id: link.id,
      title: link.title,
      ...(mode === 'moodle' ? { description: link.description ?? '' } : {}),
    };
    if (input.messageType === 'LtiSubmissionReviewRequest' && input.forUserId) {
      const student = ctx.roster.get(input.forUserId);
      claims[CLAIM.forUser] = { user_id: input.forUserId, ...(student?.name ? { name: student.name } : {}), roles: [...(student?.roles ?? [])] };
    }
  } else {
    claims[CLAIM.targetLinkUri] = launchUrl;
    claims[CLAIM.deepLinkingSettings] = {
      deep_link_return_url: ep.deepLinkReturn,
      accept_types: ['ltiResourceLink'],
      accept_presentation_document_targets: ['iframe', 'window'],
      accept_media_types: 'application/vnd.ims.lti.v1.ltilink',
      // Some Moodle versions send these booleans as strings.
      accept_multiple: mode === 'moodle' && ctx.quirks.stringBooleans ? 'true' : true,
      auto_create: mode === 'moodle' && ctx.quirks.stringBooleans ? 'true' : true,
      title: 'Masterly content',
      text: 'Choose what to add to Fractions 101',
      ...(input.deepLinkData ? { data: input.deepLinkData } : {}),
    };
  }
  if (mode === 'canvas') {
    claims['https://purl.imsglobal.org/spec/lti/claim/lis'] = { person_sourcedid: null, course_offering_sourcedid: null };
    claims['https://www.instructure.com/placement'] = input.messageType === 'LtiDeepLinkingRequest' ? 'assignment_selection' : 'course_navigation';
  }
  return claims;
}
