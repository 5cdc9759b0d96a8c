"""The prompt a task gives the model: identical in training, evaluation and the console.

Messages are rendered to text with the base model's own chat template (a Jinja
template stored in the model file), in a sandbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

Message = dict[str, str]


@dataclass(frozen=True)
class Shot:
    input_text: str
    answer: str


def user_turn(user_template: str, input_text: str) -> str:
    return user_template.replace("{input}", input_text.strip())


def build_messages(system_prompt: str, user_template: str, input_text: str,
                   shots: Sequence[Shot] = ()) -> list[Message]:
    messages: list[Message] = [{"role": "system", "content": system_prompt}]
    for shot in shots:
        messages.append({"role": "user", "content": user_turn(user_template, shot.input_text)})
        messages.append({"role": "assistant", "content": shot.answer})
    messages.append({"role": "user", "content": user_turn(user_template, input_text)})
    return messages


@lru_cache(maxsize=8)
def _compiled(template: str) -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    return env.from_string(template)


def render_chat(chat_template: str, messages: Sequence[Message], add_generation_prompt: bool = True,
                bos_token: str = "", eos_token: str = "") -> str:
    return str(_compiled(chat_template).render(messages=list(messages),
                                                add_generation_prompt=add_generation_prompt,
                                                bos_token=bos_token, eos_token=eos_token))


def end_of_turn(chat_template: str) -> str:
    """The text that closes an assistant turn under this template."""
    probe = render_chat(chat_template, [{"role": "system", "content": "S"},
                                        {"role": "user", "content": "U"},
                                        {"role": "assistant", "content": "\x00"}],
                        add_generation_prompt=False)
    tail = probe.split("\x00", 1)[1]
    return tail.rstrip("\n") or "\n"


@dataclass(frozen=True)
class PromptFormat:
    """A task's prompt under one model's chat template: text in, text out."""

    system_prompt: str
    user_template: str
    chat_template: str

    def prompt(self, input_text: str, shots: Sequence[Shot] = ()) -> str:
        messages = build_messages(self.system_prompt, self.user_template, input_text, shots)
        return render_chat(self.chat_template, messages, add_generation_prompt=True)

    def completion(self, answer: str) -> str:
        return answer + end_of_turn(self.chat_template)


@dataclass(frozen=True)
class PromptWithShots(PromptFormat):
    """A prompt format that always shows the same few-shot examples (evaluation baselines, and the
    confidence check of a model that was not trained on the task)."""

    shots: tuple[Shot, ...] = field(default=())

    def prompt(self, input_text: str, shots: Sequence[Shot] = ()) -> str:
        return super().prompt(input_text, list(shots) or list(self.shots))

    @classmethod
    def of(cls, fmt: PromptFormat, shots: Sequence[Shot]) -> PromptWithShots:
        return cls(fmt.system_prompt, fmt.user_template, fmt.chat_template, tuple(shots))
