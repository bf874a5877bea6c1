#!/usr/bin/env python3
"""Pairwise precision, recall and F1 of clusters against the truth.
Usage: dedup_eval.py TRUTH.csv CLUSTERS.csv"""
import csv, sys
from collections import defaultdict
from itertools import combinations

def pairs(groups):
    out = set()
    for members in groups.values():
        out.update(combinations(sorted(members), 2))
    return out

truth, found = defaultdict(list), defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])): truth[r["person"]].append(r["id"])
for r in csv.DictReader(open(sys.argv[2])): found[r["cluster_id"]].append(r["id"])
t, f = pairs(truth), pairs(found)
tp = len(t & f)
p = tp / len(f) if f else 1.0
r = tp / len(t) if t else 1.0
f1 = 2 * p * r / (p + r) if p + r else 0.0
print(f"true pairs {len(t)}, found pairs {len(f)}, precision {p:.4f}, recall {r:.4f}, F1 {f1:.4f}")
