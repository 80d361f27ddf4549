#!/usr/bin/env python3
"""Writes seeds/data/telco-churn.csv from Debian's r-cran-modeldata `wa_churn` (the public IBM
Telco customer-churn data, 7,043 customers), for the `telco` seed step (seeds/telco.ts).

modeldata ships its data sets as an R lazy-load database (data/Rdata.rdb), which python3-rdata
cannot open, so R itself (r-base-core, installed with r-cran-modeldata) writes the table; pandas
adds `row` (1-based, the stable customer key) and keeps every source column in source order.
Run: /usr/bin/python3 notebooks/telco_export.py
"""
import os
import subprocess
import sys
import tempfile

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'seeds', 'data', 'telco-churn.csv')


def main():
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, 'wa_churn.csv')
        subprocess.run(['Rscript', '-e', f'suppressMessages(library(modeldata)); data(wa_churn); write.csv(wa_churn, "{raw}", row.names = FALSE)'], check=True)
        df = pd.read_csv(raw)
    df.insert(0, 'row', range(1, len(df) + 1))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    df.to_csv(OUT, index=False, float_format='%.2f')
    print(f'{os.path.normpath(OUT)}: {len(df)} rows, {df["churn"].eq("Yes").sum()} churned', file=sys.stderr)


if __name__ == '__main__':
    main()
