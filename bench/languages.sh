#!/usr/bin/env bash
# What a second language costs: cold full builds of the same generated site
# in one language and with `languages: [de, en]` (no translations, so every
# English page shows the German words), alternating, in the same run. The
# ratio is what counts (the machines are shared and noisy).
#
#   bench/languages.sh                    # 10,000 entries, 3 runs each, on tmpfs
#   bench/languages.sh --pages 1000 --runs 5
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=10000
RUNS=3
BASE=/dev/shm/tandem-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --dir) BASE=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. bench/lib.sh
need_gen_site
release_tandem
mkdir -p "$BASE"
one="$BASE/tandem-$PAGES"
two="$BASE/tandem-$PAGES-bilingual"
[ -f "$one/site.yaml" ] || "$GEN_SITE" --format tandem --pages "$PAGES" --force "$one" >/dev/null
if [ ! -f "$two/site.yaml" ]; then
  rm -rf "$two"; cp -r "$one" "$two"
  sed -i 's/^language: .*/languages: [de, en]/' "$two/site.yaml"
  grep -q '^languages:' "$two/site.yaml" || printf '\nlanguages: [de, en]\n' >>"$two/site.yaml"
fi

printf '%-4s %12s %12s %12s %12s\n' run one_s two_s one_MiB two_MiB
O_WALL=(); T_WALL=(); O_MEM=(); T_MEM=()
for r in $(seq 1 "$RUNS"); do
  rm -rf "$BASE/out-one" "$BASE/out-two"
  read -r ow om < <(measure "$TANDEM" build --root "$one" --output "$BASE/out-one")
  read -r tw tm < <(measure "$TANDEM" build --root "$two" --output "$BASE/out-two")
  O_WALL+=("$ow"); T_WALL+=("$tw"); O_MEM+=("$om"); T_MEM+=("$tm")
  printf '%-4s %12s %12s %12d %12d\n' "$r" "$ow" "$tw" $((om / 1024)) $((tm / 1024))
done
ow=$(median "${O_WALL[@]}"); tw=$(median "${T_WALL[@]}")
om=$(median "${O_MEM[@]}"); tm=$(median "${T_MEM[@]}")
files_one=$(find "$BASE/out-one" -type f | wc -l); files_two=$(find "$BASE/out-two" -type f | wc -l)
awk -v ow="$ow" -v tw="$tw" -v om="$om" -v tm="$tm" -v n="$PAGES" -v f1="$files_one" -v f2="$files_two" 'BEGIN {
  printf "%d entries, medians: one language %.2f s, %d MiB, %d files; two languages %.2f s, %d MiB, %d files\n", n, ow, om / 1024, f1, tw, tm / 1024, f2
  printf "two languages / one: wall %.2f, peak memory %.2f\n", tw / ow, tm / om
}'
rm -rf "$BASE/out-one" "$BASE/out-two"
