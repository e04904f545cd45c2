#!/usr/bin/env bash
# vendor_bootstrap.sh — vendor Bootstrap's compiled CSS into static/vendor/bootstrap/.
#
# Why: CollabAssess serves every asset itself (no CDN) under a strict
# Content-Security-Policy. We ship only bootstrap.min.css (no Bootstrap
# JavaScript: pages must work without JS). The trailing
# `/*# sourceMappingURL=bootstrap.min.css.map */` comment is stripped because
# whitenoise's CompressedManifestStaticFilesStorage rewrites source-map
# references and fails collectstatic when the .map file is absent.
#
# Usage: scripts/vendor_bootstrap.sh   (idempotent; needs npm + network access
# to the npm registry). Change BOOTSTRAP_VERSION to upgrade.
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/static/vendor/bootstrap"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
if ! npm pack --silent --loglevel=error "bootstrap@${BOOTSTRAP_VERSION}" >"$tmp/pack.out" 2>"$tmp/pack.err"; then
    cat "$tmp/pack.err" >&2
    exit 1
fi
tarball="$(tail -n 1 "$tmp/pack.out")"
tar -xzf "$tarball" package/dist/css/bootstrap.min.css package/LICENSE

mkdir -p "$dest"
# Drop the source-map comment (normally the last line; remove it wherever it is).
sed -E 's#/\*\# sourceMappingURL=[^*]*\*/##' package/dist/css/bootstrap.min.css > "$tmp/bootstrap.min.css"
if grep -q 'sourceMappingURL' "$tmp/bootstrap.min.css"; then
    echo "vendor_bootstrap.sh: sourceMappingURL still present after stripping" >&2
    exit 1
fi
install -m 0644 "$tmp/bootstrap.min.css" "$dest/bootstrap.min.css"
install -m 0644 package/LICENSE "$dest/LICENSE"
