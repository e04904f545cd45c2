#!/usr/bin/env bash
# build_plotly.sh — build a minimal plotly.js bundle (core + scatterpolar and bar only)
# into static/vendor/plotly/.
#
# Why: CollabAssess draws its radar charts with plotly.js, but the full
# plotly.min.js is ~4.9 MB (1.5 MB gzipped), and nothing may come from a CDN
# (we self-host every asset under a strict Content-Security-Policy). This
# script builds a "partial bundle" that registers only the scatterpolar and bar traces,
# in a temporary directory outside the repo, with esbuild. Output:
#   static/vendor/plotly/plotly-charts.min.js  (IIFE, defines window.Plotly)
#   static/vendor/plotly/plotly.css           (plotly's global CSS rules, see below)
#   static/vendor/plotly/LICENSE              (plotly.js MIT licence)
#   static/vendor/plotly/README.md            (version + how to rebuild)
#
# CSP: when loaded, plotly.js creates an empty <style id="plotly.js-style-global">
# element and fills it with CSSOM insertRule(). Under `style-src 'self'` the
# browser blocks that inline <style> element (it gets no .sheet), so the rules
# are lost and a CSP violation is reported. plotly.css holds exactly those rules
# (generated from the same plotly.js version's build/plotcss.js); include it as
#   <link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles"
#         href="{% static 'vendor/plotly/plotly.css' %}">
# BEFORE the bundle's <script>: plotly.js then finds an element with that id
# carrying class "no-inline-styles" and skips creating the <style> element.
#
# Usage: scripts/build_plotly.sh   (idempotent; needs npm + node and network
# access to the npm registry). Change the pinned versions below to upgrade.
set -euo pipefail

PLOTLY_VERSION="3.7.0"
ESBUILD_VERSION="0.28.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/static/vendor/plotly"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

run_quiet() {  # run a command, show its output only if it fails
    if ! "$@" >"$tmp/cmd.log" 2>&1; then
        cat "$tmp/cmd.log" >&2
        echo "build_plotly.sh: failed: $*" >&2
        exit 1
    fi
}

cd "$tmp"
cat > package.json <<'JSON'
{ "name": "plotly-charts-build", "version": "0.0.0", "private": true }
JSON
# --ignore-scripts: no package needs an install script for this build
# (esbuild's binary comes from its optional @esbuild/<platform> dependency).
run_quiet npm install --silent --loglevel=error --no-audit --no-fund \
    --ignore-scripts --save-exact \
    "plotly.js@${PLOTLY_VERSION}" "esbuild@${ESBUILD_VERSION}"

cat > entry.js <<'JS'
// plotly.js core + the scatterpolar (radar charts) and bar (answer distributions) traces only.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/scatterpolar'), require('plotly.js/lib/bar')]);
module.exports = Plotly;
JS

banner="/*! plotly.js v${PLOTLY_VERSION} partial bundle (core + scatterpolar + bar) | (c) Plotly, Inc. | MIT License | built by scripts/build_plotly.sh */"
# --define:global=window: some plotly.js dependencies reference the Node
# `global` object, which does not exist in browsers.
run_quiet ./node_modules/.bin/esbuild entry.js \
    --bundle --minify --format=iife --global-name=Plotly \
    --platform=browser --target=es2018 --define:global=window \
    --legal-comments=none --charset=utf8 --log-level=error \
    "--banner:js=${banner}" --outfile=plotly-charts.min.js

# whitenoise's manifest storage chokes on a source-map reference without its .map.
if grep -q '^//# sourceMappingURL=' plotly-charts.min.js; then
    echo "build_plotly.sh: unexpected sourceMappingURL in bundle" >&2
    exit 1
fi

# plotly.css: the rules plotly.js would inject at load time (build/plotcss.js),
# collected by stubbing its single dependency (src/lib) with a recorder.
cat > gencss.js <<'JS'
var libPath = require.resolve('plotly.js/src/lib');
var rules = [];
require.cache[libPath] = {id: libPath, filename: libPath, loaded: true, exports: {
    addStyleRule: function(selector, style) { rules.push(selector + '{' + style + '}'); }
}};
require('plotly.js/build/plotcss');
if(rules.length < 10) throw new Error('plotcss.js yielded only ' + rules.length + ' rules');
process.stdout.write(process.argv[2] + '\n' + rules.join('\n') + '\n');
JS
css_banner="/*! plotly.js v${PLOTLY_VERSION} global styles (from build/plotcss.js) | (c) Plotly, Inc. | MIT License | built by scripts/build_plotly.sh. Load with <link rel=\"stylesheet\" id=\"plotly.js-style-global\" class=\"no-inline-styles\" href=\"...\"> before plotly-charts.min.js. */"
node gencss.js "$css_banner" > plotly.css

mkdir -p "$dest"
install -m 0644 plotly.css "$dest/plotly.css"
install -m 0644 plotly-charts.min.js "$dest/plotly-charts.min.js"
install -m 0644 node_modules/plotly.js/LICENSE "$dest/LICENSE"
cat > "$dest/README.md" <<MD
# plotly.js partial bundle (radar and bar charts)

- \`plotly-charts.min.js\`: plotly.js **v${PLOTLY_VERSION}** core with only the
  \`scatterpolar\` and \`bar\` traces registered, bundled and minified with
  esbuild **v${ESBUILD_VERSION}** as an IIFE that defines \`window.Plotly\`.
- \`plotly.css\`: the global CSS rules plotly.js v${PLOTLY_VERSION} injects at
  load time, generated from its \`build/plotcss.js\` (the package's
  \`dist/plotly.css\` has the same rules plus mapbox ones this bundle lacks).
- \`LICENSE\`: plotly.js's MIT licence (copied from the npm package).

## Content-Security-Policy

The bundle needs no \`'unsafe-eval'\` (no \`eval\`/\`new Function\`). At load
time plotly.js would create an inline \`<style id="plotly.js-style-global">\`
element and fill it via CSSOM \`insertRule()\`; a strict \`style-src 'self'\`
blocks that element. Link the static stylesheet with that id and the
\`no-inline-styles\` class *before* the script, and plotly.js skips the
injection:

\`\`\`html
<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles"
      href="{% static 'vendor/plotly/plotly.css' %}">
<script src="{% static 'vendor/plotly/plotly-charts.min.js' %}" defer></script>
\`\`\`

## How it was built

Generated files — do not edit by hand. Built in a temporary directory (not in
the repo) from this entry file:

\`\`\`js
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/scatterpolar'), require('plotly.js/lib/bar')]);
module.exports = Plotly;
\`\`\`

with:

\`\`\`sh
esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \\
    --platform=browser --target=es2018 --define:global=window \\
    --legal-comments=none --charset=utf8 --outfile=plotly-charts.min.js
\`\`\`

## Rebuild

\`\`\`sh
scripts/build_plotly.sh
\`\`\`

(needs node + npm and access to the npm registry; bump \`PLOTLY_VERSION\` /
\`ESBUILD_VERSION\` in the script to upgrade.)
MD
