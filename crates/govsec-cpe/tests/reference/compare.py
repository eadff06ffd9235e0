"""Answers name comparisons with the reference library `cpe` (PyPI, 1.3.1).

Reads JSON lines {"source": <formatted string>, "target": <formatted string>}
from standard input (all of it first, so that the caller may write without
reading), and writes one JSON line per pair:
{"source_wfn": [11 values], "target_wfn": [11 values],
 "attributes": [11 relation codes], "superset": bool, "subset": bool,
 "equal": bool, "disjoint": bool}
or {"error": "<message>"} when the library rejects a name. Relation codes are
the library's: 1 SUPERSET, 2 SUBSET, 3 EQUAL, 4 DISJOINT, 5 UNDEFINED.
"""

import json
import sys

from cpe.comp.cpecomp import CPEComponent
from cpe.cpe2_3_fs import CPE2_3_FS
from cpe.cpe2_3_wfn import CPE2_3_WFN
from cpe.cpeset2_3 import CPESet2_3


def wfn_of(formatted):
    return CPE2_3_WFN(CPE2_3_FS(formatted).as_wfn())


def values_of(wfn):
    values = []
    for attribute in CPEComponent.CPE_COMP_KEYS_EXTENDED:
        value = wfn.get_attribute_values(attribute)[0]
        values.append(value[1:-1] if value.startswith('"') else value)
    return values


def answer(pair):
    try:
        source = wfn_of(pair["source"])
        target = wfn_of(pair["target"])
    except Exception as error:  # the library raises ValueError and others
        return {"error": "%s: %s" % (type(error).__name__, error)}
    return {
        "source_wfn": values_of(source),
        "target_wfn": values_of(target),
        "attributes": [code for _, code in CPESet2_3.compare_wfns(source, target)],
        "superset": CPESet2_3.cpe_superset(source, target),
        "subset": CPESet2_3.cpe_subset(source, target),
        "equal": CPESet2_3.cpe_equal(source, target),
        "disjoint": CPESet2_3.cpe_disjoint(source, target),
    }


def main():
    pairs = [json.loads(line) for line in sys.stdin.read().splitlines() if line]
    out = sys.stdout
    for pair in pairs:
        out.write(json.dumps(answer(pair)))
        out.write("\n")
    out.flush()


if __name__ == "__main__":
    main()
