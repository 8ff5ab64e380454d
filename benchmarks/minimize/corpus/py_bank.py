"""Ledger reconciliation for a toy bank: accounts, transfers, interest, statements."""
import datetime as dt
import decimal
import enum
import itertools
import json
from dataclasses import dataclass, field

D = decimal.Decimal
decimal.getcontext().prec = 12


class Kind(enum.Enum):
    DEPOSIT = "deposit"
    WITHDRAW = "withdraw"
    TRANSFER = "transfer"
    INTEREST = "interest"


@dataclass
class Account:
    number: str
    owner: str
    balance: D = D("0")
    history: list = field(default_factory=list)

    def apply(self, amount, kind, when):
        self.balance += amount
        self.history.append((when, kind, amount, self.balance))


@dataclass
class Txn:
    kind: Kind
    amount: D
    src: str | None = None
    dst: str | None = None
    when: dt.date = dt.date(2024, 1, 1)


class Bank:
    _ids = itertools.count(1000)

    def __init__(self):
        self.accounts = {}
        self.journal = []

    def open(self, owner, initial="0"):
        number = f"AC{next(self._ids)}"
        acct = Account(number, owner)
        self.accounts[number] = acct
        if D(initial):
            self.post(Txn(Kind.DEPOSIT, D(initial), dst=number))
        return acct

    def find(self, number):
        return self.accounts.get(number)

    def post(self, txn):
        self.journal.append(txn)
        if txn.kind is Kind.DEPOSIT:
            self.find(txn.dst).apply(txn.amount, "dep", txn.when)
        elif txn.kind is Kind.WITHDRAW:
            self.find(txn.src).apply(-txn.amount, "wd", txn.when)
        elif txn.kind is Kind.TRANSFER:
            src, dst = self.find(txn.src), self.find(txn.dst)
            if src.balance < txn.amount:
                raise ValueError("insufficient funds")
            src.apply(-txn.amount, "xfer-out", txn.when)
            dst.apply(txn.amount, "xfer-in", txn.when)
        elif txn.kind is Kind.INTEREST:
            acct = self.find(txn.dst)
            acct.apply(acct.balance * txn.amount, "int", txn.when)

    def total(self):
        return sum((a.balance for a in self.accounts.values()), D("0"))

    def statement(self, number):
        acct = self.find(number)
        lines = [f"Statement for {acct.owner} ({acct.number})"]
        for when, kind, amount, bal in acct.history:
            lines.append(f"{when} {kind:<9} {amount:>10} {bal:>10}")
        return "\n".join(lines)


def export(bank):
    return json.dumps({n: str(a.balance) for n, a in bank.accounts.items()}, indent=1)


def month_end(bank, rate, when):
    for number in list(bank.accounts):
        bank.post(Txn(Kind.INTEREST, D(rate), dst=number, when=when))


def main():
    bank = Bank()
    alice = bank.open("alice", "100.00")
    bob = bank.open("bob", "50.00")
    carol = bank.open("carol")
    bank.post(Txn(Kind.TRANSFER, D("25.00"), src=alice.number, dst=bob.number))
    bank.post(Txn(Kind.WITHDRAW, D("10.00"), src=bob.number))
    month_end(bank, "0.01", dt.date(2024, 1, 31))
    print(bank.statement(alice.number))
    print(export(bank))
    closed = alice.number.replace("AC", "XX")
    bank.post(Txn(Kind.TRANSFER, D("5.00"), src=carol.number, dst=closed))
    print("total", bank.total())


if __name__ == "__main__":
    main()
