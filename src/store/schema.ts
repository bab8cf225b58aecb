import type { FoundationTables } from './tables/foundation.js';
import type { EngineTables } from './tables/engine.js';
import type { ServiceTables } from './tables/services.js';
import type { AbuseTables } from './tables/abuse.js';
import type { FrameOriginTables } from './tables/frameOrigins.js';
import type { AlertTables } from './tables/alerts.js';
import type { CourseImportTables } from './tables/courseImports.js';
import type { AuthoringTables } from './tables/authoring.js';
import type { PrivacyTables } from './tables/privacy.js';
import type { StudentGoalTables } from './tables/studentGoals.js';

/**
 * The Kysely database type: one interface per migration group, merged here.
 * Columns follow src/store/dialectHelpers.ts (epoch-ms bigint timestamps, 0/1 booleans, JSON as text).
 */
export interface Database extends FoundationTables, EngineTables, ServiceTables, AbuseTables, FrameOriginTables, AlertTables, CourseImportTables, AuthoringTables, PrivacyTables, StudentGoalTables {}
