/** The CSV reader and writer live in the domain (pure), so the instructor's download writes the same format. */
export * from '../domain/csv.js';
