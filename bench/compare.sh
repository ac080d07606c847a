#!/usr/bin/env bash
# Cold full builds of tandem and Hugo on the same synthetic content, side by
# side: wall time, entries per second and peak memory, as ratios taken in
# the same run (the machines are shared and noisy, so seconds alone say
# little). Sites come from ../shared/bench/gen-site (or $GEN_SITE). Last,
# it writes each tool's finished output again from memory
# (bench/write-floor.py): what creating those folders and files costs by
# itself, a floor under any build that makes them; and it times
# `tandem check`, the whole build in memory with no file written, and a
# build whose site templates write only each page's body (what the build
# costs with next to no template work).
#
#   bench/compare.sh                      # 1,000 and 10,000 entries, 3 runs each, on tmpfs
#   bench/compare.sh --pages "1000" --runs 5
#   bench/compare.sh --disk               # sources and output on disk (see bench/disk.sh)
#
# Hugo comes from Debian's package: apt-get install hugo.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES="1000 10000"
RUNS=3
BASE=/dev/shm/tandem-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --disk) BASE=${TMPDIR:-/tmp}/tandem-bench; shift ;;
    --dir) BASE=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. bench/lib.sh
if ! command -v hugo >/dev/null 2>&1; then
  echo "hugo is not installed: the comparison needs it. Install it with: apt-get install hugo" >&2
  exit 2
fi
need_gen_site
release_tandem
mkdir -p "$BASE"

declare -A T_WALL H_WALL T_MEM H_MEM N_WALL N_MEM C_WALL B_WALL
printf '%-8s %-6s %10s %10s %12s %12s %12s %12s\n' entries run tandem_s hugo_s tandem_MiB hugo_MiB "ratio(t/h)" no_search_s
for n in $PAGES; do
  site="$BASE/tandem-$n"; hsite="$BASE/hugo-$n"
  [ -f "$site/site.yaml" ] || "$GEN_SITE" --format tandem --pages "$n" --force "$site" >/dev/null
  [ -f "$hsite/config.toml" ] || "$GEN_SITE" --format hugo --pages "$n" --force "$hsite" >/dev/null
  # The same site without the search index (`search: false`), to measure what the index adds.
  nsite="$BASE/tandem-$n-no-search"
  if [ ! -f "$nsite/site.yaml" ]; then
    rm -rf "$nsite"; cp -r "$site" "$nsite"; printf '\nsearch: false\n' >>"$nsite/site.yaml"
  fi
  # The same site with templates that write only each page's body, so
  # that Tera does next to nothing: what the rest of the build costs.
  bsite="$BASE/tandem-$n-bare"
  if [ ! -d "$bsite/templates" ]; then
    rm -rf "$bsite"; cp -r "$site" "$bsite"; mkdir -p "$bsite/templates"
    for t in themes/default/templates/*.html; do
      [ "$(basename "$t")" = components.html ] && continue
      echo '<!DOCTYPE html><title>x</title>{% if entry and entry.content %}{{ entry.content | safe }}{% endif %}' \
        >"$bsite/templates/$(basename "$t")"
    done
  fi
  # Warm-up of both (file cache, binaries).
  "$TANDEM" build --root "$site" --output "$BASE/warm-t" >/dev/null 2>&1; rm -rf "$BASE/warm-t"
  hugo --source "$hsite" --destination "$BASE/warm-h" --quiet >/dev/null 2>&1; rm -rf "$BASE/warm-h"
  tw=(); hw=(); tm=(); hm=(); nw=(); nm=(); cw=(); bw=()
  for r in $(seq 1 "$RUNS"); do
    out=$(mktemp -u -d "$BASE/o.XXXX")
    read -r s m < <(measure "$TANDEM" build --root "$site" --output "$out"); rm -rf "$out"
    tw+=("$s"); tm+=("$m")
    out=$(mktemp -u -d "$BASE/o.XXXX")
    read -r hs hmm < <(measure hugo --source "$hsite" --destination "$out" --quiet); rm -rf "$out"
    hw+=("$hs"); hm+=("$hmm")
    out=$(mktemp -u -d "$BASE/o.XXXX")
    read -r ns nmm < <(measure "$TANDEM" build --root "$nsite" --output "$out"); rm -rf "$out"
    nw+=("$ns"); nm+=("$nmm")
    # `check` renders everything as `build` does, into memory: no file is written.
    read -r cs _ < <(measure "$TANDEM" check --root "$site")
    cw+=("$cs")
    out=$(mktemp -u -d "$BASE/o.XXXX")
    read -r bs _ < <(measure "$TANDEM" build --root "$bsite" --output "$out"); rm -rf "$out"
    bw+=("$bs")
    printf '%-8s %-6s %10s %10s %12d %12d %12.2f %12s\n' "$n" "$r" "$s" "$hs" $((m/1024)) $((hmm/1024)) "$(calc "$s / $hs")" "$ns"
  done
  T_WALL[$n]=$(median "${tw[@]}"); H_WALL[$n]=$(median "${hw[@]}")
  T_MEM[$n]=$(median "${tm[@]}"); H_MEM[$n]=$(median "${hm[@]}")
  N_WALL[$n]=$(median "${nw[@]}"); N_MEM[$n]=$(median "${nm[@]}")
  C_WALL[$n]=$(median "${cw[@]}")
  B_WALL[$n]=$(median "${bw[@]}")
done

echo
echo "medians (tandem: every page and feed of the default theme; hugo: the bench theme, no feeds)"
printf '%-8s %10s %10s %10s %12s %12s %10s %14s\n' entries tandem_s hugo_s "wall t/h" tandem_MiB hugo_MiB "mem t/h" "tandem entries/s"
for n in $PAGES; do
  printf '%-8s %10s %10s %10.2f %12d %12d %10.2f %14.0f\n' "$n" "${T_WALL[$n]}" "${H_WALL[$n]}" \
    "$(calc "${T_WALL[$n]} / ${H_WALL[$n]}")" $(( ${T_MEM[$n]%.*} / 1024 )) $(( ${H_MEM[$n]%.*} / 1024 )) \
    "$(calc "${T_MEM[$n]} / ${H_MEM[$n]}")" "$(calc "$n / ${T_WALL[$n]}")"
done
echo
echo "what the search index adds (the same site with search: false, in the same runs)"
printf '%-8s %12s %12s %10s %14s %12s %12s\n' entries no_search_s search_s "added s" no_search_MiB search_MiB "index MB"
for n in $PAGES; do
  # Kept for writing it again below.
  out="$BASE/built-tandem-$n"; rm -rf "$out"
  "$TANDEM" build --root "$BASE/tandem-$n" --output "$out" >/dev/null 2>&1
  index=$(du -sb "$out/search/data" | cut -f1); files=$(find "$out/search/data" -type f | wc -l)
  printf '%-8s %12s %12s %10.2f %14d %12d %12.1f  (%d files)\n' "$n" "${N_WALL[$n]}" "${T_WALL[$n]}" \
    "$(calc "${T_WALL[$n]} - ${N_WALL[$n]}")" $(( ${N_MEM[$n]%.*} / 1024 )) $(( ${T_MEM[$n]%.*} / 1024 )) \
    "$(calc "$index / 1000000")" "$files"
done
echo
echo "the build without its files (tandem check: everything rendered into memory, nothing written)"
echo "and with templates that write only each page's body (Tera does next to nothing)"
printf '%-8s %10s %10s %22s %10s %22s\n' entries build_s check_s "check / Hugo's build" bare_s "bare / Hugo's build"
for n in $PAGES; do
  printf '%-8s %10s %10s %22.2f %10s %22.2f\n' "$n" "${T_WALL[$n]}" "${C_WALL[$n]}" "$(calc "${C_WALL[$n]} / ${H_WALL[$n]}")" \
    "${B_WALL[$n]}" "$(calc "${B_WALL[$n]} / ${H_WALL[$n]}")"
done
echo
echo "writing the output alone: each tool's finished output written again from memory, one thread"
echo "(bench/write-floor.py: mkdir, open, write, close; median of $RUNS)"
printf '%-8s %-7s %8s %10s %10s %10s %22s\n' entries output files MB write_s system_s "write / Hugo's build"
for n in $PAGES; do
  for tool in tandem hugo; do
    built="$BASE/built-$tool-$n"
    if [ "$tool" = hugo ]; then
      rm -rf "$built"; hugo --source "$BASE/hugo-$n" --destination "$built" --quiet >/dev/null 2>&1
    fi
    ww=(); ws=()
    for r in $(seq 1 "$RUNS"); do
      read -r files bytes w sys < <(python3 bench/write-floor.py "$built" "$BASE/floor-copy")
      rm -rf "$BASE/floor-copy"
      ww+=("$w"); ws+=("$sys")
    done
    rm -rf "$built"
    w=$(median "${ww[@]}"); sys=$(median "${ws[@]}")
    printf '%-8s %-7s %8d %10.1f %10s %10s %22.2f\n' "$n" "$tool" "$files" "$(calc "$bytes / 1000000")" "$w" "$sys" \
      "$(calc "$w / ${H_WALL[$n]}")"
  done
done
set -- $PAGES
if [ $# -ge 2 ]; then
  a=$1; b=${!#}
  echo
  printf 'cost of each added entry (%s -> %s): tandem %.3f ms, hugo %.3f ms\n' "$a" "$b" \
    "$(calc "(${T_WALL[$b]} - ${T_WALL[$a]}) * 1000 / ($b - $a)")" \
    "$(calc "(${H_WALL[$b]} - ${H_WALL[$a]}) * 1000 / ($b - $a)")"
fi
