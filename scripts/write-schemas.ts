/** Writes the published JSON Schemas (schemas/) from their zod sources. */
import fs from 'node:fs';
import path from 'node:path';
import { PUBLISHED_SCHEMAS, schemaText } from '../src/shared/published-schemas';

const dir = path.join(import.meta.dirname, '..', 'schemas');
fs.mkdirSync(dir, { recursive: true });
for (const name of Object.keys(PUBLISHED_SCHEMAS)) {
  fs.writeFileSync(path.join(dir, name), schemaText(name));
  console.log(`wrote schemas/${name}`);
}
