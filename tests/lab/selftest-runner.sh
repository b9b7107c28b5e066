#!/bin/bash
# Guest side of runner.test: checks what the runner promises inside UML.
# Args are checked verbatim by the caller (runner.test passes tricky ones).
. "$LAB_DIR/lib.sh"
printf '%s\n' "$@" >"$LAB_OUT/args.txt"
ok=1
# root is an overlay, writes stay in the guest
grep -q '^overlay / overlay' /proc/mounts || { echo "root is not an overlay"; ok=0; }
echo lab >/etc/vpnha-lab-probe || { echo "cannot write /etc in the overlay"; ok=0; }
# modules the lab promises
for m in ip_gre ip6_gre esp4 esp6 xfrm_user veth bridge dummy bonding drbg; do
	[ -d "/sys/module/$m" ] || { echo "module $m not loaded"; ok=0; }
done
# ESP needs an stdrng (drbg).  jitterentropy_rng is loaded when the host's
# timer passes its health test; Debian's 6.1.176 UML kernel refuses it on some
# hosts ("host not compliant with requirements: 2") and drbg works without it.
grep -q '^name *: stdrng' /proc/crypto || { echo "no stdrng in /proc/crypto"; ok=0; }
[ "$(cat /proc/sys/kernel/modprobe)" = /run/modprobe ] || { echo "modprobe helper not set"; ok=0; }
# the kernel's own module requests work (request_module through the wrapper)
modprobe -r sch_sfq 2>/dev/null
ip link add labtst type dummy && ip link del labtst || { echo "dummy link failed"; ok=0; }
# process substitution needs /dev/fd
[ "$(cat <(echo x))" = x ] || { echo "no /dev/fd"; ok=0; }
# a host with private /run
lab_host h1 || { echo "lab_host failed"; ok=0; }
lab_exec h1 touch /run/private-file
[ -e /run/private-file ] && { echo "host /run is not private"; ok=0; }
[ -e "/proc/$(lab_pid h1)/root/run/private-file" ] || { echo "host /run not reachable via /proc/PID/root"; ok=0; }
[ "$(lab_exec h1 hostname)" = h1 ] || { echo "hostname"; ok=0; }
[ "$(lab_exec h1 sh -c 'echo $$')" != 1 ] || { echo "pid ns?"; ok=0; }
lab_crash h1 || { echo "crash failed"; ok=0; }
lab_alive h1 && { echo "still alive after crash"; ok=0; }
lab_restore h1 || { echo "restore failed"; ok=0; }
lab_alive h1 || { echo "not alive after restore"; ok=0; }
[ -e "/proc/$(lab_pid h1)/root/run/private-file" ] && { echo "/run survived a crash"; ok=0; }
lab_result boot_s "$(sed -n 's/^LAB_BOOT_SECONDS=//p' "$LAB_OUT/boot.env")"
[ $ok = 1 ] || exit 1
exit "${LAB_RUNNER_EXIT:-0}"
