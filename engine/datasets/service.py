"""``ws.datasets``: freeze dataset versions, read them back, compare them, judge their readiness."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.clock import now
from engine.datasets.diff import DatasetDiff, ItemKey, diff_items
from engine.datasets.freeze import (
    Candidate,
    FreezeOutcome,
    FrozenItem,
    SplitPlan,
    earlier_split,
    freeze,
    version_hash,
)
from engine.datasets.leakage import describe, model_leaks
from engine.datasets.readiness import (
    DEFAULT_MIN_EXAMPLES,
    MIN_EXAMPLES_SETTING,
    OK,
    WARN,
    ReadinessCheck,
    ReadinessReport,
    assess,
    leaks,
)
from engine.datasets.stats import statistics
from engine.datasets.version_info import Rejection, VersionInfo, item_lengths, rejections, version_infos
from engine.errors import AirlockError, NotReady
from engine.jobs import JobContext
from engine.signatures import Signature, require_signature, signing
from engine.store.db import insert_many
from engine.store.models import DatasetItem, DatasetRejection, DatasetVersion, Example, ModelArtifact
from engine.tasks.agreement import agreement_report, final_label
from engine.tasks.conversation import task_conversation
from engine.tasks.record_text import served_answer
from engine.tasks.review import labels_by_example
from engine.tasks.spec import TaskInfo
from engine.tasks.validation import value_problems

if TYPE_CHECKING:
    from engine.members import MembershipService
    from engine.models.service import ModelService
    from engine.store.workspace_store import WorkspaceStore
    from engine.tasks.service import TaskService

TOKEN_SAMPLE = 5_000  # token lengths of bigger versions are counted on a seeded sample ...
TOKEN_LONGEST = 200  # ... and on their longest texts (by characters), so the maximum is right


@dataclass(frozen=True)
class DatasetRow:
    item_id: int
    example_id: int
    split: str
    input_text: str
    target: str


class DatasetService:
    def __init__(self, store: WorkspaceStore, membership: MembershipService, tasks: TaskService,
                 models: ModelService) -> None:
        self.store = store
        self.membership = membership
        self.tasks = tasks  # a version freezes one task's examples
        self.models = models  # what the promoted model was trained on (leakage), base models (token counts)

    def freeze(self, task_id: int, name: str, plan: SplitPlan | None = None,
               ctx: JobContext | None = None, signature: Signature | None = None) -> VersionInfo:
        """Validate, de-duplicate and split the task's examples into a new immutable version. A job.
        Signed: ``signature`` (or one pending from ``signing``) is required, else nothing is frozen."""
        self.membership.require("expert", "freezing a dataset version")
        plan = plan or SplitPlan()
        ctx = ctx or JobContext()
        if not name.strip():
            raise AirlockError("a dataset version needs a name")
        if min(plan.eval_fraction, plan.test_fraction) < 0 or plan.eval_fraction + plan.test_fraction >= 1:
            raise AirlockError("the eval and test shares must be at least 0 and leave room for training "
                               f"(eval {plan.eval_fraction} + test {plan.test_fraction} must be below 1)")
        signature = require_signature("freezing a dataset version for training", signature)
        task = self.tasks.get(task_id)
        for review in self.tasks.example_reviews.open_reviews(task_id):
            raise NotReady(f"task {task.name!r} has imported rows under PII review ({review.file_name}, review "
                           f"{review.review_id}: {review.pending} finding(s) undecided); finish the review "
                           "(airlock examples review) before freezing a version")
        ctx.step(0.0, "Reading examples and labels")
        with self.store.reader() as s:
            examples = s.execute(select(Example.id, Example.input_text, Example.is_golden, Example.is_ood)
                                 .where(Example.task_id == task_id).order_by(Example.id)).all()
            labels = labels_by_example(s, task_id)
        if not examples:
            raise NotReady(f"task {task.name!r} has no examples to freeze")
        candidates = []
        for ex_id, text, golden, ood in examples:
            target, problem = final_label(labels.get(ex_id, {}))
            if target is not None:  # stored sorted; frozen as the model will write it
                target = served_answer(task.kind, task.spec, target)
            candidates.append(Candidate(ex_id, text, target, problem, bool(golden), bool(ood)))
        ctx.step(0.1, f"Validating and splitting {len(candidates):,} examples")
        outcome = freeze(candidates, lambda answer: value_problems(task.kind, task.spec, answer),
                         lambda text, answer: task_conversation(task.system_prompt, task.user_template, text, answer),
                         plan, stratify=task.kind == "classification",
                         placed_before=self.placed_before(task_id) if plan.keep_splits else None)
        if not outcome.items:
            raise NotReady(f"every example of task {task.name!r} was rejected "
                           f"(first reason: {outcome.rejections[0][1]})")
        ctx.step(0.6, "Counting tokens")
        tokens = self._token_lengths(task, outcome.items) if plan.token_lengths else None
        stats = statistics(outcome, plan, task.kind == "classification", tokens)
        report = agreement_report(task_id, labels)
        stats["agreement"] = {"n_double_labelled": report.n_double_labelled,
                              "percent_agreement": report.percent_agreement, "cohen_kappa": report.cohen_kappa}
        stats["unresolved_disagreements"] = sum(1 for c in candidates if c.target is None and c.problem
                                                and c.problem.startswith("annotators disagree"))
        digest = version_hash(outcome.items, task.fingerprint(), plan.seed)
        ctx.step(0.8, "Storing the version")
        with signing(signature):
            return self._store(task, name, plan, outcome, stats, digest)

    def placed_before(self, task_id: int) -> dict[int, str]:
        """example id -> where it stays in the next version (``earlier_split`` of its history)."""
        history: dict[int, list[str]] = {}
        with self.store.reader() as s:
            for ex_id, part in s.execute(select(DatasetItem.example_id, DatasetItem.split)
                                          .join(DatasetVersion, DatasetVersion.id == DatasetItem.version_id)
                                          .where(DatasetVersion.task_id == task_id)
                                          .order_by(DatasetVersion.id)):
                history.setdefault(ex_id, []).append(part)
        return {ex_id: where for ex_id, splits in history.items() if (where := earlier_split(splits)) is not None}

    def _store(self, task: TaskInfo, name: str, plan: SplitPlan, outcome: FreezeOutcome,
               stats: dict[str, Any], digest: str) -> VersionInfo:
        with self.store.unit() as s:
            existing = s.scalar(select(DatasetVersion).where(DatasetVersion.content_hash == digest))
            if existing is not None:
                raise AirlockError(f"nothing changed: identical to dataset version {existing.name!r} "
                                   f"({digest[:12]})")
            version = DatasetVersion(task_id=task.id, name=name, seed=plan.seed, content_hash=digest,
                                     stats=stats, created_by=self.store.identity.os_user,
                                     created_at=now())
            s.add(version)
            s.flush()
            insert_many(s, DatasetItem, ("version_id", "example_id", "split", "input_text", "target", "content_hash"),
                        [(version.id, it.example_id, it.split, it.input_text, it.target, it.content_hash)
                         for it in outcome.items])
            insert_many(s, DatasetRejection, ("version_id", "example_id", "reason"),
                        [(version.id, ex_id, why) for ex_id, why in outcome.rejections])
            self.store.audit.record(s, "dataset.frozen", f"dataset_version:{version.id}",
                                 {"name": name, "task_id": task.id, "content_hash": digest, "seed": plan.seed,
                                  "splits": stats["splits"], "rejected": len(outcome.rejections),
                                  "near_duplicates": len(outcome.near_duplicates),
                                  "leakage_prevented": len(outcome.leakage_prevented),
                                  "kept_in_place": outcome.kept_in_place, "splits_redrawn": not plan.keep_splits})
            return VersionInfo(version.id, task.id, name, plan.seed, digest, stats, len(outcome.rejections),
                               task.name, version.created_by, version.created_at)

    def _token_lengths(self, task: TaskInfo, items: list[FrozenItem]) -> dict[str, Any]:
        from engine.datasets.tokens import histogram, length_summary, load_tokenizer, token_counts

        model = self._tokenizer_source()
        if model is None:
            return {"available": False, "reason": "no base model is registered or installed"}
        name, path, sha = model
        texts = [f"{task.system_prompt}\n{task.user_template.replace('{input}', it.input_text)}\n{it.target}"
                 for it in items]
        tokenizer = load_tokenizer(path, sha)
        sample, longest = texts, []
        if len(texts) > TOKEN_SAMPLE:  # a seeded sample; the longest texts too, so the maximum is right
            sample = random.Random(0).sample(texts, TOKEN_SAMPLE)
            longest = sorted(texts, key=len)[-TOKEN_LONGEST:]
        counts = token_counts(tokenizer, sample)
        summary: dict[str, Any] = length_summary(counts)
        summary["max"] = max([summary["max"], *token_counts(tokenizer, longest)])
        summary["histogram"] = histogram(counts)  # of the counted sample
        return {"available": True, "model": name, "counted": len(sample), "of": len(texts),
                "what": "system prompt + user turn + answer, without the chat template's role markers", **summary}

    def _tokenizer_source(self) -> tuple[str, str, str] | None:
        """(name, path, sha256) of the base model whose tokenizer counts tokens: the demo model if
        registered, else the first registered one, else the installed demo model file."""
        from engine.models.service import DEMO_MODEL_NAME

        bases = self.models.bases()
        if bases:
            base = next((b for b in bases if b.name == DEMO_MODEL_NAME), bases[0])
            return base.name, str(base.path), base.sha256
        from engine.blobs import sha256_file
        from engine.paths import demo_model_path

        demo = demo_model_path()
        return (DEMO_MODEL_NAME, str(demo), sha256_file(demo)) if demo else None

    # -- reading ----------------------------------------------------------
    def get(self, version_id: int) -> VersionInfo:
        found = version_infos(self.store, version_id)
        if not found:
            raise AirlockError(f"no dataset version with id {version_id}")
        return found[0]

    def versions(self, task_id: int | None = None, newest_first: bool = False) -> list[VersionInfo]:
        """Every version (of one task), oldest first, or newest first as the pages list them."""
        return version_infos(self.store, task_id=task_id, newest_first=newest_first)

    def item_lengths(self, version_id: int) -> list[int]:
        """Characters per item (input + answer), for the version's length histogram."""
        return item_lengths(self.store, version_id)

    def rows(self, version_id: int, split: str | None = None) -> list[DatasetRow]:
        """The version's items of one split (every split when None), in a stable order."""
        stmt = select(DatasetItem).where(DatasetItem.version_id == version_id).order_by(DatasetItem.id)
        if split is not None:
            stmt = stmt.where(DatasetItem.split == split)
        with self.store.reader() as s:
            return [DatasetRow(i.id, i.example_id, i.split, i.input_text, i.target) for i in s.scalars(stmt)]

    def rejections(self, version_id: int) -> list[Rejection]:
        """Examples freezing left out of the version, and why."""
        return rejections(self.store, version_id)

    def diff(self, a: int, b: int) -> DatasetDiff:
        """Items added, removed, changed and moved between split from version ``a`` to ``b``."""
        self.get(a), self.get(b)
        with self.store.reader() as s:
            keys = {v: [ItemKey(ex, split, h) for ex, split, h in s.execute(
                select(DatasetItem.example_id, DatasetItem.split, DatasetItem.content_hash)
                .where(DatasetItem.version_id == v))] for v in (a, b)}
        return diff_items(a, keys[a], b, keys[b])

    def readiness(self, version_id: int) -> ReadinessReport:
        version = self.get(version_id)
        rows = self.rows(version_id)
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.split] = counts.get(r.split, 0) + 1
        threshold = float(version.stats.get("plan", {}).get("near_duplicate_threshold", 0.9))
        leaked = leaks([(r.example_id, r.split, r.input_text) for r in rows], threshold)
        minimum = self.minimum_examples()
        checks = assess(version.stats, counts, leaked, minimum)
        with self.store.reader() as s:
            promoted = s.scalar(select(ModelArtifact.id).where(ModelArtifact.promoted.is_(True)))
        if promoted is not None:
            cross = describe(model_leaks(self.store, version_id, [int(promoted)], threshold))
            checks.append(ReadinessCheck("promoted_leakage", WARN, cross[0] + "; compare on a version whose "
                                         "held-out examples it never saw") if cross else
                          ReadinessCheck("promoted_leakage", OK, "The promoted model was not trained on any test, "
                                         "golden or OOD example of this version"))
        return ReadinessReport(version.id, version.name, checks)

    def minimum_examples(self) -> int:
        """Below this many examples the readiness report refuses a version (workspace setting)."""
        setting = self.store.setting(MIN_EXAMPLES_SETTING)
        try:
            return int(setting) if setting is not None else DEFAULT_MIN_EXAMPLES
        except ValueError as exc:
            raise AirlockError(f"the workspace setting {MIN_EXAMPLES_SETTING} must be a whole number, "
                               f"not {setting!r}") from exc

    def set_minimum_examples(self, n: int) -> None:
        """Change the minimum (audited as a setting change)."""
        if n < 1:
            raise AirlockError(f"the minimum number of examples must be at least 1, not {n}")
        self.membership.change_setting(MIN_EXAMPLES_SETTING, str(n))

    def export(self, version_id: int, fmt: str, out: Path) -> Path:
        """Write the version as chat JSONL (one file) or a Hugging Face ``datasets`` folder."""
        self.membership.require("expert", "exporting a dataset")
        from engine.datasets.export import export_version

        return export_version(self, version_id, fmt, out)


__all__ = ["DatasetRow", "DatasetService", "FrozenItem", "Rejection", "SplitPlan", "VersionInfo"]
