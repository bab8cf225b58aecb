/**
 * `npm run model -- <command>`: open evaluation of the learner model on pyBKT-style CSV
 * (`user_id, skill_name, correct, order_id`, optional `problem_id`, `timestamp`), with the product's own code.
 *
 *   fit     --data responses.csv --out params.json      fit BKT per skill and the course model (the fitting the product runs)
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
import { clampBktParams, DEFAULT_BKT, type BktParams, type ObjectiveResponseKind } from '../domain/bkt.js';
import { DEFAULT_FIT_RULE, fitObjective, shouldFit } from '../domain/fitBkt.js';
import { fitCourseModel, type CourseResponse } from '../domain/fitItems.js';
import { applyEvent, compileConfig, emptyState, predictResponse, type ObjectiveProgress } from '../domain/projection.js';

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
  const file: ParamsFile = { format: 'masterly-bkt-1', responseKind: kind, skills };
  const courseModel = fitSkillsModel(rows, file);
  return courseModel ? { ...file, courseModel } : file;
}

/**
 * The course-level learner model over the fitted skills (ADR 0028), as the product's fit service fits it: each
 * user's rows in order, with the reteach starts the product's own replay with the fitted BKT gives.
 */
function fitSkillsModel(rows: readonly ResponseRow[], file: ParamsFile): ParamsFile['courseModel'] {
  const fitted = new Map(Object.entries(file.skills).filter(([, s]) => s.status === 'fitted').map(([skill, s]) => [skill, { params: s.params, kind: file.responseKind }]));
  if (!fitted.size) return undefined;
  const replayed = replayRows(rows, file);
  const lastState = new Map<string, string>();
  const byUser = new Map<string, CourseResponse[]>();
  replayed.forEach((x, i) => {
    const key = `${x.row.userId}\u0000${x.row.skillName}`;
    const reteach = x.state === 'reteaching' && lastState.get(key) !== 'reteaching';
    lastState.set(key, x.state);
    if (!fitted.has(x.row.skillName)) return;
    let seq = byUser.get(x.row.userId);
    if (!seq) byUser.set(x.row.userId, (seq = []));
    seq.push({ objectiveId: x.row.skillName, itemId: itemKey(x.row.skillName, x.row.problemId), correct: x.row.correct, at: x.row.at ?? BASE + i * 60_000, reteach });
  });
  const m = fitCourseModel([...byUser.values()], fitted).model;
  const items: Record<string, Record<string, { guess: number; slip: number }>> = {};
  for (const [key, e] of [...m.items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [skill, problem] = JSON.parse(key) as [string, string];
    (items[skill] ??= {})[problem] = e;
  }
  return { skills: Object.fromEntries(m.params), items, coef: m.coef, reteach: m.reteach ?? 0, forgetPerDay: m.forgetPerDay ?? 0 };
}

/** Rows without a timestamp are one minute apart from here. */
const BASE = Date.UTC(2000, 0, 1);
const itemKey = (skill: string, problem: string | null) => JSON.stringify([skill, problem ?? '']);

/** One output row of {@link replayRows}. */
export interface ReplayRow {
  readonly row: ResponseRow;
  readonly pCorrect: number;
  readonly pMastery: number;
  readonly state: string;
}

/**
 * Replays the rows through the product's projection (one objective per skill, no prerequisites): P(correct) before
 * each response (`predictResponse`: the course model when the file has one, else BKT with the Elo term) and the
 * state after it. Rows without a timestamp are one minute apart.
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
  const cm = file.courseModel;
  if (cm) {
    // As the product after its fit: the model_fitted event, with the file's skills and problems as objective and item ids.
    const objectives: Record<string, BktParams> = {};
    const itemParams: Record<string, { guess: number; slip: number }> = {};
    for (const [skill, p] of Object.entries(cm.skills)) if (objectiveOf.has(skill)) objectives[objectiveOf.get(skill) as string] = p;
    for (const [skill, problems] of Object.entries(cm.items)) for (const [problem, e] of Object.entries(problems)) if (objectiveOf.has(skill)) itemParams[`${objectiveOf.get(skill)}:${problem}`] = e;
    applyEvent(state, { type: 'model_fitted', id: 'model', model: { objectives, items: itemParams, coef: cm.coef, reteach: cm.reteach, forgetPerDay: cm.forgetPerDay }, at: BASE }, cfg);
  }
  const out: ReplayRow[] = [];
  rows.forEach((r, i) => {
    const objectiveId = objectiveOf.get(r.skillName) as string;
    const at = r.at ?? BASE + i * 60_000;
    const pCorrect = predictResponse(state, r.userId, itemOf(r), at, cfg);
    applyEvent(state, { type: 'response', id: `row${i}`, studentId: r.userId, itemId: itemOf(r), correct: r.correct, at }, cfg);
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
        const cm = file.courseModel;
        if (cm) out(`course model over ${Object.keys(cm.skills).length} fitted skill(s): ability ${JSON.stringify(cm.coef)}, reteach ${cm.reteach}, forgetting/day ${cm.forgetPerDay}`);
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
