"""Chat templates to choose from for a base model that ships none (a pre-trained, not instruction-
tuned, checkpoint). Training teaches the model whichever format is chosen; pick the family's own
format when the model will later be used with other tools that expect it.

Each template is a Jinja template with the variables transformers and llama.cpp pass
(``messages``, ``add_generation_prompt``, ``bos_token``); written for Airlock, in the documented
turn formats of each family.
"""

from __future__ import annotations

from engine.errors import AirlockError

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")

LLAMA3 = (
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim"
    " + '<|eot_id|>' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")

GEMMA = (
    "{{ bos_token }}{% set ns = namespace(system='') %}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{% set ns.system = message['content'] + '\n\n' %}"
    "{% else %}"
    "{% set role = 'model' if message['role'] == 'assistant' else 'user' %}"
    "{{ '<start_of_turn>' + role + '\n' + (ns.system if role == 'user' else '') + message['content'] | trim"
    " + '<end_of_turn>\n' }}"
    "{% if role == 'user' %}{% set ns.system = '' %}{% endif %}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}")

PHI3 = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}")

TEMPLATES = {"chatml": ("ChatML (<|im_start|> … <|im_end|>: Qwen, SmolLM)", CHATML),
             "llama3": ("Llama 3 (<|start_header_id|> … <|eot_id|>)", LLAMA3),
             "gemma": ("Gemma (<start_of_turn> … <end_of_turn>)", GEMMA),
             "phi3": ("Phi-3 (<|user|> … <|end|>)", PHI3)}

FAMILY_DEFAULT = {"qwen2": "chatml", "qwen3": "chatml", "llama": "llama3", "mistral": "chatml",
                  "gemma2": "gemma", "gemma3": "gemma", "gemma3_text": "gemma", "phi3": "phi3"}


def template_named(name: str) -> str:
    if name not in TEMPLATES:
        raise AirlockError(f"unknown chat template {name!r}; choose one of {', '.join(TEMPLATES)}")
    return TEMPLATES[name][1]


def suggested_template(architecture: str) -> str:
    """The template name to offer first for a base model of this architecture."""
    return FAMILY_DEFAULT.get(architecture, "chatml")
