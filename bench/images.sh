#!/usr/bin/env bash
# What images cost a build: a gen-site site of 1,000 entries, 500 of which
# show their own photo (3000 × 2000 JPEG, about 2 MB, each different), built
# cold (empty image cache), warm (cache full: no image work), and without
# the images, each in a fresh output folder. Sites are kept in
# /dev/shm/tandem-bench (or --dir).
#
#   bench/images.sh                  # 500 images, 3 runs each
#   bench/images.sh --images 100 --runs 1
#
# The photos are generated with Python's Pillow (pip install pillow).
set -euo pipefail
cd "$(dirname "$0")/.."
N=500
RUNS=3
BASE=/dev/shm/tandem-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --images) N=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --dir) BASE=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. bench/lib.sh
need_gen_site
python3 -c "import PIL" 2>/dev/null || python3 -m pip install --quiet pillow
release_tandem
site="$BASE/images-$N"
plain="$BASE/images-$N-none"
if [ ! -f "$site/.complete" ]; then
  rm -rf "$site" "$plain"
  "$GEN_SITE" --format tandem --pages 1000 --force "$plain" >/dev/null
  cp -r "$plain" "$site"
  python3 - "$site" "$N" <<'PY'
import os, sys, random
from PIL import Image, ImageDraw, ImageFilter
site, n = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{site}/static/bilder", exist_ok=True)
files = []
for kind in ["networks", "partners", "projects", "events", "posts"]:
    d = f"{site}/content/{kind}"
    files += sorted(f"{d}/{f}" for f in os.listdir(d) if f.endswith(".md") and f != "_index.md")
for i, path in enumerate(files[:n]):
    rnd = random.Random(i)
    w, h = 3000, 2000
    img = Image.linear_gradient("L").resize((w, h)).rotate(rnd.randrange(360), expand=False)
    rgb = Image.merge("RGB", [img, Image.effect_noise((w, h), 40 + i % 30), img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    draw = ImageDraw.Draw(rgb)
    for _ in range(12):
        x, y = rnd.randrange(w), rnd.randrange(h)
        r = rnd.randrange(80, 500)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randrange(256) for _ in range(3)))
    rgb.filter(ImageFilter.GaussianBlur(1)).save(f"{site}/static/bilder/foto-{i:04}.jpg", quality=88)
    text = open(path, encoding="utf-8").read()
    head, rest = text.split("\n", 1)
    open(path, "w", encoding="utf-8").write(f"{head}\nimage: {{ src: bilder/foto-{i:04}.jpg, alt: Testbild {i} mit farbigen Kreisen }}\n{rest}")
PY
  touch "$site/.complete"
fi
bytes=$(du -sb "$site/static/bilder" | cut -f1)
echo "site: 1000 entries, $N photos of 3000 x 2000 ($((bytes / 1000000)) MB), $(nproc) cores"
run() { # label, root, cache
  local out; out=$(mktemp -d)
  /usr/bin/time -f "%e %M" -o "$out/t" env TANDEM_CACHE_DIR="$3" "$TANDEM" build --root "$2" --output "$out/o" >"$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }
  printf '%-8s %8s s %8s MiB   %s\n' "$1" "$(cut -d' ' -f1 "$out/t")" "$(( $(cut -d' ' -f2 "$out/t") / 1024 ))" "$(tail -1 "$out/log" | sed 's/.* ms//')"
  rm -rf "$out"
}
cache="$BASE/images-$N-cache"
for r in $(seq "$RUNS"); do
  rm -rf "$cache"
  run cold "$site" "$cache"
  run warm "$site" "$cache"
  run none "$plain" "$cache"
done
