"""The text grammar every stage shares: character classes and line-break marks (chars), widths on
the grid and between full- and half-width forms (widths), and structure numbers (markers)."""
