#!/usr/bin/env python3
"""Seeds for the fuzz targets: whole sites packed into one file each.

Packs (see src/lib.rs: site.yaml, then `\\0 path \\0 bytes` per file)
  - sites from a site generator, when $GEN_SITE names one (several seeds
    and sizes; it is called as `GEN_SITE --format tandem --pages N --seed S DIR`),
  - slices of them (site.yaml with a handful of related files),
  - the example site at the repository root, and the test fixtures,
  - the site `tandem init` writes, when a built binary is there,
  - a site nested deeply in front matter and Markdown;
and, for the `front_matter` target, the front matter of every file packed
(in fuzz/corpus/front_matter); for the `import` target, the calendar and
table fixtures of tests/fixtures/import (in fuzz/corpus/import).

Usage: fuzz/make-corpus.py [CORPUS_DIR]   (default: fuzz/corpus/load)
"""
import os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.environ.get("GEN_SITE", "")
out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "load")
os.makedirs(out_dir, exist_ok=True)


def read_site(root):
    with open(os.path.join(root, "site.yaml"), "rb") as f:
        site_yaml = f.read()
    files = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, "content")):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            with open(path, "rb") as f:
                files.append((rel, f.read()))
    return site_yaml, files


def pack(site_yaml, files):
    out = bytearray(site_yaml)
    for rel, data in files:
        out += b"\0" + rel.encode() + b"\0" + data
    return bytes(out)


count = 0


fm_dir = os.path.join(os.path.dirname(out_dir), "front_matter")
os.makedirs(fm_dir, exist_ok=True)
front_matters = set()


def write(name, site_yaml, files):
    global count
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(pack(site_yaml, files))
    count += 1
    for _, data in files:
        parts = data.split(b"---\n", 2)
        if data.startswith(b"---\n") and len(parts) == 3:
            front_matters.add(parts[1])


def slices(name, site_yaml, files, size=8):
    """site.yaml with small groups of files, so that most inputs are short."""
    for i in range(0, len(files), size):
        write(f"{name}-slice{i // size:03}", site_yaml, files[i:i + size])


tmp = tempfile.mkdtemp(prefix="tandem-corpus-")
try:
    if os.path.exists(GEN):
        for pages, seeds in ((5, range(1, 9)), (50, range(1, 4))):
            for seed in seeds:
                d = os.path.join(tmp, f"gen-{pages}-{seed}")
                subprocess.run([GEN, "--format", "tandem", "--pages", str(pages),
                                "--seed", str(seed), d], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                site_yaml, files = read_site(d)
                write(f"gen-{pages}-{seed}", site_yaml, files)
                if pages == 50:
                    slices(f"gen-{pages}-{seed}", site_yaml, files)
    else:
        print("no gen-site: seeding from the example site only", file=sys.stderr)
    site_yaml, files = read_site(REPO)
    write("example", site_yaml, files)
    slices("example", site_yaml, files)
    # Nesting beyond tandem's limit (front matter) and deep enough for the
    # targets' small stack (Markdown), for mutations to go deeper still.
    block = b"---\ntitle: Tief\ndate: 2024-01-01\nextra:\n  " + b"- " * 3000 + b"1\n---\n"
    flow = b"---\ntitle: Flach\ndate: 2024-01-01\nextra:\n  x: " + b"[" * 300 + b"]" * 300 + b"\n---\n"
    body = b"---\ntitle: Zitate\n---\n" + b">" * 5000 + b" x\n\n" + b"- " * 5000 + b"y\n"
    write("deep-nesting", site_yaml, [("content/posts/tief.md", block),
                                      ("content/posts/flach.md", flow),
                                      ("content/zitate.md", body)])
    fixtures = os.path.join(REPO, "tests", "fixtures")
    for dirpath, dirnames, filenames in os.walk(fixtures):
        if "site.yaml" in filenames and os.path.isdir(os.path.join(dirpath, "content")):
            name = "fixture-" + os.path.relpath(dirpath, fixtures).replace(os.sep, "-")
            write(name, *read_site(dirpath))
    for profile in ("debug", "release"):
        exe = os.path.join(REPO, "target", profile, "tandem")
        if os.path.exists(exe):
            d = os.path.join(tmp, "init")
            subprocess.run([exe, "init", d], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            write("init", *read_site(d))
            break
finally:
    shutil.rmtree(tmp)
for i, fm in enumerate(sorted(front_matters)):
    with open(os.path.join(fm_dir, f"fm-{i:04}"), "wb") as f:
        f.write(fm)
# The `import` target: the calendar and table fixtures as they are.
import_dir = os.path.join(os.path.dirname(out_dir), "import")
os.makedirs(import_dir, exist_ok=True)
import_fixtures = os.path.join(REPO, "tests", "fixtures", "import")
imports = sorted(os.listdir(import_fixtures)) if os.path.isdir(import_fixtures) else []
for name in imports:
    shutil.copyfile(os.path.join(import_fixtures, name), os.path.join(import_dir, name))
print(f"{count} seeds in {out_dir}, {len(front_matters)} in {fm_dir}, {len(imports)} in {import_dir}")
