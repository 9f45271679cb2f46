"""Render an answer article as Markdown, terminal text (rich), an HTML fragment or JSON.

Section headings are the same words in every rendering (HEADINGS), so readers and scripts can
find them. The pending-review banner shows unless the article is Approved; the disclaimer and the
references (Vancouver style, with identifiers, links and the exact passages) always show.
"""

from __future__ import annotations

import html
import json

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from medcite.answer.lists import split_blocks
from medcite.answer.refs import links, vancouver, vancouver_primary
from medcite.answer.schema import AnswerArticle, Audience, Intent, ReviewStatus, Role, Statement
from medcite.answer.wording import PATIENT_URGENT, PENDING_REVIEW
from medcite.text.markers import strip_markers

HEADINGS = {
    "warnings": "Warnings",
    "bottom_line": "Bottom Line",
    "assessment": "Assessment",
    "treatment_algorithm": "Treatment Algorithm",
    "specific_recommendation": "Specific Recommendation",
    "evidence_supporting": "Evidence Supporting",
    "important_considerations": "Important Considerations",
    "monitoring": "Monitoring",
    "alternatives": "Alternatives",
    "cautions": "Cautions",
    "multidisciplinary": "Multidisciplinary Care",
    "closing_rationale": "Why It Matters",
    "found": "What the Search Found",
    "references": "References",
    "evidence_level": "Evidence Level",
    "review": "Review",
    "glossary": "Glossary",
    "follow_ups": "Follow-up Questions",
    "disclaimer": "Disclaimer",
}
# The patient layout: fewer, shorter sections in everyday words (the JSON is the same for every audience).
PATIENT_HEADINGS = {
    "assessment": "Your Situation",
    "what_to_expect": "What to Expect",
    "watch_for": "Things to Watch For",
    "seek_help": "When to Seek Help",
}
PATIENT_NOT_COVERED = "The sources found do not say. Ask your doctor, nurse or pharmacist."
NOT_COVERED = "The sources retrieved do not cover this."
SEE_ALGORITHM = "See the Treatment Algorithm above."
NOT_ASKED = "Not part of the answer to this kind of question."
_ALGORITHM_INTENTS = {Intent.NEXT_STEP, Intent.TREATMENT_CHOICE, Intent.COMPARISON, Intent.DIAGNOSIS}


def render_json(article: AnswerArticle) -> str:
    return json.dumps(article.model_dump(mode="json"), indent=2, ensure_ascii=False)


def _cites(s: Statement) -> str:
    return "".join(f"[{n}]" for n in s.citations)


def _line(s: Statement, indent: str = "  ") -> str:
    """One statement as Markdown. A list in a plain rendering (`answer/lists.py`) becomes a nested list
    under its lead-in, indented to sit inside the bullet or number that holds the statement."""
    lead = f"**{s.lead}:** " if s.lead else ""
    body = ""
    for block in split_blocks(strip_markers(s.shown)):
        if isinstance(block, list):
            body += "".join(f"\n{indent}- {item}" for item in block)
        else:
            body += f"\n\n{indent}{block}" if body else block
    return f"{lead}{body} {_cites(s)}".strip()


def _paragraph(items: list[Statement]) -> str:
    """Statements run together as one paragraph, or one paragraph each when one holds a list."""
    lines = [_line(s, indent="") for s in items]
    return "\n\n".join(lines) if any("\n" in line for line in lines) else " ".join(lines)


def patient_sections(article: AnswerArticle) -> list[tuple[str, list[str], list[Statement]]]:
    """(heading, MedCite's own lines, statements) for the patient layout after the bottom line."""
    c = article.important_considerations
    red_flags = [w.text for w in article.warnings if w.kind == "red_flag"]
    red_flags = [PATIENT_URGENT, *red_flags] if red_flags else []
    return [
        (
            PATIENT_HEADINGS["what_to_expect"],
            [],
            [*article.treatment_algorithm, *article.specific_recommendation, *c.monitoring, *c.alternatives],
        ),
        (PATIENT_HEADINGS["watch_for"], [], list(c.cautions)),
        (PATIENT_HEADINGS["seek_help"], red_flags, list(c.multidisciplinary)),
    ]


def _patient_markdown(a: AnswerArticle) -> list[str]:
    out = [f"## {PATIENT_HEADINGS['assessment']}", ""] + [f"- {line}" for line in a.assessment.summary] + [""]
    if a.found_but_not_recommended:
        out += [f"## {HEADINGS['found']}", ""] + [f"- {_line(s)}" for s in a.found_but_not_recommended] + [""]
        return out
    for heading, own, items in patient_sections(a):
        lines = [f"- {text}" for text in own] + [f"- {_line(s)}" for s in items]
        out += [f"## {heading}", ""] + (lines or [PATIENT_NOT_COVERED]) + [""]
    return out


def _empty(article: AnswerArticle, key: str) -> str:
    """An empty consideration may be covered by a step of the algorithm: say where, not "not covered"."""
    role = {"alternatives": Role.ALTERNATIVE, "multidisciplinary": Role.REFERRAL}.get(key)
    if role is not None and any(s.role is role for s in article.treatment_algorithm):
        return SEE_ALGORITHM
    return NOT_COVERED


def _empty_algorithm(article: AnswerArticle) -> str:
    return NOT_COVERED if article.intent in _ALGORITHM_INTENTS else NOT_ASKED


def _banner(article: AnswerArticle) -> str | None:
    if article.review.status is ReviewStatus.APPROVED:
        return None
    return f"{PENDING_REVIEW} Status: {article.review.status.value}."


def render_markdown(article: AnswerArticle, banner_line: bool = True) -> str:
    a = article
    out: list[str] = [f"# {a.title}", ""]
    banner = _banner(a)
    if banner and banner_line:
        out += [f"> **{banner}**", ""]
    warnings = [w for w in a.warnings if w.kind != "pending_review"]
    if warnings:
        out += [f"## {HEADINGS['warnings']}", ""]
        out += [f"- **{w.kind.replace('_', ' ').capitalize()}:** {w.text}" for w in warnings]
        out.append("")
    out += [f"## {HEADINGS['bottom_line']}", ""]
    if a.bottom_line:
        out += [_paragraph(a.bottom_line), ""]
    else:
        out += ["No recommendation can be made from the knowledge base for this question.", ""]
    if a.audience is Audience.PATIENT:
        return "\n".join(out + _patient_markdown(a) + _markdown_tail(a))
    out += [f"## {HEADINGS['assessment']}", ""] + [f"- {line}" for line in a.assessment.summary] + [""]
    if a.found_but_not_recommended:
        out += [f"## {HEADINGS['found']}", ""] + [f"- {_line(s)}" for s in a.found_but_not_recommended] + [""]
    out += [f"## {HEADINGS['treatment_algorithm']}", ""]
    out += [f"{i}. {_line(s, indent='   ')}" for i, s in enumerate(a.treatment_algorithm, 1)] or [
        _empty_algorithm(a)
    ]
    out += ["", f"## {HEADINGS['specific_recommendation']}", ""]
    out += [f"- {_line(s)}" for s in a.specific_recommendation] or [NOT_COVERED]
    out += ["", f"## {HEADINGS['evidence_supporting']}", ""]
    out += [f"- {_line(s)}" for s in a.evidence_supporting] or [NOT_COVERED]
    out += ["", f"## {HEADINGS['important_considerations']}", ""]
    c = a.important_considerations
    for key, items in (
        ("monitoring", c.monitoring),
        ("alternatives", c.alternatives),
        ("cautions", c.cautions),
        ("multidisciplinary", c.multidisciplinary),
    ):
        out += [f"### {HEADINGS[key]}", ""] + ([f"- {_line(s)}" for s in items] or [_empty(a, key)]) + [""]
    if a.closing_rationale:
        out += [f"## {HEADINGS['closing_rationale']}", "", _line(a.closing_rationale, indent=""), ""]
    return "\n".join(out + _markdown_tail(a))


def _markdown_tail(a: AnswerArticle) -> list[str]:
    """References, evidence level, glossary, follow-ups, review and disclaimer: the same for everyone."""
    out = [f"## {HEADINGS['references']}", ""]
    for r in a.references:
        out.append(f"{r.number}. {vancouver(r)}")
        for primary in r.primary_sources:
            out.append(f"   - Summarises [{primary.marker}]: {vancouver_primary(primary)}")
        for p in r.passages:
            where = " > ".join(p.section_path)
            out.append(
                f'   - {where}: "{p.text}" (chunk {p.chunk_id}, characters {p.char_start}-{p.char_end})'
            )
    if not a.references:
        out.append("No sources cited.")
    out.append("")
    if a.evidence_level:
        out += [f"## {HEADINGS['evidence_level']}", ""] + [f"- {e}" for e in a.evidence_level] + [""]
    if a.glossary:
        out += [f"## {HEADINGS['glossary']}", ""] + [f"- {k}: {v}" for k, v in a.glossary.items()] + [""]
    if a.follow_ups:
        out += [f"## {HEADINGS['follow_ups']}", ""] + [f"- {q}" for q in a.follow_ups] + [""]
    rv = a.review
    out += [
        f"## {HEADINGS['review']}",
        "",
        f"Status: {rv.status.value}; version {rv.version}; last updated {rv.last_updated or 'unknown'}; "
        f"reviewers: {', '.join(rv.reviewers) or 'none yet'}; editorial policy: {rv.editorial_policy}",
        "",
        f"## {HEADINGS['disclaimer']}",
        "",
        a.disclaimer,
        "",
        f"_Audience: {a.audience.value}. Composer: {a.provenance.composer}; knowledge base version "
        f"{a.provenance.kb_version}"
        + (f" (starter library {a.provenance.library_version})" if a.provenance.library_version else "")
        + f"; statements dropped by verification: {a.provenance.statements_dropped}._",
        "",
    ]
    return out


def render_terminal(article: AnswerArticle, console: Console) -> None:
    """Rich rendering: the Markdown form with a red banner and warning panel on top."""
    banner = _banner(article)
    parts: list[object] = []
    red = [w for w in article.warnings if w.kind == "red_flag"]
    if red:
        parts.append(Panel(Text("\n".join(w.text for w in red)), title="EMERGENCY", style="bold red"))
    if banner:
        parts.append(Panel(Text(banner), style="yellow"))
    console.print(Group(*parts)) if parts else None  # type: ignore[arg-type]
    console.print(Markdown(render_markdown(article, banner_line=False)))


def _html_line(s: Statement) -> str:
    lead = f"<strong>{html.escape(s.lead)}:</strong> " if s.lead else ""
    cites = "".join(f'<a class="cite" href="#ref-{n}">[{n}]</a>' for n in s.citations)
    body = " ".join(
        "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in block) + "</ul>"
        if isinstance(block, list)
        else html.escape(block)
        for block in split_blocks(strip_markers(s.shown))
    )
    return f"{lead}{body} {cites}"


def render_html(article: AnswerArticle) -> str:
    """An HTML fragment (no <html>/<body>) for the web UI; every value escaped."""
    a = article
    h = html.escape
    out = ['<article class="medcite-answer">', f"<h1>{h(a.title)}</h1>"]
    banner = _banner(a)
    if banner:
        out.append(f'<div class="review-banner">{h(banner)}</div>')
    warnings = [w for w in a.warnings if w.kind != "pending_review"]
    if warnings:
        out.append(f"<section><h2>{HEADINGS['warnings']}</h2><ul>")
        out += [f'<li class="warning {h(w.kind)}">{h(w.text)}</li>' for w in warnings]
        out.append("</ul></section>")

    def section(key: str, items: list[Statement], tag: str = "ul", level: int = 2) -> None:
        out.append(f"<section><h{level}>{HEADINGS[key]}</h{level}>")
        if items:
            out.append(f"<{tag}>" + "".join(f"<li>{_html_line(s)}</li>" for s in items) + f"</{tag}>")
        else:
            empty = _empty_algorithm(a) if key == "treatment_algorithm" else _empty(a, key)
            out.append(f"<p>{empty}</p>")
        out.append("</section>")

    section("bottom_line", a.bottom_line)
    patient = a.audience is Audience.PATIENT
    out.append(
        f"<section><h2>{PATIENT_HEADINGS['assessment'] if patient else HEADINGS['assessment']}</h2><ul>"
    )
    out += [f"<li>{h(line)}</li>" for line in a.assessment.summary]
    out.append("</ul></section>")
    if a.found_but_not_recommended:
        section("found", a.found_but_not_recommended)
    if patient:
        if not a.found_but_not_recommended:
            for heading, own, items in patient_sections(a):
                lines = [f"<li>{h(text)}</li>" for text in own] + [f"<li>{_html_line(s)}</li>" for s in items]
                body = f"<ul>{''.join(lines)}</ul>" if lines else f"<p>{h(PATIENT_NOT_COVERED)}</p>"
                out.append(f"<section><h2>{h(heading)}</h2>{body}</section>")
        _html_tail(a, out)
        return "\n".join(out)
    section("treatment_algorithm", a.treatment_algorithm, "ol")
    section("specific_recommendation", a.specific_recommendation)
    section("evidence_supporting", a.evidence_supporting)
    out.append(f"<section><h2>{HEADINGS['important_considerations']}</h2>")
    c = a.important_considerations
    section("monitoring", c.monitoring, level=3)
    section("alternatives", c.alternatives, level=3)
    section("cautions", c.cautions, level=3)
    section("multidisciplinary", c.multidisciplinary, level=3)
    out.append("</section>")
    if a.closing_rationale:
        section("closing_rationale", [a.closing_rationale])
    _html_tail(a, out)
    return "\n".join(out)


def _html_tail(a: AnswerArticle, out: list[str]) -> None:
    """References, follow-ups, review and disclaimer, appended to `out`."""
    h = html.escape
    out.append(f"<section><h2>{HEADINGS['references']}</h2><ol>")
    for r in a.references:
        link_html = " ".join(f'<a href="{h(url)}">{h(label)}</a>' for label, url in links(r))
        passages = "".join(
            f'<blockquote data-chunk="{p.chunk_id}" data-start="{p.char_start}" data-end="{p.char_end}">'
            f"{h(p.text)}</blockquote>"
            for p in r.passages
        )
        primaries = "".join(
            f'<p class="primary">Summarises [{h(p.marker)}]: {h(vancouver_primary(p))}</p>'
            for p in r.primary_sources
        )
        out.append(f'<li id="ref-{r.number}">{h(vancouver(r))} {link_html}{primaries}{passages}</li>')
    out.append("</ol></section>")
    if a.follow_ups:
        out.append(f"<section><h2>{HEADINGS['follow_ups']}</h2><ul>")
        out += [f"<li>{h(q)}</li>" for q in a.follow_ups]
        out.append("</ul></section>")
    rv = a.review
    out.append(
        f"<section><h2>{HEADINGS['review']}</h2><p>Status: {h(rv.status.value)}; version {rv.version}; "
        f"last updated {h(rv.last_updated or 'unknown')}; "
        f'<a href="{h(rv.editorial_policy)}">editorial policy</a></p></section>'
    )
    out.append(
        f'<section><h2>{HEADINGS["disclaimer"]}</h2><p class="disclaimer">{h(a.disclaimer)}</p></section>'
    )
    out.append("</article>")
