"""Messages in the user's language. Each message is written once as a zh/en pair."""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("zh", "en")


def tr(lang: str, zh: str, en: str, **values: object) -> str:
    """Pick the message for `lang` and fill in `{name}` placeholders."""
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Text:
    """A message kept in both languages until it is shown."""

    zh: str
    en: str

    def __call__(self, lang: str, **values: object) -> str:
        return tr(lang, self.zh, self.en, **values)
