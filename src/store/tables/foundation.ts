/** Tables of migration 0001_foundation (filled in by the LTI foundation work). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by migration 0001
export interface FoundationTables {}
