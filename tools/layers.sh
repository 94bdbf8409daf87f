#!/usr/bin/env bash
# layers.sh - fails when a file of src/ includes a header of a higher layer
# (order: tools/layers.txt) unless tools/layers-allow.txt lists that include.
# Prints each offending line as FILE:LINE: include "X" (layer -> higher layer).
#   tools/layers.sh [ROOT]     ROOT holds src/ and tools/ (default: this repository)
# A file or header in no layer fails too, so a new directory is placed on purpose.
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT"
find src -name '*.[ch]' | sort | xargs grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' /dev/null |
awk -v layers=tools/layers.txt -v allow=tools/layers-allow.txt '
  function layer_of(path,   best, len, p) {
    best = ""; len = -1
    for (p in owner)
      if ((path == p || index(path, p "/") == 1) && length(p) > len) { best = owner[p]; len = length(p) }
    return best
  }
  # dir/../x/./y.h -> x/y.h
  function normalize(path,   parts, n, i, out, k) {
    n = split(path, parts, "/"); k = 0
    for (i = 1; i <= n; i++) {
      if (parts[i] == "." || parts[i] == "") continue
      if (parts[i] == ".." && k > 0) { k--; continue }
      out[++k] = parts[i]
    }
    path = out[1]
    for (i = 2; i <= k; i++) path = path "/" out[i]
    return path
  }
  BEGIN {
    rank = 0
    while ((getline line < layers) > 0) {
      if (line ~ /^[[:space:]]*(#|$)/) continue
      n = split(line, f, /[[:space:]]+/)
      level[f[1]] = ++rank
      for (i = 2; i <= n; i++) owner[f[i]] = f[1]
    }
    while ((getline line < allow) > 0) {
      if (line ~ /^[[:space:]]*(#|$)/) continue
      split(line, f, /[[:space:]]+/)
      allowed[f[1] " " f[2]] = 1
    }
    bad = 0
  }
  {
    file = $0; sub(/:.*/, "", file)
    rest = substr($0, length(file) + 2)
    lineno = rest; sub(/:.*/, "", lineno)
    text = substr(rest, length(lineno) + 2)
    inc = text; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
    dir = file; sub(/\/[^\/]*$/, "", dir)
    target = normalize(dir "/" inc)
    from = layer_of(file); to = layer_of(target)
    if (from == "" || to == "") {
      printf "%s:%s: %s (%s is in no layer of %s)\n", file, lineno, text, from == "" ? file : target, layers
      bad++; next
    }
    if (level[to] <= level[from]) next
    if ((file " " target) in allowed) { used[file " " target] = 1; next }
    printf "%s:%s: %s (%s includes the higher layer %s)\n", file, lineno, text, from, to
    bad++
  }
  END {
    for (k in allowed)
      if (!(k in used)) { printf "%s: allowed in %s but no longer needed: remove the line\n", k, allow; bad++ }
    if (bad) printf "layers: %d include(s) against the order of %s\n", bad, layers
    exit bad > 0
  }'
