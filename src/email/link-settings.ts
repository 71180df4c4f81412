import type { Settings } from '../config/settings.js';
import type { LinkSettings } from './email-content.js';

/** The link settings every email of this installation is built with. */
export function linkSettingsOf(settings: Settings, secretKey: Buffer): LinkSettings {
  return {
    publicBaseUrl: settings.publicBaseUrl,
    secretKey,
    postalAddress: settings.postalAddress,
    publicationName: settings.mailFrom.name,
  };
}
