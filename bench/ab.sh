#!/usr/bin/env bash
# Two tandem binaries on the same site, alternating, in the same run: wall
# time, CPU time and peak memory (medians), and whether their outputs are
# the same byte for byte. For telling a change from this machine's noise.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY SITE [RUNS]    # RUNS defaults to 7
#
# Make OLD_BINARY with e.g. `git stash; cargo build --release;
# cp target/release/tandem /tmp/tandem-old; git stash pop`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then sed -n '2,9p' "$0"; exit 2; fi
OLD=$1; NEW=$2; SITE=$3; RUNS=${4:-7}
. bench/lib.sh
export SOURCE_DATE_EPOCH=1795000000
# Outputs on tmpfs, as in compare.sh: on disk, write-back swamps the difference.
BASE=/dev/shm; [ -d "$BASE" ] || BASE=${TMPDIR:-/tmp}
OUT=$(mktemp -d "$BASE/tandem-ab.XXXX")
trap 'rm -rf "$OUT"' EXIT

# Prints "wall_s cpu_s peak_kib" for one build.
run() {
  measure_as "%e %U %S %M" "$1" build --root "$SITE" --output "$2" \
    | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}

for b in "$OLD" "$NEW"; do "$b" build --root "$SITE" --output "$OUT/warm" >/dev/null 2>&1 || true; rm -rf "$OUT/warm"; done
declare -a OW OC OM NW NC NM
for r in $(seq 1 "$RUNS"); do
  read -r w c m < <(run "$OLD" "$OUT/old"); OW+=("$w"); OC+=("$c"); OM+=("$m")
  read -r w c m < <(run "$NEW" "$OUT/new"); NW+=("$w"); NC+=("$c"); NM+=("$m")
  if [ "$r" = 1 ]; then
    if diff -r "$OUT/old" "$OUT/new" >/dev/null; then same="the same byte for byte"; else same="DIFFERENT (diff -r)"; fi
  fi
  rm -rf "$OUT/old" "$OUT/new"
done
printf '%-4s %10s %10s %12s   (medians of %s runs)\n' "" wall_s cpu_s peak_MiB "$RUNS"
printf '%-4s %10s %10s %12d\n' old "$(median "${OW[@]}")" "$(median "${OC[@]}")" $(( $(median "${OM[@]}" | cut -d. -f1) / 1024 ))
printf '%-4s %10s %10s %12d\n' new "$(median "${NW[@]}")" "$(median "${NC[@]}")" $(( $(median "${NM[@]}" | cut -d. -f1) / 1024 ))
echo "outputs: $same"
