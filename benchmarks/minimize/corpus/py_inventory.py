"""Inventory report generator — crashes when rendering the summary for a warehouse."""
import json
import logging
import os
import sys
from collections import defaultdict, OrderedDict
from dataclasses import dataclass, field

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("inventory")
os.environ.setdefault("INVENTORY_MODE", "report")

WAREHOUSES = ["north", "south", "east", "west"]
CATEGORY_NAMES = {"tools": "Tools", "food": "Food", "toys": "Toys", "books": "Books"}


@dataclass
class Item:
    sku: str
    name: str
    category: str
    quantity: int
    price: float
    tags: list = field(default_factory=list)

    def value(self):
        return self.quantity * self.price

    def __repr__(self):
        return f"Item({self.sku}, {self.name}, q={self.quantity})"


def make_items(seed):
    items = []
    for i in range(12):
        cat = list(CATEGORY_NAMES)[(i + seed) % 4]
        items.append(Item(f"SKU{seed}{i:03d}", f"thing-{i}", cat, (i * 7 + seed) % 13, 1.5 * (i + 1)))
    return items


class Warehouse:
    def __init__(self, name, items):
        self.name = name
        self.items = {it.sku: it for it in items}
        self.history = []

    def restock(self, sku, amount):
        self.items[sku].quantity += amount
        self.history.append(("restock", sku, amount))
        log.info("restocked %s by %d", sku, amount)

    def total_value(self):
        return sum(it.value() for it in self.items.values())

    def by_category(self):
        groups = defaultdict(list)
        for it in self.items.values():
            groups[it.category].append(it)
        return groups


def format_money(x):
    return f"${x:,.2f}"


def load_overrides(path):
    if not os.path.exists(path):
        return {}
    with open(path) as fh:
        return json.load(fh)


class Report:
    def __init__(self, warehouses):
        self.warehouses = warehouses
        self.lines = []

    def header(self):
        self.lines.append("=" * 40)
        self.lines.append("INVENTORY REPORT")
        self.lines.append("=" * 40)

    def section(self, wh):
        self.lines.append(f"Warehouse {wh.name}: {format_money(wh.total_value())}")
        for cat, items in sorted(wh.by_category().items()):
            self.lines.append(f"  {CATEGORY_NAMES[cat]}: {len(items)} items")

    def summary(self):
        totals = OrderedDict()
        for wh in self.warehouses:
            for cat, items in wh.by_category().items():
                totals[cat] = totals.get(cat, 0) + sum(i.quantity for i in items)
        low = compute_low_stock(self.warehouses, threshold=3)
        self.lines.append(f"low stock: {len(low)}")
        return totals

    def render(self):
        self.header()
        for wh in self.warehouses:
            self.section(wh)
        self.summary()
        return "\n".join(self.lines)


def compute_low_stock(warehouses, threshold):
    low = []
    index = build_index(warehouses)
    for sku, where in index.items():
        counts = [w.items[sku].quantity for w in where]
        if min(counts) < threshold:
            low.append((sku, where[0].name))
    ranking = rank_categories(warehouses)
    return low + ranking


def build_index(warehouses):
    index = defaultdict(list)
    for wh in warehouses:
        for sku in wh.items:
            index[sku].append(wh)
    return index


def rank_categories(warehouses):
    scores = {}
    for wh in warehouses:
        for cat in wh.by_category():
            scores[cat] = scores.get(cat, 0) + 1
    order = sorted(scores, key=lambda c: (-scores[c], c))
    weights = {"tools": 3, "food": 2, "toys": 1}
    return [(c, weights[c]) for c in order]


def main(argv):
    overrides = load_overrides("/nonexistent/overrides.json")
    warehouses = [Warehouse(name, make_items(i)) for i, name in enumerate(WAREHOUSES)]
    for wh in warehouses:
        first = next(iter(wh.items))
        wh.restock(first, overrides.get(first, 2))
    print("loaded", len(warehouses), "warehouses")
    report = Report(warehouses)
    text = report.render()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
