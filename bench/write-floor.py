#!/usr/bin/env python3
"""What creating a built output's folders and files costs by itself.

Reads every file below SOURCE into memory, then writes them again below
DEST (which must not exist) with one thread: mkdir for each folder, and
open, write, close for each file, as any generator must. Prints
"files bytes wall_s system_s" of the writing alone; the system time is
the kernel's share, which any generator writing these files pays.

    bench/write-floor.py SOURCE DEST
"""
import os
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    source, dest = sys.argv[1], sys.argv[2]
    if os.path.exists(dest):
        sys.exit(f"{dest} exists")
    folders, files = [], []
    for at, _, names in os.walk(source):
        rel = os.path.relpath(at, source)
        folders.append(rel)
        for name in names:
            with open(os.path.join(at, name), "rb") as f:
                files.append((os.path.join(rel, name), f.read()))
    wall, before = time.perf_counter(), os.times()
    for rel in folders:
        os.mkdir(os.path.normpath(os.path.join(dest, rel)))
    for rel, data in files:
        fd = os.open(os.path.join(dest, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.close(fd)
    after = os.times()
    wall = time.perf_counter() - wall
    size = sum(len(d) for _, d in files)
    print(f"{len(files)} {size} {wall:.3f} {after.system - before.system:.3f}")


main()
