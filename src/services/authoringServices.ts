import {
  deleteItem,
  deleteObjective,
  deletePage,
  discardDraft,
  openDraft,
  previewCheck,
  publishDraft,
  saveCourseInfo,
  saveItem,
  saveObjective,
  savePage,
  type AuthorCourseDeps,
} from './authorCourse.js';
import { exportCourse } from './exportCourse.js';
import { uploadMedia } from './uploadMedia.js';

/** The authoring use-cases bound to their dependencies (what the authoring pages call). */
export function buildAuthoringServices(deps: Omit<AuthorCourseDeps, 'exportCourse'>) {
  const d: AuthorCourseDeps = { ...deps, exportCourse: (contextId) => exportCourse(deps, contextId) };
  return {
    openDraft: (contextId: string) => openDraft(d, contextId),
    saveCourseInfo: (i: Parameters<typeof saveCourseInfo>[1]) => saveCourseInfo(d, i),
    saveObjective: (i: Parameters<typeof saveObjective>[1]) => saveObjective(d, i),
    deleteObjective: (i: Parameters<typeof deleteObjective>[1]) => deleteObjective(d, i),
    saveItem: (i: Parameters<typeof saveItem>[1]) => saveItem(d, i),
    deleteItem: (i: Parameters<typeof deleteItem>[1]) => deleteItem(d, i),
    savePage: (i: Parameters<typeof savePage>[1]) => savePage(d, i),
    deletePage: (i: Parameters<typeof deletePage>[1]) => deletePage(d, i),
    publishDraft: (i: Parameters<typeof publishDraft>[1]) => publishDraft(d, i),
    discardDraft: (i: { contextId: string }) => discardDraft(d, i),
    previewCheck: (i: Parameters<typeof previewCheck>[1]) => previewCheck(d, i),
    uploadMedia: (i: Parameters<typeof uploadMedia>[1]) => uploadMedia(d, i),
    getMedia: (contextId: string, id: string) => deps.authoring.getMedia(contextId, id),
  };
}
