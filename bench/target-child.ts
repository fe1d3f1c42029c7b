// The target process's entry when it is not the bench itself (tests fork it through tsx).
import { serveTargetChild, TARGET_CHILD_ENV } from './target-process.js';

const spec = process.env[TARGET_CHILD_ENV];
if (!spec) throw new Error(`target-child: ${TARGET_CHILD_ENV} is not set`);
void serveTargetChild(spec);
