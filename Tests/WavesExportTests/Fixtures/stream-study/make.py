import json, os, shutil, sys
# Writes the stream-study fixture next to this script (python3 make.py). Its store is
# written once and committed; the golden copies Golden/stream-* were exported from it.
here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, '..', 'edge-study')
dst = here
os.makedirs(dst + '/instruments', exist_ok=True); os.makedirs(dst + '/data', exist_ok=True)
shutil.copy(src + '/instruments/ident.yaml', dst + '/instruments/ident.yaml')
open(dst + '/study.yaml', 'w').write('''format: waves.study/1
id: stream-2026
title: "Streaming exports: every kind of cell"
roles: [student, tutor]
waves:
  - {id: w1, label: Start, time: 0}
  - {id: w2, label: Middle, time: 6}
  - {id: w3, label: End, time: 12}
instruments:
  - path: instruments/ident.yaml
  - path: instruments/dk.yaml
    waves: [w1, w3]
roster: roster.csv
''')
open(dst + '/roster.csv', 'w').write('participant,role\nS01,student\nS02,tutor\nS03,student\n')
open(dst + '/instruments/dk.yaml', 'w').write('''format: waves.instrument/1
id: dk
version: 1.0.0
title: Don't know and declined
response_sets:
  a3:
    options: [{value: 1, label: No}, {value: 2, label: Maybe}, {value: 3, label: Yes}]
    allow_decline: true
    allow_dont_know: true
items:
  - {id: q1, text: One, response: a3}
  - {id: q2, text: Two, response: a3}
  - {id: q3, text: Three, response: a3, reverse: true}
  - {id: note1, type: note, text: Thanks}
  - {id: why, type: text, text: Why?}
scales:
  - {id: dks, label: DK scale, items: [q1, q2, q3], min_answered: 0.3}
''')
IDENT = ('ident', '2.1.0', 'b2115b9add7db0418b13259bf46a99a1587de4f7a960e4a5d8e5b7fb420f37f2')
IDENT_OLD = ('ident', '2.0.0', '1111111111111111111111111111111111111111111111111111111111111111')
DK = ('dk', '1.0.0', '2222222222222222222222222222222222222222222222222222222222222222')
n = [0]
def rec(p, role, wave, inst, at, answers, declined=(), dont_know=None, batch=None):
    n[0] += 1
    r = {"format": "waves.response/1", "id": "00000000-0000-4000-8000-%012d" % n[0], "study": "stream-2026", "participant": p}
    if role is not None: r["role"] = role
    r.update({"wave": wave, "instrument": {"id": inst[0], "version": inst[1], "sha256": inst[2]},
              "started_at": at, "submitted_at": at, "mode": "terminal", "answers": answers, "declined": list(declined)})
    if dont_know: r["dont_know"] = dont_know
    if batch: r["batch"] = batch
    return json.dumps(r, ensure_ascii=False)
full = {"a01": 4, "a02": 2, "a03": 5, "item_whose_identifier_exceeds_stata_limit": 3,
        "an_item_identifier_that_is_much_longer_than_the_spss_limit_of_sixty_four_bytes": 1, "freq": 2, "odd": -9, "age": 30}
lines = [
    # X9 first appears with an instrument the study does not define.
    rec("X9", "tutor", "w1", ("other", "1", "3" * 64), "2026-01-01T08:00:00Z", {"z": 1}),
    # Roster says tutor; the record says student.
    rec("S02", "student", "w1", IDENT, "2026-01-02T08:00:00Z", dict(full, comment="=SUM(A1) formula-like, \"quoted\"")),
    # Not in the roster: text answers, set-aside numbers (7 is no option, 200 out of range), an unknown item, null.
    rec("X1", "student", "w1", IDENT, "2026-01-03T08:00:00Z", {"a01": 7, "a02": None, "a03": 3, "age": 200, "comment": "plain", "nope": 5, "freq": 1}),
    rec("X1", "tutor", "w2", IDENT_OLD, "2026-03-03T08:00:00Z", {"a01": 2, "a02": 4, "age": 31.5, "comment": "line\nbreak, and 职业 text"}),
    rec("X9", None, "w1", IDENT, "2026-01-04T08:00:00Z", {"a01": 5, "a02": 5, "a03": 5, "tut": 4}),
    # dk: don't know, declined, a declined item that also carries a number (scores read it).
    rec("S01", "student", "w1", DK, "2026-01-05T08:00:00Z", {"q1": None, "q2": None, "q3": 2, "why": "because"}, declined=["q2", "q3"], dont_know=["q1"]),
    # Same stamp, later line: replaces; then an earlier stamp: set aside.
    rec("S01", "student", "w1", DK, "2026-01-05T08:00:00Z", {"q1": 1, "q2": None, "q3": 3, "why": "second"}, declined=["q2"], dont_know=["q3"]),
    rec("S01", "tutor", "w1", DK, "2025-12-31T08:00:00Z", {"q1": 3, "q2": 3, "q3": 3}),
    # Text on a numeric item; a number on a text item.
    rec("X1", "student", "w3", DK, "2026-06-03T08:00:00Z", {"q1": "abc", "q2": 2, "q3": 1, "why": 42}),
    # dk at a wave where it is not given.
    rec("X1", None, "w2", DK, "2026-03-04T08:00:00Z", {"q1": 1, "q2": 1, "q3": 1}, dont_know=["q2"]),
    # An unknown wave.
    rec("X2", "student", "w9", IDENT, "2026-01-06T08:00:00Z", {"a01": 1}),
    # A finished and an unfinished import.
    rec("S01", "student", "w2", IDENT, "2026-03-01T08:00:00Z", dict(full, a01=1), batch="batch-done"),
    rec("S04", "student", "w2", IDENT, "2026-03-01T09:00:00Z", dict(full, a01=2), batch="batch-stopped"),
    "{not json",
    # A later duplicate of S02 w1 ident that wins, with fewer answers.
    rec("S02", "tutor", "w1", IDENT, "2026-01-09T08:00:00Z", {"a01": 1, "a02": 1, "comment": "corrigé"}, declined=["a03"]),
    rec("S02", None, "w3", DK, "2026-06-01T08:00:00Z", {"q1": 2, "q2": 3, "q3": None}, declined=["q3"]),
    # Numbers that are not exactly a Float (the answer columns then hold Doubles), -0, a huge one.
    rec("X3", "student", "w3", IDENT, "2026-06-05T08:00:00Z", {"age": 23.7, "a01": 0.1, "a02": -0.0, "odd": 1e300, "freq": 3}),
]
open(dst + '/data/responses.jsonl', 'w').write('\n'.join(lines) + '\n')
open(dst + '/data/imports.jsonl', 'w').write(json.dumps({"format": "waves.import/1", "batch": "batch-done", "instrument": "ident", "records": 1, "at": "2026-03-01T08:00:00Z"}) + '\n')
os.chmod(dst + '/data/responses.jsonl', 0o600)
