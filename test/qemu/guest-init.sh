#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
#
# /init of the QEMU test guest (test/qemu/build-guest.sh packs it). It
# loads the virtio-net module chain, gives eth0 a static address, runs the
# action named on the kernel command line and powers off. Every step prints
# one "AVQ-GUEST: " line on the console (ttyS0), which the host-side test
# (test/qemu/qemu_guest.py) reads:
#
#   avq_ip=10.0.0.2/24 avq_peer=10.0.0.1 avq_count=5 avq_action=ping
#
# Undotted names: the kernel drops unknown parameters that contain a dot
# before building init's environment, and these are read from /proc/cmdline
# anyway.

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

say() { echo "AVQ-GUEST: $*"; }

fail() {
	say "FAIL $*"
	say "done rc=1"
	poweroff -f
	sleep 60
}

say "init $(uname -r)"

avq_ip=10.0.0.2/24
avq_peer=10.0.0.1
avq_count=5
avq_action=ping
for w in $(cat /proc/cmdline); do
	case "$w" in
	avq_ip=*|avq_peer=*|avq_count=*|avq_action=*) eval "$w" ;;
	esac
done

# In dependency order; a module built into the kernel is left out by
# build-guest.sh (modules.builtin), so everything listed here is a file.
for m in $(cat /etc/avq-modules); do
	insmod "/lib/modules/$m.ko" || fail "insmod $m"
done
say "modules loaded: $(tr '\n' ' ' < /etc/avq-modules)"

i=0
while [ ! -e /sys/class/net/eth0 ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "no eth0 after 10 s"
	sleep 0.1
done
ip link set lo up
ip link set eth0 up || fail "ip link set eth0 up"
ip addr add "$avq_ip" dev eth0 || fail "ip addr add $avq_ip"
say "eth0 up ip=$avq_ip mac=$(cat /sys/class/net/eth0/address)"

rc=0
case "$avq_action" in
ping)
	# -w: overall deadline, so a dead link ends the action too.
	out=$(ping -c "$avq_count" -w $((avq_count * 2 + 10)) "$avq_peer" 2>&1)
	rc=$?
	echo "$out"
	tx=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	say "ping peer=$avq_peer tx=${tx:-0} rx=${rx:-0} rc=$rc"
	;;
shell)
	say "shell (exit to power off)"
	sh
	;;
*)
	fail "unknown action $avq_action"
	;;
esac

say "eth0 stats $(grep eth0: /proc/net/dev)"
say "done rc=$rc"
poweroff -f
sleep 60
