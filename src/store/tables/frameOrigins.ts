/** platform_frame_origins: origins that framed the tool in validated launches, a few per platform. */
export interface PlatformFrameOriginsTable {
  platform_id: string;
  origin: string;
  created_at: number;
}

/** Tables of migration 0007. */
export interface FrameOriginTables {
  platform_frame_origins: PlatformFrameOriginsTable;
}
