#!/usr/bin/env python3
"""Writes a one-layer docker-archive image (what `docker save` writes) from a directory.

    docker_archive.py ROOTFS_DIR OUT.tar NAME:TAG [--env K=V]... [--user U] [--workdir D]
                      [--entrypoint JSON_LIST] [--cmd JSON_LIST]

No registry reaches this machine, so the node's images are assembled here and imported with
`ctr -n k8s.io images import`. Owners, modes, symlinks and hard links are kept as they are in
ROOTFS_DIR (build it as root); the layer is uncompressed, as `docker save` writes it.
"""
import argparse
import hashlib
import io
import json
import os
import tarfile
import tempfile


def layer_tar(rootfs: str, out_path: str) -> str:
    """Tar ROOTFS (paths relative to it, sorted, fixed mtimes) and return the sha256 of the tar."""
    with tarfile.open(out_path, "w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, rootfs)
            for name in sorted(dirnames) + sorted(filenames):
                full = os.path.join(dirpath, name)
                arc = name if rel_dir == "." else os.path.join(rel_dir, name)
                info = tar.gettarinfo(full, arcname=arc)
                info.uname = info.gname = ""
                if info.isreg():
                    with open(full, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    h = hashlib.sha256()
    with open(out_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rootfs")
    ap.add_argument("out")
    ap.add_argument("name")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--user", default="")
    ap.add_argument("--workdir", default="")
    ap.add_argument("--entrypoint", default="null")
    ap.add_argument("--cmd", default="null")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(a.out))) as tmp:
        layer = os.path.join(tmp, "layer.tar")
        diff_id = layer_tar(a.rootfs, layer)
        config = {
            "architecture": "amd64",
            "os": "linux",
            "created": "1970-01-01T00:00:00Z",
            "config": {
                "Env": a.env,
                "User": a.user,
                "WorkingDir": a.workdir,
                "Entrypoint": json.loads(a.entrypoint),
                "Cmd": json.loads(a.cmd),
            },
            "rootfs": {"type": "layers", "diff_ids": [f"sha256:{diff_id}"]},
            "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "e2e/docker_archive.py"}],
        }
        config_bytes = json.dumps(config, sort_keys=True).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        manifest = [{"Config": config_name, "RepoTags": [a.name], "Layers": [f"{diff_id}/layer.tar"]}]
        with tarfile.open(a.out + ".part", "w") as out:
            def add_bytes(name: str, data: bytes) -> None:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
            add_bytes(config_name, config_bytes)
            out.add(layer, arcname=f"{diff_id}/layer.tar")
            add_bytes("manifest.json", json.dumps(manifest).encode())
        os.replace(a.out + ".part", a.out)


if __name__ == "__main__":
    main()
