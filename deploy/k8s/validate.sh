#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests beside this script: against the
# API's JSON schemas for several Kubernetes versions, strictly (an unknown or
# misspelt field is an error), with kubernetes-validate from PyPI (it bundles the
# schemas, no cluster or network needed once installed); then the rules between
# fields that the schemas cannot express. Exits non-zero on any failure.
#
#   deploy/k8s/validate.sh [FILE.yaml ...]      (default: every *.yaml here)
#
# Environment:
#   K8S_VERSIONS   versions to validate against (default "1.29.0 1.33.0 1.37.0":
#                  1.29 is the oldest with backoffLimitPerIndex on by default)
#   KUBERNETES_VALIDATE_VENV   where the validator is installed if missing
#                  (default ~/.cache/soilmap/kubernetes-validate, a Python venv)
#   KUBERNETES_VALIDATE_SPEC   what pip installs (default kubernetes-validate==1.37.0)
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
VERSIONS=${K8S_VERSIONS:-1.29.0 1.33.0 1.37.0}
VENV=${KUBERNETES_VALIDATE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/soilmap/kubernetes-validate}
SPEC=${KUBERNETES_VALIDATE_SPEC:-kubernetes-validate==1.37.0}

if [[ ! -x $VENV/bin/kubernetes-validate ]]; then
    echo "installing $SPEC into $VENV" >&2
    command -v python3 >/dev/null || { echo "error: python3 is needed" >&2; exit 2; }
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        # Debian's python3 has no venv module without python3-venv
        rm -rf "$VENV"
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv "$VENV"
        else
            echo "error: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 2
        fi
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$SPEC" ||
        { rm -rf "$VENV"; echo "error: pip install $SPEC failed" >&2; exit 2; }
fi

if (($#)); then files=("$@"); else files=("$HERE"/*.yaml); fi
rc=0
for v in $VERSIONS; do
    if "$VENV/bin/kubernetes-validate" --strict --quiet -k "$v" "${files[@]}"; then
        echo "schema $v: ok (${#files[@]} files)"
    else
        echo "schema $v: FAILED" >&2; rc=1
    fi
done

# Rules between fields, checked by the API server but not by the schemas.
"$VENV/bin/python" - "${files[@]}" <<'EOF' || rc=1
import re, sys, yaml

UNITS = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
         "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "m": 1e-3}

def quantity(q):
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(q))
    if not m or m.group(2) not in UNITS:
        raise ValueError(f"bad quantity {q!r}")
    return float(m.group(1)) * UNITS[m.group(2)]

errors = []
for path in sys.argv[1:]:
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    for doc in docs:
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name", "?")
        where = f"{path}: {kind}/{name}"
        if kind != "Job":
            continue
        spec = doc["spec"]
        pod = spec["template"]["spec"]
        restart = pod.get("restartPolicy")
        if restart not in ("Never", "OnFailure"):
            errors.append(f"{where}: a Job's restartPolicy must be Never or OnFailure, not {restart!r}")
        indexed = spec.get("completionMode") == "Indexed"
        for field in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if field in spec and not indexed:
                errors.append(f"{where}: {field} needs completionMode: Indexed")
        if "maxFailedIndexes" in spec and "backoffLimitPerIndex" not in spec:
            errors.append(f"{where}: maxFailedIndexes needs backoffLimitPerIndex")
        if indexed and not spec.get("completions"):
            errors.append(f"{where}: an Indexed Job needs completions")
        if ("podFailurePolicy" in spec or "backoffLimitPerIndex" in spec) and restart != "Never":
            errors.append(f"{where}: podFailurePolicy and backoffLimitPerIndex need restartPolicy: Never")
        for rule in spec.get("podFailurePolicy", {}).get("rules", []):
            if rule.get("action") == "FailIndex" and "backoffLimitPerIndex" not in spec:
                errors.append(f"{where}: podFailurePolicy action FailIndex needs backoffLimitPerIndex")
        if spec.get("parallelism", 1) > spec.get("completions", 1):
            print(f"note: {where}: parallelism {spec['parallelism']} > completions {spec['completions']}")
        volumes = {v["name"] for v in pod.get("volumes", [])}
        for c in pod.get("initContainers", []) + pod["containers"]:
            cw = f"{where} container {c['name']}"
            if not c.get("image"):
                errors.append(f"{cw}: no image")
            res = c.get("resources", {})
            for r, lim in res.get("limits", {}).items():
                req = res.get("requests", {}).get(r)
                if req is not None and quantity(req) > quantity(lim):
                    errors.append(f"{cw}: {r} request {req} above its limit {lim}")
            for m in c.get("volumeMounts", []):
                if m["name"] not in volumes:
                    errors.append(f"{cw}: volumeMount {m['name']} has no volume")
for e in errors:
    print("ERROR " + e, file=sys.stderr)
if errors:
    sys.exit(1)
print(f"field rules: ok")
EOF

if ((rc)); then echo "VALIDATION FAILED" >&2; else echo "all manifests valid"; fi
exit "$rc"
