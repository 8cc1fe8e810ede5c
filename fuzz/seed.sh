#!/usr/bin/env bash
# Seeds the fuzzers' local corpora (fuzz/corpus/<target>/, git-ignored) from the example menus,
# the test fixtures and the shared third-party corpus (../shared/corpus beside the repository,
# or the folder given as the first argument). Menus that name an intents file (`traffic:`) also
# get a seed holding both, split by the `#@intents` line the lint and simulate targets read.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared/corpus}"
for target in parse lint simulate; do
    mkdir -p "fuzz/corpus/$target"
done
n=0
add() { # add FILE TARGET...: copies FILE under a name made from its path
    local file="$1"
    shift
    local name
    name="$(echo "$file" | sed 's|^[./]*||' | tr '/' '_')"
    for target in "$@"; do
        cp "$file" "fuzz/corpus/$target/$name"
    done
    n=$((n + 1))
}
while IFS= read -r -d '' file; do
    add "$file" parse lint simulate
    # A menu with its traffic: both in one seed.
    traffic="$(sed -n 's/^traffic:[[:space:]]*//p' "$file" | head -n 1 | tr -d "\"'\r")"
    if [ -n "$traffic" ] && [ -f "$(dirname "$file")/$traffic" ]; then
        combined="fuzz/corpus/lint/$(echo "$file" | tr '/' '_').with-intents"
        { cat "$file"; printf '\n#@intents\n'; cat "$(dirname "$file")/$traffic"; } > "$combined"
        cp "$combined" fuzz/corpus/simulate/
    fi
done < <(find menus tests/fixtures -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
if [ -d "$shared" ]; then
    while IFS= read -r -d '' file; do
        add "$file" parse lint
    done < <(find "$shared" -type f ! -name README.md -print0 | sort -z)
else
    echo "no shared corpus at $shared; seeding from the repository only" >&2
fi
echo "seeded $n files into fuzz/corpus/{parse,lint,simulate}"
