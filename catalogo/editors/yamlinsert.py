"""One more entry in a practice's 'repliche', every other byte as the editor wrote it.

'segnalazione' adds a territory's interest to a file people wrote by hand: rewriting the whole
front matter would lose their comments, quotes and order, so the entry is inserted as text and the
result read back to prove nothing else moved.
"""

from __future__ import annotations

from typing import Any

import yaml

from catalogo.content.contract import Practice
from catalogo.content.documents import FM_BOUNDARY


def _split(text: str) -> tuple[int, int, int] | None:
    """Where the front matter starts and ends, and where the body starts (None: no front matter)."""
    opening = FM_BOUNDARY.match(text)
    closing = FM_BOUNDARY.search(text, opening.end()) if opening else None
    return (opening.end(), closing.start(), closing.end()) if opening and closing else None


def front_matter(text: str) -> dict[str, Any]:
    parts = _split(text)
    data = yaml.safe_load(text[parts[0] : parts[1]]) if parts else None
    return data if isinstance(data, dict) else {}


def _scalar_dump(value: Any, flow: bool) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=flow).rstrip(
        "\n"
    )


def add_replica(text: str, entry: dict[str, Any]) -> str:
    """``text`` with ``entry`` appended to its 'repliche' list: an insertion, nothing rewritten.

    Handles the shapes a practice file can have: no 'repliche' key, 'repliche: []', an empty
    'repliche:', a flow list and a block list (at its own indentation, after a trailing comment).
    The result is read back: the list must have grown by exactly that entry, all else the same.
    """
    new = _inserted(text, entry)
    before, after = front_matter(text), front_matter(new)
    grown = {**before, "repliche": [*(before.get("repliche") or []), entry]}
    if after != grown or _body(new) != _body(text):
        raise ValueError("inserimento in 'repliche' non riuscito: la scheda va aggiornata a mano")
    return new


def _body(text: str) -> str:
    parts = _split(text)
    return text[parts[2] :] if parts else text


def _inserted(text: str, entry: dict[str, Any]) -> str:
    parts = _split(text)
    assert parts is not None
    start, end, _ = parts
    root = yaml.compose(text[start:end])
    assert isinstance(root, yaml.MappingNode)
    keys = [k.value for k, _ in root.value]

    def line_end(index: int) -> int:
        newline = text.find("\n", index)
        return len(text) if newline < 0 else newline + 1

    def block(column: int) -> str:
        item = _scalar_dump([entry], flow=False)
        return "".join(" " * column + line + "\n" for line in item.split("\n"))

    if "repliche" not in keys:
        order = list(Practice.model_fields)
        after = [k for k in order[order.index("repliche") + 1 :] if k in keys]
        if after:
            node = next(k for k, _ in root.value if k.value == after[0])
            at = start + node.start_mark.index - node.start_mark.column
        else:
            at = end
        return text[:at] + "repliche:\n" + block(2) + text[at:]
    node = next(v for k, v in root.value if k.value == "repliche")
    if isinstance(node, yaml.SequenceNode) and node.flow_style and node.value:
        close = start + node.end_mark.index - 1  # the ']'
        return text[:close] + ", " + _scalar_dump(entry, flow=True) + text[close:]
    if isinstance(node, yaml.SequenceNode) and node.value:
        first = node.value[0]
        line_start = text.rfind("\n", 0, start + first.start_mark.index) + 1
        dash = text.index("-", line_start)
        last = node.value[-1]
        while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and last.value:
            # A collection ends where the next token starts (after blank lines): its last scalar does not.
            last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
        at = line_end(start + last.end_mark.index - 1)
        return text[:at] + block(dash - line_start) + text[at:]
    # 'repliche: []', 'repliche: null' or an empty 'repliche:': the list starts on the next line,
    # and the empty value, if written, goes.
    key = next(k for k, _ in root.value if k.value == "repliche")
    at = line_end(start + key.start_mark.index)
    left, right = start + node.start_mark.index, start + node.end_mark.index
    if right > left and text[right:at].strip() == "":
        left = len(text[:left].rstrip(" "))
    return text[:left] + text[right:at] + block(2 + key.start_mark.column) + text[at:]
