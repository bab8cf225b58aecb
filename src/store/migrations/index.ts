import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_engine.js';
import * as m0003 from './0003_services.js';
import * as m0004 from './0004_config_events.js';
import * as m0005 from './0005_deep_link_single_use.js';
import * as m0006 from './0006_abuse_limits.js';
import * as m0007 from './0007_frame_origins.js';
import * as m0008 from './0008_course_content_version.js';
import * as m0009 from './0009_health_probe.js';
import * as m0013 from './0013_grade_timestamps.js';
import * as m0014 from './0014_fit_refusals.js';
import * as m0015 from './0015_placement_grades.js';
import * as m0017 from './0017_authoring.js';
import * as m0018 from './0018_registration.js';
import * as m0019 from './0019_privacy.js';
import * as m0020 from './0020_course_imports.js';
import * as m0021 from './0021_cookieless.js';
import * as m0022 from './0022_instructor_alerts.js';
import * as m0023 from './0023_final_grades.js';
import * as m0024 from './0024_check_time_limit.js';
import * as m0025 from './0025_course_language.js';
import * as m0026 from './0026_student_goals.js';
import * as m0027 from './0027_session_time_zone.js';
import * as m0028 from './0028_course_learner_model.js';
import * as m0031 from './0031_draft_revision.js';

/** Every migration, in order. Names are permanent once released: add, never rename. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_engine': m0002,
  '0003_services': m0003,
  '0004_config_events': m0004,
  '0005_deep_link_single_use': m0005,
  '0006_abuse_limits': m0006,
  '0007_frame_origins': m0007,
  '0008_course_content_version': m0008,
  '0009_health_probe': m0009,
  '0013_grade_timestamps': m0013,
  '0014_fit_refusals': m0014,
  '0015_placement_grades': m0015,
  '0017_authoring': m0017,
  '0018_registration': m0018,
  '0019_privacy': m0019,
  '0020_course_imports': m0020,
  '0021_cookieless': m0021,
  '0022_instructor_alerts': m0022,
  '0023_final_grades': m0023,
  '0024_check_time_limit': m0024,
  '0025_course_language': m0025,
  '0026_student_goals': m0026,
  '0027_session_time_zone': m0027,
  '0028_course_learner_model': m0028,
  '0031_draft_revision': m0031,
};
