"""Reading heatmap tables back out of HTML (the heatmap page, the report's heatmap section), so
that tests can compare what each shows cell by cell, as a reader would see it."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._depth = 0  # inside a heatmap table
        self._section = None  # "thead" or "tbody"
        self._cell: list[str] | None = None
        self._cell_attrs: dict = {}
        self._row: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "heatmap" in (attrs.get("class") or "").split():
            self._depth = 1
            self.tables.append({"columns": [], "rows": []})
            return
        if not self._depth:
            return
        if tag == "table":
            self._depth += 1
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell, self._cell_attrs = [], attrs

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "table":
            self._depth -= 1
        elif tag in ("th", "td") and self._cell is not None:
            text = " ".join(" ".join(self._cell).split())
            self._row.append((text, self._cell_attrs))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._section == "thead":
                table["columns"] = [text.removesuffix(" (sort)") for text, _ in self._row]
            else:
                table["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._depth and self._cell is not None:
            self._cell.append(data)


def heatmap_tables(html: str) -> list[dict]:
    """Each heatmap table: its column labels and rows, a row a list of (text, attributes)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def heatmap_cells(html: str) -> dict[tuple[int, str, str], str]:
    """{(table index, row label, column label): the cell's text} of every heatmap table."""
    cells = {}
    for index, table in enumerate(heatmap_tables(html)):
        for row in table["rows"]:
            label = row[0][0]
            if len(row) == 1:  # "No teams yet."
                cells[(index, label, "")] = label
                continue
            for column, (text, _) in zip(table["columns"][1:], row[1:], strict=True):
                cells[(index, label, column)] = text
    return cells
