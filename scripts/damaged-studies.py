#!/usr/bin/env python3
"""Copies of the demo study with a damaged or awkward store, for comparing the output of the
commands that read every record (`waves validate`, `waves quality`, `waves verify`) between two
binaries (issue 14, sessions 8 and 9; `scripts/compare-record-commands.sh` runs them).

Usage: scripts/damaged-studies.py OUT_DIR [DEMO_DIR]

Makes OUT_DIR/<name> for each kind of damage: torn, edited, deleted, moved, blank and cut lines;
out-of-range and text answers; unknown wave, instrument and participant; a declined unknown
item; duplicates; a store mode 0644; an unfinished import; empty and missing stores; a bad and a
missing `prev`; a round-1 prefix; and lines the fast record path reads or declines (durations,
languages, `via`, `dont_know`, escapes, unknown keys, a changed instrument file, white space;
`timings` and `dont_know` as `waves take` writes them and in wrong shapes).
Deterministic: the same copies every run.
"""
import hashlib
import json
import os
import re
import shutil
import stat
import sys

out = sys.argv[1]
demo = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "datasets", "pmi-demo")
with open(os.path.join(demo, "data", "responses.jsonl"), encoding="utf-8") as f:
    LINES = f.read().split("\n")[:-1]


def make(name, lines=None, text=None, mode=0o600, missing=False, after=None):
    d = os.path.join(out, name)
    if os.path.exists(d):
        shutil.rmtree(d)
    shutil.copytree(demo, d)
    store = os.path.join(d, "data", "responses.jsonl")
    if missing:
        os.remove(store)
    else:
        if text is None:
            text = "".join(l + "\n" for l in lines)
        with open(store, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(store, mode)
    if after:
        after(d)


def edit(pattern, repl, every=1, start=0, count=None):
    """The store with `pattern` replaced by `repl` on every `every`-th line from `start`."""
    out_lines = []
    done = 0
    for k, l in enumerate(LINES):
        if k >= start and (k - start) % every == 0 and (count is None or done < count) and re.search(pattern, l):
            l = re.sub(pattern, repl, l, count=1)
            done += 1
        out_lines.append(l)
    return out_lines


def rechained(lines):
    """The lines with each `prev` set to the SHA-256 of the line before, as the store writes it."""
    out_lines, before = [], None
    for l in lines:
        if before is not None:
            l = re.sub(r'"prev":"[0-9a-f]{64}"', '"prev":"%s"' % hashlib.sha256(before.encode("utf-8")).hexdigest(), l, count=1)
        out_lines.append(l)
        before = l
    return out_lines


def prev_removed(lines, upto):
    return [re.sub(r',"prev":"[0-9a-f]{64}"', "", l) if k < upto else l for k, l in enumerate(lines)]


make("intact", LINES)
make("torn", text="".join(l + "\n" for l in LINES) + LINES[10][:120])
make("edited", edit(r'"pi01":\d', '"pi01":1', start=200, count=1))
make("deleted", LINES[:150] + LINES[151:])
moved = list(LINES)
moved[40], moved[300] = moved[300], moved[40]
make("moved", moved)
make("blank", LINES[:77] + [""] + LINES[77:])
make("cut", LINES[:120] + [LINES[120][: len(LINES[120]) // 2]] + LINES[121:])
make("out-of-range", edit(r'"pi02":\d', '"pi02":9', every=5))
make("out-of-range-few", edit(r'"rf03":\d', '"rf03":0', every=50))
make("text-answer", edit(r'"pi03":\d', '"pi03":"three"', every=40))
make("unknown-wave", edit(r'"wave":"w2"', '"wave":"w9"', every=30))
make("unknown-instrument", edit(r'"instrument":\{"id":"personhood"', '"instrument":{"id":"persona"', every=6))
make("unknown-participant", edit(r'"participant":"P00(\d)"', r'"participant":"Z0\1"', every=25))
make("declined-unknown", edit(r'"declined":\[\]', '"declined":["zz01"]', every=35))
make("declined-answered", edit(r'"declined":\[\]', '"declined":["pi01"]', every=33))
dups = list(LINES)
for k in (5, 60, 222):
    dups.append(re.sub(r'"submitted_at":"2026', '"submitted_at":"2027', LINES[k]).replace(json.loads(LINES[k])["id"], "dup-%d" % k))
dups.append(LINES[7])
make("duplicates", dups)
make("mode-0644", LINES, mode=0o644)
make("unfinished-import", edit(r'\}$', ',"batch":"b-never-finished"}', every=45))
make("empty", text="")
make("missing", missing=True)
make("bad-prev", edit(r'"prev":"[0-9a-f]{64}"', '"prev":"ABC"', start=90, count=1))
make("prev-not-string", edit(r'"prev":"[0-9a-f]{64}"', '"prev":7', start=91, count=1))
make("missing-prev", edit(r',"prev":"[0-9a-f]{64}"', '', start=130, count=1))
make("round-1-prefix", prev_removed(LINES, 60))
# Lines the fast record path reads (optional keys) or declines (anything unusual).
make("durations", [l.replace(',"mode":', ',"duration_ms":%d,"mode":' % (15000 + (k * 7919) % 600000)) for k, l in enumerate(LINES)])
fast = []
for k, l in enumerate(LINES):
    if k % 3 == 0:
        l = l.replace(',"mode":', ',"duration_ms":%d,"mode":' % (20000 + (k * 7919) % 900000))
    if k % 5 == 1:
        l = l.replace(',"mode":', ',"duration_ms":%d,"mode":' % (k % 2000))
    if k % 7 == 2:
        l = l.replace('"mode":"terminal"', '"mode":"terminal","via":"%s"' % ["ssh", "kiosk", "paper", "terminal"][k % 4])
    if k % 11 == 3:
        l = l[:-1] + ',"language":"%s"}' % ["en", "", "fr"][k % 3]
    if k % 13 == 4:
        l = l[:-1] + ',"dont_know":["pi01"]}'
    if k % 17 == 5:
        l = l[:-1] + ',"zz":1}'
    if k % 19 == 6:
        l = l.replace('"participant":"P0', '"participant":"P\\u0030')
    if k % 23 == 7:
        l = l.replace('"answers":{', '"answers":{ ')
    if k % 29 == 8:
        l = l.replace('"mode":"terminal"', '"mode":"quill"')
    if k % 31 == 9:
        l = l.replace('"role":"mentee"', '"role":null')
    if k % 37 == 10:
        l = l.replace('"duration_ms":', '"duration_ms":-')
    fast.append(l)
make("fast-shapes", fast)
# The keys `waves take` writes (`timings`, `dont_know`), which the fast record path reads too:
# usual and wrong shapes, "Don't know" on an unanswered, an answered, an unknown and a declined item.
survey = []
for k, l in enumerate(LINES):
    rec = json.loads(l)
    ids = list(rec["answers"].keys())
    unanswered = [i for i in ids if rec["answers"][i] is None]
    answered = [i for i in ids if rec["answers"][i] is not None]
    timings = "{" + ",".join('"%s":%d' % (i, 700 + 13 * j) for j, i in enumerate(ids)) + "}"
    case = k % 9
    add = ',"timings":' + timings
    if case == 1 and unanswered:
        add += ',"dont_know":["%s"]' % unanswered[0]
    elif case == 2 and answered:
        add = ',"dont_know":["%s"]' % answered[0]
    elif case == 3:
        add = ',"dont_know":["zz99"]'
    elif case == 4:
        add = ',"timings":{"%s":-5}' % (ids[0] if ids else "x")
    elif case == 5:
        add = ',"timings":"slow","dont_know":"x"'
    elif case == 6 and rec.get("declined"):
        add = ',"dont_know":["%s"]' % rec["declined"][0]
    elif case == 7:
        add = ',"dont_know":[],"timings":{}'
    elif case == 8:
        add = ',"timings":{"a":1},"timings":{"a":2}'
    survey.append(l[:-1] + add + "}")
make("survey-keys", rechained(survey))
make("instrument-changed", edit(r'"sha256":"732aa6914e7c1ada8c58b392fbb14703020ae6300afcd2dce5e016e2db2447b7"',
                                '"sha256":"' + "ab" * 32 + '"', every=4))
make("no-roster", LINES, after=lambda d: (os.remove(os.path.join(d, "roster.csv")),
                                          open(os.path.join(d, "study.yaml"), "w").write(
                                              open(os.path.join(demo, "study.yaml")).read().replace("roster: roster.csv\n", ""))))
print("\n".join(sorted(os.listdir(out))))
