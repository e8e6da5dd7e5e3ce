#!/usr/bin/env python3
"""Holds two `waves` binaries' imports to each other, byte for byte (issue 14, import sessions).

    scripts/import-compare.py OLD_WAVES NEW_WAVES [WORKDIR]

Generates a set of long CSVs (valid ones and ones with every kind of problem the importer
reports), imports them one after another into one fresh study per binary (the benchmark
instrument of 40 items, and `identity` and `diary` of datasets/pmi-demo with its roster and
`show_if`), and compares, import by import, stdout, stderr (every located message) and the
exit code, then at the end the stores and `data/imports.jsonl` with the fields that are
random or bound to the time masked (`id`, `prev`, `batch`, `submitted_at`, `at`), and the
`data/` listing (names, modes, sizes). Exits 1 on the first difference, 0 when all agree.
The CSVs are made from a fixed seed, so every run makes the same set.
"""
import os, random, re, shutil, stat, subprocess, sys, tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BENCH_STUDY = """format: waves.study/1
id: bench
title: Benchmark study
roles: [mentee, peer-mentor]
waves:
  - {id: w1, label: Baseline, time: 0}
  - {id: w2, label: Mid, time: 4}
  - {id: w3, label: End, time: 8}
  - {id: w4, label: Follow-up, time: 12}
instruments:
  - path: instruments/bench.yaml
"""

BENCH_INSTRUMENT = """format: waves.instrument/1
id: bench
version: 1.0.0
title: Benchmark scale (40 items)
response_sets:
  agree5:
    options:
      - {value: 1, label: Strongly disagree}
      - {value: 2, label: Disagree}
      - {value: 3, label: Neither}
      - {value: 4, label: Agree}
      - {value: 5, label: Strongly agree}
    allow_decline: true
items:
""" + "".join(f"  - {{id: b{i:02d}, text: Benchmark item {i}, response: agree5}}\n" for i in range(1, 41))

ITEMS = [f"b{i:02d}" for i in range(1, 41)]


def bench_csvs(rng):
    """(name, bytes) of CSVs for the bench instrument."""
    out = []
    header = "participant,wave,role," + ",".join(ITEMS)

    def row(p, w, role, cells):
        return ",".join([p, w, role] + cells)

    def good_cells():
        return [rng.choice(["1", "2", "3", "4", "5", "5", "4", "", "declined", " 3 ", "4.0", "2e0"]) for _ in ITEMS]

    rows = [row(f"P{n:04d}", w, rng.choice(["mentee", "peer-mentor"]), good_cells())
            for n in range(1, 400) for w in ("w1", "w2")]
    out.append(("valid", header + "\n" + "\n".join(rows) + "\n"))
    # Bad cells and words, out-of-range numbers.
    bad = list(rows[:300])
    for k in range(0, 300, 7):
        cells = good_cells()
        cells[rng.randrange(40)] = rng.choice(["6", "0", "-1", "x", "+4", ".5", "0x4", "inf", "NaN", "dont_know", "1e999", "3 4", "1,5"])
        bad[k] = row(f"P{k:04d}", "w3", "mentee", cells)
    out.append(("bad-cells", header + "\n" + "\n".join(bad) + "\n"))
    # Quoted cells (commas, quotes, doubled quotes) in ids and answers.
    quoted = [row(f'"P{n:04d}"', '"w4"', '"mentee"', [f'"{c}"' if c else c for c in good_cells()]) for n in range(1, 200)]
    quoted.append(row('"P,9999"', "w4", "mentee", good_cells()))
    quoted.append(row('"P""q"""', "w4", "mentee", good_cells()))
    out.append(("quoted", header + "\n" + "\n".join(quoted) + "\n"))
    # Wrong column counts.
    wrong = list(rows[:100])
    wrong[10] = wrong[10] + ",5"
    wrong[20] = wrong[20].rsplit(",", 3)[0]
    out.append(("columns", header + "\n" + "\n".join(wrong) + "\n"))
    # Unknown roles and waves.
    unknown = [row(f"Q{n:04d}", rng.choice(["w1", "w9", "W1"]), rng.choice(["mentee", "mentor", ""]), good_cells()) for n in range(200)]
    out.append(("unknown-role-wave", header + "\n" + "\n".join(unknown) + "\n"))
    # A reversed header (the columns in another order).
    rev_header = "role,wave,participant," + ",".join(reversed(ITEMS))
    rev = [",".join([rng.choice(["mentee", "peer-mentor"]), "w3", f"R{n:04d}"] + list(reversed(good_cells()))) for n in range(300)]
    out.append(("reversed-header", rev_header + "\n" + "\n".join(rev) + "\n"))
    # An unknown column and a repeated one.
    out.append(("unknown-column", header + ",b99\n" + "\n".join(r + ",1" for r in rows[:50]) + "\n"))
    out.append(("repeated-column", header + ",b01\n" + "\n".join(r + ",1" for r in rows[:50]) + "\n"))
    # Duplicates of participant and wave.
    dup = rows[:200] + rows[50:60] + rows[:3]
    out.append(("duplicates", header + "\n" + "\n".join(dup) + "\n"))
    # An unterminated quote.
    out.append(("unterminated-quote", header + "\n" + "\n".join(rows[:40]) + '\n"P7777,w1,mentee,' + ",".join(good_cells()) + "\n"))
    # An invalid UTF-8 byte, late in the file.
    text = (header + "\n" + "\n".join(rows[:500]) + "\n").encode()
    cut = len(text) * 3 // 4
    out.append(("invalid-utf8", text[:cut] + b"\xff" + text[cut:]))
    # CRLF line ends, a blank line and a header with spaces.
    crlf = [row(f"C{n:04d}", "w2", "mentee", good_cells()) for n in range(300)]
    out.append(("crlf", " participant , wave ,role," + ",".join(ITEMS) + "\r\n\r\n" + "\r\n".join(crlf) + "\r\n"))
    # Empty file, header only, no participant column.
    out.append(("empty", ""))
    out.append(("header-only", header + "\n"))
    out.append(("no-participant", "who,wave,role,b01\nP1,w1,mentee,3\n"))
    # The first CSV again: its rows repeat earlier submissions.
    out.append(("valid-again", out[0][1]))
    return out


def identity_csvs(rng, roster):
    out = []
    items = ["pi01", "pi02", "pi03", "pi04", "pi05", "pi06", "pi07", "pi08", "pm01", "pm02"]
    header = "participant,wave," + ",".join(items)
    rows = []
    for p, role in roster:
        for w in ("w1", "w2"):
            cells = [rng.choice(["1", "2", "3", "4", "5", "", "declined"]) for _ in items[:8]]
            pm = [rng.choice(["1", "5", ""]) for _ in range(2)] if role == "peer-mentor" else ["", ""]
            rows.append(",".join([p, w] + cells + pm))
    out.append(("identity-valid", header + "\n" + "\n".join(rows) + "\n"))
    # show_if: a mentee with a peer-mentor answer; an unknown participant; a role that differs.
    badrows = list(rows)
    for k in range(0, len(badrows), 5):
        parts = badrows[k].split(",")
        parts[-1] = "4"
        badrows[k] = ",".join(parts)
    badrows.append("P999,w1," + ",".join(["3"] * 8) + ",,")
    out.append(("identity-show-if", header + "\n" + "\n".join(badrows) + "\n"))
    role_header = "participant,wave,role," + ",".join(items)
    role_rows = [",".join([p, "w3", "mentee" if r == "peer-mentor" else r] + ["3"] * 8 + ["", ""]) for p, r in roster[:20]]
    out.append(("identity-role-differs", role_header + "\n" + "\n".join(role_rows) + "\n"))
    out.append(("identity-w3", header + "\n" + "\n".join(r.replace(",w1,", ",w3,", 1) for r in rows[::2]) + "\n"))
    out.append(("identity-again", out[0][1]))
    return out


def diary_csvs(rng, roster):
    out = []
    pieces = ["a", "Z", " ", '""', "\\", "\n", "\r\n", "\t", "é", "ß", "€", "日本", "🙂", "\u2028", "\u202e", "x\u0301", ",", "declined", "4", "\x01", "\x1b[31m"]

    def text():
        s = "".join(rng.choice(pieces) for _ in range(rng.randrange(8)))
        # Never exactly a word (declined, don't know), which `diary` does not offer.
        return '"t' + s + '"'

    header = "participant,wave,dy01,dy02,dy03"
    # dy03 is shown to peer mentors only (show_if).
    rows = [",".join([p, rng.choice(["w2", "w3"]), text(), text(), rng.choice(["", "plain text", text()]) if role == "peer-mentor" else ""])
            for p, role in roster]
    # One row per participant and wave: drop repeats.
    seen, uniq = set(), []
    for r in rows:
        key = tuple(r.split(",")[:2])
        if key not in seen:
            seen.add(key); uniq.append(r)
    out.append(("diary-text", header + "\n" + "\n".join(uniq) + "\n"))
    out.append(("diary-crlf", header + "\r\n" + "\r\n".join(r for r in uniq[:10]) + "\r\n"))
    out.append(("diary-w1", header + "\n" + "\n".join(r.replace(",w2,", ",w1,").replace(",w3,", ",w1,") for r in uniq[:5]) + "\n"))
    return out


def make_studies(root):
    bench = os.path.join(root, "bench")
    os.makedirs(os.path.join(bench, "instruments"))
    open(os.path.join(bench, "study.yaml"), "w").write(BENCH_STUDY)
    open(os.path.join(bench, "instruments", "bench.yaml"), "w").write(BENCH_INSTRUMENT)
    pmi = os.path.join(root, "pmi")
    src = os.path.join(REPO, "datasets", "pmi-demo")
    os.makedirs(pmi)
    for name in ("study.yaml", "roster.csv"):
        shutil.copy(os.path.join(src, name), pmi)
    shutil.copytree(os.path.join(src, "instruments"), os.path.join(pmi, "instruments"))
    return bench, pmi


MASK = re.compile(rb'"(id|prev|batch|submitted_at|at)":"[^"]*"')


def masked(path):
    if not os.path.exists(path):
        return b"<absent>"
    return MASK.sub(lambda m: b'"' + m.group(1) + b'":"*"', open(path, "rb").read())


def listing(study):
    data = os.path.join(study, "data")
    if not os.path.isdir(data):
        return "<no data>"
    out = []
    for dirpath, _, files in sorted(os.walk(data)):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            st = os.stat(p)
            out.append(f"{os.path.relpath(p, study)} {stat.filemode(st.st_mode)} {st.st_size}")
    return "\n".join(out)


def main():
    if len(sys.argv) < 3:
        print(__doc__); sys.exit(2)
    binaries = [os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])]
    work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="import-compare-")
    rng = random.Random(2026)
    roster = [tuple(l.split(",")) for l in open(os.path.join(REPO, "datasets", "pmi-demo", "roster.csv")).read().split("\n")[1:] if l]
    csvs = [("bench", "bench", n, b) for n, b in bench_csvs(rng)]
    csvs += [("pmi", "identity", n, b) for n, b in identity_csvs(rng, roster)]
    csvs += [("pmi", "diary", n, b) for n, b in diary_csvs(rng, roster)]
    csv_dir = os.path.join(work, "csv")
    os.makedirs(csv_dir, exist_ok=True)
    for _, _, name, body in csvs:
        open(os.path.join(csv_dir, name + ".csv"), "wb").write(body if isinstance(body, bytes) else body.encode())
    studies = []
    for k in range(2):
        root = os.path.join(work, f"bin{k}")
        shutil.rmtree(root, ignore_errors=True)
        studies.append(make_studies(root))
    env = dict(os.environ, WAVES_CACHE="off")
    imported = failed = 0
    for study_key, inst, name, _ in csvs:
        results = []
        for k, waves in enumerate(binaries):
            study = studies[k][0 if study_key == "bench" else 1]
            r = subprocess.run([waves, "import", "--study", study, "--instrument", inst, "--csv", os.path.join(csv_dir, name + ".csv")],
                               capture_output=True, env=env)
            results.append((r.returncode, r.stdout, r.stderr.replace(study.encode(), b"<study>")))
        if results[0] != results[1]:
            print(f"DIFFERENT: {name}\n  old: {results[0]}\n  new: {results[1]}")
            sys.exit(1)
        if results[0][0] == 0: imported += 1
        else: failed += 1
        print(f"same: {name} (exit {results[0][0]}, {len(results[0][2])} bytes of stderr)")
    for i, label in enumerate(("bench", "pmi")):
        a, b = studies[0][i], studies[1][i]
        for f in ("responses.jsonl", "imports.jsonl"):
            if masked(os.path.join(a, "data", f)) != masked(os.path.join(b, "data", f)):
                print(f"DIFFERENT: {label} data/{f} (masked)"); sys.exit(1)
        if listing(a) != listing(b):
            print(f"DIFFERENT: {label} data/ listing\n{listing(a)}\n---\n{listing(b)}"); sys.exit(1)
        for k in range(2):
            v = subprocess.run([binaries[k], "verify", "--study", studies[k][i]], capture_output=True, env=env)
            if v.returncode != 0:
                print(f"verify failed for binary {k} on {label}: {v.stdout} {v.stderr}"); sys.exit(1)
    print(f"all the same: {len(csvs)} CSVs ({imported} imported, {failed} refused), stores, import logs and data/ listings; verify holds")
    if len(sys.argv) <= 3:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
