"""The review workflow in one table: which action moves an article from which status to which,
and which roles may take it. Every status change in MedCite goes through `check_action`.

docs/editorial-policy.md describes the same table for people; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcite.errors import InvalidTransitionError, PermissionDeniedError
from medcite.models import ReviewStatus as S
from medcite.models import UserRole

SYSTEM = "system"  # the actor name MedCite itself uses (composition, source changes)

REVIEWERS = frozenset({UserRole.REVIEWER, UserRole.EDITOR, UserRole.ADMIN})
EDITORS = frozenset({UserRole.EDITOR, UserRole.ADMIN})
EVERYONE = frozenset(UserRole)

LIVE = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.NEEDS_REREVIEW})


@dataclass(frozen=True)
class Rule:
    action: str
    from_statuses: frozenset[S]
    to_status: S | None  # None: the action leaves the status as it is
    roles: frozenset[UserRole]
    system: bool = False  # MedCite itself may take it (actor "system")
    needs_comment: bool = False
    describe: str = ""


RULES: dict[str, Rule] = {
    r.action: r
    for r in (
        Rule("start", frozenset({S.SUBMITTED, S.NEEDS_REREVIEW}), S.UNDER_REVIEW, REVIEWERS,
             describe="take an article from the queue and begin reviewing it"),
        Rule("edit", frozenset({S.UNDER_REVIEW}), None, REVIEWERS,
             describe="change a statement's text or citations (creates a new version, re-verified)"),
        Rule("approve", frozenset({S.UNDER_REVIEW}), S.APPROVED, REVIEWERS,
             describe="approve the current version; it is then served to everyone who asks"),
        Rule("reject", frozenset({S.UNDER_REVIEW}), S.REJECTED, REVIEWERS, needs_comment=True,
             describe="reject the article; it is never served and the question is composed afresh"),
        Rule("reopen", frozenset({S.APPROVED, S.REJECTED}), S.UNDER_REVIEW, EDITORS,
             describe="take an approved or rejected article back into review"),
        Rule("flag", LIVE - {S.NEEDS_REREVIEW}, S.NEEDS_REREVIEW, EDITORS, system=True,
             needs_comment=True, describe="send an article back for re-review (automatic on source change)"),
        Rule("withdraw", LIVE | {S.REJECTED}, S.WITHDRAWN, EDITORS, needs_comment=True,
             describe="retire an article for good (kept with its history, never served)"),
        Rule("assign", LIVE, None, REVIEWERS,
             describe="assign a reviewer (reviewers may assign themselves, editors anyone)"),
        Rule("comment", frozenset(S), None, EVERYONE, needs_comment=True,
             describe="add a comment to the audit log"),
    )
}  # fmt: skip


def _names(roles: frozenset[UserRole]) -> str:
    return ", ".join(r.value for r in sorted(roles, key=lambda r: r.rank))


def allowed_actions(status: S) -> list[Rule]:
    return [r for r in RULES.values() if status in r.from_statuses]


def check_action(action: str, status: S, role: UserRole | None, *, comment: str | None = None) -> Rule:
    """The rule for `action`, or an error that names what is allowed instead.

    `role` None means MedCite itself (the system actor).
    """
    rule = RULES.get(action)
    if rule is None:
        raise InvalidTransitionError(f"Unknown review action {action!r}; actions: {', '.join(RULES)}.")
    if status not in rule.from_statuses:
        options = [f"{r.action} ({_names(r.roles)})" for r in allowed_actions(status) if r.action != action]
        raise InvalidTransitionError(
            f"Cannot {action} an article that is {status.label}. "
            f"From {status.label} the allowed actions are: {', '.join(options) or 'none'}."
        )
    if role is None:
        if not rule.system:
            raise PermissionDeniedError(f"MedCite itself cannot {action} an article; a person must.")
    elif role not in rule.roles:
        raise PermissionDeniedError(
            f"A {role.value} cannot {action} an article; it needs the role {_names(rule.roles)}. "
            "An admin can change roles with `medcite users add NAME --role ...`."
        )
    if rule.needs_comment and not (comment and comment.strip()):
        raise InvalidTransitionError(f"To {action} an article, give a comment saying why (--comment).")
    return rule


BANNERS: dict[S, str] = {
    S.SUBMITTED: "Content pending human review: composed automatically from the knowledge base and "
    "not yet checked by a reviewer.",
    S.UNDER_REVIEW: "Content under review: a reviewer is checking this article; it may still change.",
    S.APPROVED: "Reviewed and approved{by}{on}.",
    S.REJECTED: "Rejected by reviewers: do not rely on this article.",
    S.NEEDS_REREVIEW: "Needs re-review: a source this article cites has changed or was removed since it "
    "was reviewed.",
    S.WITHDRAWN: "Withdrawn: this article is kept for the record and is no longer served.",
}


def banner(status: S, *, approved_by: list[str] | None = None, approved_on: str | None = None) -> str:
    text = BANNERS[status]
    if status is S.APPROVED:
        text = text.format(
            by=f" by {', '.join(approved_by)}" if approved_by else "",
            on=f" on {approved_on}" if approved_on else "",
        )
    return text
