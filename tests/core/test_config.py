from pathlib import Path

import pytest

from core.config import DEFAULT_SIGNATURE, load_config
from core.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_without_file(tmp_path):
    config = load_config(env={"TRIAGEDECK_CONFIG": ""}, overrides=None) if False else load_config(
        None, env={"XDG_CONFIG_HOME": str(tmp_path)}
    )
    assert config.repo == "pytorch/pytorch"
    assert config.api_url == "https://api.github.com"
    assert config.signature == DEFAULT_SIGNATURE
    titles = [s.title for s in config.queue_sections]
    assert "Distributed, untriaged" in titles
    dist = next(s for s in config.queue_sections if s.title == "Distributed, untriaged")
    assert dist.query == 'repo:pytorch/pytorch is:issue is:open label:"oncall: distributed" -label:triaged'


def test_file_env_and_flags_precedence(tmp_path):
    path = write(
        tmp_path,
        """
repo = "acme/widgets"
api_url = "https://ghe.example.com/api/v3"
pytorch_checkout = "~/src/pytorch"
signature = "Checked with triagedeck."

[[sections]]
title = "Mine"
query = "repo:acme/widgets is:open author:me"

[keymap]
"queue.refresh" = "ctrl+r"
""",
    )
    config = load_config(path, env={})
    assert config.repo == "acme/widgets"
    assert config.api_url.startswith("https://ghe.example.com")
    assert config.pytorch_checkout == Path("~/src/pytorch").expanduser()
    assert [s.title for s in config.queue_sections] == ["Mine"]
    assert config.keymap == {"queue.refresh": "ctrl+r"}
    config = load_config(path, env={"TRIAGEDECK_REPO": "env/repo", "TRIAGEDECK_DATA_DIR": str(tmp_path / "d")})
    assert config.repo == "env/repo"
    assert config.data_dir == tmp_path / "d"
    config = load_config(path, env={"TRIAGEDECK_REPO": "env/repo"}, overrides={"repo": "flag/repo", "api_url": None})
    assert config.repo == "flag/repo"


@pytest.mark.parametrize(
    "text, line, key",
    [
        ('repo = "pytorch/pytorch"\nrepo_url = "x"\n', 2, "repo_url"),
        ('\n\nrepo = 5\n', 3, "repo"),
        ('repo = "nope"\n', 1, "repo"),
        ('api_url = "ftp://x"\n', 1, "api_url"),
        ('[[sections]]\ntitle = "A"\nquery = ""\n', 3, "sections.query"),
        ('[[sections]]\ntitle = "A"\nquery = "q"\ncolour = "red"\n', 4, "sections.colour"),
        ('[keymap]\n"queue.open" = 3\n', 2, "keymap.queue.open"),
    ],
)
def test_malformed_config_names_file_line_and_key(tmp_path, text, line, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    err = info.value
    assert err.path == str(path)
    assert err.line == line
    assert err.key == key
    assert f"{path}:{line}" in str(err)


def test_toml_syntax_error_has_line(tmp_path):
    path = write(tmp_path, 'repo = "a/b"\n\nsignature = "unterminated\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert info.value.line == 3
    assert "not valid TOML" in str(info.value)


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml", env={})


def test_cli_reports_config_error_without_traceback(tmp_path, capsys):
    from core.cli.main import run

    path = write(tmp_path, "repo = 5\n")
    assert run(["--config", str(path), "audit"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1" in err and "key 'repo'" in err
    assert "Traceback" not in err
