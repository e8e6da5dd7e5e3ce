#!/usr/bin/env python3
"""Writes the large-numbers study (run from this folder; deterministic).

A `number` item whose bounds the evaluator set to +-1e308 belongs to a scale, so whatever a
participant types is scored, analysed, plotted and exported: answers of 1e20, 1e308 and -1e308
next to ordinary hours. (Without bounds such answers are set aside by the default range of
AnswerRules, +-1e9; the bounds keep the values in play so that formatting and plotting are tested.)
Adversarial test round 1 (F2): `waves report` trapped on such values."""
import hashlib, json, os

os.makedirs("instruments", exist_ok=True)
os.makedirs("data", exist_ok=True)

open("study.yaml", "w").write('''format: waves.study/1
id: large-numbers
title: Workload with unbounded answers
roles: [mentee, peer-mentor]
waves:
  - {id: w1, label: Baseline, time: 0}
  - {id: w2, label: End, time: 1}
instruments:
  - path: instruments/hours.yaml
''')

open("instruments/hours.yaml", "w").write('''format: waves.instrument/1
id: hours
version: 1.0.0
title: Hours worked
items:
  - {id: h1, type: number, min: -1.0e308, max: 1.0e308, text: Hours on the ward last week}
  - {id: h2, type: number, min: -1.0e308, max: 1.0e308, text: Hours studying last week}
scales:
  - id: workload
    label: Workload
    items: [h1, h2]
''')

SHA = hashlib.sha256(open("instruments/hours.yaml", "rb").read()).hexdigest()
# (participant, role, w1 answers, w2 answers)
ROWS = [
    ("P01", "mentee", (40, 10), (1e20, 12)),
    ("P02", "peer-mentor", (35, 8), (1e308, 1e308)),
    ("P03", "mentee", (50, 5), (45, 6)),
    ("P04", "peer-mentor", (1e308, 20), (30, 15)),
    ("P05", "mentee", (42, 9), (-1e308, 11)),
    ("P06", "peer-mentor", (38, 7), (36, 9)),
]
lines = []
n = 0
for p, role, a, b in ROWS:
    for w, (h1, h2) in (("w1", a), ("w2", b)):
        n += 1
        lines.append({"format": "waves.response/1", "id": "00000000-0000-4000-8000-%012d" % n, "study": "large-numbers",
                      "participant": p, "role": role, "wave": w,
                      "instrument": {"id": "hours", "version": "1.0.0", "sha256": SHA},
                      "started_at": "2026-0%s-01T09:00:00Z" % w[1], "submitted_at": "2026-0%s-01T09:10:00Z" % w[1],
                      "mode": "plain", "answers": {"h1": h1, "h2": h2}, "declined": []})
with open("data/responses.jsonl", "w") as f:
    for r in lines:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
