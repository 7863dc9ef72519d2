#!/usr/bin/env python3
"""Checks that `sammen locales check` agrees with Mozilla's compare-locales.

For each tree (the shipped `locales/` and the deliberately broken one in
`tests/l10n/broken/`), both tools run; every finding compare-locales makes
must be made by `sammen locales check` too, at the same message (and line,
for syntax errors), and for the kinds compare-locales knows, the reverse
holds as well. `sammen` may report more (variable mismatches, dangling
references, plural keys): compare-locales does not check those.

Usage: compare_locales.py SAMMEN_BINARY COMPARE_LOCALES_BINARY
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = [ROOT, ROOT / "tests" / "l10n" / "broken"]
SHARED_KINDS = {"missing-message", "obsolete-message", "duplicate-id", "attribute-mismatch", "syntax"}


def theirs(compare_locales, tree):
    out = subprocess.run(
        [compare_locales, "--json", "-", "--return-zero", "l10n.toml", ".", "nb-NO"],
        cwd=tree, capture_output=True, text=True, check=True,
    ).stdout
    found = set()
    for project in json.loads(out):
        for path, items in project.get("details", {}).items():
            for item in items:
                if "missingEntity" in item:
                    found.add(("missing-message", item["missingEntity"]))
                elif "obsoleteEntity" in item:
                    found.add(("obsolete-message", item["obsoleteEntity"]))
                elif "error" in item:
                    text = item["error"]
                    if m := re.match(r"(\S+) occurs \d+ times", text):
                        found.add(("duplicate-id", m.group(1)))
                    elif m := re.match(r"Missing attribute: \S+ at .* for (\S+)", text):
                        found.add(("attribute-mismatch", m.group(1)))
                    elif m := re.match(r'Unparsed content .* from line (\d+)', text):
                        found.add(("syntax", "line " + m.group(1)))
                    else:
                        found.add(("other-error", text))
    return found


def ours(sammen, tree):
    out = subprocess.run(
        [sammen, "locales", "check", "--json", "--dir", str(tree / "locales")],
        capture_output=True, text=True,
    ).stdout
    found = set()
    for f in json.loads(out)["findings"]:
        if f["locale"] != "nb-NO" or f["kind"] not in SHARED_KINDS:
            continue
        key = "line %d" % f["line"] if f["kind"] == "syntax" else f["id"]
        found.add((f["kind"], key))
    return found


def main():
    sammen, compare_locales = (str(Path(p).resolve()) for p in sys.argv[1:3])
    failed = False
    for tree in TREES:
        a, b = theirs(compare_locales, tree), ours(sammen, tree)
        name = tree.relative_to(ROOT) if tree != ROOT else Path("locales")
        if a != b:
            failed = True
            print(f"{name}: compare-locales and sammen disagree")
            print("  only compare-locales:", sorted(a - b))
            print("  only sammen:         ", sorted(b - a))
        else:
            print(f"{name}: agree on {len(a)} finding(s): {sorted(a)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
