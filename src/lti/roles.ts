/**
 * LTI 1.3 roles: full URIs, the deprecated short names (`Instructor`) and LTI 1.1 URNs are all accepted;
 * unknown roles are kept and ignored.
 *
 * @see https://www.imsglobal.org/spec/lti/v1p3#role-vocabularies
 */

import type { LaunchAudience } from '../services/ports.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

/** A role split into its vocabulary, name and optional sub-role. */
export interface ParsedRole {
  vocabulary: 'membership' | 'institution' | 'system' | 'unknown';
  name: string;
  subRole?: string;
}

/** Parses one role string. */
export function parseRole(role: string): ParsedRole {
  if (role.startsWith(LIS)) {
    const rest = role.slice(LIS.length); // e.g. membership#Instructor, membership/Instructor#TeachingAssistant
    const m = /^(membership|institution\/person|system\/person)(?:\/([^#]+))?#(.+)$/.exec(rest);
    if (m) {
      const vocabulary = m[1] === 'membership' ? 'membership' : m[1] === 'institution/person' ? 'institution' : 'system';
      const [, , parent, name = rest] = m;
      return parent ? { vocabulary, name: parent, subRole: name } : { vocabulary, name };
    }
    return { vocabulary: 'unknown', name: role };
  }
  const urn = /^urn:lti:(role|instrole|sysrole):ims\/lis\/([^/]+)(?:\/(.+))?$/.exec(role);
  if (urn) {
    const vocabulary = urn[1] === 'role' ? 'membership' : urn[1] === 'instrole' ? 'institution' : 'system';
    const [, , name = role, subRole] = urn;
    return subRole ? { vocabulary, name, subRole } : { vocabulary, name };
  }
  // Short names are context (membership) roles.
  if (/^[A-Za-z]+$/.test(role)) return { vocabulary: 'membership', name: role };
  return { vocabulary: 'unknown', name: role };
}

const TEACHING = new Set(['Instructor', 'ContentDeveloper', 'Administrator', 'TeachingAssistant']);

/** A teaching membership role in the course (TA sub-roles included). */
const teaches = (r: ParsedRole): boolean => r.vocabulary === 'membership' && (TEACHING.has(r.name) || (r.subRole !== undefined && TEACHING.has(r.subRole)));
/** The membership Learner role (or its short name Student). */
const learns = (r: ParsedRole): boolean => r.vocabulary === 'membership' && (r.name === 'Learner' || r.name === 'Student');

/** What Masterly needs to know about a person's roles in a course. */
export interface RoleSummary {
  isInstructor: boolean;
  isLearner: boolean;
}

/** Instructor = teaching membership roles (incl. TA sub-roles) or institution administrator; learner = membership Learner. */
export function summariseRoles(roles: readonly string[]): RoleSummary {
  let isInstructor = false;
  let isLearner = false;
  for (const r of roles.map(parseRole)) {
    if (teaches(r) || (r.vocabulary === 'institution' && r.name === 'Administrator')) isInstructor = true;
    if (learns(r)) isLearner = true;
  }
  return { isInstructor, isLearner };
}

/**
 * An LMS administrator: the institution or system Administrator role (also SysAdmin), as Canvas and Moodle send it to
 * site administrators. Such a launch may manage its own platform in the Masterly console (docs/decisions/0017).
 */
export function isLmsAdministrator(roles: readonly string[]): boolean {
  return roles.map(parseRole).some((r) => (r.vocabulary === 'institution' || r.vocabulary === 'system') && (r.name === 'Administrator' || r.name === 'SysAdmin'));
}

/**
 * Who a launch is for, to choose its first page: course staff (a teaching membership role, TAs included), a learner
 * (membership Learner, no teaching role), an LMS administrator with neither, or someone else (Mentor, Guest, none).
 */
export function launchAudience(roles: readonly string[]): LaunchAudience {
  const parsed = roles.map(parseRole);
  if (parsed.some(teaches)) return 'staff';
  if (parsed.some(learns)) return 'learner';
  return isLmsAdministrator(roles) ? 'administrator' : 'other';
}
