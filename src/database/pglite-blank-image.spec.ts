import { PGlite } from '@electric-sql/pglite';
import { blankClusterImage } from './pglite-blank-image';

const CONF = ['shared_buffers=16MB', 'work_mem=2MB'];

describe('blankClusterImage (initdb in a child process)', () => {
  it('gives the files of a blank cluster that a PGlite which never ran initdb opens and writes to', async () => {
    const image = await blankClusterImage(CONF);
    expect(image.size).toBeGreaterThan(1_000_000);
    const db = await PGlite.create({ loadDataDir: image, postgresqlconf: CONF });
    try {
      await db.exec('CREATE TABLE t (id int primary key, name text); INSERT INTO t VALUES (1, $$a$$), (2, $$b$$);');
      const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
      expect(rows.rows[0].n).toBe(2);
      const settings = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(settings.rows[0].shared_buffers).toBe('16MB');
    } finally {
      await db.close();
    }
  });

  it('rejects, saying how the child ended, when initdb cannot run (the caller then runs initdb itself)', async () => {
    await expect(blankClusterImage(['shared_buffers=not-a-size'])).rejects.toThrow(/initdb child exited with 1/);
  });
});
