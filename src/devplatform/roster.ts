import type { Roster } from './context.js';
import type { DpDb } from './db.js';
import { FIRST_USER_ID, generatedStudent, seedPeople, type DevUser, type MemberStatus } from './people.js';
import { getMeta, setMeta } from './db.js';

/** The roster with its write operations (seeding, bulk members, status changes). */
export interface RosterStore extends Roster {
  addStudents(n: number): Promise<DevUser[]>;
  setStatus(userId: string, status: MemberStatus): Promise<void>;
  /** The locale a member's launches ask for (kept in memory only: a restart forgets it). */
  setLocale(userId: string, locale: string): void;
}

const toRow = (u: DevUser, sort: number, seq: number) => ({
  id: u.id,
  sort,
  given_name: u.givenName ?? null,
  family_name: u.familyName ?? null,
  name: u.name || null,
  email: u.email ?? null,
  roles: JSON.stringify(u.roles),
  status: u.status,
  seq,
});

/** Loads the roster (seeding it on first start) and keeps it in memory for fast NRPS pages. */
export async function openRoster(db: DpDb): Promise<RosterStore> {
  let seq = Number((await getMeta(db, 'roster_seq')) ?? '0');
  let rows = await db.selectFrom('dp_users').selectAll().orderBy('sort').execute();
  if (rows.length === 0) {
    seq += 1;
    const seed = seedPeople();
    await db.insertInto('dp_users').values(seed.map((u, i) => toRow(u, i, seq))).execute();
    await setMeta(db, 'roster_seq', String(seq));
    rows = await db.selectFrom('dp_users').selectAll().orderBy('sort').execute();
  }
  const users: DevUser[] = [];
  const byId = new Map<string, DevUser>();
  const seqs = new Map<string, number>();
  for (const r of rows) {
    const u: DevUser = {
      id: r.id,
      name: r.name ?? '',
      ...(r.given_name ? { givenName: r.given_name } : {}),
      ...(r.family_name ? { familyName: r.family_name } : {}),
      ...(r.email ? { email: r.email } : {}),
      roles: JSON.parse(r.roles) as string[],
      status: r.status as MemberStatus,
    };
    users.push(u);
    byId.set(u.id, u);
    seqs.set(u.id, r.seq);
  }
  const nextId = (): number => users.reduce((max, u) => Math.max(max, Number(u.id) || 0), FIRST_USER_ID - 1) + 1;

  return {
    list: () => users,
    get: (id) => byId.get(id),
    seqOf: (id) => seqs.get(id) ?? 0,
    currentSeq: () => seq,
    async addStudents(n) {
      seq += 1;
      const first = nextId();
      const bulkIndex = users.filter((u) => u.email?.endsWith('@bulk.fractions.example')).length;
      const added = Array.from({ length: n }, (_, i) => generatedStudent(first + i, bulkIndex + i + 1));
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < added.length; i += 500) {
          await trx
            .insertInto('dp_users')
            .values(added.slice(i, i + 500).map((u, j) => toRow(u, users.length + i + j, seq)))
            .execute();
        }
        await trx.insertInto('dp_meta').values({ key: 'roster_seq', value: String(seq) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: String(seq) })).execute();
      });
      for (const u of added) {
        users.push(u);
        byId.set(u.id, u);
        seqs.set(u.id, seq);
      }
      return added;
    },
    setLocale(userId, locale) {
      const u = byId.get(userId);
      if (!u) throw new Error(`no member ${userId}`);
      u.locale = locale;
    },
    async setStatus(userId, status) {
      const u = byId.get(userId);
      if (!u) throw new Error(`no member ${userId}`);
      seq += 1;
      await db.updateTable('dp_users').set({ status, seq }).where('id', '=', userId).execute();
      await setMeta(db, 'roster_seq', String(seq));
      u.status = status;
      seqs.set(userId, seq);
    },
  };
}
