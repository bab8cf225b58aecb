/**
 * Item statistics for instructors: every active question of the course with how it behaves (src/domain/itemQuality.ts),
 * by objective, flagged items first within each objective.
 */
import { itemQuality, type ItemQuality } from '../domain/itemQuality.js';
import { newItemStats } from '../domain/elo.js';
import type { CourseItemKind, CourseRepo, LearnerStore } from './enginePorts.js';

/** One question and its statistics. */
export interface ItemStatisticsRow {
  itemId: string;
  key: string;
  kind: CourseItemKind;
  prompt: string;
  quality: ItemQuality;
}

/** The course's questions by objective. */
export interface ItemStatistics {
  objectives: { id: string; title: string; items: ItemStatisticsRow[] }[];
}

/** Reads the course's questions and their running statistics (two reads). */
export async function getItemStatistics(deps: { courses: CourseRepo; learners: Pick<LearnerStore, 'itemStats'> }, input: { contextId: string }): Promise<ItemStatistics> {
  const [snapshot, items, stats] = await Promise.all([
    deps.courses.snapshot(input.contextId),
    deps.courses.listItems(input.contextId),
    deps.learners.itemStats(input.contextId),
  ]);
  if (!snapshot) return { objectives: [] };
  return {
    objectives: snapshot.objectives.map((o) => ({
      id: o.id,
      title: o.title,
      items: items
        .filter((it) => it.objectiveId === o.id)
        .map((it) => ({ itemId: it.id, key: it.key, kind: it.kind, prompt: it.prompt, quality: itemQuality(stats.get(it.id) ?? newItemStats()) }))
        .sort((a, b) => b.quality.flags.length - a.quality.flags.length || a.key.localeCompare(b.key)),
    })),
  };
}
