import { describe, expect, it } from 'vitest';
import { mapRole } from '../../src/lti/nrps.js';
import { appendPath, classifyScoreRefusal } from '../../src/lti/ags.js';
import { parseLinkHeader, parseRetryAfter } from '../../src/lti/serviceClient.js';
import { LmsRejected } from '../../src/domain/errors.js';
import { backoffMs } from '../../src/services/drainOutbox.js';

describe('service client helpers', () => {
  it('parses Link relations case-insensitively, with several rels and commas inside URLs', () => {
    const links = parseLinkHeader('<https://lms/x?a=1,2&page=2>; REL="next", <https://lms/d?since=9>; rel=Differences, <https://lms/f>; rel="first last"');
    expect(links).toEqual({ next: 'https://lms/x?a=1,2&page=2', differences: 'https://lms/d?since=9', first: 'https://lms/f', last: 'https://lms/f' });
    expect(parseLinkHeader(null)).toEqual({});
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('maps LIS roles, keeping teaching assistants apart from instructors', () => {
    expect(mapRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'])).toBe('learner');
    expect(mapRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'])).toBe('instructor');
    expect(mapRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor', 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'])).toBe('teaching_assistant');
    expect(mapRole(['Instructor'])).toBe('instructor');
    expect(mapRole(['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Staff'])).toBe('other');
  });

  it('keeps query strings when appending /scores (Moodle service URLs)', () => {
    expect(appendPath('https://m/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1', 'scores')).toBe('https://m/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=1');
  });

  it('classifies refused scores into plain reasons', () => {
    const reason = (status: number, msg: string) => classifyScoreRefusal(new LmsRejected('invalid_request', status, msg)).reason;
    expect(reason(404, 'gone')).toBe('column_deleted');
    expect(reason(422, 'x')).toBe('not_a_student');
    expect(reason(400, 'POST: the LMS answered 400 (Incorrect score received).')).toBe('not_enrolled');
    expect(reason(400, 'Score timestamp not valid: older than the current result')).toBe('stale_timestamp');
  });

  it('backs off exponentially with jitter, never sooner than Retry-After', () => {
    const policy = { baseMs: 100, maxMs: 10_000, maxAttempts: 5 };
    expect(backoffMs(policy, 0, 0)).toBe(50);
    expect(backoffMs(policy, 3, 1)).toBe(800);
    expect(backoffMs(policy, 20, 1)).toBe(10_000);
    expect(backoffMs(policy, 0, 0, 2000)).toBe(2000);
  });
});
