"""The distributed triage engine: steps 0-6 of the workflow as a pure function.

``propose(thread, rules)`` reads the issue (title, body, comments, labels) and returns a
:class:`TriageProposal`. It sends nothing; :func:`core.triage.plan.build_plan` turns a
proposal into a write plan.

Root cause over keywords: each match is weighted by where it was found. The error line
and the deepest relevant traceback frame weigh most, the title next, code and prose less;
frames on the call path weigh little (nothing at all for c10d and the launcher), so a
stack that merely passes through c10d does not make an issue a c10d issue.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..models import IssueThread
from .dedupe import find_duplicate, template_comments
from .extract import Document, Region, thread_documents
from .fastre import Lines
from .model import Evidence, TriageProposal
from .ruleset import Area, Condition, Group, NamedRule, Rules

_MAX_EVIDENCE = 4
_SEP = "\n\x00\n"  # between documents: no pattern matches across it


_TOKEN = re.compile(r"[a-z0-9_]+")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _token_positions(lowered: str, token: str) -> list[int]:
    """Starts of ``token`` as a whole ``[a-z0-9_]+`` run of ``lowered`` (what a full
    tokenisation would give for this one word, at C speed via ``str.find``)."""
    out = []
    size = len(token)
    n = len(lowered)
    i = lowered.find(token)
    while i != -1:
        end = i + size
        if (i == 0 or lowered[i - 1] not in _WORD_CHARS) and (end == n or lowered[end] not in _WORD_CHARS):
            out.append(i)
        i = lowered.find(token, end)
    return out


@dataclass(slots=True)
class _Hit:
    doc: Document
    region: Region
    start: int
    end: int

    def evidence(self, label: str, rule: str, weight: float = 0.0) -> Evidence:
        return Evidence(label, rule, self.region.source, self.doc.text[self.start : self.end], self.start, self.end, self.doc.name, weight)


@dataclass(slots=True)
class _AreaScore:
    area: Area
    score: float = 0.0
    hits: list[tuple[float, str, _Hit]] = field(default_factory=list)  # (weight, rule, hit)

    def top(self, label: str) -> list[Evidence]:
        best = sorted(self.hits, key=lambda h: -h[0])
        out, seen = [], set()
        for weight, rule, hit in best:
            key = (hit.doc.name, hit.start)
            if key in seen:
                continue
            seen.add(key)
            out.append(hit.evidence(label, rule, weight))
            if len(out) >= _MAX_EVIDENCE:
                break
        return out


class _Analysis:
    """Everything the steps need, computed lazily and at most once."""

    def __init__(self, thread: IssueThread, rules: Rules):
        self.rules = rules
        issue = thread.issue
        bodies = [c.body or "" for c in thread.comments]
        # Earlier bot messages are not issue content (the not-distributed notice itself
        # names DDP, FSDP, DTensor and c10d).
        self.bot_comments = template_comments(list(rules.templates.values()), bodies)
        kept = [(i + 1, b) for i, b in enumerate(bodies) if i not in self.bot_comments]
        self.comment_bodies = bodies
        self.docs = thread_documents(issue.title or "", issue.body or "", kept, rules.frame_regex, rules.wrapper_errors, rules.transport_frame_regex)
        # The whole thread as one string: each pattern scans it once (far fewer calls than
        # per document), and its lower-cased copy feeds the literal prefilters.
        offsets, pos = [], 0
        for d in self.docs:
            offsets.append(pos)
            pos += len(d.text) + len(_SEP)
        self.offsets = offsets
        self.joined = _SEP.join(d.text for d in self.docs)
        self.lowered = self.joined.lower()
        self.lines = Lines(self.joined, self.lowered)
        self._groups: dict[str, list[_Hit]] = {}
        self._doc_index = {d.name: i for i, d in enumerate(self.docs)}
        self.negated: dict[str, list[tuple[int, int]]] = {}
        if rules.negation is not None:
            for doc_name, s0, e0 in self._spans(rules.negation):
                self.negated.setdefault(doc_name, []).append((s0, e0))
        self.areas = self._score_areas()

    # -- areas ---------------------------------------------------------------------------

    def _score_areas(self) -> dict[str, _AreaScore]:
        rules = self.rules
        scores = {a.name: _AreaScore(a) for a in rules.areas}
        counts: dict[tuple[str, str, str], int] = {}
        masks = self._masks()
        max_rep = rules.scoring.max_repeats
        lowered = self.lowered
        joined = self.joined
        n = len(joined)
        # Where each word occurs: a signal whose word is absent is skipped, and one whose
        # word is present is only tried in a small window around each occurrence.
        aligned = len(lowered) == n  # str.lower() keeps offsets for all but a few characters
        positions: dict[str, list[int]] = {}
        # One C-speed pass for the words present; only their positions are looked up.
        words = set(_TOKEN.findall(lowered))
        per_doc: dict[int, list] = {}

        def record(prio, s0, e0, sigs):
            located = self.locate(s0, e0)
            if located is not None:
                di, s, e = located
                per_doc.setdefault(di, []).append((s, prio, e, sigs))

        for prio, (fp, token, sigs) in enumerate(rules.signal_patterns):
            if token is not None:
                if token not in words:
                    continue
                occurrences = positions.get(token)
                if occurrences is None:
                    occurrences = positions[token] = _token_positions(lowered, token)
                if not occurrences:
                    continue
                if aligned:
                    span = len(sigs[0].text) + 24
                    seen: set[int] = set()
                    for p in occurrences:
                        lo, hi = max(0, p - span), min(n, p + span)
                        for m in fp.regex.finditer(joined, lo, hi):
                            s0, e0 = m.start(), m.end()
                            if s0 in seen or not (s0 <= p < e0) or (e0 == hi and hi != n):
                                continue
                            seen.add(s0)
                            record(prio, s0, e0, sigs)
                    continue
            elif not fp.possible(lowered):
                continue
            for m in fp.finditer(joined):
                record(prio, m.start(), m.end(), sigs)
        for di, found in per_doc.items():
            doc = self.docs[di]
            doc_masks = masks.get(doc.name)
            negated = self.negated.get(doc.name)
            # As one alternation would: at each position the most specific signal wins,
            # and matches never overlap.
            found.sort(key=lambda f: (f[0], f[1]))
            last_end = -1
            for start, _prio, end, sigs in found:
                if start < last_end:
                    continue
                last_end = end
                region = doc.region_at(start)
                if region is None:
                    continue
                if negated and any(s < end and start < e for s, e in negated):
                    continue
                for sig in sigs:
                    if region.kind not in sig.where:
                        continue
                    if doc_masks and any(a == sig.area and s < end and start < e for a, s, e in doc_masks):
                        continue
                    key = (sig.area, sig.text, region.kind)
                    n = counts.get(key, 0)
                    if n >= max_rep:
                        continue
                    counts[key] = n + 1
                    entry = scores[sig.area]
                    weight = entry.area.weights.get(region.kind, 0.0)
                    if weight <= 0:
                        continue
                    entry.score += weight
                    entry.hits.append((weight, f"{sig.rule} ({region.kind.replace('_', ' ')})", _Hit(doc, region, start, end)))
        return scores

    def locate(self, start: int, end: int) -> tuple[int, int, int] | None:
        """(document index, local start, local end) of a span of the joined text."""
        i = bisect_right(self.offsets, start) - 1
        base = self.offsets[i]
        if end - base > len(self.docs[i].text):
            return None
        return i, start - base, end - base

    def _spans(self, pattern) -> Iterator[tuple[str, int, int]]:
        """(document name, local start, local end) of each match within one document."""
        for m in pattern.scan(self.lines):
            located = self.locate(m.start(), m.end())
            if located is not None:
                di, s0, e0 = located
                yield self.docs[di].name, s0, e0

    def _masks(self) -> dict[str, list[tuple[str, int, int]]]:
        out: dict[str, list[tuple[str, int, int]]] = {}
        self.confusions_seen: list[str] = []
        for conf in self.rules.confusions:
            if conf.decoy is None:
                continue
            for doc_name, s0, e0 in self._spans(conf.decoy):
                out.setdefault(doc_name, []).append((conf.area, s0, e0))
                if conf.name not in self.confusions_seen:
                    self.confusions_seen.append(conf.name)
        return out

    def area_score(self, name: str) -> float:
        return self.areas[name].score

    # -- groups --------------------------------------------------------------------------

    def group(self, name: str) -> list[_Hit]:
        """The group's hits in thread order ([] when fewer than its ``min_count``).

        For a group that needs one match only the earliest hit is computed: that is all
        the steps use (evidence), and it lets each pattern stop at its first hit."""
        hits = self._groups.get(name)
        if hits is None:
            group = self.rules.groups[name]
            hits = self._find(group, first_only=group.min_count <= 1)
            self._groups[name] = hits
        return hits

    def _qualifying(self, part, group: Group) -> Iterator[_Hit]:
        for m in part.scan(self.lines):
            located = self.locate(m.start(), m.end())
            if located is None:
                continue
            di, s0, e0 = located
            doc = self.docs[di]
            negated = self.negated.get(doc.name)
            if negated and any(s < e0 and s0 < e for s, e in negated):
                continue
            region = doc.region_at(s0)
            if region is not None and region.kind in group.where:
                yield _Hit(doc, region, s0, e0)

    def _find(self, group: Group, *, first_only: bool = False) -> list[_Hit]:
        hits = []
        for part in group.parts:
            for hit in self._qualifying(part, group):
                hits.append(hit)
                if first_only:
                    break  # matches come in thread order: the first is this pattern's earliest
        hits.sort(key=lambda h: (self._doc_index[h.doc.name], h.start))
        if first_only:
            return hits[:1]
        return hits if len(hits) >= group.min_count else []

    def holds(self, name: str) -> bool:
        if name.startswith("area:"):
            return self.area_score(name[5:]) >= self.rules.scoring.medium
        if name in self._groups:
            return bool(self._groups[name])
        group = self.rules.groups[name]
        if group.min_count > 1:
            return bool(self.group(name))
        # Existence only: stop at the first qualifying match of any pattern.
        for part in group.parts:
            for _hit in self._qualifying(part, group):
                return True
        self._groups[name] = []
        return False

    def check(self, cond: Condition) -> bool:
        if cond.all and not all(self.holds(n) for n in cond.all):
            return False
        if cond.any and not any(self.holds(n) for n in cond.any):
            return False
        return not any(self.holds(n) for n in cond.none)

    def first_hit(self, cond: Condition) -> _Hit | None:
        for name in (*cond.all, *cond.any):
            if name.startswith("area:"):
                hits = self.areas[name[5:]].hits
                if hits:
                    return max(hits, key=lambda h: h[0])[2]
            elif self.group(name):
                return self.group(name)[0]
        return None

    def first_rule(self, rules: tuple[NamedRule, ...]) -> NamedRule | None:
        for rule in rules:
            if self.check(rule.condition):
                return rule
        return None

    # -- facts ---------------------------------------------------------------------------

    @property
    def has_traceback(self) -> bool:
        return any(r.kind in ("error", "root_frame", "call_frame", "wrapper_error") for d in self.docs for r in d.regions)


def _conf(score: float, rules: Rules) -> str:
    if score >= rules.scoring.high:
        return "high"
    if score >= rules.scoring.medium:
        return "medium"
    return "low"


def _present(labels: tuple[str, ...]) -> dict[str, str]:
    return {l.lower(): l for l in labels}


def propose(thread: IssueThread, rules: Rules) -> TriageProposal:
    """Propose labels (and at most one templated comment) for one ``oncall: distributed`` issue."""
    issue = thread.issue
    L = rules.labels
    present = _present(issue.labels)
    module_labels = {m.lower() for m in rules.module_labels}
    present_modules = [l for l in issue.labels if l.lower() in module_labels]
    present_subs = [name for name in rules.precedence if rules.sub_oncall_labels[name].lower() in present]
    reasoning: list[str] = []
    evidence: list[Evidence] = []

    def label_ev(label: str, rule: str, text: str) -> Evidence:
        return Evidence(label, rule, "labels", text, 0, len(text), "labels")

    # Step 0: a human classified it completely.
    if present_modules and present_subs:
        reasoning.append(f"step 0: already has {', '.join(present_modules)} and {rules.sub_oncall_labels[present_subs[0]]}: classified by a human")
        labels = [L.marker, L.triaged]
        for lab in labels:
            evidence.append(label_ev(lab, "step0:human-classified", ", ".join([*present_modules, rules.sub_oncall_labels[present_subs[0]]])))
        return _finish(
            rules, issue.labels, "already_classified", labels, None, None, "high", evidence, reasoning,
            sub=rules.sub_oncall_labels[present_subs[0]], modules=tuple(present_modules), confs={},
        )
    if present_modules or present_subs:
        reasoning.append("step 0: only one of module label / sub-oncall present: triage continues")

    a = _Analysis(thread, rules)
    if a.bot_comments:
        reasoning.append(f"ignored {len(a.bot_comments)} earlier triage-bot comment(s) as evidence")
    for name in a.confusions_seen:
        conf = next(c for c in rules.confusions if c.name == name)
        reasoning.append(f"known confusion {name}: {conf.note}")
    # Labels a person or the PT-level bot already applied are strong evidence of their area.
    for lab in present_modules:
        area = rules.area_for_label(lab)
        if area is not None:
            entry = a.areas[area.name]
            entry.score += rules.scoring.high

    # Step 1: is it distributed at all?
    if not present_modules and not present_subs:
        trap = a.first_rule(rules.traps)
        total = sum(s.score for s in a.areas.values())
        mentioned = "distributed_usage" in rules.groups and a.holds("distributed_usage")
        if trap is not None or (total < rules.scoring.min_distributed and not mentioned):
            template = rules.templates["not_distributed"]
            if trap is not None:
                reasoning.append(f"step 1: mislabel trap {trap.name}: {trap.note}")
                hit = a.first_hit(trap.condition)
                rule = f"step1:trap:{trap.name}"
            else:
                reasoning.append(f"step 1: no distributed signal (score {total:.1f} < {rules.scoring.min_distributed})")
                hit = None
                rule = "step1:no-distributed-signal"
            labels = [L.review, L.marker]
            for lab in labels:
                evidence.append(hit.evidence(lab, rule) if hit else Evidence(lab, rule, "body", "", 0, 0, "body"))
            comment = _comment(a, rules, "not_distributed", reasoning)
            return _finish(
                rules, issue.labels, "not_distributed", labels, comment, "not_distributed" if comment else None, "medium",
                evidence, reasoning, sub=None, modules=(), confs={}, trap=trap.name if trap else "no-distributed-signal",
            )

    # Step 2: route to exactly one sub-oncall.
    route_conf = "high"
    if present_subs:
        sub = present_subs[0]
        reasoning.append(f"step 2: keeps the existing sub-oncall {rules.sub_oncall_labels[sub]}")
        route_ev: list[Evidence] = []
    else:
        sub, route_conf, route_ev = _route(a, rules, reasoning)
        if not route_ev:
            label = rules.sub_oncall_labels[sub]
            if present_modules:
                route_ev = [label_ev(label, "step2:from-existing-module-label", ", ".join(present_modules))]
            else:
                route_ev = [Evidence(label, "step2:default-when-unsure", "body", "", 0, 0, "body")]
    sub_label = rules.sub_oncall_labels[sub]

    # Step 5 is checked for every distributed issue: a high-priority issue goes to a human.
    hp = a.first_rule(rules.high_priority)

    if sub != "parallelisms":
        if hp is not None:
            return _high_priority(a, rules, issue.labels, hp, sub_label, [], {}, route_ev, reasoning)
        labels = [sub_label, L.marker, L.triaged]
        evidence.extend(route_ev)
        for lab in (L.marker, L.triaged):
            evidence.append(_relabel(route_ev[0], lab, "step2:confident-routing") if route_ev else label_ev(lab, "step2:existing-sub-oncall", sub_label))
        reasoning.append(f"step 2: routed to {sub_label}: that team owns further triage")
        return _finish(rules, issue.labels, "routed", labels, None, None, route_conf, evidence, reasoning, sub=sub_label, modules=(), confs={sub_label: route_conf})

    # Step 3: module labels within parallelisms.
    modules, confs, mod_ev, mod_conf = _classify(a, rules, present_modules, reasoning)
    evidence.extend(route_ev)
    evidence.extend(mod_ev)
    if hp is not None:
        return _high_priority(a, rules, issue.labels, hp, sub_label, modules if mod_conf != "low" else [], confs, evidence, reasoning)

    # Step 4: type labels (only for requests, never for bug reports).
    is_request = bool(rules.types["request"]) and any(a.holds(g) for g in rules.types["request"])
    is_bug = a.has_traceback or any(a.holds(g) for g in rules.types["bug"])
    type_labels: list[str] = []
    if is_request and not is_bug:
        enh = [g for g in rules.types["enhancement"] if a.holds(g)]
        if enh:
            type_labels.append(L.enhancement)
            evidence.append(a.group(enh[0])[0].evidence(L.enhancement, f"step4:enhancement:{enh[0]}"))
            perf = [g for g in rules.types["performance"] if a.holds(g)]
            if perf:
                type_labels.append(L.performance)
                evidence.append(a.group(perf[0])[0].evidence(L.performance, f"step4:performance:{perf[0]}"))
            reasoning.append("step 4: a request to improve something that already works: enhancement")
        else:
            type_labels.append(L.feature)
            g = next(g for g in rules.types["request"] if a.holds(g))
            evidence.append(a.group(g)[0].evidence(L.feature, f"step4:feature:{g}"))
            reasoning.append("step 4: a request for new functionality: feature")
    elif is_request:
        reasoning.append("step 4: reads like a request but reports a bug: no type label")

    # Step 6: reproduction.
    repro_hit = next((a.group(g)[0] for g in rules.repro_groups if a.holds(g)), None)
    needs_repro = not is_request and repro_hit is None
    if repro_hit is not None:
        reasoning.append(f"step 6: has a reproduction ({repro_hit.region.source})")
    elif is_request:
        reasoning.append("step 6: a request needs no reproduction")
    else:
        reasoning.append("step 6: no code, script or steps to reproduce")

    labels = [sub_label]
    if mod_conf != "low":
        labels.extend(modules)
    labels.extend(type_labels)
    comment = None
    template = None
    if mod_conf == "low":
        labels.append(L.review)
        evidence.append(Evidence(L.review, "step3:low-confidence", "body", "", 0, 0, "body"))
        reasoning.append("step 3: module unclear (LOW): triage review, no module guess")
    if needs_repro:
        labels.append(L.needs_reproduction)
        evidence.append(Evidence(L.needs_reproduction, "step6:no-reproduction", "body", "", 0, 0, "body"))
        comment = _comment(a, rules, "needs_distributed_reproduction", reasoning)
        template = "needs_distributed_reproduction" if comment else None
    labels.append(L.marker)
    if mod_conf == "low":
        outcome = "low_confidence"  # the repro request (if any) rides along
    elif needs_repro:
        outcome = "needs_reproduction"
    else:
        labels.append(L.triaged)
        outcome = "classified"
    anchor = next((e for e in mod_ev), None)
    for lab in (L.marker, L.triaged):
        if lab in labels:
            evidence.append(_relabel(anchor, lab, f"step3:{outcome}") if anchor else Evidence(lab, f"step3:{outcome}", "body", "", 0, 0, "body"))
    confs[sub_label] = route_conf
    return _finish(rules, issue.labels, outcome, labels, comment, template, mod_conf, evidence, reasoning, sub=sub_label, modules=tuple(modules), confs=confs)


def _relabel(ev: Evidence, label: str, rule: str) -> Evidence:
    return Evidence(label, rule, ev.source, ev.text, ev.start, ev.end, ev.document, ev.weight)


def _route(a: _Analysis, rules: Rules, reasoning: list[str]) -> tuple[str, str, list[Evidence]]:
    """Step 2: (sub-oncall name, confidence, evidence for the sub-oncall label)."""
    sub_score: dict[str, float] = {}
    best_area: dict[str, _AreaScore] = {}
    for entry in a.areas.values():
        s = entry.area.sub_oncall
        if entry.score > sub_score.get(s, 0.0):
            sub_score[s] = entry.score
            best_area[s] = entry
    top = max(sub_score.values(), default=0.0)

    def area_ev(sub: str, rule_prefix: str) -> list[Evidence]:
        entry = best_area.get(sub)
        label = rules.sub_oncall_labels[sub]
        return [_relabel(e, label, f"{rule_prefix}{e.rule}") for e in entry.top(label)] if entry else []

    edge = a.first_rule(rules.edge_cases)
    if edge is not None and edge.route:
        sub = edge.route
        label = rules.sub_oncall_labels[sub]
        reasoning.append(f"step 2: edge case {edge.name}: {edge.note}")
        hit = a.first_hit(edge.condition)
        ev = [hit.evidence(label, f"step2:edge:{edge.name}")] if hit else []
        # The triggering signals of other edge-case conditions make good extra evidence.
        for name in edge.condition.all[1:]:
            h = a.first_hit(Condition(all=(name,)))
            if h is not None:
                ev.append(h.evidence(label, f"step2:edge:{edge.name}"))
        ev.extend(area_ev(sub, "step2:")[:2])
        return sub, "high", ev

    for sub in rules.precedence:
        if sub == rules.default_sub_oncall:
            continue
        score = sub_score.get(sub, 0.0)
        if score >= rules.scoring.medium and score >= rules.scoring.route_dominance * top:
            reasoning.append(
                f"step 2: {sub} signals (score {score:.1f}, area {best_area[sub].area.name}) take precedence"
            )
            return sub, _conf(score, rules), area_ev(sub, "step2:")
        if score >= rules.scoring.medium:
            reasoning.append(f"step 2: {sub} signals (score {score:.1f}) are outweighed (top {top:.1f}): not routed there")
    sub = rules.default_sub_oncall
    score = sub_score.get(sub, 0.0)
    reasoning.append(f"step 2: {sub}" + (" (default when unsure)" if score < rules.scoring.medium else f" (score {score:.1f})"))
    return sub, _conf(score, rules), area_ev(sub, "step2:")


def _classify(a: _Analysis, rules: Rules, present_modules: list[str], reasoning: list[str]):
    """Step 3: (module labels, per-label confidence, evidence, overall confidence)."""
    candidates = [
        e for e in a.areas.values()
        if e.area.sub_oncall == "parallelisms" and e.area.label and rules.is_allowed(e.area.label)
    ]
    candidates.sort(key=lambda e: -e.score)
    present_low = {p.lower() for p in present_modules}
    if not candidates or candidates[0].score < rules.scoring.medium:
        if present_modules:
            return [], {}, [], "high"
        reasoning.append("step 3: no module scores MEDIUM or better")
        return [], {}, [], "low"
    top = candidates[0].score
    context = set(candidates[0].area.context_areas)
    modules, confs, ev = [], {}, []
    for entry in candidates:
        if entry.score < rules.scoring.medium or entry.score < rules.scoring.secondary_ratio * top:
            continue
        if entry.area.name in context and not any(h[2].region.kind in ("error", "root_frame") for h in entry.hits):
            reasoning.append(
                f"step 3: {entry.area.label} is the context of {candidates[0].area.label} (no failure of its own): not labelled"
            )
            continue
        label = entry.area.label
        assert label is not None
        conf = _conf(entry.score, rules)
        confs[label] = conf
        modules.append(label)
        if label.lower() in present_low:
            ev.append(Evidence(label, "step3:label-already-present", "labels", label, 0, len(label), "labels"))
        ev.extend(entry.top(label))
        reasoning.append(f"step 3: {label} {conf.upper()} (score {entry.score:.1f})")
    return modules, confs, ev, _conf(top, rules)


def _high_priority(a, rules, existing, hp: NamedRule, sub_label, modules, confs, evidence, reasoning) -> TriageProposal:
    L = rules.labels
    hit = a.first_hit(hp.condition)
    reasoning.append(f"step 5: high priority ({hp.name}: {hp.note}): triage review, no marker, no triaged")
    labels = [sub_label, *modules, L.review]
    ev = list(evidence)
    ev.append(hit.evidence(L.review, f"step5:high-priority:{hp.name}") if hit else Evidence(L.review, f"step5:high-priority:{hp.name}", "body", "", 0, 0, "body"))
    return _finish(rules, existing, "high_priority", labels, None, None, "high", ev, reasoning, sub=sub_label, modules=tuple(modules), confs=confs, high_priority=hp.name)


def _comment(a: _Analysis, rules: Rules, name: str, reasoning: list[str]) -> str | None:
    template = rules.templates[name]
    dup = find_duplicate(template, a.comment_bodies)
    if dup is not None:
        reasoning.append(f"comment {name} already posted (comment {dup + 1}): not posted again")
        return None
    return template.comment


def _finish(
    rules: Rules,
    existing: tuple[str, ...],
    outcome,
    labels: list[str],
    comment: str | None,
    template: str | None,
    confidence,
    evidence: list[Evidence],
    reasoning: list[str],
    *,
    sub: str | None,
    modules: tuple[str, ...],
    confs: dict,
    trap: str | None = None,
    high_priority: str | None = None,
) -> TriageProposal:
    """Drop labels already present or not allow-listed; keep order; dedupe."""
    have = {l.lower() for l in existing}
    out: list[str] = []
    for lab in labels:
        low = lab.lower()
        if low in have or low in {o.lower() for o in out}:
            continue
        if not rules.is_allowed(lab):
            reasoning.append(f"{lab!r} is not in the allow-list: not proposed")
            continue
        out.append(lab)
    kept = {l.lower() for l in out}
    ev = tuple(e for e in evidence if e.label.lower() in kept)
    return TriageProposal(
        outcome=outcome,
        labels_to_add=tuple(out),
        comment=comment,
        confidence=confidence,
        evidence=ev,
        reasoning=tuple(reasoning),
        comment_template=template,
        sub_oncall=sub,
        modules=modules,
        label_confidence=tuple((k, v) for k, v in confs.items() if k.lower() in kept),
        trap=trap,
        high_priority=high_priority,
    )
