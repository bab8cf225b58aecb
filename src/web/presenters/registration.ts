import type { DynamicRegistrationResult } from '../../services/registerDynamically.js';

/** What the page that ends a dynamic registration shows (keys of the catalogue's `registration` section). */
export interface RegistrationView {
  lms: string;
  /** The note under the heading: approval needed, or the update kept it working. */
  note: 'registration.pendingNote' | 'registration.updatedNote';
  /** The next step in the LMS itself, when the LMS has one. */
  next?: 'registration.moodleNext' | 'registration.canvasNext';
}

/** Shapes a registration result for views/registration/done.ejs. */
export function presentRegistration(r: DynamicRegistrationResult): RegistrationView {
  return {
    lms: r.lmsHost,
    note: r.status === 'active' ? 'registration.updatedNote' : 'registration.pendingNote',
    ...(r.vendor === 'moodle' ? { next: 'registration.moodleNext' as const } : r.vendor === 'canvas' ? { next: 'registration.canvasNext' as const } : {}),
  };
}
