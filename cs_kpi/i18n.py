"""Messages in the user's language. Each message is written once as a zh/en pair.

A problem or warning is data: a stable `code` and the values it names
(`Msg`). It is rendered in the user's language only at the edge (the console
table, `--json`, a report's notes), so readers and rules never need `lang`
to say what is wrong (issue 9; SPEC §9 `code`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

LANGS = ("zh", "en")


def tr(lang: str, zh: str, en: str, **values: object) -> str:
    """Pick the message for `lang` and fill in `{name}` placeholders."""
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Text:
    """A message kept in both languages until it is shown.

    `code` is the stable identifier of a problem message: the lower-cased
    name of the module constant holding it, given by `register_codes`.
    """

    zh: str
    en: str
    code: str = field(default="", compare=False)

    def __call__(self, lang: str, **values: object) -> str:
        return tr(lang, self.zh, self.en, **values)

    def msg(self, **params: Any) -> Msg:
        """This message with the values it names, rendered later in any language."""
        return Msg(self, params)


def render_value(value: Any, lang: str) -> Any:
    """A message value in `lang`: a nested message, or anything named in zh and en
    (a sheet or column spec, a choice); other values as they are."""
    if value.__class__ in _PLAIN:  # most values: no attribute look-up that fails (plan rows)
        return value
    if isinstance(value, Msg | Joined):
        return value.render(lang)
    label = getattr(value, "label", None)
    if callable(label) and hasattr(value, "zh") and hasattr(value, "en"):
        return label(lang)
    if isinstance(value, list | tuple):
        return (", " if lang == "en" else "、").join(str(render_value(x, lang)) for x in value)
    return value


_PLAIN = frozenset({str, int, float, Decimal, bool, type(None)})


@dataclass(frozen=True)
class Msg:
    """A message and its values: what a problem says, before it has a language."""

    text: Text
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.text.code

    def render(self, lang: str) -> str:
        values = {name: render_value(value, lang) for name, value in self.params.items()}
        return self.text(lang, **values)


@dataclass(frozen=True)
class Joined:
    """Several values a message lists with one separator (`越高越好 / 越低越好`)."""

    items: tuple[Any, ...]
    separator: str = " / "

    def render(self, lang: str) -> str:
        return self.separator.join(str(render_value(item, lang)) for item in self.items)


CATALOGUE: dict[str, Text] = {}


def register_codes(namespace: Mapping[str, Any], *, skip: tuple[str, ...] = ()) -> None:
    """Give every module-level `Text` constant of `namespace` its code (the constant's name,
    lower-cased) and list it in CATALOGUE; `skip` names texts that are labels, not problems.
    Two different messages under one code are a programming error, found at import."""
    if isinstance(skip, str):
        raise TypeError("skip takes a tuple of names")
    for name, value in list(namespace.items()):
        if not isinstance(value, Text) or not name.isupper() or name in skip:
            continue
        code = name.lower().lstrip("_")
        known = CATALOGUE.get(code)
        if known is not None and (known.zh, known.en) != (value.zh, value.en):
            raise RuntimeError(f"two messages share the code {code!r}")
        if not value.code:
            object.__setattr__(value, "code", code)  # set once, at import, before any use
        CATALOGUE[code] = value
