#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
#
# The README's main-job command: set up the machine (idempotent), build, and
# run the embedded default -- a software management device creating managed
# virtio-net devices and executing admin commands, printing each command and
# its result. Extra arguments go to avq-demo (e.g. --vdevs 4 --strict).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash devtools/setup.sh
if [ ! -f build/build.ninja ]; then
	meson setup build -Dwerror=true >/dev/null
fi
ninja -C build >/dev/null
# No hugepages needed (memfd); never touch the host's PCI devices; a file
# prefix of our own so other DPDK processes are not disturbed.
exec build/app/avq-demo/avq-demo --no-huge -m 256 --no-pci -l 0 \
	--file-prefix=avq-demo-$$ --log-level='*:warning' -- "$@"
