/**
 * `npm run model -- <command>`: open evaluation of the learner model on pyBKT-style CSV
 * (`user_id, skill_name, correct, order_id`, optional `problem_id`, `timestamp`), with the product's own code.
 *
 *   fit     --data responses.csv --out params.json      fit BKT per skill (the fitting the product runs)
 *   predict --params params.json --data … --out predictions.csv   order_id,user_id,skill_name,p_correct
 *   replay  --params params.json --data … --out states.csv        order_id,user_id,skill_name,p_mastery,state
 *   export  --context <contexts.id> --out responses.csv           a course's responses from the database
 *
 * fit, predict and replay need no database. `p_correct` is the probability of a correct answer before the row's
 * response is seen; `state` is the product's objective state after the row (`mastered` once declared).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { isEntryPoint, withComposition, type Line } from './common.js';
import { CsvError, toCsv } from './csv.js';
import { ParamsFile, readResponses, writeResponses, type ResponseRow } from './responsesCsv.js';
import { clampBktParams, DEFAULT_BKT, predictCorrect, predictWithElo, type BktParams, type ObjectiveResponseKind } from '../domain/bkt.js';
import { expectedScore } from '../domain/elo.js';
import { DEFAULT_FIT_RULE, fitObjective, shouldFit } from '../domain/fitBkt.js';
import { applyEvent, compileConfig, emptyState, paramsInForce, type ObjectiveProgress } from '../domain/projection.js';

const USAGE = [
  'Usage: npm run model -- fit --data responses.csv --out params.json [--kind multiple_choice|open] [--seed N]',
  '       npm run model -- predict --params params.json --data responses.csv --out predictions.csv',
  '       npm run model -- replay --params params.json --data responses.csv --out states.csv',
  '       npm run model -- export --context <context-id> --out responses.csv',
];

/** A usage or input problem: reported as one line, exit code 1. */
class CliProblem extends Error {}

const need = (v: string | undefined, flag: string): string => {
  if (!v) throw new CliProblem(`missing --${flag} (see --help)`);
  return v;
};

function readData(file: string): ResponseRow[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliProblem(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return readResponses(text);
  } catch (e) {
    if (e instanceof CsvError) throw new CliProblem(`${file}: ${e.message}`);
    throw e;
  }
}

function readParams(file: string): ParamsFile {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliProblem(`cannot read ${file} as JSON: ${(e as Error).message}`);
  }
  const parsed = ParamsFile.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new CliProblem(`${file} is not a parameters file written by "model fit": ${i?.path.join('.') || '(root)'}: ${i?.message}`);
  }
  return parsed.data;
}

/** Each skill's sequences (one per user, in order). */
function sequencesBySkill(rows: readonly ResponseRow[]): Map<string, boolean[][]> {
  const bySkill = new Map<string, Map<string, boolean[]>>();
  for (const r of rows) {
    let users = bySkill.get(r.skillName);
    if (!users) bySkill.set(r.skillName, (users = new Map()));
    let seq = users.get(r.userId);
    if (!seq) users.set(r.userId, (seq = []));
    seq.push(r.correct);
  }
  return new Map([...bySkill].map(([k, u]) => [k, [...u.values()]]));
}

/** Fits every skill as the product does; skills with too little data or a refused fit keep the defaults, with the reason. */
export function fitSkills(rows: readonly ResponseRow[], kind: ObjectiveResponseKind, seed: number): ParamsFile {
  const skills: ParamsFile['skills'] = {};
  for (const [skill, seqs] of [...sequencesBySkill(rows)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const responses = seqs.reduce((n, s) => n + s.length, 0);
    if (!shouldFit(seqs.map((s) => s.length), DEFAULT_FIT_RULE)) {
      const reason = `not enough data: ${DEFAULT_FIT_RULE.minStudents} learners with ${DEFAULT_FIT_RULE.minResponses} responses each are needed`;
      skills[skill] = { params: clampBktParams(DEFAULT_BKT, kind), status: 'default', reason, learners: seqs.length, responses };
      continue;
    }
    const fit = fitObjective(seqs, { kind, seed });
    skills[skill] =
      fit.status === 'fitted'
        ? { params: clampBktParams(fit.params, kind), status: 'fitted', learners: seqs.length, responses }
        : { params: clampBktParams(DEFAULT_BKT, kind), status: 'default', reason: `fit refused: ${fit.reason}`, learners: seqs.length, responses };
  }
  return { format: 'masterly-bkt-1', responseKind: kind, skills };
}

/** One output row of {@link replayRows}. */
export interface ReplayRow {
  readonly row: ResponseRow;
  readonly pCorrect: number;
  readonly pMastery: number;
  readonly state: string;
}

/**
 * Replays the rows through the product's projection (one objective per skill, no prerequisites): P(correct) before
 * each response (BKT with the Elo term for ability and item difficulty, `predictWithElo`) and the state after it.
 * Rows without a timestamp are one minute apart.
 */
export function replayRows(rows: readonly ResponseRow[], file: ParamsFile, warn: Line = () => undefined): ReplayRow[] {
  const skills = [...new Set(rows.map((r) => r.skillName))];
  const missing = skills.filter((s) => !file.skills[s]);
  if (missing.length) warn(`no parameters for ${missing.length} skill(s) (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): the product's defaults are used`);
  const objectiveOf = new Map(skills.map((s, i) => [s, `s${i}`]));
  const itemOf = (r: ResponseRow) => `${objectiveOf.get(r.skillName)}:${r.problemId ?? ''}`;
  const items = new Map<string, string>();
  for (const r of rows) items.set(itemOf(r), objectiveOf.get(r.skillName) as string);
  const params: Record<string, BktParams> = {};
  for (const s of skills) params[objectiveOf.get(s) as string] = file.skills[s]?.params ?? DEFAULT_BKT;
  const cfg = compileConfig({
    objectives: skills.map((s) => ({ id: objectiveOf.get(s) as string, title: s, prerequisites: [], responseKind: file.responseKind })),
    items: [...items].map(([id, o]) => ({ id, objectiveIds: [o] })),
    params,
    keepExplanations: false,
  });
  const state = emptyState();
  const base = Date.UTC(2000, 0, 1);
  const out: ReplayRow[] = [];
  rows.forEach((r, i) => {
    const objectiveId = objectiveOf.get(r.skillName) as string;
    const k = paramsInForce(state, objectiveId, cfg);
    const student = state.students.get(r.userId);
    const before = student?.objectives[objectiveId];
    const elo = expectedScore(student?.ability ?? 0, state.items.get(itemOf(r))?.difficulty ?? 0, cfg.elo.scale);
    const pCorrect = predictWithElo(predictCorrect(before ? before.p : k.prior, k), elo);
    applyEvent(state, { type: 'response', id: `row${i}`, studentId: r.userId, itemId: itemOf(r), correct: r.correct, at: r.at ?? base + i * 60_000 }, cfg);
    const prog = state.students.get(r.userId)?.objectives[objectiveId] as ObjectiveProgress;
    out.push({ row: r, pCorrect, pMastery: prog.p, state: prog.state });
  });
  return out;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Runs the CLI with `argv` (without node and script); returns the exit code. Exported for tests. */
export async function runModelCli(argv: string[], env: NodeJS.ProcessEnv, out: Line = (l) => console.log(l), err: Line = (l) => console.error(l)): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        out: { type: 'string' },
        params: { type: 'string' },
        context: { type: 'string' },
        kind: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
    });
    const command = positionals[0];
    if (values.help || !command) {
      USAGE.forEach((l) => out(l));
      return values.help ? 0 : 1;
    }
    if (positionals.length > 1) throw new CliProblem(`unexpected argument "${positionals[1]}"`);
    switch (command) {
      case 'fit': {
        const kind = values.kind ?? 'multiple_choice';
        if (kind !== 'multiple_choice' && kind !== 'open') throw new CliProblem('--kind must be multiple_choice or open');
        const seed = values.seed === undefined ? 4242 : Number(values.seed);
        if (!Number.isInteger(seed)) throw new CliProblem('--seed must be an integer');
        const rows = readData(need(values.data, 'data'));
        const target = need(values.out, 'out');
        const file = fitSkills(rows, kind, seed);
        fs.writeFileSync(target, JSON.stringify(file, null, 2) + '\n');
        for (const [skill, s] of Object.entries(file.skills)) {
          const p = s.params;
          out(`${skill}: ${s.status} (${s.learners} learners, ${s.responses} responses) L0 ${p.prior.toFixed(3)} T ${p.learn.toFixed(3)} G ${p.guess.toFixed(3)} S ${p.slip.toFixed(3)} F ${p.forget.toFixed(3)}${s.reason ? ` — ${s.reason}` : ''}`);
        }
        out(`wrote ${target}`);
        return 0;
      }
      case 'predict':
      case 'replay': {
        const file = readParams(need(values.params, 'params'));
        const rows = readData(need(values.data, 'data'));
        const target = need(values.out, 'out');
        const replayed = replayRows(rows, file, err);
        const csv =
          command === 'predict'
            ? toCsv(['order_id', 'user_id', 'skill_name', 'p_correct'], replayed.map((x) => [x.row.orderId, x.row.userId, x.row.skillName, round(x.pCorrect)]))
            : toCsv(['order_id', 'user_id', 'skill_name', 'p_mastery', 'state'], replayed.map((x) => [x.row.orderId, x.row.userId, x.row.skillName, round(x.pMastery), x.state]));
        fs.writeFileSync(target, csv);
        out(`wrote ${replayed.length} rows to ${target}`);
        return 0;
      }
      case 'export': {
        const contextId = need(values.context, 'context');
        const target = need(values.out, 'out');
        return await withComposition(env, err, async (c) => {
          const { exportResponses } = await import('../store/responsesExport.js');
          const rows = await exportResponses(c.db.kysely, contextId);
          fs.writeFileSync(target, writeResponses(rows));
          out(`wrote ${rows.length} responses to ${target}`);
          return 0;
        });
      }
      default:
        throw new CliProblem(`unknown command "${command}" (fit, predict, replay or export)`);
    }
  } catch (e) {
    if (e instanceof CliProblem || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`model: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
}

if (isEntryPoint(import.meta.filename)) process.exit(await runModelCli(process.argv.slice(2), process.env));
