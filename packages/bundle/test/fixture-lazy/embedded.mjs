import { PGlite } from '@electric-sql/pglite'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'

export async function selectOne() {
  const client = await PGlite.create({ extensions: { btree_gist } })
  try {
    await client.exec('CREATE EXTENSION btree_gist')
    const { rows } = await client.query('SELECT 1 AS one')
    return rows[0]
  } finally {
    await client.close()
  }
}
