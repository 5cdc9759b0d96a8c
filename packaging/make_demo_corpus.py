"""Writes resources/demo/fault_reports.jsonl: the synthetic demo corpus.

Production-line fault reports, each with a category (the label to learn) and
planted personal data (names, e-mails, phone numbers, street addresses) that the
redaction step must remove. Deterministic: the same seed gives the same file.
Run: .venv/bin/python packaging/make_demo_corpus.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "demo" / "fault_reports.jsonl"
PER_CATEGORY = 40

PEOPLE = ["Anna Schmidt", "Jonas Weber", "Maria Rossi", "David Miller", "Sofia Novak", "Liam O'Brien",
          "Chen Wei", "Fatima Khan", "Peter Hansen", "Laura Garcia", "Tom Becker", "Elena Petrova",
          "Marco Bianchi", "Sarah Johnson", "Lukas Meier", "Nina Larsen"]
DOMAINS = ["northplant.example.com", "acme-works.example.org", "fab-east.example.net"]
STREETS = ["14 Harbour Road", "221 Mill Street", "8 Station Avenue", "35 Canal Lane", "102 Foundry Road"]
LINES = ["Line 1", "Line 2", "Line 3", "Line 4", "the packaging line", "the press line", "the paint shop"]
MACHINES = ["press 4", "the filler", "robot cell 7", "the palletizer", "conveyor C12", "the labeller",
            "mixer M2", "the CNC mill", "the stamping press", "the wrapper"]

SYMPTOMS = {
    "electrical": [
        "the main breaker trips every time the motor starts",
        "a fuse in the control cabinet blew twice this shift",
        "there is a burning smell and scorched insulation on the power cable",
        "the motor gets no supply voltage although the isolator is on",
        "the contactor chatters and the drive loses power intermittently",
        "an earth fault alarm appears on the power distribution panel",
        "sparks were seen at the terminal block when the heater switched on",
        "the supply voltage drops to 180 V under load and the lights flicker",
        "the servo drive shows an overcurrent fault and the cabinet fan is dead",
        "a loose live wire in the junction box is arcing",
    ],
    "mechanical": [
        "a loud grinding noise comes from the main bearing",
        "the drive belt slips and squeals under load",
        "the gearbox vibrates heavily above half speed",
        "the shaft coupling is misaligned and wearing quickly",
        "the chain is stretched and jumps teeth on the sprocket",
        "several mounting bolts on the frame have worked loose",
        "a crack has appeared in the welded bracket of the guide rail",
        "the roller is jammed and the conveyor belt is tearing",
        "the spindle has too much play and the cuts are out of tolerance",
        "the cam follower is worn flat and knocks on every cycle",
    ],
    "hydraulic": [
        "oil is leaking from the rod seal of the main cylinder",
        "system pressure drops from 180 bar to 90 bar during the stroke",
        "the hydraulic pump whines and cavitates after start-up",
        "a pressure hose burst and sprayed oil over the floor",
        "the hydraulic oil overheats above 70 degrees within an hour",
        "the directional valve sticks and the ram moves slowly",
        "the accumulator loses its pre-charge and the clamp pressure is weak",
        "air bubbles foam in the oil tank and the actuator judders",
        "the relief valve opens too early and the press cannot reach force",
        "the return filter is clogged and the bypass indicator is red",
    ],
    "software": [
        "the PLC program stops with a watchdog error after the recipe change",
        "the HMI screen freezes and does not accept any input",
        "the new firmware update made the scanner reject every barcode",
        "communication to the MES server times out and orders are not loaded",
        "the wrong parameter set is loaded after every restart",
        "the batch counter in the control software resets to zero at midnight",
        "the robot controller reports an unknown program error code",
        "the scheduling application crashes when a shift report is exported",
        "the recipe database shows corrupted values after the last update",
        "the vision system software hangs and has to be rebooted",
    ],
}
ACTIONS = ["Please send someone before the next shift.", "Production is stopped until it is fixed.",
           "We are running at reduced speed for now.", "Spare parts may be needed.",
           "This happened three times this week.", "Safety team has been informed."]


def phone(rng: random.Random) -> str:
    return rng.choice([
        f"+49 151 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        f"(555) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
    ])


def report(rng: random.Random, category: str, index: int) -> dict[str, str]:
    person = rng.choice(PEOPLE)
    first, last = person.split(" ", 1)
    email = f"{first.lower()}.{last.lower().replace(chr(39), '')}@{rng.choice(DOMAINS)}"
    symptom = rng.choice(SYMPTOMS[category])
    where = f"On {rng.choice(LINES)}, {rng.choice(MACHINES)}"
    contact = rng.choice([
        f"Reported by {person}, call {phone(rng)}.",
        f"Contact {person} ({email}) for details.",
        f"{person} noticed it; reach them at {email} or {phone(rng)}.",
        f"Reporter: {person}. Supplier contact at {rng.choice(STREETS)} was notified.",
    ])
    text = f"{where}: {symptom}. {rng.choice(ACTIONS)} {contact}"
    return {"id": f"FR-{category[:3].upper()}-{index:03d}", "text": text, "label": category}


def main() -> None:
    rng = random.Random(20261123)
    rows = [report(rng, cat, i) for cat in SYMPTOMS for i in range(PER_CATEGORY)]
    rng.shuffle(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} reports to {OUT}")


if __name__ == "__main__":
    main()
