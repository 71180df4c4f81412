import type { StoryInput } from './story.js';

/** A story as stored: the publisher's fields plus our bookkeeping. */
export interface StoredStory
  extends Pick<
    StoryInput,
    'url' | 'headline' | 'summary' | 'body' | 'section' | 'tags' | 'access'
  > {
  id: number;
  /** The publisher's id. */
  externalId: string;
  publishedAt: Date;
  revision: number;
  matchedRevision: number;
  createdAt: Date;
  updatedAt: Date;
}
