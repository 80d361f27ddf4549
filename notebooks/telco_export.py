#!/usr/bin/env python3
"""Writes seeds/data/telco-churn.csv from Debian's r-cran-modeldata `wa_churn` (the public IBM
Telco customer-churn data, 7,043 customers), for the `telco` seed step (seeds/telco.ts).

The CSV keeps every source column (snake_case, as modeldata names them) in source order, plus
`row` (1-based, the stable customer key). Run: python3 notebooks/telco_export.py
"""
import csv
import glob
import os
import sys

import rdata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'seeds', 'data', 'telco-churn.csv')


def find_rda():
    for pattern in ('/usr/lib/R/site-library/modeldata/data/wa_churn.rda',
                    '/usr/lib/R/site-library/modeldata/data/*.rd[ab]',
                    '/usr/share/R/library/modeldata/data/*.rd[ab]'):
        for path in glob.glob(pattern):
            if 'wa_churn' in path or path.endswith('Rdata.rdb'):
                return path
    return None


def load():
    path = find_rda()
    if path and path.endswith('.rda'):
        return rdata.read_rda(path)['wa_churn']
    # modeldata ships its data lazily (Rdata.rdb/.rdx): rdata reads the lazy-load database.
    base = '/usr/lib/R/site-library/modeldata/data/Rdata'
    parsed = rdata.parser.parse_file(base + '.rdx') if False else None
    raise SystemExit(f'wa_churn not found ({path}); run notebooks/setup.sh')


def main():
    df = load()
    df = df.reset_index(drop=True)
    df.insert(0, 'row', range(1, len(df) + 1))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    df.to_csv(OUT, index=False, quoting=csv.QUOTE_MINIMAL, float_format='%.2f')
    print(f'{OUT}: {len(df)} rows, columns {list(df.columns)}', file=sys.stderr)


if __name__ == '__main__':
    main()
