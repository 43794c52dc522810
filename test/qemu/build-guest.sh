#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
#
# Build the QEMU test guest: a Debian kernel and a busybox initramfs with the
# virtio-net module chain and test/qemu/guest-init.sh as /init.
#
#   test/qemu/build-guest.sh [OUTDIR]        (default build-deps/guest)
#
# OUTDIR gets vmlinuz, initramfs.cpio.gz and .stamp. Nothing is installed:
# the kernel package (the one linux-image-amd64 depends on, or
# $AVQ_GUEST_KERNEL_PKG) is fetched with `apt-get download` from Debian's
# archive and unpacked in a scratch directory; busybox comes from the
# busybox-static package (devtools/setup.sh --qemu installs it). Cached: a
# second run with the same kernel package, busybox and scripts does nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/build-deps/guest}
mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
failover net_failover virtio_net"

log() { printf 'build-guest: %s\n' "$*"; }
die() { printf 'build-guest: %s\n' "$*" >&2; exit 1; }

bb=/bin/busybox
[ -x "$bb" ] || die "$bb missing: apt-get install busybox-static (devtools/setup.sh --qemu)"
# busybox (dynamic) and busybox-static both install /bin/busybox; only the
# static one runs in an initramfs without a libc.
if ldd "$bb" >/dev/null 2>&1; then
	die "$bb is dynamically linked: apt-get install busybox-static"
fi

pkg=${AVQ_GUEST_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-/ {print $2; exit}')
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (apt-get update?)"
fi
pver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2; exit}')
if [ -z "$pver" ] || [ "$pver" = "(none)" ]; then
	die "$pkg: not in apt's lists (apt-get update?)"
fi

stamp="$pkg=$pver busybox=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || echo ?) \
$(cat "$0" "$here/guest-init.sh" | sha1sum | cut -c1-12)"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] &&
   [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio.gz" ]; then
	log "up to date in $out ($pkg $pver)"
	exit 0
fi

mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads: let it write here.
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
log "downloading $pkg=$pver"
(cd "$work" && apt-get download -qq "$pkg=$pver") || die "apt-get download $pkg failed"
deb=$(ls "$work"/*.deb)

# Only what the guest needs: the kernel image, the modules of the chain and
# the list of built-in modules (the package holds ~400 MB of modules).
kdir="$work/k"
mkdir -p "$kdir"
pats="./boot/vmlinuz-* ./lib/modules/*/modules.builtin"
for m in $mods; do pats="$pats ./lib/modules/*/$m.ko*"; done
# shellcheck disable=SC2086
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kdir" --wildcards $pats 2>/dev/null ||
	true	# tar fails on patterns with no match: checked per module below
vmlinuz=$(find "$kdir/boot" -name 'vmlinuz-*' 2>/dev/null | head -n1)
[ -f "$vmlinuz" ] || die "$deb: no /boot/vmlinuz-*"
kver=${vmlinuz##*/vmlinuz-}
moddir="$kdir/lib/modules/$kver"

root="$work/root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,lib/modules}
cp "$bb" "$root/bin/busybox"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
: > "$root/etc/avq-modules"
for m in $mods; do
	if grep -qE "/$m\.ko(\.[a-z]+)?\$" "$moddir/modules.builtin" 2>/dev/null; then
		log "$m: built into $kver"
		continue
	fi
	f=$(find "$moddir" -name "$m.ko*" | head -n1)
	[ -n "$f" ] || die "$m: neither a module nor built into $kver"
	case "$f" in
	*.ko) cp "$f" "$root/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$root/lib/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$f" > "$root/lib/modules/$m.ko" ;;
	*) die "$f: unknown module compression" ;;
	esac
	echo "$m" >> "$root/etc/avq-modules"
done
# The kernel opens /dev/console before /init runs (init redirects to the
# devtmpfs one too, for an unprivileged build where mknod fails).
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

(cd "$root" && find . | LC_ALL=C sort | "$bb" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -9 > "$work/initramfs.cpio.gz"
cp "$vmlinuz" "$work/vmlinuz"
mv -f "$work/vmlinuz" "$work/initramfs.cpio.gz" "$out/"
echo "$stamp" > "$out/.stamp"
log "kernel $kver ($pkg $pver), modules: $(tr '\n' ' ' < "$root/etc/avq-modules")"
log "guest in $out: vmlinuz, initramfs.cpio.gz ($(du -k "$out/initramfs.cpio.gz" | cut -f1) KiB)"
