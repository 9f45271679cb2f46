"""`medcite review ...`: the editorial review queue and its actions (thin adapters over medcite.editorial)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from medcite import editorial as ed
from medcite.cli.context import AppContext, get_context
from medcite.cli.output import JsonOption, print_json
from medcite.editorial import answer_adapter
from medcite.editorial.records import EDITORIAL_POLICY, ArticleView
from medcite.errors import InputError
from medcite.models import ReviewStatus

POLICY_NOTE = f"Editorial policy: {EDITORIAL_POLICY} (roles, statuses, what each action does)."

app = typer.Typer(
    help="Review answer articles: queue, edit, approve, reject, history. " + POLICY_NOTE,
    epilog="Say who you are with --as NAME or MEDCITE_USER=NAME (see `medcite users list`).",
    no_args_is_help=True,
)

ArticleId = Annotated[int, typer.Argument(help="Article id (see `medcite review list`).")]
ActorOption = Annotated[
    str | None,
    typer.Option("--as", envvar="MEDCITE_USER", help="Who is acting (a user name); or set MEDCITE_USER."),
]
ExpectOption = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        help="Refuse if the article changed since you looked at this version (see `review show`).",
    ),
]
CommentOption = Annotated[str | None, typer.Option("--comment", "-m", help="Why (kept in the audit log).")]


def _actor(actor: str | None) -> str:
    if not actor:
        raise InputError("Say who is acting: add --as NAME or set MEDCITE_USER (see `medcite users list`).")
    return actor


def _done(app_ctx: AppContext, article: ArticleView, what: str) -> None:
    app_ctx.console.print(
        f"Article {article.id} {what}: now {article.status.label} "
        f"(content version {article.content_version}, lock version {article.version}).",
        highlight=False,
    )


def _summary(a: ArticleView) -> dict[str, Any]:
    return {
        "id": a.id,
        "status": a.status.label,
        "question": a.question,
        "audience": a.audience,
        "intent": a.intent,
        "assigned_to": a.assigned_to,
        "content_version": a.content_version,
        "version": a.version,
        "kb_version": a.kb_version,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "approved_at": a.approved_at,
        "reviewers": list(a.reviewers),
        "composer_version": a.composer_version,
    }


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    status: Annotated[
        list[ReviewStatus] | None, typer.Option("--status", help="Only these statuses (repeatable).")
    ] = None,
    assigned: Annotated[
        str | None, typer.Option("--assigned", help="Only articles assigned to NAME.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """The review queue, oldest first (default: everything waiting for a reviewer)."""
    app_ctx = get_context(ctx)
    statuses = status or [ReviewStatus.SUBMITTED, ReviewStatus.NEEDS_REREVIEW, ReviewStatus.UNDER_REVIEW]
    articles = ed.list_articles(app_ctx.store, statuses=statuses, assigned_to=assigned)
    if json_out:
        print_json([_summary(a) for a in articles])
        return
    table = Table("id", "status", "assigned", "ver", "updated", "audience", "question")
    for a in articles:
        table.add_row(
            str(a.id),
            a.status.label,
            a.assigned_to or "",
            str(a.content_version),
            a.updated_at.strftime("%Y-%m-%d %H:%M"),
            a.audience,
            a.question[:70],
        )
    app_ctx.console.print(table)
    noun = "article" if len(articles) == 1 else "articles"
    which = ", ".join(s.label for s in statuses)
    app_ctx.console.print(f"{len(articles)} {noun} ({which}). {POLICY_NOTE}", highlight=False)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    version: Annotated[int | None, typer.Option("--version", help="Show this content version.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Show an article: review banner, statements with their ids and citations, references."""
    app_ctx = get_context(ctx)
    article = ed.get_article(app_ctx.store, article_id)
    answer = article.served_answer()
    if version is not None:
        answer = {**ed.get_version(app_ctx.store, article_id, version), "review": answer["review"]}
    if json_out:
        print_json({**_summary(article), "answer": answer})
        return
    out = app_ctx.console
    out.print(f"[bold]Article {article.id}[/]: {article.question}", highlight=False)
    out.print(
        f"[bold]{article.status.label}[/] | content version {version or article.content_version} of "
        f"{article.content_version} | lock version {article.version} | audience {article.audience} | "
        f"assigned {article.assigned_to or '-'} | knowledge base v{article.kb_version} | composed by "
        f"MedCite {article.composer_version or 'unrecorded (an earlier MedCite)'}",
        highlight=False,
    )
    out.print(f"[yellow]{article.banner}[/]", highlight=False)
    for line in answer_adapter.render_sections(answer):
        out.print(line if line.startswith("## ") else f"  {line}", highlight=False, markup=False)
    out.print("## References", highlight=False, markup=False)
    for ref in answer_adapter.references(answer):
        passage = ref.text if len(ref.text) <= 300 else ref.text[:300].rsplit(" ", 1)[0] + " ..."
        out.print(
            f"  [{ref.n}] (source {ref.source_id}, chunk {', '.join(map(str, ref.chunk_ids))}) {passage}",
            highlight=False,
            markup=False,
        )
    out.print(POLICY_NOTE, highlight=False)


@app.command("assign")
def assign_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    to: Annotated[str, typer.Option("--to", help="The reviewer to assign.")],
    actor: ActorOption = None,
    expect: ExpectOption = None,
) -> None:
    """Assign a reviewer (reviewers may assign themselves, editors anyone)."""
    app_ctx = get_context(ctx)
    article = ed.assign(app_ctx.store, article_id, _actor(actor), to=to, expected_version=expect)
    _done(app_ctx, article, f"assigned to {to}")


@app.command("start")
def start_cmd(
    ctx: typer.Context, article_id: ArticleId, actor: ActorOption = None, expect: ExpectOption = None
) -> None:
    """Take a Submitted or Needs re-review article into review."""
    app_ctx = get_context(ctx)
    _done(app_ctx, ed.start(app_ctx.store, article_id, _actor(actor), expected_version=expect), "taken")


@app.command("edit")
def edit_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    statement: Annotated[str, typer.Option("--statement", "-s", help="Statement id, e.g. s2 (see `show`).")],
    text: Annotated[str | None, typer.Option("--text", help="New wording of the statement.")] = None,
    cite: Annotated[
        str | None, typer.Option("--cite", help="New citations: reference numbers, e.g. 1,3.")
    ] = None,
    comment: CommentOption = None,
    actor: ActorOption = None,
    expect: ExpectOption = None,
) -> None:
    """Edit one statement's text and/or citations. Creates a new version after re-verifying it."""
    app_ctx = get_context(ctx)
    citations = None
    if cite is not None:
        try:
            citations = [int(part) for part in cite.replace(" ", "").split(",") if part]
        except ValueError as exc:
            raise InputError(
                f"--cite takes reference numbers separated by commas, e.g. 1,3 (got {cite!r})."
            ) from exc
    if text is None and citations is None:
        raise InputError("Give --text, --cite or both.")
    article = ed.edit_statement(
        app_ctx.store,
        article_id,
        statement,
        _actor(actor),
        text=text,
        citations=citations,
        comment=comment,
        expected_version=expect,
    )
    _done(app_ctx, article, f"statement {statement} edited and verified")


@app.command("approve")
def approve_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    comment: CommentOption = None,
    actor: ActorOption = None,
    expect: ExpectOption = None,
) -> None:
    """Approve the current version; it is then served to everyone who asks the question."""
    app_ctx = get_context(ctx)
    article = ed.approve(app_ctx.store, article_id, _actor(actor), comment=comment, expected_version=expect)
    _done(app_ctx, article, "approved")


@app.command("reject")
def reject_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    comment: Annotated[str, typer.Option("--comment", "-m", help="Why it is rejected (required).")],
    actor: ActorOption = None,
    expect: ExpectOption = None,
) -> None:
    """Reject an article under review; the question is composed afresh next time."""
    app_ctx = get_context(ctx)
    article = ed.reject(app_ctx.store, article_id, _actor(actor), comment=comment, expected_version=expect)
    _done(app_ctx, article, "rejected")


@app.command("reopen")
def reopen_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    comment: CommentOption = None,
    actor: ActorOption = None,
    expect: ExpectOption = None,
) -> None:
    """Take an Approved or Rejected article back into review (editors, admins)."""
    app_ctx = get_context(ctx)
    article = ed.reopen(app_ctx.store, article_id, _actor(actor), comment=comment, expected_version=expect)
    _done(app_ctx, article, "reopened")


@app.command("flag")
def flag_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    comment: Annotated[str, typer.Option("--comment", "-m", help="Why it needs re-review (required).")],
    actor: ActorOption = None,
    expect: ExpectOption = None,
) -> None:
    """Send an article back for re-review by hand (editors, admins)."""
    app_ctx = get_context(ctx)
    article = ed.flag(app_ctx.store, article_id, _actor(actor), comment=comment, expected_version=expect)
    _done(app_ctx, article, "flagged")


@app.command("withdraw")
def withdraw_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    comment: Annotated[str, typer.Option("--comment", "-m", help="Why it is withdrawn (required).")],
    actor: ActorOption = None,
    expect: ExpectOption = None,
) -> None:
    """Retire an article for good: kept with its history, never served (editors, admins)."""
    app_ctx = get_context(ctx)
    article = ed.withdraw(app_ctx.store, article_id, _actor(actor), comment=comment, expected_version=expect)
    _done(app_ctx, article, "withdrawn")


@app.command("comment")
def comment_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    text: Annotated[str, typer.Argument(help="The comment.")],
    actor: ActorOption = None,
) -> None:
    """Add a comment to an article's audit log (anyone)."""
    app_ctx = get_context(ctx)
    article = ed.comment(app_ctx.store, article_id, _actor(actor), text)
    app_ctx.console.print(f"Comment added to article {article.id}.", highlight=False)


@app.command("diff")
def diff_cmd(
    ctx: typer.Context,
    article_id: ArticleId,
    from_version: Annotated[
        int | None, typer.Option("--from", help="Older version (default: previous).")
    ] = None,
    to_version: Annotated[int | None, typer.Option("--to", help="Newer version (default: latest).")] = None,
) -> None:
    """Unified diff of the statements, by section, between two versions."""
    app_ctx = get_context(ctx)
    diff = ed.diff_versions(app_ctx.store, article_id, from_version, to_version)
    if not diff:
        app_ctx.console.print("No differences.")
        return
    for line in diff.splitlines():
        style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1])
        app_ctx.console.print(line, style=style, highlight=False, markup=False)


@app.command("history")
def history_cmd(ctx: typer.Context, article_id: ArticleId, json_out: JsonOption = False) -> None:
    """The article's audit log: every action, who took it, when and why."""
    app_ctx = get_context(ctx)
    events = ed.history(app_ctx.store, article_id)
    if json_out:
        print_json(
            [
                {
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "from_status": e.from_status.label if e.from_status else None,
                    "to_status": e.to_status.label if e.to_status else None,
                    "content_version": e.content_version,
                    "comment": e.comment,
                }
                for e in events
            ]
        )
        return
    table = Table("when (UTC)", "who", "action", "status", "ver", "comment")
    for e in events:
        to = e.to_status.label if e.to_status else ""
        came_from = e.from_status.label if e.from_status else ""
        move = f"{came_from} -> {to}" if came_from and e.from_status != e.to_status else to
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.action,
            move or "",
            str(e.content_version or ""),
            e.comment or "",
        )
    app_ctx.console.print(table)
    app_ctx.console.print(POLICY_NOTE, highlight=False)
