"""Step 1: write the unit test from the program, prove it fails with the same error
signature, add the (device-aware) expected-failure marker, prove it is reported as xfail."""

from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

from . import testgen
from .errors import FuzzError
from .events import FuzzEvent, Phase, Proof, StepResult
from .fuzzer import find_entry_point
from .gates import GatedSession
from .pytest_run import PytestRun
from .state import spec_json, timestamp


class ReproStep(GatedSession):
    """Step 1 of :class:`~core.fuzz.session.FuzzSession`."""

    def repro(self) -> AsyncIterator[FuzzEvent]:
        """Step 1: write the test, prove it fails the same way, mark it, prove the xfail."""
        self._require("repro")
        return self._repro()

    def _make_spec(self) -> testgen.TestSpec:
        capture = self.state["steps"]["capture"]
        source = self.state["source"]
        spec = testgen.make_spec(
            style=self.config.test_style,
            issue=self.state.get("issue"),
            seed=source.get("seed"),
            program_digest=capture["program_digest"],
            file=self.config.test_file,
        )
        path = self.checkout / spec.file
        text = path.read_text(encoding="utf-8") if path.exists() else None
        # Never overwrite somebody else's test of the same name: suffix ours instead.
        base_name, n = spec.method_name, 2
        while text is not None and testgen.has_method(text, spec):
            spec = testgen.TestSpec(spec.style, spec.file, spec.class_name, f"{base_name}_{n}", spec.reason)
            n += 1
        return spec

    async def _repro(self) -> AsyncIterator[FuzzEvent]:
        ev = self._ev("repro")
        capture = self.state["steps"]["capture"]
        expected = self.signature
        spec = self.spec or self._make_spec()
        path = self.checkout / spec.file
        existed = path.exists()
        if "file_created" not in ev:
            ev["file_created"] = not existed
        source = self.state["source"]
        header = [f"Found by TorchFuzz: {self._fuzz_config_text()}"]
        if source["kind"] == "seed":
            entry = capture.get("entry_point") or _local_entry_name(self.checkout)
            header.append(f"Repro: cd tools/experimental/torchfuzz && python {entry} --seed {source['seed']}" + (f" --template {source['template']}" if source.get("template") else ""))
        header.append(f"Error: {expected.describe() if expected else '?'}")
        body = testgen.program_body(capture["program_source"])
        method = testgen.method_source(spec, body, header_comment=[h[:200] for h in header])
        text = path.read_text(encoding="utf-8") if existed else None
        torch_testcase = (self.checkout / "torch/testing/_internal/common_utils.py").is_file()
        new_text = testgen.upsert_test(text, spec, method, torch_testcase=torch_testcase)
        path.parent.mkdir(parents=True, exist_ok=True)
        ev.update(test=spec_json(spec), test_file=str(path), fails_same=False, xfail=False, marker=None)
        ev.pop("run_fail", None)
        ev.pop("run_xfail", None)
        self._save()  # name recorded before writing: a resumed session replaces, not duplicates, it
        path.write_text(new_text, encoding="utf-8")
        yield Phase("repro", f"wrote {spec.class_name}.{spec.method_name} into {spec.file}")

        yield Phase("repro", "running the test without the expected-failure marker: it must fail with the fuzzer's error")
        run = None
        async for item in self._pytest("repro", spec):
            if isinstance(item, PytestRun):
                run = item
            else:
                yield item
        assert run is not None
        own = self._own_outcomes(run, spec)
        failing = tuple(o.name for o in own if o.outcome in ("failed", "error"))
        same = bool(failing) and expected is not None and expected.matches(run.signature)
        ev["run_fail"] = run.to_json()
        ev["fails_same"] = same
        if not same:
            if run.error and not own:
                detail = f"the test did not run: {run.error}"
            elif not failing:
                detail = "the test passes: it does not reproduce the bug"
            else:
                got = run.signature.describe() if run.signature else "no recognisable error"
                detail = f"the test fails with a different error: {got} (expected {expected.describe() if expected else '?'})"
            ev["verdict"] = detail
            self._log(detail)
            self._save()
            yield Proof("repro", "fails with the same error", False, detail)
            yield StepResult("repro", False, detail, self.step)
            return
        self._save()
        yield Proof("repro", "fails with the same error", True, run.signature.describe() if run.signature else "")

        devices = tuple(_device_of(o.name, spec.method_name) for o in own)
        failing_devices = tuple(_device_of(n, spec.method_name) for n in failing)
        marker = testgen.marker_line(spec, failing_devices, devices)
        path.write_text(testgen.add_marker(path.read_text(encoding="utf-8"), spec, marker), encoding="utf-8")
        ev["marker"] = marker.strip()
        self._save()
        yield Phase("repro", f"added {marker.strip()}; running again: it must be reported as xfail")
        run2 = None
        async for item in self._pytest("repro", spec):
            if isinstance(item, PytestRun):
                run2 = item
            else:
                yield item
        assert run2 is not None
        own2 = self._own_outcomes(run2, spec)
        device_marker = testgen.is_device_marker(marker)
        if device_marker:
            # PyTorch's expectedFailure<DEVICE> runs the test on that device, swallows its
            # exception and reports a *pass* (and fails it with "expected test to fail, but it
            # passed" when nothing raises). So with the device decorator the proof is: every
            # variant passes, the failing devices only through the decorator, which run 1
            # showed fail with the fuzzer's error.
            marked = {n for n in failing}
            xfail_ok = (
                bool(own2)
                and {o.name for o in own2} >= marked
                and all(o.outcome in ("passed", "xfailed") for o in own2)
                and run2.exit_code == 0
            )
            ev["expected_failures"] = sorted(marked)
        else:
            xfailed = [o for o in own2 if o.outcome == "xfailed"]
            xfail_ok = bool(xfailed) and all(o.outcome == "xfailed" for o in own2) and run2.exit_code == 0
        ev["run_xfail"] = run2.to_json()
        ev["xfail"] = xfail_ok
        if not xfail_ok:
            got = ", ".join(f"{o.name}: {o.outcome}" for o in own2) or (run2.error or "no test ran")
            what = f"accepted by {marker.strip()}" if device_marker else "reported as xfail"
            detail = f"the marked test is not {what} ({got})"
            ev["verdict"] = detail
            self._log(detail)
            self._save()
            yield Proof("repro", "reported as xfail", False, detail)
            yield StepResult("repro", False, detail, self.step)
            return
        ev["verdict"] = "fails with the same error; reported as xfail with the marker"
        ev["proved_at"] = timestamp()
        self.step = "fix"
        self._log("step 1 proven: fails the same way, then xfail")
        self._save()
        shown = ", ".join(
            f"{o.name}: {'expected failure (' + marker.strip().lstrip('@') + ')' if device_marker and o.name in failing else o.outcome}" for o in own2
        )
        yield Proof("repro", "reported as xfail", True, shown)
        yield StepResult("repro", True, "the test fails with the same error and is reported as xfail", self.step)


def _device_of(test_name: str, method: str) -> str:
    rest = test_name[len(method) :].lstrip("_")
    return rest or "default"


def _local_entry_name(checkout: Path) -> str:
    try:
        return find_entry_point(checkout).name
    except FuzzError:
        return "fuzzer.py"
