import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n/index.js';
import type { InstructorDashboard } from '../../src/services/instructorDashboard.js';
import { GRID_PAGE_SIZE, dashboardOptions, presentDashboard } from '../../src/web/presenters/instructorDashboard.js';

const t = translator('en');
const dashboard = (n: number): InstructorDashboard =>
  ({
    course: { title: 'Big class', threshold: 0.95 },
    objectives: [{ id: 'o1', key: 'O1', title: 'One', prerequisites: [], counts: { mastered: 0, practising: n, stuck: 0, notStarted: 0 }, fitted: null }],
    students: Array.from({ length: n }, (_, i) => ({
      userId: `u${i}`,
      name: `Student ${String(i).padStart(3, '0')}`,
      cells: [{ objectiveId: 'o1', state: i % 7 === 0 ? 'not_mastered' : 'practising', p: 0.5, opportunities: 3, cycles: 0 }],
      mastered: i % 5,
      lastActivityAt: 1_700_000_000_000 + i * 60_000,
      started: i % 10 !== 0,
      rosterStatus: null,
      rosterSub: null,
    })),
    attention: [],
    rules: { wheelSpinOpportunities: 10, inactiveDays: 7, behindMedian: 2 },
    medianMastered: 2,
  }) as unknown as InstructorDashboard;

describe('the dashboard grid of a large class', () => {
  it(`shows ${GRID_PAGE_SIZE} students a page, with links to the others, and keeps filter and order across pages`, () => {
    const first = presentDashboard(dashboard(250), t, dashboardOptions({}));
    expect(first.rows).toHaveLength(GRID_PAGE_SIZE);
    expect(first.pages.map((p) => p.label)).toEqual(['Page 1', 'Page 2', 'Page 3']);
    expect(first.shownText).toBe('Showing 1–100 of 250 students (250 in the class).');
    const last = presentDashboard(dashboard(250), t, dashboardOptions({ page: '3', sort: 'mastered' }));
    expect(last.rows).toHaveLength(50);
    expect(last.pages[2]).toMatchObject({ current: true, href: '/instructor?show=all&sort=mastered&page=3#grid-h' });
    expect(last.rows.map((r) => r.mastered)).toEqual([...last.rows.map((r) => r.mastered)].sort((a, b) => a - b));
    // Out of range or nonsense: the nearest real page.
    expect(presentDashboard(dashboard(250), t, dashboardOptions({ page: '99' })).rows).toHaveLength(50);
    expect(dashboardOptions({ page: 'x', show: 'nope', sort: 'drop table' })).toEqual({ show: 'all', sort: 'name', page: 1 });
  });

  it('renders each cell from the same escaped HTML per state, no probability in it', () => {
    const view = presentDashboard(dashboard(3), t);
    expect(view.rows[0]!.cellsHtml).toBe('<td class="cell tone-warn" title="Stuck"><span aria-hidden="true">⚠</span><span class="visually-hidden">Stuck</span></td>');
    expect(view.pages).toEqual([]);
  });
});
