"""junit.xml: one test case per claim; a verdict other than the expected one is a failure (or an error)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from ..model import Verdict
from ..runner import RunRecord
from .text import counterexample_sides, evidence_summary, side, where


def render_junit(record: RunRecord, claims_by_id=None) -> str:
    claims_by_id = claims_by_id or {}
    suite = ET.Element("testsuite", name="claims-harness", tests=str(len(record.claims)),
                       failures=str(sum(1 for r in record.claims if not r.as_expected and r.verdict != Verdict.ERROR)),
                       errors=str(sum(1 for r in record.claims if r.verdict == Verdict.ERROR and not r.as_expected)),
                       skipped=str(sum(1 for r in record.claims if r.verdict == Verdict.SKIPPED)),
                       time=f"{record.seconds:.3f}")
    props = ET.SubElement(suite, "properties")
    for key, value in (("run_id", record.run_id), ("seed", record.seed), ("budget", record.budget),
                       ("backend", record.backend), ("statistical_tests", record.statistical_tests),
                       ("family_alpha", record.family_alpha)):
        ET.SubElement(props, "property", name=key, value=str(value))
    for r in record.claims:
        paper = r.id.split("/")[0]
        case = ET.SubElement(suite, "testcase", classname=f"claims.{paper}", name=f"{r.id}[{r.backend}]",
                             time=f"{r.seconds:.3f}")
        summary = f"{r.verdict.value} (expected {'|'.join(r.expected)})"
        lines = [summary]
        if r.id in claims_by_id:
            lines.append("statement: " + claims_by_id[r.id].statement)
        if r.verdict == Verdict.VIOLATED:
            cx = counterexample_sides(r)
            lines.append(f"counterexample: {where(cx)}  lhs={side(cx, 'lhs')}  rhs={side(cx, 'rhs')}  "
                         f"margin={side(cx, 'margin')}")
            for e in r.evidence.get("errata", []):
                lines.append(f"erratum: {e['summary']} — {e['evidence']}")
        lines += [f"{label}: {value}" for label, value in evidence_summary(r)]
        lines.append("reproduce: " + str(r.evidence.get("reproduce", "")))
        if r.verdict == Verdict.SKIPPED:
            ET.SubElement(case, "skipped", message=str(r.evidence.get("reason", "")))
        elif not r.as_expected:
            tag = "error" if r.verdict == Verdict.ERROR else "failure"
            el = ET.SubElement(case, tag, message=summary)
            el.text = json.dumps(r.evidence, default=str, indent=1)[:20000]
        ET.SubElement(case, "system-out").text = "\n".join(lines)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
