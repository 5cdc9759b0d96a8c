"""The run setup form: dataset version, base model, preset, and every training setting.

The common settings are always visible; the rest sit in an "Advanced" section that
opens on demand. ``config()`` returns an engine ``TrainingConfig``; ``problems()``
lists what is wrong in the engine's own words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.qt import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from engine.training.config import METHODS, SCHEDULERS, TrainingConfig
from engine.training.presets import PRESETS, config_for, preset_by_key, preset_for

if TYPE_CHECKING:
    from engine.datasets.version_info import VersionInfo
    from engine.models.service import BaseModelInfo

# field name -> (label, widget kind, extra): "int" (min, max), "float" (min, max, decimals, step)
COMMON = [("epochs", "Epochs", "float", (0.0, 100.0, 2, 0.5)), ("max_steps", "Max steps (0: epochs)", "int",
                                                                   (0, 1_000_000)),
          ("batch_size", "Batch size", "int", (1, 1024)), ("learning_rate", "Learning rate", "float",
                                                            (1e-7, 0.99, 7, 1e-5)),
          ("max_length", "Max sequence length", "int", (8, 131072))]
ADVANCED = [("lora_r", "LoRA r", "int", (1, 1024)), ("lora_alpha", "LoRA alpha", "int", (1, 4096)),
            ("lora_dropout", "LoRA dropout", "float", (0.0, 0.99, 3, 0.01)),
            ("grad_accumulation", "Gradient accumulation", "int", (1, 1024)),
            ("warmup_ratio", "Warmup (fraction of steps)", "float", (0.0, 0.99, 3, 0.01)),
            ("weight_decay", "Weight decay", "float", (0.0, 10.0, 4, 0.01)),
            ("seed", "Seed", "int", (0, 2**31 - 1)), ("eval_every", "Evaluate every (steps)", "int", (0, 1_000_000)),
            ("checkpoint_every", "Checkpoint every (steps)", "int", (0, 1_000_000))]
TOOLTIPS = {"eval_every": "0: once per epoch", "checkpoint_every": "0: only at the end",
            "max_steps": "0: train for the number of epochs; more than 0 overrides epochs"}


class ConfigForm(QWidget):
    """Emits ``changed`` whenever any input changes (the page re-estimates, debounced)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        form = QFormLayout()
        form.setVerticalSpacing(6)
        self.version = QComboBox()
        self.base = QComboBox()
        for combo in (self.version, self.base):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
        self.preset = QComboBox()
        for p in PRESETS:
            self.preset.addItem(f"{p.key} — {p.label}", p.key)
        self.method = QComboBox()
        for key, text in METHODS.items():
            self.method.addItem(key, key)
            self.method.setItemData(self.method.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        self.responses_only = QCheckBox("Train on responses only")
        self.responses_only.setToolTip("Compute the loss on the answer only, not on the prompt")
        form.addRow("Dataset version", self.version)
        self.add_base_button = QPushButton("Add…")
        self.add_base_button.setToolTip("Register a base model: a Hugging Face model folder or a GGUF file")
        base_row = QHBoxLayout()
        base_row.addWidget(self.base, 1)
        base_row.addWidget(self.add_base_button)
        form.addRow("Base model", base_row)
        form.addRow("Preset", self.preset)
        form.addRow("Method", self.method)
        self.inputs: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for spec in COMMON:
            form.addRow(spec[1], self._spin(*spec))
        form.addRow("", self.responses_only)
        outer.addLayout(form)

        self.problems_label = QLabel()
        self.problems_label.setObjectName("Problems")
        self.problems_label.setStyleSheet("color: #b91c1c; font-weight: 600;")
        self.problems_label.setWordWrap(True)
        outer.addWidget(self.problems_label)
        # the page places these two where it wants them (below the estimate and the Start button)
        self.advanced_toggle = QPushButton("Advanced settings ▸")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.toggled.connect(self._toggle_advanced)
        self.advanced = QGroupBox()
        adv = QFormLayout(self.advanced)
        adv.setVerticalSpacing(6)
        for spec in ADVANCED:
            adv.addRow(spec[1], self._spin(*spec))
        self.scheduler = QComboBox()
        self.scheduler.addItems(list(SCHEDULERS))
        adv.addRow("Scheduler", self.scheduler)
        self.target_modules = QLineEdit()
        self.target_modules.setPlaceholderText("q_proj, k_proj, v_proj, ...")
        adv.addRow("Target modules", self.target_modules)
        self.gradient_checkpointing = QCheckBox("Gradient checkpointing")
        self.gradient_checkpointing.setToolTip("Less memory for activations, about 30% slower")
        adv.addRow("", self.gradient_checkpointing)
        self.advanced.hide()

        self._bases: list[BaseModelInfo] = []
        self.set_config(TrainingConfig())
        self.preset.activated.connect(lambda _i: self.apply_preset(str(self.preset.currentData())))
        self.base.currentIndexChanged.connect(lambda _i: self._suggest_preset())
        for w in (self.version, self.base, self.method, self.scheduler):
            w.currentIndexChanged.connect(self._emit)
        for box in (self.responses_only, self.gradient_checkpointing):
            box.toggled.connect(self._emit)
        self.target_modules.textChanged.connect(self._emit)

    def _spin(self, name: str, _label: str, kind: str, extra: tuple[Any, ...]) -> QWidget:
        box: QSpinBox | QDoubleSpinBox
        if kind == "int":
            box = QSpinBox()
            box.setRange(extra[0], extra[1])
        else:
            box = QDoubleSpinBox()
            box.setDecimals(extra[2])
            box.setRange(extra[0], extra[1])
            box.setSingleStep(extra[3])
        box.setObjectName(f"field_{name}")
        box.setToolTip(TOOLTIPS.get(name, ""))
        box.valueChanged.connect(self._emit)
        self.inputs[name] = box
        return box

    def _emit(self, *_args: object) -> None:
        self.problems_label.setText("; ".join(self.problems()))
        self.changed.emit()

    def _toggle_advanced(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setText("Advanced settings ▾" if shown else "Advanced settings ▸")

    # -- choices -------------------------------------------------------------------
    def set_choices(self, versions: list[VersionInfo], bases: list[BaseModelInfo]) -> None:
        keep_version, keep_base = self.version.currentData(), self.base.currentData()
        self._bases = bases
        for combo, items in ((self.version, [(f"{v.name} ({v.task_name}, {v.total} items)", v.id)
                                             for v in versions]),
                             (self.base, [(f"{b.name} ({(b.parameters or 0) / 1e6:,.0f}M, {b.format})", b.id)
                                          for b in bases])):
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.blockSignals(False)
        for combo, keep in ((self.version, keep_version), (self.base, keep_base)):
            index = combo.findData(keep)
            combo.setCurrentIndex(index if index >= 0 else 0)
        if self.base.currentData() != keep_base:  # a reload keeps what the user set for the same model
            self._suggest_preset()

    def selected_version(self) -> int | None:
        data = self.version.currentData()
        return int(data) if data is not None else None

    def selected_base(self) -> BaseModelInfo | None:
        data = self.base.currentData()
        return next((b for b in self._bases if b.id == data), None)

    def _suggest_preset(self) -> None:
        base = self.selected_base()
        if base is not None:
            key = preset_for(base.parameters).key
            self.preset.setCurrentIndex(self.preset.findData(key))
            self.apply_preset(key)

    def apply_preset(self, key: str) -> None:
        base = self.selected_base()
        self.set_config(config_for(preset_by_key(key), self.config_or_default(),
                                   base.context_length if base else None))

    # -- values --------------------------------------------------------------------
    def set_config(self, cfg: TrainingConfig) -> None:
        widgets: list[QWidget] = [*self.inputs.values(), self.method, self.scheduler, self.responses_only,
                                  self.gradient_checkpointing, self.target_modules]
        for w in widgets:
            w.blockSignals(True)
        for name, box in self.inputs.items():
            box.setValue(getattr(cfg, name))
        self.method.setCurrentIndex(max(0, self.method.findData(cfg.method)))
        self.scheduler.setCurrentText(cfg.scheduler)
        self.responses_only.setChecked(cfg.responses_only)
        self.gradient_checkpointing.setChecked(cfg.gradient_checkpointing)
        self.target_modules.setText(", ".join(cfg.target_modules))
        for w in widgets:
            w.blockSignals(False)
        self._emit()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: box.value() for name, box in self.inputs.items()}
        values.update(method=self.method.currentData(), scheduler=self.scheduler.currentText(),
                      responses_only=self.responses_only.isChecked(),
                      gradient_checkpointing=self.gradient_checkpointing.isChecked(),
                      target_modules=self.target_modules.text())
        return values

    def config_or_default(self) -> TrainingConfig:
        try:
            return TrainingConfig.from_dict(self.values())
        except Exception:
            return TrainingConfig()

    def config(self) -> TrainingConfig:
        """The configuration as entered (raises AirlockError naming every problem)."""
        cfg = TrainingConfig.from_dict(self.values())
        cfg.validate()
        return cfg

    def problems(self) -> list[str]:
        try:
            cfg = TrainingConfig.from_dict(self.values())
        except Exception as exc:
            return [str(exc)]
        found = cfg.problems()
        base = self.selected_base()
        if base is not None and base.context_length and cfg.max_length > base.context_length:
            found.append(f"max_length exceeds the model's context length ({base.context_length})")
        return found
