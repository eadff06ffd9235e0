#!/usr/bin/env bash
# Sets up the reference Python library `cpe` (PyPI, 1.3.1) for the
# differential test of crates/govsec-cpe (tests/differential.rs), and prints
# the path of the Python to use as GOVSEC_CPE_REFERENCE_PYTHON on stdout.
# Everything else goes to stderr. Re-running reuses a venv that already has it.
#
#   export GOVSEC_CPE_REFERENCE_PYTHON="$(bash .ci/cpe-reference.sh)"
set -euo pipefail

venv="${TMPDIR:-/tmp}/govsec-cpe-reference-venv"
python="$venv/bin/python"

if ! "$python" -c 'import cpe.__meta__ as m, sys; sys.exit(m.__version__ != "1.3.1")' 2>/dev/null; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >&2 2>&1; then
        # Debian ships venv separately; CI runs as root.
        rm -rf "$venv"
        apt-get install -y -q python3-venv >&2 || { apt-get update -q >&2 && apt-get install -y -q python3-venv >&2; }
        python3 -m venv "$venv" >&2
    fi
    "$python" -m pip install --quiet --disable-pip-version-check 'cpe==1.3.1' >&2
fi

"$python" -c 'import cpe.cpeset2_3' >&2
echo "$python"
