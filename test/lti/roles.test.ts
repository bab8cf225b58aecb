import { describe, expect, it } from 'vitest';
import { launchAudience, parseRole, summariseRoles } from '../../src/lti/roles.js';

const M = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('roles', () => {
  it.each([
    [[`${M}Instructor`], true, false],
    [['Instructor'], true, false],
    [[`${M}Learner`], false, true],
    [['Learner'], false, true],
    [['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], true, false],
    [[`${M}ContentDeveloper`], true, false],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], true, false],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student'], false, false],
    [['urn:lti:role:ims/lis/Instructor'], true, false],
    [['http://example.com/unknown#Wizard'], false, false],
    [[], false, false],
    [[`${M}Learner`, `${M}Instructor`], true, true],
  ])('%j → instructor %s, learner %s', (roles, isInstructor, isLearner) => {
    expect(summariseRoles(roles)).toEqual({ isInstructor, isLearner });
  });

  it('splits sub-roles', () => {
    expect(parseRole('http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant')).toEqual({
      vocabulary: 'membership',
      name: 'Instructor',
      subRole: 'TeachingAssistant',
    });
  });

  it.each([
    [[`${M}Instructor`], 'staff'],
    [['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], 'staff'],
    [[`${M}Learner`, `${M}Instructor`], 'staff'],
    [[`${M}Learner`], 'learner'],
    [[`${M}Learner`, 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], 'learner'],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], 'administrator'],
    [['http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin'], 'administrator'],
    [[`${M}Mentor`], 'other'],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student'], 'other'],
    [[], 'other'],
  ])('%j lands as %s', (roles, audience) => {
    expect(launchAudience(roles)).toBe(audience);
  });
});
