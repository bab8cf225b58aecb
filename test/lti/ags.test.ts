import { describe, expect, it } from 'vitest';
import { agsGrants, AGS_SCOPES } from '../../src/lti/ags.js';
import { TOOL_SCOPES } from '../../src/lti/tool.js';

const LINEITEMS = 'https://lms.example/api/lti/courses/1/line_items';

describe('AGS capabilities', () => {
  it("grants 'grades' only with the line items container and the lineitem and score scopes", () => {
    const full = { scope: [AGS_SCOPES.lineItem, AGS_SCOPES.score, AGS_SCOPES.resultReadonly], lineitems: LINEITEMS };
    expect(agsGrants(full, 'grades')).toBe(true);
    expect(agsGrants({ ...full, scope: [AGS_SCOPES.lineItem] }, 'grades')).toBe(false);
    expect(agsGrants({ ...full, scope: [AGS_SCOPES.lineItemReadonly, AGS_SCOPES.score] }, 'grades')).toBe(false);
    expect(agsGrants({ scope: full.scope }, 'grades')).toBe(false);
    expect(agsGrants(null, 'grades')).toBe(false);
  });

  it('asks platforms for every scope it uses', () => {
    expect(TOOL_SCOPES).toEqual(expect.arrayContaining([AGS_SCOPES.lineItem, AGS_SCOPES.score, AGS_SCOPES.resultReadonly]));
    expect(TOOL_SCOPES.some((s) => s.endsWith('/lti-nrps/scope/contextmembership.readonly'))).toBe(true);
  });
});
