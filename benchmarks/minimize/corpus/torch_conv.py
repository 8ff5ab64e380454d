"""Repro for torch_conv: a training script whose failure is in its last step."""
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


def cosine_lr(step, total, base):
    return base * 0.5 * (1 + math.cos(math.pi * step / total))


def warmup(model, cfg):
    loader = DataLoader(make_data(cfg), batch_size=cfg.batch, shuffle=True)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(epoch, cfg.epochs, cfg.lr)
        log.info("epoch %d loss %.4f", epoch, train_epoch(model, loader, opt))
    print("params:", sum(p.numel() for p in model.parameters()))


class ConvNet(nn.Module):
    def __init__(self, channels=3, width=8):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, width * 2, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.fc = nn.Linear(width * 2, 10)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


def load_images(n, channels, size=32):
    imgs = torch.rand(n, channels, size, size)
    mean = imgs.mean(dim=(0, 2, 3), keepdim=True)
    return (imgs - mean) / imgs.std(dim=(0, 2, 3), keepdim=True)


def main():
    cfg = Config()
    model = Classifier(cfg)
    warmup(model, cfg)
    net = ConvNet()
    print(net(load_images(4, 3)).shape)
    rgba = load_images(4, 4)
    print(net(rgba).shape)


main()
