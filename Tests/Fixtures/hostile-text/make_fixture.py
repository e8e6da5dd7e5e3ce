#!/usr/bin/env python3
"""Writes the hostile-text study (run from this folder; deterministic, no clock, no randomness).

Terminal escapes (OSC retitle + BEL, CSI clear screen), a bidirectional override (U+202E), C1
controls and spreadsheet formulas sit in the study title, a wave label, a role, the instrument
title, a scale label, option labels, item texts, participant ids and free-text answers. The
store is otherwise valid, so every analysis runs: 10 participants x 3 waves, 4 likert items."""
import hashlib, json, os

os.makedirs("instruments", exist_ok=True)
os.makedirs("data", exist_ok=True)

ESC, BEL, RLO = "\u001b", "\u0007", "\u202e"

study = '''format: waves.study/1
id: hostile-text
title: "Study \\e[2J\\u202Eeltit"
roles: [mentee, "peer\\u202E-mentor"]
waves:
  - {id: w1, label: "Start \\a\\e]0;PWNED\\a", time: 0}
  - {id: w2, label: Middle, time: 1}
  - {id: w3, label: End, time: 2}
instruments:
  - path: instruments/pi.yaml
  - path: instruments/notes.yaml
'''
open("study.yaml", "w").write(study)

pi = '''format: waves.instrument/1
id: pi
version: 1.0.0
title: "PI \\e]0;PWNED\\a\\e[2J"
response_sets:
  agree5:
    options:
      - {value: 1, label: "Never \\e[31mred"}
      - {value: 2, label: Rarely}
      - {value: 3, label: "Some\\u202Etimes"}
      - {value: 4, label: Often}
      - {value: 5, label: "Always \\x9b2J"}
items:
  - {id: pi01, text: "I feel \\e[5mlike a doctor", response: agree5}
  - {id: pi02, text: I belong, response: agree5}
  - {id: pi03, text: I feel outside, response: agree5, reverse: true}
  - {id: pi04, text: "My values \\a", response: agree5}
scales:
  - id: pi
    label: "Identity \\u202Eytitnedi \\e[2J"
    items: [pi01, pi02, pi03, pi04]
'''
open("instruments/pi.yaml", "w").write(pi)

notes = '''format: waves.instrument/1
id: notes
version: 1.0.0
title: "Notes \\e]0;PWNED\\a"
items:
  - id: nt01
    type: text
    text: "What happened? \\e[2J"
'''
open("instruments/notes.yaml", "w").write(notes)

def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()

PI_SHA, NOTES_SHA = sha("instruments/pi.yaml"), sha("instruments/notes.yaml")
PEOPLE = ["P" + ESC + "[2J01", "P02", "P03" + RLO + "x", "=HYPERLINK(\"http://x\")", "P05", "P06",
          "@SUM(1+1)", "P08", "-2+3", "P10"]
ROLES = ["mentee", "peer\u202e-mentor"]
TEXTS = ["=cmd|' /C calc'!A0", ESC + "]0;evil" + BEL + "retitled " + ESC + "[2J cleared",
         "+1 plain plus", "bidi " + RLO + "txet", "\tleading tab", "fine words"]

lines = []
n = 0
def record(p, role, wave, inst, digest, answers, day):
    global n
    n += 1
    return {"format": "waves.response/1", "id": "00000000-0000-4000-8000-%012d" % n, "study": "hostile-text",
            "participant": p, "role": role, "wave": wave,
            "instrument": {"id": inst, "version": "1.0.0", "sha256": digest},
            "started_at": "2026-0%d-%02dT09:00:00Z" % (1 + 3 * int(wave[1:]) - 3, day),
            "submitted_at": "2026-0%d-%02dT09:30:00Z" % (1 + 3 * int(wave[1:]) - 3, day),
            "mode": "plain", "answers": answers, "declined": []}

for w in range(1, 4):
    for i, p in enumerate(PEOPLE):
        base = 2 + (i % 3)
        ans = {"pi01": min(5, base + (w > 1)), "pi02": min(5, base + (w + i) % 2),
               "pi03": max(1, 5 - base - (w == 3)), "pi04": min(5, 1 + (i * 7 + w * 3) % 5)}
        lines.append(record(p, ROLES[i % 2], "w%d" % w, "pi", PI_SHA, ans, 1 + i))
    if w == 2:
        for i, t in enumerate(TEXTS):
            lines.append(record(PEOPLE[i], ROLES[i % 2], "w2", "notes", NOTES_SHA, {"nt01": t}, 1 + i))

with open("data/responses.jsonl", "w") as f:
    for r in lines:
        f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
