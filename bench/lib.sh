# Shared by the bench scripts (sourced, not run): the generator, tandem's
# release binary, and one measured run with the median of several.

# gen-site from ../shared/bench (or $GEN_SITE); exits when it is missing.
GEN_SITE=${GEN_SITE:-../shared/bench/gen-site}
need_gen_site() {
  if [ ! -x "$GEN_SITE" ]; then
    echo "gen-site not found at $GEN_SITE (set GEN_SITE=/path/to/gen-site)" >&2
    exit 2
  fi
}

# Builds tandem (unless NO_BUILD is set) and sets $TANDEM; every build
# measured gets the same clock, so that runs are comparable.
release_tandem() {
  [ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
  TANDEM=$PWD/target/release/tandem
  export SOURCE_DATE_EPOCH=1795000000
}

# Prints "seconds peak_kib" for one run of the command (its output dropped).
measure() { measure_as "%e %M" "$@"; }

# Prints what /usr/bin/time's FORMAT says of one run of the command.
measure_as() {
  local format=$1 f; shift; f=$(mktemp)
  /usr/bin/time -f "$format" -o "$f" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; cat "$f" >&2; }
  tail -1 "$f"; rm -f "$f"
}

calc() { awk "BEGIN { printf \"%.6f\", $* }"; }

# The median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
