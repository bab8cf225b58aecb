/**
 * What an LMS administrator pastes to register Masterly, and Canvas's JSON configuration.
 *
 * @see https://canvas.instructure.com/doc/api/file.lti_dev_key_config.html
 */

/** The tool's LTI URLs, derived from BASE_URL. */
export interface ToolUrls {
  loginUrl: string;
  redirectUri: string;
  targetLinkUri: string;
  jwksUrl: string;
  canvasConfigUrl: string;
}

/** LTI URLs from the public base URL (no trailing slash). */
export const toolUrls = (baseUrl: string): ToolUrls => ({
  loginUrl: `${baseUrl}/lti/login`,
  redirectUri: `${baseUrl}/lti/launch`,
  targetLinkUri: `${baseUrl}/lti/launch`,
  jwksUrl: `${baseUrl}/.well-known/jwks.json`,
  canvasConfigUrl: `${baseUrl}/lti/config/canvas.json`,
});

/** Canvas Developer Key JSON configuration; `scopes` are the tool's (LtiTool.scopes: src/lti knows them). */
export function canvasConfiguration(baseUrl: string, scopes: readonly string[]): Record<string, unknown> {
  const urls = toolUrls(baseUrl);
  return {
    title: 'Masterly',
    description: 'Mastery learning: objectives, practice and mastery-based grades.',
    oidc_initiation_url: urls.loginUrl,
    target_link_uri: urls.targetLinkUri,
    scopes,
    extensions: [
      {
        domain: new URL(baseUrl).host,
        tool_id: 'masterly',
        platform: 'canvas.instructure.com',
        privacy_level: 'public',
        settings: {
          text: 'Masterly',
          placements: [
            { placement: 'course_navigation', message_type: 'LtiResourceLinkRequest', target_link_uri: urls.targetLinkUri, text: 'Masterly' },
            { placement: 'link_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: urls.targetLinkUri, text: 'Masterly' },
          ],
        },
      },
    ],
    public_jwk_url: urls.jwksUrl,
    // canvas_api_domain: the school's Canvas host, which frames the tool (CSP frame-ancestors, services/frameAncestors.ts).
    // canvas_previous_context_ids: the courses a course was copied from, offered at set-up (term rollover, services/courseSetup.ts).
    // canvas_user_timezone: the person's time zone in Canvas, the first guess for showing times (web/session.ts readerTimeZone).
    custom_fields: {
      canvas_course_id: '$Canvas.course.id',
      canvas_user_id: '$Canvas.user.id',
      canvas_api_domain: '$Canvas.api.domain',
      canvas_previous_context_ids: '$Canvas.course.previousContextIds',
      canvas_user_timezone: '$Person.address.timezone',
    },
  };
}

/** The dynamic registration URL an administrator pastes into the LMS (Moodle: "Tool URL", Canvas: "Dynamic Registration URL"). */
export const registrationUrl = (baseUrl: string): string => `${baseUrl}/lti/register`;

/** Claims Masterly asks the platform to share (names make the roster and dashboards readable). */
export const TOOL_CLAIMS = ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'] as const;

/**
 * The client registration Masterly POSTs to the platform: an OpenID client with the LTI tool configuration —
 * resource link launches from the course navigation, and deep linking for link and assignment selection (Canvas
 * placements; Moodle reads the messages), Canvas's privacy level "public" (names and email, as TOOL_CLAIMS).
 *
 * @see https://www.imsglobal.org/spec/lti-dr/v1p0#tool-configuration
 * @see https://canvas.instructure.com/doc/api/file.registration.html
 */
export function toolRegistrationRequest(baseUrl: string, scopes: readonly string[], canvas: boolean): Record<string, unknown> {
  const urls = toolUrls(baseUrl);
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.loginUrl,
    redirect_uris: [urls.redirectUri],
    client_name: 'Masterly',
    jwks_uri: urls.jwksUrl,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: scopes.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(baseUrl).host,
      description: 'Mastery learning: objectives, practice and mastery-based grades.',
      target_link_uri: urls.targetLinkUri,
      // Canvas substitutes its variables; other platforms would send the text as is.
      ...(canvas
        ? {
            custom_parameters: {
              canvas_course_id: '$Canvas.course.id',
              canvas_user_id: '$Canvas.user.id',
              canvas_api_domain: '$Canvas.api.domain',
              // Term rollover: the courses this one was copied from (set-up offers their content).
              canvas_previous_context_ids: '$Canvas.course.previousContextIds',
            },
          }
        : {}),
      claims: [...TOOL_CLAIMS],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: urls.targetLinkUri, label: 'Masterly', placements: ['course_navigation'], 'https://canvas.instructure.com/lti/course_navigation/default_enabled': true },
        { type: 'LtiDeepLinkingRequest', target_link_uri: urls.targetLinkUri, label: 'Masterly', placements: ['link_selection', 'assignment_selection', 'ContentArea'] },
        // Moodle's "Grade analysis" opens a student's work (Submission Review); Canvas registrations list only placements.
        ...(canvas ? [] : [{ type: 'LtiSubmissionReviewRequest', target_link_uri: urls.targetLinkUri, label: 'Masterly' }]),
      ],
      'https://canvas.instructure.com/lti/privacy_level': 'public',
      'https://canvas.instructure.com/lti/tool_id': 'masterly',
    },
  };
}
