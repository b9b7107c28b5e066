# vpnha end-to-end (issue 8): the two-site topology, built with tests/lab/lib.sh.
# Sourced by tests/e2e/demo.sh inside the lab.  shellcheck shell=bash
#
#                       "internet" 203.0.113.0/24 (segment)
#        .11 ext0   .12 ext0    VIP .10 | VIP .20    .21 ext0   .22 ext0
#        +------+   +------+                         +------+   +------+
#        | gw1a |   | gw1b |  site1 cluster   site2  | gw2a |   | gw2b |
#        +------+   +------+                 cluster +------+   +------+
#        .2 int0    .3 int0                          .2 int0    .3 int0
#     ---- site1 LAN 10.1.0.0/24 (VIP .1) ----   ---- site2 LAN 10.2.0.0/24 (VIP .1) ----
#                 lan1 .100                                  lan2 .100
#
# GRE gre1 172.16.0.1/30 <-> 172.16.0.2/30 between the external VIPs, inside an
# ESP transport SA; iBGP AS 65432 over GRE; corosync ring0 over each site's LAN.

E2E_GWS="gw1a gw1b gw2a gw2b"
E2E_SITES="site1 site2"
E2E_PSK=/etc/vpnha/site1-site2.psk
e2e_site_of() { case $1 in gw1*|lan1) echo site1;; *) echo site2;; esac; }
e2e_nodes() { case $1 in site1) echo "gw1a gw1b";; site2) echo "gw2a gw2b";; esac; }
e2e_other() { case $1 in gw1a) echo gw1b;; gw1b) echo gw1a;; gw2a) echo gw2b;; gw2b) echo gw2a;; esac; }
e2e_n() { case $1 in gw1*) echo 1;; gw2*) echo 2;; esac; }
# e2e_gw GW: sets E2E_EXT, E2E_INT (its addresses) and E2E_SITE without forking
# (a command substitution costs ~50 ms inside UML); the one address table.
e2e_gw() {
	case $1 in
	gw1a) E2E_EXT=203.0.113.11 E2E_INT=10.1.0.2 E2E_SITE=site1 ;;
	gw1b) E2E_EXT=203.0.113.12 E2E_INT=10.1.0.3 E2E_SITE=site1 ;;
	gw2a) E2E_EXT=203.0.113.21 E2E_INT=10.2.0.2 E2E_SITE=site2 ;;
	gw2b) E2E_EXT=203.0.113.22 E2E_INT=10.2.0.3 E2E_SITE=site2 ;;
	*) return 1 ;;
	esac
}
e2e_ext_addr() { e2e_gw "$1" && echo "$E2E_EXT"; }
e2e_int_addr() { e2e_gw "$1" && echo "$E2E_INT"; }

# e2e_topology: hosts, cables, addresses, routes (parallel where the lab allows).
e2e_topology() {
	local h pids=() p rc=0
	for h in $E2E_GWS lan1 lan2 ${E2E_EXTRA_HOSTS:-}; do lab_host "$h" & pids+=($!); done
	for s in internet site1 site2; do lab_segment "$s" || return 1; done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	[ $rc = 0 ] || { echo "e2e_topology: a host failed to start" >&2; return 1; }
	for h in $E2E_GWS; do
		e2e_gw "$h" || return 1
		lab_attach "$h" ext0 internet "$E2E_EXT/24" || return 1
		lab_attach "$h" int0 "$E2E_SITE" "$E2E_INT/24" || return 1
		# a router; IPv6 off on the tunnel side: link-local traffic on gre1
		# would hit charon's trap policy and re-trigger CHILD_SAs (lab notes)
		lab_sysctl "$h" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
			net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
	for n in 1 2; do
		lab_attach "lan$n" eth0 "site$n" "10.$n.0.100/24" || return 1
		lab_route "lan$n" default "10.$n.0.1" || return 1
	done
}

# e2e_configs EXAMPLES_DIR: install the example configs on every gateway, the way
# an admin would copy them: strongswan.conf, frr.conf, the PSK (0600).
e2e_configs() {
	local ex=$1 h s rid tmp
	tmp=$LAB_STATE/e2e-configs; mkdir -p "$tmp"
	# one random PSK for both sites (the same secret on the 4 gateways)
	head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' >"$tmp/psk" || return 1
	for h in $E2E_GWS; do
		s=$(e2e_site_of "$h")
		rid=$(e2e_int_addr "$h")
		install -m 644 "$ex/strongswan/strongswan.conf" "$(lab_hostpath "$h" /etc/swanctl/strongswan.conf)" || return 1
		install -m 644 "$ex/strongswan/swanctl/swanctl.conf" "$(lab_hostpath "$h" /etc/swanctl/swanctl.conf)" || return 1
		"$ex/render" "$ex/frr/frr.conf.in" "$ex/$s.env" HOSTNAME="$h" ROUTER_ID="$rid" >"$tmp/frr-$h.conf" || return 1
		install -m 600 -o root -g root "$tmp/psk" "$(lab_hostpath "$h" "$E2E_PSK")" || return 1
	done
}

# e2e_cluster_define SITE EXAMPLES_DIR: corosync.conf from the example (authkey and
# pre-seeded CIB from lib.sh's lab_cluster).
e2e_cluster_define() {
	local s=$1 ex=$2 a b
	read -r a b <<<"$(e2e_nodes "$s")"
	lab_cluster "$s" "$a=$(e2e_int_addr "$a")" "$b=$(e2e_int_addr "$b")" || return 1
	"$ex/render" "$ex/corosync/corosync.conf.in" "$ex/$s.env" NODE1="$a" NODE2="$b" \
		ADDR1="$(e2e_int_addr "$a")" ADDR2="$(e2e_int_addr "$b")" >"$LAB_STATE/e2e-configs/corosync-$s.conf" || return 1
	for h in $a $b; do
		install -m 644 "$LAB_STATE/e2e-configs/corosync-$s.conf" "$(lab_hostpath "$h" /etc/corosync/corosync.conf)" || return 1
	done
}

# e2e_daemons HOST: charon and FRR (zebra, bgpd; bfdd is not needed: bfd=false) on a gateway: they run on
# both gateways all the time, outside the cluster.
e2e_daemons() {
	local h=$1
	lab_charon_start "$h" || return 1
	# shellcheck disable=SC2086 # E2E_FRR_DAEMONS: a list (proofs-routing.sh adds staticd, pimd)
	lab_frr_start "$h" "$LAB_STATE/e2e-configs/frr-$h.conf" ${E2E_FRR_DAEMONS:-zebra bgpd} || return 1
	# proofs-conntrack.sh (when sourced): conntrackd.conf, the firewall
	! declare -F ct_gateway >/dev/null || ct_gateway "$h"
}
