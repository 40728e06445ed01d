// Writes src-tauri/tauri.conf.json for the Tauri CLI: the top-level tauri.conf.json (the
// app's one config) with its paths re-based. The CLI wants its config beside the app
// crate, where Cargo.toml has a [package]; the file is generated, never edited or
// committed (scripts/package.sh and the release workflow write it before `tauri build`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = JSON.parse(fs.readFileSync(path.join(root, 'tauri.conf.json'), 'utf8'));
config.build.frontendDist = `../${config.build.frontendDist}`;
config.bundle.icon = config.bundle.icon.map((icon) => `../${icon}`);
fs.writeFileSync(path.join(root, 'src-tauri', 'tauri.conf.json'), `${JSON.stringify(config, null, 2)}\n`);
