/*
 * The email module's one entry point: everything that turns digest or campaign content into a
 * RenderedEmail. Send, preview and campaigns render through an EmailRenderer that the
 * composition root creates and passes in; the templates themselves live in `emails/`.
 */
export type { EmailReader, LinkSettings, RenderedEmail } from './email-content.js';
export {
  type CampaignRenderInput,
  createEmailRenderer,
  type DigestRenderInput,
  type EmailRenderer,
  type RenderCacheStats,
  renderCampaignEmailDirect,
  renderDigestEmailDirect,
} from './email-renderer.js';
export { linkSettingsOf } from './link-settings.js';
