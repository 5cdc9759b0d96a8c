"""Chat with a model: system prompt, history, the model's own chat template, streamed tokens, stop.

``ChatSession.send`` returns a generator of text pieces; the caller stops generation
by calling ``stop()`` (from any thread) or by closing the generator. Whatever was
generated until then becomes the assistant's turn and is logged with the pseudonymised
user message (placeholders only); ``ChatTurn.shown_text`` has this message's placeholders
mapped back for the operator's screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.console.calls import log_call
from engine.console.models import ConsoleModel, pick_model, using
from engine.console.pseudonyms import may_see_values, pseudonymise
from engine.tasks.prompt import Message, end_of_turn, render_chat

if TYPE_CHECKING:
    from engine.workspace import Workspace


@dataclass
class ChatTurn:
    text: str = ""
    stopped: bool = False
    latency_ms: float = 0.0
    first_token_ms: float | None = None
    tokens: int = 0
    call_id: int | None = None
    # the answer with this message's placeholders mapped back, for the operator's screen (never logged)
    shown_text: str = ""


@dataclass
class ChatSession:
    ws: Workspace
    model: ConsoleModel
    system_prompt: str = "You are a helpful assistant."
    max_tokens: int = 512
    redact_input: bool = True
    history: list[Message] = field(default_factory=list)
    last: ChatTurn | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def open(cls, ws: Workspace, artifact_id: int | None = None, system_prompt: str | None = None) -> ChatSession:
        ws.membership.require("operator", "the console")
        session = cls(ws, pick_model(ws, artifact_id))
        if system_prompt is not None:
            session.system_prompt = system_prompt
        return session

    def messages(self) -> list[Message]:
        system: list[Message] = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        return system + self.history

    def stop(self) -> None:
        self._stop.set()

    def clear(self) -> None:
        self.history.clear()

    def transcript(self) -> str:
        """The conversation as plain text (what "copy" puts on the clipboard)."""
        return "\n\n".join(f"{m['role']}: {m['content']}" for m in self.messages())

    def send(self, user_text: str) -> Generator[str, None, None]:
        """Stream the assistant's answer to ``user_text``; the finished turn is in ``self.last``."""
        pseudo = pseudonymise(self.ws, user_text) if self.redact_input else None
        content = pseudo.text if pseudo is not None else user_text
        self._stop.clear()
        self.history.append({"role": "user", "content": content})
        prompt = render_chat(self.model.chat_template, self.messages(), add_generation_prompt=True)
        stop = [end_of_turn(self.model.chat_template).strip() or "\n"]
        turn = ChatTurn()
        self.last = turn
        start = time.perf_counter()
        try:
            with using(self.ws, self.model.path) as loaded:
                pieces = loaded.stream(prompt, max_tokens=self.max_tokens, stop=stop, repeat_penalty=1.1)
                try:
                    for piece in pieces:
                        if turn.first_token_ms is None:
                            turn.first_token_ms = (time.perf_counter() - start) * 1000
                        turn.text += piece
                        yield piece
                        if self._stop.is_set():
                            turn.stopped = True
                            break
                finally:
                    pieces.close()
                turn.tokens = loaded.last_evaluated
        finally:
            turn.latency_ms = (time.perf_counter() - start) * 1000
            self.history.append({"role": "assistant", "content": turn.text})
            turn.shown_text = pseudo.reveal(turn.text) if pseudo is not None and may_see_values(self.ws) else turn.text
            turn.call_id = log_call(self.ws, artifact_id=self.model.artifact.id,
                                    model_sha256=self.model.artifact.sha256, mode="chat", redacted_input=content,
                                    output=turn.text, confidence=None, flagged=False,
                                    latency_ms=turn.latency_ms, tokens=turn.tokens, task_id=None,
                                    audit={"stopped": turn.stopped, "turns": len(self.history) // 2})

    def ask(self, user_text: str) -> ChatTurn:
        for _ in self.send(user_text):
            pass
        assert self.last is not None
        return self.last
