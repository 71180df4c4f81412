/** A named query an admin maintains ("Russia sanctions"); readers follow topics. */
export interface Topic {
  id: number;
  slug: string;
  name: string;
  query: string;
  createdAt: Date;
  updatedAt: Date;
}
