/** A named query an admin maintains ("Russia sanctions"); readers follow topics. */
export interface Topic {
  id: number;
  slug: string;
  name: string;
  query: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A topic's slug: lower-case letters, digits and dashes, up to 64, not starting with a dash. */
export const TOPIC_SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const TOPIC_SLUG_RULE = 'use lower-case letters, digits and dashes (up to 64)';
