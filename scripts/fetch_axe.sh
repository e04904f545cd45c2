#!/usr/bin/env bash
# fetch_axe.sh — download axe-core's browser build for the accessibility checks
# in the browser tests.
#
# Why: the browser tests inject axe.min.js into pages to audit accessibility.
# It is a test-only dependency, so it is not committed: it lands in
# tests/browser/vendor/ (git-ignored) and the Makefile runs this script when
# the file is missing. Fetched with `npm pack` from the npm registry (no CDN).
#
# Usage: scripts/fetch_axe.sh   (idempotent; needs npm + network access to the
# npm registry). Change AXE_VERSION to upgrade.
set -euo pipefail

AXE_VERSION="4.14.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/tests/browser/vendor"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
if ! npm pack --silent --loglevel=error "axe-core@${AXE_VERSION}" >"$tmp/pack.out" 2>"$tmp/pack.err"; then
    cat "$tmp/pack.err" >&2
    exit 1
fi
tarball="$(tail -n 1 "$tmp/pack.out")"
tar -xzf "$tarball" package/axe.min.js

mkdir -p "$dest"
install -m 0644 package/axe.min.js "$dest/axe.min.js"
