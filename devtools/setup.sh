#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# One-time (idempotent) set-up of a Debian bookworm machine for avq:
#  1. Debian packages: DPDK 22.11, meson, ninja, the toolchain bits we use.
#  2. The DPDK driver-SDK headers that Debian does not install, taken from
#     Debian's own source package of exactly the installed dpdk version.
#     They go to build-deps/dpdk-sdk/include (ignored by git, never committed).
#  3. With --qemu (the `qemu` test suite): qemu-system-x86 and busybox-static,
#     and the test guest built by test/qemu/build-guest.sh into
#     build-deps/guest (a Debian kernel package fetched with apt-get download,
#     not installed).
#
# Run as root. Safe to run again: every step checks whether it is done.
set -euo pipefail

qemu=0
for a in "$@"; do
	case "$a" in
	--qemu) qemu=1 ;;
	*) echo "usage: $0 [--qemu]" >&2; exit 2 ;;
	esac
done

top=$(cd "$(dirname "$0")/.." && pwd)
sdkdir="$top/build-deps/dpdk-sdk"
export DEBIAN_FRONTEND=noninteractive

log() { printf 'setup: %s\n' "$*"; }

need_pkgs="dpdk dpdk-dev libdpdk-dev meson ninja-build pkg-config gcc python3 xz-utils"
missing=""
for p in $need_pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing:$missing"
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ $qemu = 1 ]; then
	missing=""
	for p in qemu-system-x86 busybox-static; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "installing:$missing"
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
	# Cached: quick when the guest is already built from the same packages.
	if ! bash "$top/test/qemu/build-guest.sh" "$top/build-deps/guest"; then
		log "guest build failed: apt-get update and one more try"
		apt-get update -qq
		bash "$top/test/qemu/build-guest.sh" "$top/build-deps/guest"
	fi
fi

ver=$(dpkg-query -W -f='${Version}' libdpdk-dev)
upver=${ver%-*}          # 22.11.x (Debian revision stripped)
upver=${upver#*:}        # epoch stripped

stamp="$sdkdir/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then
	log "driver-SDK headers for dpdk $ver already present"
	exit 0
fi

# deb-src entry (a new machine has none). Debian's archive is the only network.
srcfile=/etc/apt/sources.list.d/avq-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
   ! grep -qs '^deb-src' /etc/apt/sources.list; then
	log "adding a deb-src entry ($srcfile)"
	uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	[ -n "$uri" ] || uri=http://deb.debian.org/debian
	cat > "$srcfile" <<SRC
Types: deb-src
URIs: $uri
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get update -qq
fi

work="$top/build-deps/src"
rm -rf "$work"
mkdir -p "$work"
# apt drops privileges to _apt for downloads: let it write here.
if id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
log "fetching Debian source of dpdk=$ver"
(cd "$work" && apt-get source --download-only -qq "dpdk=$ver" >/dev/null)
orig=$(ls "$work"/dpdk_*.orig.tar.xz | head -n1)
[ -f "$orig" ] || { echo "setup: no orig tarball for dpdk=$ver" >&2; exit 1; }

hdrs="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h lib/ethdev/ethdev_pci.h
lib/eal/include/bus_driver.h lib/eal/include/dev_driver.h
drivers/bus/vdev/bus_vdev_driver.h drivers/bus/pci/bus_pci_driver.h
lib/vhost/vdpa_driver.h app/test/test.h"
rm -rf "$sdkdir"
mkdir -p "$sdkdir/include"
pats=""
for h in $hdrs; do pats="$pats */$h"; done
# shellcheck disable=SC2086
tar -xJf "$orig" -C "$work" --wildcards $pats
for h in $hdrs; do
	f=$(ls "$work"/*/"$h")
	cp "$f" "$sdkdir/include/"
done
# app/test/test.h is kept apart: we only read it, never build against it.
mkdir -p "$sdkdir/reference"
mv "$sdkdir/include/test.h" "$sdkdir/reference/"
echo "$ver" > "$stamp"
rm -rf "$work"
log "driver-SDK headers for dpdk $ver in $sdkdir/include"
