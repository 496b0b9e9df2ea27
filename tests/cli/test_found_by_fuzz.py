"""Faults the readers' fuzz tests found while this branch landed, pinned as plain tests."""

from __future__ import annotations

from zopa.cli import main


def test_unknown_xml_encoding_is_an_input_error(tmp_path, capsys):
    bad = tmp_path / "domain.xml"
    bad.write_text('<?xml version="1.0" encoding="TTF-8"?>\n<negotiation_template/>\n')
    assert main(["analyze", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "unknown encoding: TTF-8" in err and str(bad) in err and "bug in zopa" not in err
