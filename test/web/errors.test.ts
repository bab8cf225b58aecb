import { describe, expect, it } from 'vitest';
import { AppError, LmsRejected, LmsUnavailable } from '../../src/domain/errors.js';
import { translator } from '../../src/i18n/index.js';
import { presentError, STATUS } from '../../src/web/errors.js';

describe('LMS errors', () => {
  it('are domain errors with stable codes, answered through the one status map', () => {
    const refused = new LmsRejected('not_authorized', 403, 'The LMS refused our credentials.');
    const down = new LmsUnavailable('The LMS did not answer.', 503, 2_000);
    expect(refused).toBeInstanceOf(AppError);
    expect(down).toBeInstanceOf(AppError);
    expect(presentError(refused, 'r1')).toMatchObject({ status: STATUS.ERR_LMS_REJECTED, code: 'ERR_LMS_REJECTED' });
    // The page says it from the catalogue (the English constructor message, with the LMS's own words, is for the log).
    expect(presentError(refused, 'r1').message).toBe(translator()('errors.lmsRefused', { status: 403 }));
    expect(presentError(down, 'r2')).toMatchObject({ status: STATUS.ERR_LMS_UNAVAILABLE, code: 'ERR_LMS_UNAVAILABLE' });
    expect(refused.details).toEqual({ reason: 'not_authorized', status: 403 });
    expect(down.details).toEqual({ status: 503, retryAfterMs: 2_000 });
  });

  it('has no status for ERR_NOT_ENROLLED, which nothing throws', () => {
    expect(Object.keys(STATUS)).not.toContain('ERR_NOT_ENROLLED');
  });
});
