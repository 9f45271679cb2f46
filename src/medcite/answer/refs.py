"""Reference formatting: Vancouver style for display, RIS and BibTeX for reference managers."""

from __future__ import annotations

import re

from medcite.answer.schema import PrimarySource, Reference

_RIS_TYPES = {
    "Trial": "JOUR",
    "Systematic review": "JOUR",
    "Cohort": "JOUR",
    "Review": "JOUR",
    "Article": "JOUR",
    "Guideline": "GEN",
    "Drug label": "GEN",
    "Editorial summary": "GEN",
}


def _authors(ref: Reference) -> str:
    if ref.authors:
        names = ref.authors[:6]
        return ", ".join(names) + (", et al" if len(ref.authors) > 6 else "")
    return ref.organisation or ref.publisher or ""


def links(ref: Reference) -> list[tuple[str, str]]:
    """(label, url) for each identifier the reference has."""
    out = []
    if ref.pmid:
        out.append((f"PMID: {ref.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"))
    if ref.doi:
        out.append((f"doi:{ref.doi}", f"https://doi.org/{ref.doi}"))
    if ref.url:
        out.append((ref.url, ref.url))
    return out


def vancouver(ref: Reference) -> str:
    """Authors. Title [kind]. Journal or publisher; year. PMID; doi. Available from: URL"""
    parts = []
    authors = _authors(ref)
    if authors:
        parts.append(authors.rstrip(".") + ".")
    parts.append(f"{ref.title.rstrip('.')} [{ref.kind}].")
    venue = ref.journal or (ref.publisher if ref.authors or ref.organisation else None)
    if venue and ref.year:
        parts.append(f"{venue}; {ref.year}.")
    elif venue:
        parts.append(f"{venue}.")
    elif ref.year:
        parts.append(f"{ref.year}.")
    if ref.pmid:
        parts.append(f"PMID: {ref.pmid}.")
    if ref.doi:
        parts.append(f"doi:{ref.doi}.")
    if ref.url:
        parts.append(f"Available from: {ref.url}")
    return " ".join(parts)


def vancouver_primary(source: PrimarySource) -> str:
    """A summary's underlying guideline or label in the same Vancouver form."""
    ref = Reference(
        number=0,
        source_id=0,
        kind=source.kind or "Source",
        title=source.title,
        authors=source.authors,
        organisation=source.organisation,
        journal=source.journal,
        publisher=source.publisher,
        year=source.year,
        pmid=source.pmid,
        doi=source.doi,
        url=source.url,
        evidence_level=None,
    )
    return vancouver(ref)


def to_ris(refs: list[Reference]) -> str:
    lines: list[str] = []
    for ref in refs:
        lines.append(f"TY  - {_RIS_TYPES.get(ref.kind, 'GEN')}")
        lines.append(f"TI  - {ref.title}")
        for author in ref.authors:
            lines.append(f"AU  - {author}")
        if not ref.authors and ref.organisation:
            lines.append(f"AU  - {ref.organisation}")
        if ref.journal:
            lines.append(f"JO  - {ref.journal}")
        if ref.publisher:
            lines.append(f"PB  - {ref.publisher}")
        if ref.year:
            lines.append(f"PY  - {ref.year}")
        if ref.doi:
            lines.append(f"DO  - {ref.doi}")
        if ref.pmid:
            lines.append(f"AN  - PMID:{ref.pmid}")
        if ref.url:
            lines.append(f"UR  - {ref.url}")
        lines.append(f"N1  - {ref.kind}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def to_bibtex(refs: list[Reference]) -> str:
    entries = []
    for ref in refs:
        first = (ref.authors[0] if ref.authors else ref.organisation or ref.publisher or "medcite").split()[0]
        key = re.sub(r"\W", "", first.lower()) + str(ref.year or "") + f"ref{ref.number}"
        entry_type = "article" if ref.journal else "misc"
        fields = [("title", "{" + _bibtex_escape(ref.title) + "}")]
        if ref.authors:
            fields.append(("author", " and ".join(_bibtex_escape(a) for a in ref.authors)))
        elif ref.organisation:
            fields.append(("author", "{" + _bibtex_escape(ref.organisation) + "}"))
        if ref.journal:
            fields.append(("journal", _bibtex_escape(ref.journal)))
        if ref.publisher:
            fields.append(("publisher", _bibtex_escape(ref.publisher)))
        if ref.year:
            fields.append(("year", str(ref.year)))
        if ref.doi:
            fields.append(("doi", ref.doi))
        if ref.pmid:
            fields.append(("pmid", ref.pmid))
        if ref.url:
            fields.append(("url", ref.url))
        fields.append(("note", ref.kind))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{entry_type}{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"
