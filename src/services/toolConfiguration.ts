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
    custom_fields: {
      canvas_course_id: '$Canvas.course.id',
      canvas_user_id: '$Canvas.user.id',
      canvas_api_domain: '$Canvas.api.domain',
      canvas_previous_context_ids: '$Canvas.course.previousContextIds',
    },
  };
}
