// Copies the widget module's types (crates/widget/js/onboarding.d.ts, what the edge
// serves as /widget/onboarding.d.ts) into the package as widget.d.ts: one source for
// the options, events and element, which index.d.ts re-exports. Run by `npm pack` /
// `npm publish` (prepack); widget.d.ts is not committed.
import { copyFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
copyFileSync(path.resolve(HERE, "../../../crates/widget/js/onboarding.d.ts"), path.resolve(HERE, "../widget.d.ts"));
