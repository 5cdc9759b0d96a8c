"""PII detection, redaction and the review workflow, on the real presidio + spaCy model.

The analyzer is built once per process (``engine.privacy.analyzer`` caches it),
so only the first test that detects pays the ~5-10 s of loading presidio.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from engine import clock
from engine.errors import NotReady
from engine.jobs import Cancelled, JobContext
from engine.privacy import DetectionConfig, Span, detect, redact
from engine.privacy.detector import CustomPattern, refine
from engine.privacy.errors import InvalidDecision, InvalidPattern, InvalidSpan, UnknownOperator
from engine.privacy.spans import resolve_overlaps
from engine.store.models import Document
from engine.workspace import Workspace
from tests.signed import SIGN_ARGS, SIGNED

LETTER = (
    "Dear Anna Schmidt,\n"
    "thank you for your call. John Miller will contact you at anna.schmidt@example.com "
    "or on +1 (212) 555-0134.\n"
    "Please transfer the fee to IBAN DE89 3704 0044 0532 0130 00; we charged the card "
    "4111 1111 1111 1111.\n"
    "Anna Schmidt lives at 221B Baker Street, London.\n"
)
PLANTED = ["Anna Schmidt", "John Miller", "anna.schmidt@example.com", "555-0134",
           "DE89 3704 0044 0532 0130 00", "4111 1111 1111 1111", "221B Baker Street"]


def values(text: str, spans: list[Span], entity_type: str | None = None) -> list[str]:
    return [text[s.start:s.end] for s in spans if entity_type is None or s.entity_type == entity_type]


def add_document(ws: Workspace, text: str, name: str = "letter.txt") -> int:
    with ws.unit() as s:
        doc = Document(source_name=name, format="txt", size_bytes=len(text.encode()),
                       sha256=hashlib.sha256(text.encode()).hexdigest(), original_text=text,
                       status="imported", imported_by="tester", imported_at=clock.now())
        s.add(doc)
        s.flush()
        return doc.id


def stored_bytes(ws: Workspace) -> bytes:
    wal = ws.db_path.with_name(ws.db_path.name + "-wal")
    return ws.db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# -- detection ----------------------------------------------------------------
def test_detect_finds_names_contacts_bank_details_and_addresses() -> None:
    spans = detect(LETTER)
    found = {(s.entity_type, LETTER[s.start:s.end]) for s in spans}
    assert ("PERSON", "Anna Schmidt") in found
    assert ("PERSON", "John Miller") in found
    assert ("EMAIL_ADDRESS", "anna.schmidt@example.com") in found
    assert ("PHONE_NUMBER", "+1 (212) 555-0134") in found
    assert ("IBAN_CODE", "DE89 3704 0044 0532 0130 00") in found
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in found
    assert any(t == "STREET_ADDRESS" and v.startswith("221B Baker Street") for t, v in found)
    assert spans == sorted(spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in pairwise(spans)), "spans overlap"


@pytest.mark.parametrize("sentence, address", [
    ("The flat at 221B Baker Street is famous.", "221B Baker Street"),
    ("Send it to 1600 Pennsylvania Avenue NW today.", "1600 Pennsylvania Avenue NW"),
    ("Unser Büro ist in der Hauptstraße 5 im Erdgeschoss.", "Hauptstraße 5"),
    ("Wir wohnen Berliner Straße 12 seit Jahren.", "Berliner Straße 12"),
    ("Le siège est au 12 rue de la Paix depuis 1990.", "12 rue de la Paix"),
    ("Ship to 42 Main St. and call first.", "42 Main St."),
])
def test_street_addresses_in_us_uk_and_eu_styles(sentence: str, address: str) -> None:
    spans = detect(sentence)
    assert address in values(sentence, spans, "STREET_ADDRESS")


def test_ordinary_numbers_and_words_are_not_addresses() -> None:
    text = "In Spring 2023 we had 3 main reasons to bring 5 Boxes during 4 days."
    assert values(text, detect(text), "STREET_ADDRESS") == []


def test_url_inside_email_and_date_inside_iban_are_dropped() -> None:
    text = "Write to john.miller@example.com. Account GB29NWBK60161331926819 or DE89 3704 0044 0532 0130 00."
    spans = detect(text)
    assert values(text, spans, "EMAIL_ADDRESS") == ["john.miller@example.com"]
    assert values(text, spans, "URL") == []
    assert values(text, spans, "IBAN_CODE") == ["GB29NWBK60161331926819", "DE89 3704 0044 0532 0130 00"]
    assert values(text, spans, "DATE_TIME") == []


def test_overlaps_resolve_like_a_reviewer_would() -> None:
    email = Span("EMAIL_ADDRESS", 0, 20, 1.0, "EmailRecognizer")
    url_inside = Span("URL", 9, 20, 0.5, "UrlRecognizer")
    phone = Span("PHONE_NUMBER", 30, 45, 0.4, "PhoneRecognizer")
    date_inside_phone = Span("DATE_TIME", 37, 45, 0.85, "SpacyRecognizer")  # higher score, weaker kind
    person = Span("PERSON", 50, 60, 0.85, "SpacyRecognizer")
    location_overlapping = Span("LOCATION", 55, 70, 0.6, "SpacyRecognizer")
    touching = Span("DATE_TIME", 70, 75, 0.85, "SpacyRecognizer")
    resolved = resolve_overlaps([touching, location_overlapping, person, date_inside_phone,
                                 phone, url_inside, email])
    assert resolved == [email, phone, Span("PERSON", 50, 70, 0.85, "SpacyRecognizer"), touching]


def test_user_patterns_outrank_presidio_in_overlaps() -> None:
    mine = Span("EMPLOYEE_ID", 0, 10, 0.5, "workspace_pattern:EMPLOYEE_ID")
    phone = Span("PHONE_NUMBER", 0, 12, 0.9, "PhoneRecognizer")
    merged = resolve_overlaps([mine, phone], user_sources={"workspace_pattern:EMPLOYEE_ID"})
    assert [(s.entity_type, s.start, s.end) for s in merged] == [("EMPLOYEE_ID", 0, 12)]


def test_person_made_of_digits_is_dropped_and_whitespace_trimmed() -> None:
    text = "Ref 12/34-5 by  Jane Roe "
    raw = [Span("PERSON", 4, 11, 0.85, "SpacyRecognizer"), Span("PERSON", 14, 24, 0.85, "SpacyRecognizer")]
    assert values(text, refine(text, raw, DetectionConfig())) == ["Jane Roe"]


def test_custom_pattern_deny_list_and_allow_list() -> None:
    text = ("Employee EMP-123456 (Anna Schmidt) works on Project Falcon with Acme Rocket; "
            "project falcon is secret. John Miller signs.")
    config = DetectionConfig(custom_patterns=[CustomPattern("employee id", r"EMP-\d{6}")],
                             deny_list=["Project Falcon", "Acme Rocket"], deny_list_entity="client",
                             allow_list=["anna schmidt"])
    spans = detect(text, config)
    assert values(text, spans, "EMPLOYEE_ID") == ["EMP-123456"]
    assert values(text, spans, "CLIENT") == ["Project Falcon", "Acme Rocket", "project falcon"]
    assert "Anna Schmidt" not in values(text, spans)
    assert values(text, spans, "PERSON") == ["John Miller"]


def test_deny_list_matches_whole_words_only() -> None:
    text = "Falconer met Falcon."
    assert values(text, detect(text, DetectionConfig(deny_list=["Falcon"]))) == ["Falcon"]


def test_thresholds_and_ignored_types() -> None:
    text = "Jane Roe, +1 (212) 555-0134, 12 March 2023."
    spans = detect(text, DetectionConfig(thresholds={"PHONE_NUMBER": 0.95}, ignore_entities=["date_time"]))
    types = {s.entity_type for s in spans}
    assert "PHONE_NUMBER" not in types and "DATE_TIME" not in types
    assert "PERSON" in types


def test_invalid_custom_pattern_is_a_user_error() -> None:
    with pytest.raises(InvalidPattern, match="ticket"):
        detect("text", DetectionConfig(custom_patterns=[("ticket", r"TCK-(\d+")]))
    with pytest.raises(InvalidPattern, match="empty"):
        detect("text", DetectionConfig(custom_patterns=[("anything", r"\d*")]))


# -- redaction ----------------------------------------------------------------
def test_placeholders_are_consistent_within_a_document() -> None:
    text = "Anna Schmidt met John Miller. Later anna  schmidt called John Miller."
    spans = [Span("PERSON", 0, 12, 0.9, "t"), Span("PERSON", 17, 28, 0.9, "t"),
             Span("PERSON", 36, 49, 0.9, "t"), Span("PERSON", 57, 68, 0.9, "t")]
    result = redact(text, spans)
    assert result.text == "<PERSON_1> met <PERSON_2>. Later <PERSON_1> called <PERSON_2>."
    assert [s.placeholder for s in result.spans] == ["<PERSON_1>", "<PERSON_2>", "<PERSON_1>", "<PERSON_2>"]
    assert [(s.start, s.end) for s in result.spans] == [(0, 12), (17, 28), (36, 49), (57, 68)]
    first = result.spans[0]
    assert result.text[first.redacted_start:first.redacted_end] == "<PERSON_1>"
    assert "Anna" not in repr(result.spans) and "Miller" not in repr(result.spans)


def test_mask_and_hash_operators() -> None:
    text = "Anna Schmidt, card 4111 1111 1111 1111."
    spans = [Span("PERSON", 0, 12, 0.9, "t"), Span("CREDIT_CARD", 19, 38, 1.0, "t")]
    result = redact(text, spans, {"CREDIT_CARD": "mask", "PERSON": "hash"})
    digest = hashlib.sha256(b"Anna Schmidt").hexdigest()[:10]
    assert result.text == f"<PERSON:{digest}>, card {'*' * 19}."
    with pytest.raises(UnknownOperator):
        redact(text, spans, {"PERSON": "encrypt"})
    with pytest.raises(InvalidSpan):
        redact(text, [Span("PERSON", 30, 99, 0.9, "t")])


def test_overlapping_spans_are_replaced_once() -> None:
    text = "Mr Anna Schmidt"
    result = redact(text, [Span("PERSON", 0, 15, 0.9, "a"), Span("PERSON", 3, 15, 0.9, "b")])
    assert result.text == "<PERSON_1>"
    assert [s.placeholder for s in result.spans] == ["<PERSON_1>", "<PERSON_1>"]


def test_preview_detects_and_redacts_without_storing(workspace: Workspace) -> None:
    events = len(workspace.audit.entries())
    spans, redacted = workspace.privacy.preview(LETTER)
    assert redacted.count("<PERSON_1>") == 2 and "<PERSON_2>" in redacted
    for value in ("Anna Schmidt", "anna.schmidt@example.com", "4111 1111 1111 1111"):
        assert value not in redacted
    assert len(spans) >= 7
    assert len(workspace.audit.entries()) == events


# -- the review workflow --------------------------------------------------------
@pytest.fixture
def forgetful_workspace(workspace: Workspace) -> Workspace:
    """A workspace whose SQLite connections start with secure_delete OFF (as on most platforms).

    Debian's SQLite turns it on by default, which would hide a missing PRAGMA in the service.
    """
    workspace.engine.dispose()
    event.listen(workspace.engine, "connect",
                 lambda conn, _rec: conn.execute("PRAGMA secure_delete=OFF"))
    return workspace


def test_review_then_redact_forgets_the_original(forgetful_workspace: Workspace) -> None:
    ws = forgetful_workspace
    copies = 20
    text = LETTER * copies  # several KB, so SQLite keeps it on overflow pages
    doc_id = add_document(ws, text)
    privacy = ws.privacy

    found = privacy.scan(doc_id)
    assert found and all(f.decision == "pending" and f.source == "detector" for f in found)
    assert {"PERSON", "EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "STREET_ADDRESS"} <= {
        f.entity_type for f in found}
    with pytest.raises(NotReady, match="awaiting review"):
        privacy.redact_document(doc_id)

    person = next(f for f in found if f.entity_type == "PERSON")
    assert privacy.decide(person.id, "accepted").decision == "accepted"
    with pytest.raises(InvalidDecision):
        privacy.decide(person.id, "maybe")
    assert privacy.accept_all(doc_id, "IBAN_CODE") == copies
    dates = [f for f in privacy.findings(doc_id) if f.decision == "pending" and f.entity_type == "DATE_TIME"]
    for f in dates:
        privacy.decide(f.id, "rejected")
    assert privacy.accept_all(doc_id) == len(found) - 1 - copies - len(dates)

    redacted = privacy.redact_document(doc_id)
    assert redacted.startswith("Dear <PERSON_1>,\n")
    assert redacted.count("<PERSON_1>") == 2 * copies and redacted.count("<PERSON_2>") == copies
    for value in PLANTED:
        assert value not in redacted
    after = privacy.findings(doc_id)
    assert all(f.placeholder for f in after if f.decision == "accepted")
    assert all(f.placeholder is None for f in after if f.decision == "rejected")
    with ws.reader() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None
        assert (doc.status, doc.original_text, doc.redacted_text) == ("cleared", None, redacted)

    data = stored_bytes(ws)
    lingering = [value for value in PLANTED if value.encode() in data]
    assert lingering == [], "still in the database file"
    assert b"<PERSON_1>" in data

    assert ws.audit.verify().ok
    actions = [e.action for e in ws.audit.entries(action="pii.")]
    for action in ("pii.scanned", "pii.decided", "pii.bulk_accepted", "pii.redacted"):
        assert action in actions
    details = " ".join(str(e.details) for e in ws.audit.entries())
    for value in PLANTED:
        assert value not in details
    with pytest.raises(NotReady, match="discarded"):
        privacy.scan(doc_id)


def test_keep_originals_keeps_the_text(workspace: Workspace) -> None:
    workspace.privacy.set_keep_originals(True, SIGNED)
    doc_id = add_document(workspace, LETTER)
    workspace.privacy.scan(doc_id)
    workspace.privacy.accept_all(doc_id)
    workspace.privacy.redact_document(doc_id)
    with workspace.reader() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None and doc.original_text == LETTER and doc.status == "cleared"
    assert b"anna.schmidt@example.com" in stored_bytes(workspace)
    # a changed decision makes the stored redaction stale
    first = workspace.privacy.findings(doc_id)[0]
    workspace.privacy.decide(first.id, "rejected")
    with workspace.reader() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None and doc.status == "scanned"


def test_rescan_keeps_reviewed_findings_and_manual_spans_count(workspace: Workspace) -> None:
    text = "Jane Roe wrote to Max Mustermann about order X-77."
    doc_id = add_document(workspace, text)
    privacy = workspace.privacy
    first = privacy.scan(doc_id)
    rejected = next(f for f in first if text[f.start:f.end] == "Jane Roe")
    privacy.decide(rejected.id, "rejected")
    manual_id = privacy.add_manual(doc_id, text.index("X-77"), text.index("X-77") + 4, "order number")
    with pytest.raises(InvalidSpan):
        privacy.add_manual(doc_id, 40, 400, "PERSON")

    again = privacy.scan(doc_id)
    assert len(again) == len(first) + 1
    assert [f.decision for f in again if text[f.start:f.end] == "Jane Roe"] == ["rejected"]
    manual = next(f for f in again if f.id == manual_id)
    assert (manual.entity_type, manual.source, manual.decision) == ("ORDER_NUMBER", "manual", "accepted")

    privacy.accept_all(doc_id)
    redacted = privacy.redact_document(doc_id)
    assert redacted.startswith("Jane Roe wrote to <PERSON_1>")
    assert redacted.endswith("order <ORDER_NUMBER_1>.")
    assert "pii.added" in workspace.audit.actions()


def test_scan_and_clear_runs_the_whole_pipeline(workspace: Workspace) -> None:
    ids = [add_document(workspace, LETTER, "a.txt"),
           add_document(workspace, "Max Mustermann, Hauptstraße 5, 10115 Berlin.", "b.txt")]
    reports: list[tuple[float, str]] = []
    ctx = JobContext(progress=lambda f, m: reports.append((f, m)))
    assert workspace.privacy.scan_and_clear(ids, ctx) == 2
    fractions = [f for f, _m in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0  # scanned in one batch, then redacted

    assert [m for _f, m in reports if m.startswith("Redacting")] == ["Redacting a.txt", "Redacting b.txt"]
    with workspace.reader() as s:
        docs = [s.get(Document, i) for i in ids]
        assert all(d is not None and d.status == "cleared" and d.original_text is None for d in docs)
        second = docs[1]
        assert second is not None and second.redacted_text == "<PERSON_1>, <STREET_ADDRESS_1>."
    bulk = workspace.audit.entries(action="pii.bulk_accepted")
    assert len(bulk) == 2 and all(e.details["automatic"] is True for e in bulk)
    assert workspace.privacy.scan_and_clear(ids, JobContext()) == 0  # nothing left to clear
    assert workspace.audit.verify().ok

    cancelled = JobContext(cancelled=lambda: True)
    with pytest.raises(Cancelled):
        workspace.privacy.scan_and_clear([add_document(workspace, LETTER)], cancelled)


def test_importing_the_service_loads_neither_presidio_nor_qt() -> None:
    code = ("import sys, engine.privacy.service, engine.privacy; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('presidio_analyzer', 'spacy', 'PySide6')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("number", ["+44 20 5402 3586", "+49 151 2345 6789", "+1 (415) 555-0132",
                                    "0041 44 668 18 00"])
def test_international_phone_numbers_even_in_unallocated_ranges(number: str) -> None:
    text = f"Call the night shift lead on {number} after 22:00."
    assert [text[s.start:s.end] for s in detect(text) if s.entity_type == "PHONE_NUMBER"] == [number]


def test_emails_on_internal_domains_are_found() -> None:
    text = "Ask m.vogelsang@kestrel-mail.example, ops@intranet.corp or j.doe@plant.local; not user@ or @home."
    assert values(text, detect(text), "EMAIL_ADDRESS") == [
        "m.vogelsang@kestrel-mail.example", "ops@intranet.corp", "j.doe@plant.local"]


def test_short_numbers_with_a_plus_are_not_phones() -> None:
    assert not [s for s in detect("Torque was +12 5 Nm over spec.") if s.entity_type == "PHONE_NUMBER"]


@pytest.mark.parametrize(("text", "name"), [
    ("Reporter: Sofia Novak. Supplier was notified.", "Sofia Novak"),
    ("Elena Petrova noticed it during the night shift.", "Elena Petrova"),
    ("The fault was reported by Lukas Meier yesterday.", "Lukas Meier"),
    ("Contact Marco Bianchi for the spare parts.", "Marco Bianchi"),
])
def test_names_the_text_introduces_are_found(text: str, name: str) -> None:
    found = [text[s.start:s.end] for s in detect(text) if s.entity_type == "PERSON"]
    assert name in found


def test_cue_words_do_not_make_ordinary_phrases_names() -> None:
    text = "The Operator noticed a leak. Safety Team reported nothing."
    assert not [s for s in detect(text) if s.entity_type == "PERSON" and "Operator" in text[s.start:s.end]]


# -- workspace privacy settings, undo, keep originals --------------------------------
def test_settings_round_trip_drive_detection_and_redaction(workspace: Workspace) -> None:
    from engine.privacy.settings import PrivacySettings, WorkspacePattern

    privacy = workspace.privacy
    assert privacy.settings() == PrivacySettings()
    stored = privacy.save_settings(PrivacySettings(
        patterns=(WorkspacePattern("employee id", r"EMP-\d{6}", "badge EMP-123456"),),
        deny_list=("Project Falcon", "  ", "Project   Falcon"), allow_list=("London",),
        thresholds={"person": 0.5}, operators={"EMAIL_ADDRESS": "mask"}))
    assert stored.deny_list == ("Project Falcon",) and stored.thresholds == {"PERSON": 0.5}
    assert privacy.settings() == stored
    assert stored.patterns[0].matches(stored.patterns[0].example) == [(6, 16)]

    text = "Anna Schmidt (EMP-004211) leads Project Falcon in London; mail anna@example.com."
    doc_id = add_document(workspace, text)
    found = {(f.entity_type, text[f.start:f.end]) for f in privacy.scan(doc_id)}
    assert ("EMPLOYEE_ID", "EMP-004211") in found and ("DENY_LIST", "Project Falcon") in found
    assert not any(v == "London" for _t, v in found)
    privacy.accept_all(doc_id)
    redacted = privacy.redact_document(doc_id)
    assert "****************" in redacted and "<EMPLOYEE_ID_1>" in redacted
    audit = workspace.audit.entries(action="pii.settings_changed")
    assert len(audit) == 1 and "Project Falcon" not in str(audit[0].details)
    assert audit[0].details["new"]["deny_list_terms"] == 1


@pytest.mark.parametrize("settings_kwargs, problem", [
    ({"patterns": ("bad", r"EMP-(\d+")}, "not a valid regular expression"),
    ({"patterns": ("anything", r"x*")}, "matches empty text"),
    ({"thresholds": {"PERSON": 1.5}}, "between 0 and 1"),
    ({"operators": {"PERSON": "shred"}}, "unknown redaction operator"),
])
def test_invalid_settings_are_refused_and_nothing_is_stored(workspace: Workspace, settings_kwargs: dict,
                                                            problem: str) -> None:
    from engine.errors import AirlockError
    from engine.privacy.settings import PrivacySettings, WorkspacePattern

    if "patterns" in settings_kwargs:
        settings_kwargs = {"patterns": (WorkspacePattern(*settings_kwargs["patterns"]),)}
    with pytest.raises(AirlockError, match=problem):
        workspace.privacy.save_settings(PrivacySettings(**settings_kwargs))
    assert workspace.setting("pii_settings") is None
    assert workspace.audit.entries(action="pii.settings_changed") == []


def test_pattern_preview_reports_matches_and_bad_patterns() -> None:
    from engine.privacy.patterns import pattern_matches

    assert pattern_matches("order", r"ORD-\d+", "ORD-1 and ORD-22") == [(0, 5), (10, 16)]
    with pytest.raises(InvalidPattern, match=r"'order'.*not a valid regular expression"):
        pattern_matches("order", "ORD-[", "ORD-1")


def test_reopen_and_remove_manual_undo_decisions_with_audit(workspace: Workspace) -> None:
    privacy = workspace.privacy
    doc_id = add_document(workspace, LETTER)
    first = privacy.scan(doc_id)[0]
    privacy.decide(first.id, "accepted")
    privacy.accept_all(doc_id)
    again = privacy.reopen(first.id)
    assert again.decision == "pending"
    manual = privacy.add_manual(doc_id, 0, 4, "GREETING")
    privacy.remove_manual(manual)
    assert manual not in {f.id for f in privacy.findings(doc_id)}
    with pytest.raises(InvalidDecision, match="reject it instead"):
        privacy.remove_manual(first.id)
    actions = [e.action for e in workspace.audit.entries(action="pii.")]
    assert "pii.reopened" in actions and "pii.removed" in actions
    with pytest.raises(NotReady, match="awaiting review"):
        privacy.redact_document(doc_id)


def test_keep_originals_only_for_admins_and_audited(workspace: Workspace, as_user: Any) -> None:
    from engine.privacy.errors import PermissionDenied

    doc_id = add_document(workspace, LETTER)
    workspace.privacy.set_keep_originals(True, SIGNED)
    assert workspace.privacy.keep_originals()
    workspace.privacy.scan(doc_id)
    workspace.privacy.accept_all(doc_id)
    workspace.privacy.redact_document(doc_id)
    assert b"anna.schmidt@example.com" in stored_bytes(workspace)

    workspace.membership.add("eve", "expert")
    with as_user("eve"):
        expert = Workspace.open(workspace.root)
    try:
        with pytest.raises(PermissionDenied, match="only an admin"):
            expert.privacy.set_keep_originals(False)
    finally:
        expert.close()
    assert workspace.privacy.keep_originals()

    assert workspace.privacy.set_keep_originals(False) == 1  # the cleared document's original goes
    data = stored_bytes(workspace)
    assert [v for v in PLANTED if v.encode() in data] == []
    changes = workspace.audit.entries(action="pii.keep_originals_changed")
    assert [(e.details["old"], e.details["new"]) for e in sorted(changes, key=lambda e: e.seq)] == [
        (False, True), (True, False)]


def test_batched_detection_matches_one_by_one_in_order() -> None:
    from engine.privacy.batch import redact_many
    from engine.privacy.detector import detect_batch

    texts = [LETTER, "", "Call Jane Roe on +44 20 7946 0958.", LETTER.replace("Anna", "Berta") * 2,
             "Nothing personal here.", "Mail bob@example.org today."] * 3
    config = DetectionConfig(custom_patterns=[CustomPattern("order", r"X-\d+")])
    one_by_one = [detect(t, config) for t in texts]
    assert detect_batch(texts, config) == one_by_one
    forked = redact_many(texts, config, workers=2)  # 18 texts: two batches, one per forked worker
    assert [spans for spans, _ in forked] == one_by_one
    assert [red for _, red in forked] == [redact(t, s).text for t, s in zip(texts, one_by_one, strict=True)]


def test_redact_many_stops_when_cancelled() -> None:
    from engine.privacy.batch import redact_many

    with pytest.raises(Cancelled):
        redact_many(["Jane Roe"] * 40, ctx=JobContext(cancelled=lambda: True))


def test_cli_keep_originals_is_admin_only(workspace: Workspace, capsys: pytest.CaptureFixture[str],
                                          as_user: Any) -> None:
    from engine.cli import main

    root = str(workspace.root)
    assert main(["pii", "keep-originals", "on", "--workspace", root, *SIGN_ARGS]) == 0
    assert workspace.privacy.keep_originals()
    workspace.membership.add("someone-else", "expert")
    with as_user("someone-else"):
        assert main(["pii", "keep-originals", "off", "--workspace", root]) == 2
    assert "only an admin" in capsys.readouterr().err
    assert workspace.privacy.keep_originals()


def test_cli_review_marks_redacts_and_refuses_clearly(workspace: Workspace,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from engine.cli import main

    ws = ["--workspace", str(workspace.root)]
    doc = str(add_document(workspace, "Order 4471 for Jane Roe; order 4471 ships Monday."))
    assert main(["pii", "redact", *ws, doc]) == 2
    assert "has not been scanned for PII yet" in capsys.readouterr().err
    assert main(["pii", "add", *ws, doc, "order", "--text", "9999"]) == 2
    assert "does not contain '9999'" in capsys.readouterr().err
    assert main(["pii", "add", *ws, doc, "order", "--text", "4471"]) == 0
    assert "marked 2 spans as ORDER" in capsys.readouterr().out
    assert main(["pii", "add", *ws, doc, "person", "--at", "15", "23"]) == 0
    capsys.readouterr()
    assert main(["pii", "findings", *ws, doc, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(f["type"], f["value"], f["source"], f["decision"]) for f in found] == [
        ("ORDER", "4471", "manual", "accepted"), ("PERSON", "Jane Roe", "manual", "accepted"),
        ("ORDER", "4471", "manual", "accepted")]
    assert main(["pii", "redact", *ws, doc]) == 0 and "cleared" in capsys.readouterr().out
    assert main(["pii", "findings", *ws, doc, "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert [(f["value"], f["placeholder"]) for f in after] == [
        (None, "<ORDER_1>"), (None, "<PERSON_1>"), (None, "<ORDER_1>")]
    assert main(["pii", "decide", *ws, "reject", str(after[0]["id"])]) == 2
    assert "original text discarded" in capsys.readouterr().err
    assert main(["documents", "list", *ws]) == 0
    assert "cleared" in capsys.readouterr().out
    assert sorted(e.action for e in workspace.audit.entries(action="pii.")) == [
        "pii.added", "pii.added", "pii.added", "pii.redacted"]


def test_console_input_is_redacted_with_the_workspace_settings(workspace: Workspace) -> None:
    """What an operator types into the console (chat, classify, extract, batch) goes through the same
    workspace rules as an import: its own ID patterns and deny list are redacted, the allow list kept."""
    from engine.console.classify import redact as console_redact
    from engine.privacy.settings import PrivacySettings, WorkspacePattern

    workspace.privacy.save_settings(PrivacySettings(
        patterns=(WorkspacePattern("employee id", r"EMP-\d{6}", "badge EMP-123456"),),
        deny_list=("Project Falcon",), allow_list=("London",)))
    out = console_redact(workspace, "EMP-004211 asks about Project Falcon in London.")
    assert "EMP-004211" not in out and "<EMPLOYEE_ID_1>" in out
    assert "Project Falcon" not in out and "London" in out


def test_scan_many_batches_finds_what_scan_finds_and_keeps_a_cancelled_part(workspace: Workspace) -> None:
    from engine.privacy import scanning

    texts = [LETTER, "Max Mustermann, Hauptstraße 5, 10115 Berlin.", "Nothing personal here.", LETTER]
    one_by_one = [add_document(workspace, t, f"one-{i}.txt") for i, t in enumerate(texts)]
    batched = [add_document(workspace, t + " ", f"many-{i}.txt") for i, t in enumerate(texts)]
    for doc_id in one_by_one:
        workspace.privacy.scan(doc_id)
    assert workspace.privacy.scan_many(batched, JobContext(), workers=2) == len(texts)
    for a, b in zip(one_by_one, batched, strict=True):
        assert [(f.entity_type, f.start, f.end) for f in workspace.privacy.findings(a)] == \
               [(f.entity_type, f.start, f.end) for f in workspace.privacy.findings(b)]
    assert len(workspace.audit.entries(action="pii.scanned")) == 2 * len(texts)
    # groups are stored as they finish: a cancel after the first group keeps that group
    later = [add_document(workspace, f"Call Anna Berg on +49 151 2345 67{i:02d}.", f"later-{i}.txt") for i in range(3)]
    old_group, scanning.SCAN_GROUP = scanning.SCAN_GROUP, 2
    messages: list[str] = []
    try:
        with pytest.raises(Cancelled):
            workspace.privacy.scan_many(later, JobContext(progress=lambda _f, m: messages.append(m),
                                                          cancelled=lambda: "Scanned 2 of 3 documents" in messages))
    finally:
        scanning.SCAN_GROUP = old_group
    with workspace.reader() as s:
        statuses = [s.get(Document, d).status for d in later]  # type: ignore[union-attr]
    assert statuses[:2] == ["scanned", "scanned"] and statuses[2] == "imported"
