"""The one writer layer of every workbook cs-kpi writes (templates and reports).

- `style`: the palette, the number format of each value kind, `Styles`.
- `cells`: the value writer (input text always written as text) and the
  one table of characters XML cannot hold; text widths.
- `sheet`: `SheetWriter` — title, header, widths, freeze, filter,
  validations and print settings of a sheet — and `Column`, a report
  table's declarative column (label, kind, value getter).
- `stream`: the fast row path of the big report sheets (public file format
  only, no private API of xlsxwriter).
"""
