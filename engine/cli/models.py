"""`airlock models list|register PATH|template ID NAME`: the local base models a run can start from."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import open_workspace
from engine.cli.options import JSON, WORKSPACE
from engine.cli.table import Column, print_json, print_table


def _describe(model: object) -> str:
    from engine.models.service import BaseModelInfo

    assert isinstance(model, BaseModelInfo)
    params = f"{model.parameters / 1e6:,.1f}M params" if model.parameters else "? params"
    context = f"context {model.context_length:,}" if model.context_length else "context ?"
    template = "chat template" if model.chat_template else "NO chat template"
    return (f"{model.id:>3}  {model.name}  [{model.format}, {model.architecture}, {params}, {context}, "
            f"{template}]  sha256 {model.sha256[:16]}…  {model.path}")


def cmd_models_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        if not args.no_demo:
            ws.models.ensure_demo_model()
        models = ws.models.bases()
    if args.json:
        print_json([{**m.__dict__, "path": str(m.path), "chat_template": bool(m.chat_template)} for m in models])
        return 0
    for m in models:
        print(_describe(m))
    return 0


def cmd_models_register(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        model = ws.models.register_base(Path(args.path), args.name)
    print(_describe(model))
    return 0


def cmd_models_template(args: argparse.Namespace) -> int:
    from engine.models.chat_templates import TEMPLATES

    if args.template is None:
        print_table([{"name": name, "what": what} for name, (what, _text) in TEMPLATES.items()],
                    (Column("name", 8), Column("what")))
        return 0
    text = Path(args.template).read_text(encoding="utf-8") if args.template.endswith(".jinja") else args.template
    with open_workspace(args) as ws:
        model = ws.models.set_chat_template(args.base_id, text)
    print(_describe(model))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = sub.add_parser("models", help="local base models: list, register, chat template")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    p = models_sub.add_parser("list", parents=[WORKSPACE, JSON],
                              help="registered base models (the demo model is registered on first use)")
    p.add_argument("--no-demo", action="store_true", help="do not register the demo model")
    p.set_defaults(func=cmd_models_list)
    p = models_sub.add_parser("register", parents=[WORKSPACE],
                              help="register a GGUF file or a Hugging Face model folder")
    p.add_argument("path", help="a .gguf file, or a folder with config.json, *.safetensors and a tokenizer")
    p.add_argument("--name", default=None, help="name to show (default: the file or folder name)")
    p.set_defaults(func=cmd_models_register)
    p = models_sub.add_parser("template", parents=[WORKSPACE], help="give a base model without one a chat template")
    p.add_argument("base_id", type=int, help="the base model's id (airlock models list)")
    p.add_argument("template", nargs="?", default=None,
                   help="a template name (listed when omitted) or a .jinja file")
    p.set_defaults(func=cmd_models_template)
