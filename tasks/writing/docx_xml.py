"""The OOXML that python-docx has no proxy for: East Asian fonts, language, the line grid, character
indents, outline levels, borders, table geometry, the PAGE field.

Each function sets one thing on one element; render_docx decides the values. Children are inserted in
schema order, since Word refuses a document whose properties are out of order.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from tasks.writing.layout import LineBreaking

# What may follow a child in w:rPr / w:pPr (ECMA-376 CT_RPr, CT_PPrBase), for the children added here.
_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish",
    "w:oMath",
)  # fmt: skip
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_PPR_AFTER_SNAP_TO_GRID = _PPR_AFTER_PBDR[_PPR_AFTER_PBDR.index("w:snapToGrid") + 1 :]
# What may follow w:characterSpacingControl in w:settings (ECMA-376 CT_Settings).
_SETTINGS_AFTER_SPACING_CONTROL = (
    "w:printTwoOnOne", "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore",
    "w:savePreviewPicture", "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
    "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
    "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# What may follow a side in w:pBdr (top left bottom right between bar) or w:tcBorders (top start/left
# bottom end/right insideH insideV tl2br tr2bl), for the sides set here.
_BORDER_AFTER = {
    "top": ("w:left", "w:start", "w:bottom", "w:right", "w:end", "w:between", "w:bar", "w:insideH",
            "w:insideV", "w:tl2br", "w:tr2bl"),
    "left": ("w:bottom", "w:right", "w:end", "w:between", "w:bar", "w:insideH", "w:insideV", "w:tl2br",
             "w:tr2bl"),
    "bottom": ("w:right", "w:end", "w:between", "w:bar", "w:insideH", "w:insideV", "w:tl2br", "w:tr2bl"),
    "right": ("w:between", "w:bar", "w:insideH", "w:insideV", "w:tl2br", "w:tr2bl"),
    "insideH": ("w:insideV", "w:tl2br", "w:tr2bl"),
    "insideV": ("w:tl2br", "w:tr2bl"),
}  # fmt: skip
_TCPR_AFTER_BORDERS = (
    "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip
_TBLPR_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_TBLPR_AFTER_LAYOUT = ("w:tblCellMar", *_TBLPR_AFTER_CELL_MARGINS)
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", *_TBLPR_AFTER_LAYOUT)
_TBLPR_AFTER_INDENT = ("w:tblBorders", *_TBLPR_AFTER_BORDERS)
_TRPR_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:trPrChange")
_TRPR_AFTER_HEADER = _TRPR_AFTER_CANT_SPLIT[2:]
_TABLE_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")  # w:tblBorders in schema order


def _child(parent: etree._Element, tag: str, successors: tuple[str, ...]) -> etree._Element:
    """The child `tag` of `parent`, added before the first of `successors` present when missing.

    Placed by hand: python-docx has no element class (with insert_element_before) for every parent here,
    such as w:tcBorders or w:tblCellMar.
    """
    found = parent.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    following = {qn(successor) for successor in successors}
    successor = next((child for child in parent if child.tag in following), None)
    if successor is None:
        parent.append(element)
    else:
        successor.addprevious(element)
    return element


def set_run_fonts(rPr: BaseOxmlElement, east_asia: str, latin: str) -> None:
    """Latin letters and digits in `latin`, Chinese in `east_asia` (the official family name).

    hint="eastAsia" makes Word set ambiguous characters (“ ” — …) in the Chinese font, as WPS does.
    """
    rFonts = rPr.get_or_add_rFonts()
    for attribute in _THEME_FONT_ATTRIBUTES:
        rFonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        rFonts.set(qn(attribute), latin)
    rFonts.set(qn("w:eastAsia"), east_asia)
    rFonts.set(qn("w:hint"), "eastAsia")


def clear_theme_fonts(element: BaseOxmlElement) -> None:
    """Drop theme font attributes from every w:rFonts below `element`: a theme font beats a named one."""
    for rFonts in element.iter(qn("w:rFonts")):
        for attribute in _THEME_FONT_ATTRIBUTES:
            rFonts.attrib.pop(qn(attribute), None)


def set_east_asian_language(rPr: BaseOxmlElement, language: str) -> None:
    _child(rPr, "w:lang", _RPR_AFTER_LANG).set(qn("w:eastAsia"), language)


def set_character_spacing(rPr: BaseOxmlElement, twips: int) -> None:
    """Widen (positive) or condense (negative) every character of the run by `twips`."""
    _child(rPr, "w:spacing", _RPR_AFTER_SPACING).set(qn("w:val"), str(twips))


def set_indent_chars(pPr: BaseOxmlElement, first_line: float, left: float, right: float) -> None:
    """Indents in characters (Word's firstLineChars etc., in hundredths), which follow the font size; a
    negative first line hangs (hangingChars).

    Set the twips indents too: LibreOffice 7 reads only those.
    """
    ind = pPr.get_or_add_ind()
    first_line_attribute = "w:hangingChars" if first_line < 0 else "w:firstLineChars"
    ind.attrib.pop(qn("w:firstLineChars" if first_line < 0 else "w:hangingChars"), None)
    for attribute, chars in (
        (first_line_attribute, abs(first_line)),
        ("w:leftChars", left),
        ("w:rightChars", right),
    ):
        ind.set(qn(attribute), str(round(chars * 100)))


def _set_paragraph_flag(pPr: BaseOxmlElement, tag: str, on: bool) -> None:
    """An on/off paragraph property written out either way: absent, each reader takes its own default."""
    successors = _PPR_AFTER_PBDR[_PPR_AFTER_PBDR.index(tag) + 1 :]
    _child(pPr, tag, successors).set(qn("w:val"), "1" if on else "0")


def set_line_breaking(pPr: BaseOxmlElement, rules: LineBreaking, overflow_punct: bool) -> None:
    """East Asian line breaking as `rules` decide it: 避头尾 (w:kinsoku), Latin words whole (w:wordWrap),
    space between Chinese and Latin letters (w:autoSpaceDE) and digits (w:autoSpaceDN); w:overflowPunct
    as given, since its readers differ (docx-parity.md)."""
    _set_paragraph_flag(pPr, "w:kinsoku", bool(rules.no_line_start or rules.no_line_end))
    _set_paragraph_flag(pPr, "w:wordWrap", rules.whole_latin_words)
    _set_paragraph_flag(pPr, "w:overflowPunct", overflow_punct)
    _set_paragraph_flag(pPr, "w:topLinePunct", False)  # an opening mark at a line's start keeps its cell
    _set_paragraph_flag(pPr, "w:autoSpaceDE", rules.latin_space_em > 0)
    _set_paragraph_flag(pPr, "w:autoSpaceDN", rules.latin_space_em > 0)


def set_punctuation_settings(settings: BaseOxmlElement, rules: LineBreaking, language: str) -> None:
    """The document's punctuation: compressed or not (w:characterSpacingControl), and the marks no line
    may start or end with, for `language` (w:noLineBreaksBefore / w:noLineBreaksAfter; Word's own lists
    differ by version and option)."""
    compression = "compressPunctuation" if rules.compress_punctuation else "doNotCompress"
    _child(settings, "w:characterSpacingControl", _SETTINGS_AFTER_SPACING_CONTROL).set(
        qn("w:val"), compression
    )
    for tag, marks in (
        ("w:noLineBreaksAfter", rules.no_line_end),
        ("w:noLineBreaksBefore", rules.no_line_start),
    ):
        element = _child(
            settings, tag, _SETTINGS_AFTER_SPACING_CONTROL[_SETTINGS_AFTER_SPACING_CONTROL.index(tag) + 1 :]
        )
        element.set(qn("w:lang"), language)
        element.set(qn("w:val"), marks)


def set_snap_to_grid(pPr: BaseOxmlElement, snap: bool) -> None:
    """Whether the paragraph's lines snap to the section's line grid (LibreOffice snaps even exact lines)."""
    _child(pPr, "w:snapToGrid", _PPR_AFTER_SNAP_TO_GRID).set(qn("w:val"), "1" if snap else "0")


def set_outline_level(pPr: BaseOxmlElement, heading_level: int) -> None:
    """Heading level 1 is outline level 0: what Word's navigation pane lists."""
    pPr.get_or_add_outlineLvl().set(qn("w:val"), str(heading_level - 1))


def _set_border(borders: etree._Element, side: str, color: str, width_pt: float, space_pt: int) -> None:
    """A single line `width_pt` thick on one side; OOXML counts border widths in eighths of a point."""
    line = _child(borders, f"w:{side}", _BORDER_AFTER[side])
    for attribute, value in (("w:val", "single"), ("w:sz", round(width_pt * 8)), ("w:space", space_pt)):
        line.set(qn(attribute), str(value))
    line.set(qn("w:color"), color)


def set_bottom_border(pPr: BaseOxmlElement, color: str, width_pt: float, space_pt: int) -> None:
    """A single rule `width_pt` thick under the paragraph, `space_pt` below its last line, across the
    indents."""
    _set_border(_child(pPr, "w:pBdr", _PPR_AFTER_PBDR), "bottom", color, width_pt, space_pt)


def set_cell_border(tcPr: BaseOxmlElement, side: str, color: str, width_pt: float) -> None:
    """A rule `width_pt` thick on the "top" or "bottom" edge of a table cell, as wide as the cell."""
    _set_border(_child(tcPr, "w:tcBorders", _TCPR_AFTER_BORDERS), side, color, width_pt, 0)


def set_edge_to_edge(tblPr: BaseOxmlElement) -> None:
    """The table as wide as the text area and flush with it: 100 % width, no indent, cells without
    margins on either side (the cells' paragraphs indent their own text)."""
    width = tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")  # fiftieths of a percent
    indent = _child(tblPr, "w:tblInd", _TBLPR_AFTER_INDENT)
    indent.set(qn("w:w"), "0")
    indent.set(qn("w:type"), "dxa")
    margins = _child(tblPr, "w:tblCellMar", _TBLPR_AFTER_CELL_MARGINS)
    for side in ("w:left", "w:right"):
        margin = _child(margins, side, ())
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")


def set_cant_split(trPr: BaseOxmlElement) -> None:
    """A table row that never breaks across pages."""
    _child(trPr, "w:cantSplit", _TRPR_AFTER_CANT_SPLIT)


def set_header_row(trPr: BaseOxmlElement) -> None:
    """A header row: repeated at the top of every page the table runs over."""
    _child(trPr, "w:tblHeader", _TRPR_AFTER_HEADER)


def set_table_borders(tblPr: BaseOxmlElement, color: str, width_pt: float) -> None:
    """Single rules `width_pt` thick round the table and between all its rows and columns."""
    borders = _child(tblPr, "w:tblBorders", _TBLPR_AFTER_BORDERS)
    for side in _TABLE_SIDES:
        _set_border(borders, side, color, width_pt, 0)


def set_fixed_columns(tbl: BaseOxmlElement, widths_twips: list[int], margin_twips: int) -> None:
    """Columns of these widths, together the table's width, flush with the text area (no indent), fixed
    (not fitted to the text); `margin_twips` inside every cell, left and right."""
    tblPr = tbl.tblPr
    width = tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(widths_twips)))
    indent = _child(tblPr, "w:tblInd", _TBLPR_AFTER_INDENT)
    indent.set(qn("w:w"), "0")
    indent.set(qn("w:type"), "dxa")
    _child(tblPr, "w:tblLayout", _TBLPR_AFTER_LAYOUT).set(qn("w:type"), "fixed")
    margins = _child(tblPr, "w:tblCellMar", _TBLPR_AFTER_CELL_MARGINS)
    for side in ("w:left", "w:right"):
        margin = _child(margins, side, ())
        margin.set(qn("w:w"), str(margin_twips))
        margin.set(qn("w:type"), "dxa")
    for column, twips in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_twips, strict=True):
        column.set(qn("w:w"), str(twips))


def set_line_grid(sectPr: BaseOxmlElement, pitch_twips: int) -> None:
    """A line grid only (type "lines"): LibreOffice misreads Word's character grid (layout.md)."""
    grid = sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectPr.append(grid)
    grid.attrib.pop(qn("w:charSpace"), None)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(pitch_twips))


def set_theme_font_language(settings: BaseOxmlElement, language: str) -> None:
    """The East Asian language Word assumes for theme fonts and text without w:lang."""
    found = settings.find(qn("w:themeFontLang"))
    if found is not None:
        found.set(qn("w:eastAsia"), language)


def _field_char(kind: str) -> BaseOxmlElement:
    return OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): kind})


def add_page_field(paragraph: Paragraph, shown: str) -> list[Run]:
    """Append a PAGE field showing `shown` until updated; return its runs, to be formatted like the text."""
    instruction = OxmlElement("w:instrText", attrs={qn("xml:space"): "preserve"})
    instruction.text = " PAGE "
    result = OxmlElement("w:t")
    result.text = shown
    runs = []
    for piece in (_field_char("begin"), instruction, _field_char("separate"), result, _field_char("end")):
        run = paragraph.add_run()
        run._r.append(piece)
        runs.append(run)
    return runs
