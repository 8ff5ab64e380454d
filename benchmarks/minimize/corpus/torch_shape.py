"""Train a small MLP classifier on synthetic data; crashes on the evaluation head."""
import argparse
import logging
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

os.environ.setdefault("OMP_NUM_THREADS", "1")
logging.basicConfig(level=logging.INFO)
log = logging.getLogger("train")
torch.manual_seed(0)
random.seed(0)


class Config:
    in_features = 32
    hidden = 64
    classes = 10
    batch = 16
    epochs = 1
    lr = 1e-3
    dropout = 0.1


def make_data(cfg, n=64):
    x = torch.randn(n, cfg.in_features)
    y = torch.randint(0, cfg.classes, (n,))
    return TensorDataset(x, y)


class Block(nn.Module):
    def __init__(self, dim, dropout):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return x + self.drop(F.gelu(self.fc(self.norm(x))))


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.stem = nn.Linear(cfg.in_features, cfg.hidden)
        self.blocks = nn.Sequential(*[Block(cfg.hidden, cfg.dropout) for _ in range(3)])
        self.head = nn.Linear(cfg.hidden, cfg.classes)
        self.aux = nn.Linear(cfg.hidden * 2, cfg.classes)

    def forward(self, x, with_aux=False):
        h = self.blocks(F.relu(self.stem(x)))
        logits = self.head(h)
        if with_aux:
            pooled = torch.cat([h.mean(0, keepdim=True), h.amax(0, keepdim=True)], dim=0)
            return logits, self.aux(pooled)
        return logits


def accuracy(logits, y):
    return (logits.argmax(-1) == y).float().mean().item()


def train_epoch(model, loader, opt):
    model.train()
    total = 0.0
    for x, y in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        total += loss.item()
    return total / max(1, len(loader))


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    accs = []
    for x, y in loader:
        logits, aux = model(x, with_aux=True)
        accs.append(accuracy(logits, y))
    return sum(accs) / len(accs)


def cosine_lr(step, total, base):
    return base * 0.5 * (1 + math.cos(math.pi * step / total))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=Config.epochs)
    args = parser.parse_args([])
    cfg = Config()
    data = make_data(cfg)
    loader = DataLoader(data, batch_size=cfg.batch, shuffle=True)
    model = Classifier(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    start = time.time()
    for epoch in range(args.epochs):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(epoch, args.epochs, cfg.lr)
        loss = train_epoch(model, loader, opt)
        log.info("epoch %d loss %.4f", epoch, loss)
    print("params:", sum(p.numel() for p in model.parameters()))
    acc = evaluate(model, loader)
    print(f"accuracy {acc:.3f} in {time.time() - start:.1f}s")


if __name__ == "__main__":
    main()
