/** `scan` on top of keyset-paged `list`, shared by every adapter (port.ts `scan`). */
import type { CollectionName } from './collections.js';
import type { ListOptions, StoredDocument } from './port.js';
import { checkPageSize } from './validate.js';

type ListFn = (collection: CollectionName, options: ListOptions) => Promise<StoredDocument[]>;

export async function* scanPages(list: ListFn, collection: CollectionName, pageSize: number | undefined): AsyncGenerator<StoredDocument> {
  const limit = checkPageSize(pageSize);
  let after: string | undefined;
  // Each page is its own query, so a long scan holds no transaction open; documents written during
  // the scan appear if their id is beyond the current page. Bounded: every page moves `after` forward.
  for (;;) {
    const page = await list(collection, after === undefined ? { limit } : { after, limit });
    yield* page;
    if (page.length < limit) return;
    after = (page[page.length - 1] as StoredDocument).id;
  }
}
