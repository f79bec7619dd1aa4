import { QueryTypes } from 'sequelize';
import type { Database } from '../db/open-database.ts';

/** Core's people service for plugins (`core.people`): the display names of users, such as the authors a page lists. */
export interface PeopleService {
  /** The names of the users with these ids, by id; an id of no user is left out. */
  names(ids: Iterable<string>): Promise<Map<string, string>>;
}

// Bind parameters per query: well under SQLite's and PostgreSQL's limits, and a page rarely names more.
const idsPerQuery = 500;

/** Makes the people service over the user table: one query per 500 distinct ids, none for an empty list. */
export function createPeopleService(db: Database): PeopleService {
  return {
    async names(ids) {
      const wanted = [...new Set(ids)].filter((id) => typeof id === 'string' && id !== '');
      const names = new Map<string, string>();
      for (let start = 0; start < wanted.length; start += idsPerQuery) {
        const batch = wanted.slice(start, start + idsPerQuery);
        const rows = await db.sequelize.query<{ id: string; name: string }>(
          `SELECT id, name FROM kirjuri_users WHERE id IN (${batch.map((_, index) => `$${index + 1}`).join(', ')})`,
          { bind: batch, type: QueryTypes.SELECT },
        );
        for (const row of rows) names.set(row.id, row.name);
      }
      return names;
    },
  };
}

declare module '../kernel/service-map.ts' {
  interface ServiceMap {
    'core.people': PeopleService;
  }
}
