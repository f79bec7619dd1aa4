import { expect } from 'chai';
import { positionalSql } from '../../core/db/sqlite-statement-cache.ts';

describe('positionalSql()', () => {
  it('positionalSql() turns $N into ?N with the same numbers, and leaves quoted text alone', () => {
    expect(positionalSql("SELECT a FROM t WHERE x = $1 AND y LIKE $2 ESCAPE '\\' AND z = '$3 it''s' AND w = $12"))
      .to.equal("SELECT a FROM t WHERE x = ?1 AND y LIKE ?2 ESCAPE '\\' AND z = '$3 it''s' AND w = ?12");
    expect(positionalSql('INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)')).to.equal('INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)');
  });
});
