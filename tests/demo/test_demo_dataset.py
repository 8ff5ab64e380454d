"""The demo dataset: schema, size, and that each named scenario has the property it promises."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from markdown_it import MarkdownIt

from core.demo import DEMO_CASES, DEMO_EXPECTATIONS, demo_dataset

NOW = datetime(2026, 6, 15, 12, 0, 0, tzinfo=timezone.utc)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ASSOCIATIONS = {"NONE", "CONTRIBUTOR", "MEMBER", "COLLABORATOR", "OWNER", "FIRST_TIME_CONTRIBUTOR"}
SUB_ONCALLS = {
    "oncall: distributed parallelisms",
    "oncall: distributed infra",
    "oncall: distributed checkpointing",
}
# Names of the labels in PyTorch's distributed-triage allow-list (the marker appears in two spellings).
ALLOW_LIST = SUB_ONCALLS | {
    "module: fsdp", "module: ddp", "module: dtensor", "module: c10d", "module: DeviceMesh",
    "module: pipelining", "module: rpc", "module: nccl", "module: elastic", "module: data parallel",
    "module: symm_mem", "module: context parallel", "module: activation checkpointing", "module: mpi",
    "module: threaded pg", "module: distributed_tool", "ptd-bot-triaged", "bot-triaged", "feature",
    "enhancement", "module: performance", "triage review", "needs reproduction",
}
OUTCOMES = {"already_classified", "not_distributed", "routed", "classified", "low_confidence",
            "high_priority", "needs_reproduction"}
EXPECT_KEYS = {
    "key", "kind", "actionable", "stop_reason", "repro_author", "repro_source", "repro_split", "repro_env",
    "launcher", "needs_cuda", "reproduces", "error_class", "error_match", "signal", "security",
    "missing_imports", "external_files", "duplicate_of", "resolved_by_pr", "recent_verification",
    "recent_comment", "needs_reproduction_removal", "suggest_close_stale", "propose_labels",
    "screenshot_only", "locked", "hostile", "fuzzer", "fuzz_seed", "fuzz_template", "reported_version",
    "regression", "indented_code", "dist",
}
SECURITY = {"network", "file_ops", "shell", "download", "obfuscation", "install", "env"}

_md = MarkdownIt("commonmark")


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(info, content) of every fenced or indented code block."""
    return [(t.info.strip(), t.content) for t in _md.parse(text) if t.type in ("fence", "code_block")]


def parse(ts: str) -> datetime:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def data() -> dict:
    return demo_dataset(NOW)


@pytest.fixture(scope="module")
def by_key(data) -> dict[str, dict]:
    numbers = {i["number"]: i for i in data["issues"]}
    return {key: numbers[n] for key, n in DEMO_CASES.items()}


def test_top_level_shape(data):
    assert data["repo"] == "pytorch/pytorch"
    assert data["viewer"] in data["collaborators"]
    assert len(set(data["collaborators"])) == len(data["collaborators"]) >= 3
    names = [label["name"] for label in data["labels"]]
    assert len(names) == len(set(names))
    for label in data["labels"]:
        assert set(label) == {"name", "color", "description"}
        assert re.fullmatch(r"[0-9a-f]{6}", label["color"])
    assert ALLOW_LIST <= set(names)
    assert {"oncall: distributed", "triaged", "oncall: pt2", "module: inductor", "high priority",
            "better-engineering", "tracker", "module: nn"} <= set(names)


def test_at_least_sixty_issues_with_unique_numbers(data):
    numbers = [i["number"] for i in data["issues"]]
    assert len(numbers) >= 60
    assert len(set(numbers)) == len(numbers)
    assert set(DEMO_CASES.values()) == set(numbers)
    assert set(DEMO_EXPECTATIONS) == set(numbers)


def test_every_issue_matches_the_schema(data):
    labels = {label["name"] for label in data["labels"]}
    required = {"number", "title", "body", "state", "state_reason", "user", "author_association", "labels",
                "assignees", "locked", "created_at", "updated_at", "closed_at", "comments"}
    for issue in data["issues"]:
        assert required <= set(issue) <= required | {"subscription"}, issue["number"]
        assert isinstance(issue["number"], int) and issue["number"] > 0
        assert isinstance(issue["title"], str) and issue["title"].strip()
        assert isinstance(issue["body"], str) and issue["body"].strip()
        assert issue["author_association"] in ASSOCIATIONS
        assert re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", issue["user"])
        assert isinstance(issue["locked"], bool)
        assert set(issue["labels"]) <= labels, issue["number"]
        assert len(set(issue["labels"])) == len(issue["labels"])
        assert set(issue["assignees"]) <= set(data["collaborators"])
        for field in ("created_at", "updated_at"):
            assert ISO.match(issue[field]), (issue["number"], field)
        created, updated = parse(issue["created_at"]), parse(issue["updated_at"])
        assert created <= updated <= NOW
        if issue["state"] == "closed":
            assert issue["state_reason"] in ("completed", "not_planned")
            assert ISO.match(issue["closed_at"]) and created <= parse(issue["closed_at"]) <= updated
        else:
            assert issue["state"] == "open"
            assert issue["state_reason"] is None and issue["closed_at"] is None
        if "subscription" in issue:
            assert issue["subscription"] in ("SUBSCRIBED", "UNSUBSCRIBED", "IGNORED")
        previous = created
        for c in issue["comments"]:
            assert set(c) == {"user", "author_association", "body", "created_at"}
            assert re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", c["user"])
            assert c["author_association"] in ASSOCIATIONS
            assert c["body"].strip()
            when = parse(c["created_at"])
            assert previous <= when <= updated, issue["number"]
            previous = when
            # A collaborator comments as MEMBER/COLLABORATOR/OWNER; others never claim that.
            if c["user"] in data["collaborators"]:
                assert c["author_association"] in ("MEMBER", "COLLABORATOR", "OWNER")
            else:
                assert c["author_association"] not in ("MEMBER", "COLLABORATOR", "OWNER") or c["user"] == issue["user"]


def test_numbers_grow_with_creation_time(data):
    ordered = sorted(data["issues"], key=lambda i: i["number"])
    created = [parse(i["created_at"]) for i in ordered]
    assert created == sorted(created)


def test_times_are_relative_to_now():
    later = NOW + timedelta(days=100)
    a, b = demo_dataset(NOW), demo_dataset(later)
    for x, y in zip(a["issues"], b["issues"]):
        assert parse(y["created_at"]) - parse(x["created_at"]) == timedelta(days=100)
    assert demo_dataset(NOW) == a
    fresh = demo_dataset()
    newest = max(parse(i["updated_at"]) for i in fresh["issues"])
    assert datetime.now(timezone.utc) - newest < timedelta(days=3)


def test_bodies_have_realistic_sizes(data):
    sizes = [len(i["body"].splitlines()) for i in data["issues"]]
    assert max(sizes) <= 150
    assert sum(15 <= s <= 120 for s in sizes) >= 0.6 * len(sizes)


def test_template_shapes_are_present(data):
    bodies = "\n".join(i["body"] for i in data["issues"])
    for marker in ("### 🐛 Describe the bug", "### Versions", "### Alternatives", "### 🚀 The feature, motivation and pitch",
                   "Collecting environment information...", "<details>", "Traceback (most recent call last):"):
        assert marker in bodies, marker
    infos = {info for i in data["issues"] for info, _ in code_blocks(i["body"])}
    assert {"python", "py", "", "bash"} <= infos


def test_expectations_use_known_keys_and_values(data, by_key):
    for number, facts in DEMO_EXPECTATIONS.items():
        assert set(facts) <= EXPECT_KEYS, (number, set(facts) - EXPECT_KEYS)
        assert facts.get("kind", "bug") in {"bug", "feature", "question", "docs", "refactor", "tracker"}
        assert set(facts.get("security", [])) <= SECURITY
        assert facts.get("repro_env") in {None, "python", "cpu_torch", "cuda", "multi_gpu", "multi_node"}
        if "dist" in facts:
            d = facts["dist"]
            assert d["outcome"] in OUTCOMES
            assert (d["sub_oncall"] is None) == (d["outcome"] == "not_distributed")
            assert d["sub_oncall"] is None or d["sub_oncall"] in SUB_ONCALLS
            assert set(d["modules"]) <= ALLOW_LIST and all(m.startswith("module: ") for m in d["modules"])
            assert set(d["type_labels"]) <= ALLOW_LIST
    issues = {i["number"]: i for i in data["issues"]}
    for number, facts in DEMO_EXPECTATIONS.items():
        source = facts.get("repro_source")
        if source is None:
            assert facts.get("repro_author") is None
            continue
        issue = issues[number]
        text, author = (issue["body"], issue["user"]) if source == "body" else (
            issue["comments"][source]["body"], issue["comments"][source]["user"])
        assert facts["repro_author"] == author, number
        assert any(info in ("python", "py", "bash", "sh") for info, _ in code_blocks(text)), number


REQUIRED_CASES = [
    "cpu_repro_traceback", "cpu_dtype_mismatch", "cpu_inplace_autograd", "cpu_index_out_of_range",
    "compile_graph_break", "pure_python_traceback", "pure_python_math_domain", "split_repro", "already_fixed",
    "fixed_in_comments", "screenshot_only", "cuda_only", "feature_request", "question", "docs", "refactor",
    "tracker", "explicit_duplicate", "duplicate_original", "stale_underspecified", "locked", "closed",
    "fuzzer_report", "shorter_commenter_repro", "needs_repro_label_valid", "recent_verification",
    "sec_network", "sec_shell", "sec_obfuscation", "sec_pip_install", "sec_torch_load_user_file",
    "sec_home_write", "hostile_markup", "third_party_import",
    "dist_fsdp", "dist_fsdp2_dtensor", "dist_ddp", "dist_dtensor", "dist_c10d", "dist_nccl", "dist_device_mesh",
    "dist_pipelining", "dist_rpc", "dist_elastic_launch", "dist_data_parallel", "dist_symm_mem",
    "dist_context_parallel", "dist_activation_checkpointing", "dist_dcp", "dist_fsdp_state_dict_save_load",
    "dist_fsdp_state_dict_config", "dist_nccl_timeout_fsdp", "dist_init_backend_error",
    "dist_torchrun_ddp_training", "dist_human_classified", "dist_module_label_only", "dist_existing_suboncall",
    "dist_pt2", "dist_high_priority_wrong_grads", "dist_high_priority_crash", "dist_needs_repro",
    "dist_low_confidence", "dist_feature", "dist_enhancement_perf", "trap_nccl_undefined_symbol",
    "trap_single_gpu_oom", "trap_pure_compile", "trap_torchvision",
]


def test_every_required_scenario_exists():
    missing = [k for k in REQUIRED_CASES if k not in DEMO_CASES]
    assert not missing


def facts(key: str) -> dict:
    return DEMO_EXPECTATIONS[DEMO_CASES[key]]


def test_screenshot_only_has_images_and_no_code(by_key):
    body = by_key["screenshot_only"]["body"]
    assert "<img " in body and "![" in body and ".png" in body
    assert code_blocks(body) == []
    assert all(not code_blocks(c["body"]) for c in by_key["screenshot_only"]["comments"])


def test_states_locked_closed(by_key):
    assert by_key["locked"]["locked"] is True
    assert sum(i["locked"] for i in by_key.values()) == 1
    assert by_key["closed"]["state"] == "closed" and by_key["closed"]["state_reason"] == "completed"
    assert by_key["closed_not_planned"]["state_reason"] == "not_planned"


def test_duplicate_points_at_an_older_demo_issue(by_key):
    dup = by_key["explicit_duplicate"]
    target = facts("explicit_duplicate")["duplicate_of"]
    assert any(f"Duplicate of #{target}" in c["body"] for c in dup["comments"])
    assert target == DEMO_CASES["duplicate_original"] < dup["number"]


def test_fixed_in_comments_by_a_collaborator(data, by_key):
    pr = facts("fixed_in_comments")["resolved_by_pr"]
    assert any(f"fixed by #{pr}" in c["body"] and c["user"] in data["collaborators"]
               for c in by_key["fixed_in_comments"]["comments"])
    assert facts("already_fixed")["reproduces"] is False
    assert "2.0.1" in by_key["already_fixed"]["body"]


def test_stale_issue_is_old_quiet_unassigned_and_vague(by_key):
    stale = by_key["stale_underspecified"]
    assert NOW - parse(stale["created_at"]) > timedelta(days=365)
    assert NOW - parse(stale["updated_at"]) > timedelta(days=365)
    assert not stale["assignees"] and not code_blocks(stale["body"])


def test_non_bug_kinds_show_their_evidence(by_key):
    assert "🚀" in by_key["feature_request"]["body"] and "feature" not in by_key["feature_request"]["labels"]
    assert "tracker" not in by_key["tracker"]["labels"] and by_key["tracker"]["body"].count("- [") >= 4
    assert "better-engineering" not in by_key["refactor"]["labels"]
    assert "module: docs" in by_key["docs"]["labels"]
    assert [info for info, _ in code_blocks(by_key["question"]["body"])] == [""]  # indented code only


def test_fuzzer_reports_carry_a_torchfuzz_program(by_key):
    for key in ("fuzzer_report", "fuzzer_report_cpu"):
        issue = by_key[key]
        assert issue["title"].startswith("[Fuzzer]")
        program = next(c for info, c in code_blocks(issue["body"]) if info == "python")
        assert re.search(r"def fuzzed_program\(arg_0, .*sentinel\):", program)
        assert "torch.compile(fuzzed_program, fullgraph=True, dynamic=True)" in program
        assert f"seed {facts(key)['fuzz_seed']}" in issue["body"]


def test_cuda_only_repro_needs_cuda(by_key):
    code = next(c for info, c in code_blocks(by_key["cuda_only"]["body"]) if info == "python")
    assert ".cuda()" in code and 'device = "cuda"' in code


def test_repro_selection_cases(by_key):
    short = by_key["shorter_commenter_repro"]
    body_code = next(c for info, c in code_blocks(short["body"]) if info == "python")
    comment_code = next(c for info, c in code_blocks(short["comments"][0]["body"]) if info == "python")
    assert len(comment_code.splitlines()) < len(body_code.splitlines())
    assert short["comments"][0]["user"] != short["user"]

    split = [c for info, c in code_blocks(by_key["split_repro"]["body"]) if info == "python"]
    assert len(split) == 2 and "def split_args" in split[0] and "split_args(schema)" in split[1]

    needs = by_key["needs_repro_label_valid"]
    assert "needs reproduction" in needs["labels"] and not code_blocks(needs["body"])

    recent = by_key["recent_verification"]
    index = facts("recent_verification")["recent_comment"]
    assert NOW - parse(recent["comments"][index]["created_at"]) < timedelta(days=180)
    assert "reproduces" in recent["comments"][index]["body"].lower()
    assert all(NOW - parse(c["created_at"]) > timedelta(days=180)
               for i, c in enumerate(recent["comments"]) if i != index)


def test_security_cases_contain_their_hazards(by_key):
    markers = {
        "sec_network": ["urlretrieve", "requests.get"],
        "sec_shell": ["os.system", "subprocess.run"],
        "sec_obfuscation": ["base64.b64decode", "exec("],
        "sec_pip_install": ["pip install", '"-m", "pip", "install"'],
        "sec_torch_load_user_file": ["torch.load(path, weights_only=False)", "pickle.load"],
        "sec_home_write": ["pathlib.Path.home()", "write_text", 'os.environ["LD_PRELOAD"]'],
    }
    for key, needles in markers.items():
        assert facts(key)["security"], key
        for needle in needles:
            assert needle in by_key[key]["body"], (key, needle)
    assert facts("dist_ddp")["security"] == []  # mp.spawn + MASTER_ADDR is expected, not a finding


def test_hostile_issue_is_hostile(by_key):
    issue = by_key["hostile_markup"]
    title, body = issue["title"], issue["body"]
    assert "[bold red]" in title and "\x1b[31m" in title and "[link=file:///etc/passwd]" in title
    assert "[link=file:///etc/passwd]" in body and "\x1b[" in body
    assert any(ch in body for ch in "\x07\x08\x0b\x0c")
    assert "\u202e" in body and "\u05e9" in body and "\U0001f468" in body
    assert max(len(line) for line in body.splitlines()) > 2000


def test_distributed_scenarios(data, by_key):
    dist_keys = [k for k, n in DEMO_CASES.items() if "dist" in DEMO_EXPECTATIONS[n]]
    assert len(dist_keys) >= 30
    for key in dist_keys:
        assert "oncall: distributed" in by_key[key]["labels"], key
    covered = {m for k in dist_keys for m in facts(k)["dist"]["modules"]}
    assert {"module: fsdp", "module: ddp", "module: dtensor", "module: c10d", "module: nccl", "module: DeviceMesh",
            "module: pipelining", "module: rpc", "module: elastic", "module: data parallel", "module: symm_mem",
            "module: context parallel", "module: activation checkpointing"} <= covered
    assert facts("dist_fsdp2_dtensor")["dist"]["modules"] == ["module: fsdp", "module: dtensor"]
    assert facts("dist_dcp")["dist"]["sub_oncall"] == "oncall: distributed checkpointing"
    # Edge cases of the routing rules.
    assert facts("dist_nccl_timeout_fsdp")["dist"]["sub_oncall"] == "oncall: distributed infra"
    assert facts("dist_fsdp_state_dict_save_load")["dist"]["sub_oncall"] == "oncall: distributed checkpointing"
    assert facts("dist_fsdp_state_dict_config")["dist"]["sub_oncall"] == "oncall: distributed parallelisms"
    assert facts("dist_elastic_launch")["dist"]["sub_oncall"] == "oncall: distributed infra"
    assert facts("dist_torchrun_ddp_training")["dist"]["sub_oncall"] == "oncall: distributed parallelisms"
    assert facts("dist_init_backend_error")["dist"]["sub_oncall"] == "oncall: distributed infra"
    # Prior human labels.
    human = set(by_key["dist_human_classified"]["labels"])
    assert human & SUB_ONCALLS and any(label.startswith("module: ") for label in human)
    assert facts("dist_human_classified")["dist"]["outcome"] == "already_classified"
    assert not set(by_key["dist_module_label_only"]["labels"]) & SUB_ONCALLS
    assert "oncall: distributed infra" in by_key["dist_existing_suboncall"]["labels"]
    assert "oncall: pt2" in by_key["dist_pt2"]["labels"]
    for key in ("dist_high_priority_wrong_grads", "dist_high_priority_crash"):
        assert facts(key)["dist"]["outcome"] == "high_priority" and facts(key)["dist"]["high_priority"]
    assert not code_blocks(by_key["dist_needs_repro"]["body"])[0][1].startswith("import")
    assert facts("dist_feature")["dist"]["type_labels"] == ["feature"]
    assert set(facts("dist_enhancement_perf")["dist"]["type_labels"]) == {"enhancement", "module: performance"}
    for key in ("trap_nccl_undefined_symbol", "trap_single_gpu_oom", "trap_pure_compile", "trap_torchvision"):
        assert facts(key)["dist"]["outcome"] == "not_distributed", key
        assert facts(key)["dist"]["trap"]
    assert "import torch" in by_key["trap_nccl_undefined_symbol"]["body"]
    assert "undefined symbol: nccl" in by_key["trap_nccl_undefined_symbol"]["body"]
    assert "CUDA out of memory" in by_key["trap_single_gpu_oom"]["body"]
    assert "distributed" in by_key["trap_torchvision"]["body"]


def test_the_dataset_is_plain_json(data):
    import json

    assert json.loads(json.dumps(data)) == data
