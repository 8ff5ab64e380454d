"""Runners (local, conda env, ssh host), the bubblewrap sandbox, the environment probe and
the outcome judgement. Every run streams ``RunEvent``s through an async iterator."""

from .conda import CondaEnv, CondaRunner, discover_conda_envs, parse_env_list
from .environment import RunEnvironment, SshHost, conda_env, local_env, parse_environment
from .events import OutputLine, RunEvent, RunFinished, RunStarted, event_to_json
from .flaky import FlakinessReport, RunOutcome, run_repeated
from .handle import RunHandle
from .launch import LauncherError, RunLauncher, launcher_from_analysis, parse_launcher
from .local import LocalRunner, RunnerError
from .probe import EnvironmentProbe, probe_environment
from .result import Runner, RunResult, collect
from .runners import runner_for
from .sandbox import SandboxUnavailable, sandbox_status
from .spec import RunSpec, SeedOptions
from .verdict import Verdict, VerdictKind, judge, judge_result

__all__ = [
    "CondaEnv", "CondaRunner", "EnvironmentProbe", "FlakinessReport", "LauncherError", "LocalRunner", "OutputLine",
    "RunEnvironment", "RunEvent", "RunFinished", "RunHandle", "RunLauncher", "RunOutcome", "RunResult", "RunSpec",
    "RunStarted", "Runner", "RunnerError", "SandboxUnavailable", "SeedOptions", "SshHost", "SshRunner",
    "Verdict", "VerdictKind", "collect", "conda_env", "discover_conda_envs", "event_to_json", "judge",
    "judge_result", "launcher_from_analysis", "local_env", "parse_env_list", "parse_environment", "parse_launcher", "probe_environment",
    "run_repeated", "runner_for", "sandbox_status",
]


def __getattr__(name: str):
    # The ssh runner pulls in asyncssh (~0.25 s): imported on first use, not with core.run.
    if name == "SshRunner":
        from .ssh import SshRunner

        return SshRunner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
