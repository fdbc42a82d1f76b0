#!/usr/bin/env python3
"""The verdict of the `upgrade` step on one released stack (e2e/upgrade.sh).

Usage: upgrade_preview.py PREVIEW STATE FORBIDDEN [TYPE...]
  PREVIEW    `pulumi preview --json` of the released stack with this version
  STATE      `pulumi stack export` of it, as the released version left it
  FORBIDDEN  the preview operations a released stack must never see, space-separated
  TYPE       type tokens the released version must have deployed, so that the preview covers them
Prints `OK <summary>` or `BAD <problems>`; exits 1 on BAD.
"""
import json
import sys

preview_file, state_file, forbidden_ops = sys.argv[1:4]
required = sys.argv[4:]
preview = json.load(open(preview_file))
state = json.load(open(state_file))
forbidden = set(forbidden_ops.split())


def short(urn):
    """The URN without stack and project: its parents' types, its type, its name."""
    return "::".join(urn.split("::")[2:])


problems = []
# What the released program registered (the stack too), as the preview's summary counts them: default providers aside.
deployed = [r for r in state.get("deployment", {}).get("resources", []) if not r.get("urn", "").split("::")[-1].startswith("default")]
types = {r.get("type") for r in deployed}
problems += [f"the released version deployed no {t}: the preview covers none" for t in required if t not in types]

steps = preview.get("steps", [])
summary = preview.get("changeSummary", {})
bad = sorted({f"{s['op']} {short(s['urn'])}" for s in steps if s.get("op") in forbidden})
bad += [f"{n} {op} in the change summary" for op, n in sorted(summary.items()) if op in forbidden and n and not any(b.startswith(op + " ") for b in bad)]
problems += bad

if problems:
    print("BAD " + "; ".join(problems))
    sys.exit(1)
print(f"OK {len(deployed)} released resources; preview: " + ", ".join(f"{n} {op}" for op, n in sorted(summary.items())))
