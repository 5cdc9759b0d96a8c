"""An example as the model sees it: a chat of system, user and assistant turns, and what makes one valid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.tasks.prompt import Message, user_turn

ROLES = ("system", "user", "assistant")


def task_conversation(system_prompt: str, user_template: str, input_text: str, answer: str) -> list[Message]:
    """The training conversation of one example under its task's prompt (no system turn when the
    task has no system prompt)."""
    messages: list[Message] = []
    if system_prompt.strip():
        messages.append({"role": "system", "content": system_prompt})
    messages.append({"role": "user", "content": user_turn(user_template, input_text)})
    messages.append({"role": "assistant", "content": answer})
    return messages


def conversation_problems(messages: Sequence[Any], min_answer_chars: int = 1,
                          max_answer_chars: int | None = None) -> list[str]:
    """Why ``messages`` is not a valid training conversation; empty when it is.

    Valid: starts with system or user, a system turn only first, user and assistant take turns,
    the last turn is the assistant's, no turn is empty, the answer length is within bounds."""
    if not messages:
        return ["the conversation has no turns"]
    problems: list[str] = []
    roles: list[str] = []
    for n, msg in enumerate(messages, start=1):
        if not isinstance(msg, dict) or not isinstance(msg.get("content"), str):
            problems.append(f"turn {n} is not an object with a role and a text content")
            roles.append("?")
            continue
        role = msg.get("role")
        if role not in ROLES:
            problems.append(f"turn {n} has the role {role!r}; roles are system, user and assistant")
        elif not msg["content"].strip():
            problems.append(f"turn {n} ({role}) is empty")
        roles.append(str(role))
    if problems:
        return problems
    if roles[0] not in ("system", "user"):
        problems.append(f"the conversation starts with the {roles[0]} turn; it must start with system or user")
    for n in range(1, len(roles)):
        if roles[n] == "system":
            problems.append(f"turn {n + 1} is a system turn; only the first turn may be one")
        elif roles[n] == roles[n - 1]:
            problems.append(f"turns {n} and {n + 1} are both {roles[n]} turns; user and assistant take turns")
    if roles[-1] != "assistant":
        problems.append("the conversation does not end with the assistant's answer")
    elif problems == []:
        answer = str(messages[-1]["content"])
        if len(answer.strip()) < min_answer_chars:
            problems.append(f"the answer has {len(answer.strip())} characters; at least {min_answer_chars} "
                            "are required")
        if max_answer_chars is not None and len(answer) > max_answer_chars:
            problems.append(f"the answer has {len(answer)} characters; at most {max_answer_chars} are allowed")
    return problems
