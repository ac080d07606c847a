"""Reads every HTML page of a built site with mf2py, an independent
microformats parser, and prints the h-events, h-cards and h-entries it
finds as JSON lines: {"page", "type", "name", "start", "end", "location", "url"}.
Usage: python3 tests/mf2/events.py OUTPUT_DIR BASE_URL"""
import json, os, sys
import mf2py

out_dir, base = sys.argv[1], sys.argv[2]

def walk(items, page):
    for it in items:
        props = it.get("properties", {})
        first = lambda k: (props.get(k) or [None])[0]
        name = first("name")
        loc = first("location")
        if isinstance(loc, dict):
            loc = loc.get("value")
        print(json.dumps({
            "page": page, "type": it["type"][0], "name": name,
            "start": first("start"), "end": first("end"),
            "published": first("published"), "location": loc, "url": first("url"),
        }, ensure_ascii=False))
        walk(it.get("children", []), page)

for root, _, files in os.walk(out_dir):
    for f in files:
        if not f.endswith(".html"):
            continue
        path = os.path.join(root, f)
        page = os.path.relpath(path, out_dir).replace(os.sep, "/")
        with open(path, encoding="utf-8") as fh:
            doc = mf2py.parse(doc=fh.read(), url=base + page)
        walk(doc["items"], page)
