#!/usr/bin/env python3
"""Writes the hostile-text study used by the report tests (run from this folder).

Study and instrument texts, a participant id and diary answers hold HTML and
script injection attempts and terminal escape codes; the mood instrument's
records carry two different file hashes (w1, w2) so the report must warn that
the instrument changed. Deterministic: no clock, no randomness."""
import json, os

os.makedirs("instruments", exist_ok=True)
os.makedirs("data", exist_ok=True)

open("study.yaml", "w").write('''format: waves.study/1
id: hostile
title: "Hostile <b>study</b> & \\"quotes\\" 'single' \\u001b[31mred"
roles: [mentee, peer-mentor]
waves:
  - {id: w1, label: "Start <i>now</i>", time: 0}
  - {id: w2, label: End, time: 1}
instruments:
  - path: instruments/mood.yaml
  - path: instruments/diary.yaml
    waves: [w2]
''')

open("instruments/mood.yaml", "w").write('''format: waves.instrument/1
id: mood
version: 1.0.0
title: "Mood <script>alert('title')</script>"
response_sets:
  agree5:
    options:
      - {value: 1, label: Strongly disagree}
      - {value: 2, label: Disagree}
      - {value: 3, label: Neither}
      - {value: 4, label: Agree}
      - {value: 5, label: Strongly agree}
items:
  - {id: md01, text: "I feel <b>calm</b>", response: agree5}
  - {id: md02, text: I feel rested, response: agree5}
  - {id: md03, text: I feel tense, response: agree5, reverse: true}
  - {id: md04, text: I feel hopeful, response: agree5}
scales:
  - id: mood
    label: "Mood <img src=x onerror=alert('scale')>"
    items: [md01, md02, md03, md04]
''')

open("instruments/diary.yaml", "w").write('''format: waves.instrument/1
id: diary
version: 1.0.0
title: Diary
items:
  - id: dy01
    type: text
    text: "What happened? <em>be honest</em>"
''')

HOSTILE = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "\u001b[31mred alert\u001b[0m and a bell\u0007",
    "\u001b]0;evil title\u0007OSC gone; bidi \u202eoverride",
    "Tom & Jerry's \"quote\" <b>bold</b>",
    "A plain line.\nA second line.",
]
PEOPLE = ["P1", "P2", "P3", "P4", "P5", "P6\"><svg onload=alert(9)>", "P7", "P8"]
ROLES = ["mentee", "peer-mentor"]
SHA_W1 = "1" * 64
SHA_W2 = "2" * 64

lines = []
n = 0
def record(p, role, wave, inst, sha, answers, minute):
    global n
    n += 1
    return {"format": "waves.response/1", "id": "00000000-0000-4000-8000-%012d" % n, "study": "hostile",
            "participant": p, "role": role, "wave": wave,
            "instrument": {"id": inst, "version": "1.0.0", "sha256": sha},
            "started_at": "2026-0%d-01T09:%02d:00Z" % (1 if wave == "w1" else 6, minute),
            "submitted_at": "2026-0%d-01T10:%02d:00Z" % (1 if wave == "w1" else 6, minute),
            "mode": "plain", "answers": answers, "declined": []}

for i, p in enumerate(PEOPLE):
    role = ROLES[i % 2]
    base = 2 + (i % 3)
    a1 = {"md01": base, "md02": min(5, base + (i % 2)), "md03": 6 - base, "md04": base}
    a2 = {"md01": min(5, base + 1), "md02": min(5, base + 1 + (i % 2)), "md03": max(1, 5 - base), "md04": min(5, base + (i % 2))}
    lines.append(record(p, role, "w1", "mood", SHA_W1, a1, i))
    lines.append(record(p, role, "w2", "mood", SHA_W2, a2, i))
    if i < len(HOSTILE):
        lines.append(record(p, role, "w2", "diary", "3" * 64, {"dy01": HOSTILE[i]}, i + 20))
# A repeated submission (the later one is used) and an unreadable line.
lines.append(record("P1", "mentee", "w2", "mood", SHA_W2, {"md01": 5, "md02": 5, "md03": 1, "md04": 5}, 50))
with open("data/responses.jsonl", "w") as f:
    for r in lines:
        f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    f.write("{not json <script>alert('store')</script>\n")
