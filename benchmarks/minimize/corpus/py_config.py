"""Layered configuration loader: defaults, file, environment, command line."""
import copy
import json
import os
import re
import sys
from typing import Any

DEFAULTS = {
    "server": {"host": "127.0.0.1", "port": 8080, "workers": 4},
    "db": {"url": "sqlite:///app.db", "pool": 5, "timeout": 30},
    "features": {"beta": False, "metrics": True},
    "retry": {"attempts": 3, "backoff": 1.5},
}

ENV_PREFIX = "APP_"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def deep_merge(base, override):
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def coerce(text):
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def from_env(environ):
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        path = key[len(ENV_PREFIX):].lower().split("__")
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = coerce(value)
    return out


def from_argv(argv):
    out: dict[str, Any] = {}
    for arg in argv:
        if not arg.startswith("--") or "=" not in arg:
            continue
        key, value = arg[2:].split("=", 1)
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def validate(cfg):
    problems = []
    if not (0 < cfg["server"]["port"] < 65536):
        problems.append("port out of range")
    if cfg["db"]["pool"] <= 0:
        problems.append("pool must be positive")
    return problems


def effective_timeout(cfg):
    base = cfg["db"]["timeout"]
    extra = cfg["retry"]["attempts"] * cfg["retry"]["backoff"]
    return base + extra


def summarize(cfg):
    parts = []
    for section, values in sorted(cfg.items()):
        parts.append(section + ": " + ", ".join(f"{k}={v}" for k, v in sorted(values.items())))
    return "\n".join(parts)


class Settings:
    def __init__(self, layers):
        self.layers = layers
        cfg = {}
        for layer in layers:
            cfg = deep_merge(cfg, layer)
        self.cfg = cfg

    def get(self, dotted, default=None):
        node = self.cfg
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def dump(self):
        return json.dumps(self.cfg, indent=2, sort_keys=True)


def main():
    file_layer = {"server": {"workers": 8}, "features": {"beta": True}}
    env = {"APP_DB__POOL": "10", "APP_SERVER__PORT": "9090", "HOME": os.environ.get("HOME", "/")}
    argv = ["--retry.attempts=5", "--db.timeout=45", "--verbose"]
    settings = Settings([DEFAULTS, file_layer, from_env(env), from_argv(argv)])
    print(summarize(settings.cfg))
    problems = validate(settings.cfg)
    if problems:
        print("problems:", problems, file=sys.stderr)
    print("workers:", settings.get("server.workers"))
    print("timeout:", effective_timeout(settings.cfg))
    print(settings.dump())


if __name__ == "__main__":
    main()
