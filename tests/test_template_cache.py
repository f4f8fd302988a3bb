"""Material's templates are compiled once, not on every build (gradbook/mkdocs/hooks.py on_env)."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest

from gradbook.mkdocs import hooks


def _env(folder, config):
    return hooks.on_env(jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder))), config=config)


def test_a_later_build_loads_compiled_templates_and_an_edit_compiles_again(tmp_path, monkeypatch):
    (tmp_path / "t").mkdir()
    page = tmp_path / "t" / "main.html"
    page.write_text("{% for i in range(n) %}{{ i }},{% endfor %}", encoding="utf-8")
    monkeypatch.setenv("GRADBOOK_CACHE", str(tmp_path / "store"))
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))
    assert _env(tmp_path / "t", config).get_template("main.html").render(n=3) == "0,1,2,"

    compiled = []
    real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *a, **k: compiled.append(1) or real(self, *a, **k))
    # A new environment, as each build (and each rebuild under serve) makes one.
    assert _env(tmp_path / "t", config).get_template("main.html").render(n=2) == "0,1,"
    assert compiled == []

    page.write_text("{{ n }}!", encoding="utf-8")
    assert _env(tmp_path / "t", config).get_template("main.html").render(n=2) == "2!"
    assert compiled == [1]


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_torn_or_foreign_entry_is_compiled_again(tmp_path, monkeypatch, damage):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "main.html").write_text("{{ 6 * 7 }}", encoding="utf-8")
    monkeypatch.setenv("GRADBOOK_CACHE", str(tmp_path / "store"))
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))
    _env(tmp_path / "t", config).get_template("main.html")
    (entry,) = (tmp_path / "store" / "jinja").iterdir()
    blob = entry.read_bytes()
    entry.write_bytes(blob[: len(blob) // 2] if damage is None else damage)
    assert _env(tmp_path / "t", config).get_template("main.html").render() == "42"
