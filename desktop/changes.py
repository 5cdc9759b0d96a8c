"""What a piece of work changed, by domain, so the window refreshes only the pages that show it.

A job declares its changes (``Job(fn, name, changes=Changes.of("examples", "audit"))``), and so does
a page after a write it makes itself (``self.data_changed.emit(Changes.of("settings"))``). Each page
names the domains it shows (``Page.shows``); the main window hands every change to every page, and a
page refreshes when it shows a changed domain: at once when visible, when next shown otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAINS = frozenset({
    "documents",    # imported documents, their text and status
    "findings",     # PII findings and the decisions on them
    "tasks",        # labelling tasks and their schemas
    "examples",     # examples, their labels and reviews
    "versions",     # frozen dataset versions
    "runs",         # training runs
    "artifacts",    # models: bases, exported artifacts, which one is promoted
    "evaluations",  # evaluation runs, predictions and their verdicts
    "console",      # the console's call log, corrections and endpoint
    "audit",        # the audit log (every write adds to it)
    "members",      # who may work here, in which role
    "settings",     # workspace settings (costs, gate, privacy, minimum examples)
})


@dataclass(frozen=True)
class Changes:
    """The domains a piece of work changed; empty for work that only read."""

    domains: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.domains) - DOMAINS)
        if unknown:
            raise ValueError(f"unknown domain(s) {', '.join(unknown)}; known: {', '.join(sorted(DOMAINS))}")

    @classmethod
    def of(cls, *domains: str) -> Changes:
        return cls(frozenset(domains))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.domains | other.domains)

    def __bool__(self) -> bool:
        return bool(self.domains)

    def touches(self, shown: frozenset[str]) -> bool:
        """Whether a page showing ``shown`` must read again."""
        return not self.domains.isdisjoint(shown)


NOTHING = Changes()
EVERYTHING = Changes(DOMAINS)
CONSOLE_CALL = Changes.of("console", "audit")  # a call through the console is logged and audited
ITERATION = Changes.of("examples", "versions", "runs", "artifacts", "evaluations", "audit")  # the whole loop
