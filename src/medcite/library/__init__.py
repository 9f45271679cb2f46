"""The starter library: guideline summaries written by MedCite editors, shipped as package data.

`LIBRARY_VERSION` is the one place the library's version is set; every topic's front matter
repeats it (the checker enforces that) so an answer's provenance can name the version it drew on.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

LIBRARY_VERSION = "2026.12.0"
ORIGIN_PREFIX = "library:"  # the origin of a library topic in the store: "library:<path under topics>"

__all__ = [
    "LIBRARY_VERSION",
    "ORIGIN_PREFIX",
    "dev_c_questions_path",
    "dev_d_questions_path",
    "dev_e_questions_path",
    "dev_f_questions_path",
    "dev_g_questions_path",
    "dev_h_questions_path",
    "dev_i_questions_path",
    "dev_j_questions_path",
    "dev_k_questions_path",
    "dev_l_questions_path",
    "dev_m_questions_path",
    "dev_n_questions_path",
    "dev_o_questions_path",
    "dev_p_questions_path",
    "dev_q_questions_path",
    "dev_r_questions_path",
    "dev_s_questions_path",
    "heldout_b_questions_path",
    "heldout_questions_path",
    "library_path",
    "questions_path",
    "shipped_questions_paths",
]


def _package_dir() -> Path:
    return Path(str(resources.files("medcite.library")))


def library_path() -> Path:
    """Folder of topic files (`topics/<specialty>/<slug>.md`), the thing to ingest."""
    return _package_dir() / "topics"


def questions_path() -> Path:
    """Clinician-style evaluation questions: one or more per topic, with the expected topic slug."""
    return _package_dir() / "questions.yaml"


def heldout_questions_path() -> Path:
    """Held-out evaluation questions, one per topic, written blind: nothing is tuned on them, so the
    figures they give are unbiased (questions.yaml has been used to tune the composer)."""
    return _package_dir() / "questions_heldout.yaml"


def heldout_b_questions_path() -> Path:
    """Held-out set B, one question per topic, written blind and sealed: measure it with totals only,
    so it stays an unbiased check after set A's development half was tuned on."""
    return _package_dir() / "questions_heldout_b.yaml"


def dev_c_questions_path() -> Path:
    """Development set C, one question per topic, written from the topic texts without running the
    answer system; unlike the held-out sets it may be read and tuned on, so its figures are optimistic."""
    return _package_dir() / "questions_dev_c.yaml"


def dev_d_questions_path() -> Path:
    """Development set D, written like set C on 2026-12-06 (session 5) to check rules tuned on set C; it was
    measured before it was read, and may be read and tuned on from then on."""
    return _package_dir() / "questions_dev_d.yaml"


def dev_e_questions_path() -> Path:
    """Development set E, written like set D on 2026-12-06 (session 6) without reading the known questions;
    used with totals only to choose among a few settings, and may be read and tuned on from then on."""
    return _package_dir() / "questions_dev_e.yaml"


def dev_f_questions_path() -> Path:
    """Development set F, written like set E on 2026-12-06 (session 7); measured with totals only in that
    session (nothing chosen on it), and may be read and tuned on from then on."""
    return _package_dir() / "questions_dev_f.yaml"


def dev_g_questions_path() -> Path:
    """Development set G, written like set F on 2026-12-06 (session 8), more of it on later lines of a
    topic; measured with totals only in that session, and may be read and tuned on from then on."""
    return _package_dir() / "questions_dev_g.yaml"


def dev_h_questions_path() -> Path:
    """Development set H, written like set G on 2026-12-06 (session 9), mostly on lines that are not a
    topic's first recommendation; measured with totals only in that session, and may be read and tuned on
    from then on."""
    return _package_dir() / "questions_dev_h.yaml"


def dev_i_questions_path() -> Path:
    """Development set I, written like set H on 2026-12-06 (session 10), about half as a nurse, pharmacist
    or GP would ask; measured with totals only in that session, and may be read and tuned on from then on."""
    return _package_dir() / "questions_dev_i.yaml"


def dev_j_questions_path() -> Path:
    """Development set J, written like set I at the end of session 10; session 11 measured it first, blind
    (totals only), on session 10's code, and keeps it blind."""
    return _package_dir() / "questions_dev_j.yaml"


def dev_k_questions_path() -> Path:
    """Development set K, written during session 11 by two helpers from the topic texts; measured once blind
    (totals only) and then read and tuned on in that session."""
    return _package_dir() / "questions_dev_k.yaml"


def dev_l_questions_path() -> Path:
    """Development set L, written during session 11 (durations, stop rules, abnormal results, adjustments);
    measured once blind (totals only) and then read and tuned on in that session."""
    return _package_dir() / "questions_dev_l.yaml"


def dev_n_questions_path() -> Path:
    """Development set N, written during session 11 (what to avoid, when the first choice cannot be used,
    when to refer); measured once blind (totals only) and then read and tuned on in that session."""
    return _package_dir() / "questions_dev_n.yaml"


def dev_m_questions_path() -> Path:
    """Development set M, written at the end of session 11; measured blind on session 11's code at the start
    of session 12, then read and tuned on in that session."""
    return _package_dir() / "questions_dev_m.yaml"


def dev_o_questions_path() -> Path:
    """Development set O, written at the start of session 12 (point-of-care questions with current therapy
    and a deciding number); measured blind in session 12 and at the start of session 13, then read and tuned
    on in session 13."""
    return _package_dir() / "questions_dev_o.yaml"


def dev_p_questions_path() -> Path:
    """Development set P, written during session 12 (what next after a response or side effect, the dose for
    this patient, monitoring, combinations, when to stop or admit); measured once blind (totals only), then
    read and tuned on in that session."""
    return _package_dir() / "questions_dev_p.yaml"


def dev_q_questions_path() -> Path:
    """Development set Q, written at the start of session 13 (set P's rules, plus findings that imply the
    condition, yes/no questions about a plan and special populations); measured blind (totals only) at the
    start and the end of session 13, then read and tuned on in session 14."""
    return _package_dir() / "questions_dev_q.yaml"


def dev_r_questions_path() -> Path:
    """Development set R, written at the start of session 14 (set Q's rules, plus distractors, terse
    questions, brand names and US wording); measured blind (totals only) at the start of session 14 and once
    during it, then read and tuned on in session 14."""
    return _package_dir() / "questions_dev_r.yaml"


def dev_s_questions_path() -> Path:
    """Development set S, written during session 14 (plans written by someone else to check, two-part and
    "no" answers, bare asks after a case, US units); measured blind (totals only) on session 14's last two
    commits, not read."""
    return _package_dir() / "questions_dev_s.yaml"


def shipped_questions_paths() -> list[Path]:
    """Every evaluation questions file shipped with the library; `medcite library check` checks each."""
    return [
        questions_path(),
        heldout_questions_path(),
        heldout_b_questions_path(),
        dev_c_questions_path(),
        dev_d_questions_path(),
        dev_e_questions_path(),
        dev_f_questions_path(),
        dev_g_questions_path(),
        dev_h_questions_path(),
        dev_i_questions_path(),
        dev_j_questions_path(),
        dev_k_questions_path(),
        dev_l_questions_path(),
        dev_m_questions_path(),
        dev_n_questions_path(),
        dev_o_questions_path(),
        dev_p_questions_path(),
        dev_q_questions_path(),
        dev_r_questions_path(),
        dev_s_questions_path(),
    ]
