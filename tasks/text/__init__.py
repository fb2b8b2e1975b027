"""The text grammar every stage shares (normalizer, structure, title breaking, both writers).

chars: character classes, punctuation and the marks no line may start or end with (避头尾).
widths: grid cells per character, which characters a font sets full width, full- to half-width forms.
positions: where each line starts, for offsets and (line, column).
markers: structure numbers (一、 （一） 1. （1） 第一，) read from raw and normalized text, their styles,
and the test for a line holding a whole text run together.
"""
