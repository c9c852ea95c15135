#!/bin/sh
# Syntax check of the PowerShell agent where no PowerShell is installed: parses heartbeat.ps1 with the
# tree-sitter PowerShell grammar (npm: tree-sitter-powershell, run as WebAssembly by web-tree-sitter) and
# prints every ERROR or MISSING node. A grammar check, not PowerShell itself: it finds unbalanced braces,
# broken expressions and statements, not wrong cmdlet names or types. Needs node and npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${HANGCHECK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hangcheck/ps1-check}
mkdir -p "$cache"
file=$(cd "$(dirname "${1:-$here/../heartbeat.ps1}")" && pwd)/$(basename "${1:-$here/../heartbeat.ps1}")
cd "$cache"
if [ ! -f node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm ]; then
  [ -f package.json ] || npm init -y >/dev/null
  npm install --silent --ignore-scripts tree-sitter-powershell@0.26.4 web-tree-sitter@0.27.2 >/dev/null
fi
cp "$here/check-ps1.mjs" check-ps1.mjs
node check-ps1.mjs "$file"
