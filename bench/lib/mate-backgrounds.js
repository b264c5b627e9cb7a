'use strict';
// Real photos for the benchmarks: Debian's mate-backgrounds (GPL-2+), fetched with
// `apt-get download` and unpacked into bench/.cache once; never committed.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const CACHE = path.join(__dirname, '..', '.cache');
const MATE_DIR = path.join(CACHE, 'mate');

/** The package's JPEGs and PNGs, sorted; [] (with a warning) where apt cannot fetch it. */
function mateBackgrounds() {
  if (!fs.existsSync(MATE_DIR)) {
    fs.mkdirSync(CACHE, { recursive: true });
    const download = spawnSync('apt-get', ['download', 'mate-backgrounds'], { cwd: CACHE, encoding: 'utf8' });
    const deb = fs.readdirSync(CACHE).find((name) => name.startsWith('mate-backgrounds') && name.endsWith('.deb'));
    if (download.status !== 0 || !deb) {
      console.warn(
        `WARNING: apt-get download mate-backgrounds failed (${(download.stderr || download.error || '').toString().trim()}); no real photos`,
      );
      return [];
    }
    const extract = spawnSync('dpkg-deb', ['-x', path.join(CACHE, deb), MATE_DIR], { encoding: 'utf8' });
    if (extract.status !== 0) {
      console.warn(`WARNING: dpkg-deb -x failed (${extract.stderr}); no real photos`);
      return [];
    }
  }
  const root = path.join(MATE_DIR, 'usr/share/backgrounds/mate');
  const files = [];
  for (const sub of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    for (const name of fs.readdirSync(path.join(root, sub))) {
      if (/\.(jpe?g|png)$/i.test(name)) files.push(path.join(root, sub, name));
    }
  }
  return files.sort();
}

module.exports = { mateBackgrounds };
