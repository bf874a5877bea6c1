#!/usr/bin/env python3
"""Splink (Fellegi-Sunter, weights estimated from the data) on the same files as the finder,
for comparison. A plain configuration, not tuned to any profile: NIK, KK, village and sex exact;
names Jaro-Winkler 0.95/0.88/0.8 with term-frequency adjustment; birth date Levenshtein 1/2;
lambda from the NIK rule, u by random sampling, m by EM on three blocking rules.
Usage: pip install splink pandas; splink_compare.py DATA.csv CLUSTERS.csv; then dedup_eval.py."""
import sys, time
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
data, out = sys.argv[1], sys.argv[2]
t0 = time.time()
df = pd.read_csv(data, dtype=str).fillna("")
df = df.rename(columns={"id": "unique_id"})
for c in ["nik", "kk_number", "birth_date", "name", "sex", "village_code"]:
    df[c] = df[c].replace("", None)
df["name"] = df["name"].str.upper()
df["district"] = df["village_code"].str[:8]
settings = SettingsCreator(
    link_type="dedupe_only",
    comparisons=[
        cl.ExactMatch("nik"),
        cl.ExactMatch("kk_number"),
        cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.8]).configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("birth_date", [1, 2]),
        cl.ExactMatch("village_code"),
        cl.ExactMatch("sex"),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("nik"), block_on("kk_number"), block_on("birth_date", "district"),
        block_on("substr(nik,1,12)"), block_on("substr(nik,7,10)"),
        block_on("substr(name,1,3)", "district", "substr(birth_date,1,4)"),
    ],
)
db = DuckDBAPI()
linker = Linker(db.register(df), settings)
linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.7)
linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date", "district"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("substr(name,1,3)", "district", "substr(birth_date,1,4)"))
pred = linker.inference.predict(threshold_match_probability=0.5)
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.5).as_pandas_dataframe()
clusters[["unique_id", "cluster_id"]].rename(columns={"unique_id": "id"}).to_csv(out, index=False)
print(f"splink: {len(df)} records in {time.time()-t0:.1f} s", file=sys.stderr)
