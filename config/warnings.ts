import type { Config } from './schema.js';

/** A setting that is accepted but weak; logged as a warning at start (refusing it would break existing installs). */
export interface ConfigWarning {
  setting: keyof Config;
  message: string;
}

/** The shortest ADMIN_TOKEN production runs without a warning (the setting itself accepts 24 characters). */
export const ADMIN_TOKEN_RECOMMENDED_LENGTH = 32;

/** Warnings about this configuration (never the values themselves). */
export function configWarnings(config: Config): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  if (config.NODE_ENV === 'production' && config.ADMIN_TOKEN !== undefined && config.ADMIN_TOKEN.length < ADMIN_TOKEN_RECOMMENDED_LENGTH) {
    warnings.push({
      setting: 'ADMIN_TOKEN',
      message: `ADMIN_TOKEN is shorter than ${ADMIN_TOKEN_RECOMMENDED_LENGTH} characters: set a longer random one (e.g. \`openssl rand -base64 32\`)`,
    });
  }
  return warnings;
}
