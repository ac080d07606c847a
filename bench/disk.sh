#!/usr/bin/env bash
# Builds on disk instead of tmpfs, as an author's machine does: tandem and
# Hugo alternating, first each into a new folder, then each again into its
# previous output (a rebuild). Nothing is deleted while it measures and
# the runs are 30 seconds apart, because on some file systems creating
# files right after deleting many is slow for a while (README, "Speed").
#
#   bench/disk.sh                 # the 10,000-entry sites, 3 runs each, in $TMPDIR or /tmp
#   bench/disk.sh --pages 1000 --runs 5 --gap 60   # seconds between runs (30)
set -euo pipefail
cd "$(dirname "$0")/.."
N=10000
RUNS=3
GAP=30
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) N=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --gap) GAP=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. bench/lib.sh
command -v hugo >/dev/null 2>&1 || { echo "hugo is not installed: apt-get install hugo" >&2; exit 2; }
need_gen_site
release_tandem
BASE=${TMPDIR:-/tmp}/tandem-disk
rm -rf "$BASE"; mkdir -p "$BASE"
"$GEN_SITE" --format tandem --pages "$N" --force "$BASE/tandem" >/dev/null
"$GEN_SITE" --format hugo --pages "$N" --force "$BASE/hugo" >/dev/null

# One run of tool $1 into folder $2, after the gap: prints "seconds".
run() {
  sync; sleep "$GAP"
  if [ "$1" = tandem ]; then
    measure_as "%e" "$TANDEM" build --root "$BASE/tandem" --output "$2"
  else
    measure_as "%e" hugo --source "$BASE/hugo" --destination "$2" --quiet
  fi
}

declare -A WALL
for kind in new rebuild; do
  tw=(); hw=()
  for r in $(seq 1 "$RUNS"); do
    # A rebuild writes into the output of the first new build.
    [ "$kind" = new ] && i=$r || i=1
    tw+=("$(run tandem "$BASE/out-tandem-$i")")
    hw+=("$(run hugo "$BASE/out-hugo-$i")")
    printf '%-8s %-4s tandem %6s s  hugo %6s s\n' "$kind" "$r" "${tw[-1]}" "${hw[-1]}"
  done
  WALL[$kind-tandem]=$(median "${tw[@]}")
  WALL[$kind-hugo]=$(median "${hw[@]}")
done
echo
echo "medians, $N entries, on $(df --output=source,fstype "$BASE" | tail -1)"
printf '%-8s %10s %10s %10s\n' build tandem_s hugo_s "wall t/h"
for kind in new rebuild; do
  printf '%-8s %10s %10s %10.2f\n' "$kind" "${WALL[$kind-tandem]}" "${WALL[$kind-hugo]}" \
    "$(calc "${WALL[$kind-tandem]} / ${WALL[$kind-hugo]}")"
done
rm -rf "$BASE"
