#!/bin/bash
# Lab self-test (network): run inside UML by `tests/lab/lab run`.
#   (1) GRE between two gateways across an "internet" segment
#   (3) strongSwan IKEv2 (PSK) transport-mode SA protecting that GRE: ESP on the
#       wire, zero cleartext GRE packets
#   (4) FRR: eBGP over the (protected) GRE reaches Established and exchanges routes
# Prints RESULT lines with the measured numbers.
. "$LAB_DIR/lib.sh"

lab_result boot_s "$(sed -n 's/^LAB_BOOT_SECONDS=//p' "$LAB_OUT/boot.env")"
lab_now; t0=$LAB_NOW

# ---- topology: gwa, gwb on "internet"; a dummy LAN on each
lab_segment internet || lab_fail "segment"
lab_hosts gwa gwb || lab_fail "hosts"
lab_result hosts_created_s "$(lab_since "$t0")"
lab_attach gwa eth0 internet 198.51.100.1/24 || lab_fail "attach gwa"
lab_attach gwb eth0 internet 198.51.100.2/24 || lab_fail "attach gwb"
lab_ip gwa link add lan0 type dummy && lab_ip gwa link set lan0 up && lab_addr gwa lan0 10.1.0.1/24 || lab_fail "lan gwa"
lab_ip gwb link add lan0 type dummy && lab_ip gwb link set lan0 up && lab_addr gwb lan0 10.2.0.1/24 || lab_fail "lan gwb"

# ---- (1) GRE
lab_gre gwa gre1 198.51.100.1 198.51.100.2 10.255.0.1/30 || lab_fail "gre gwa"
lab_gre gwb gre1 198.51.100.2 198.51.100.1 10.255.0.2/30 || lab_fail "gre gwb"
lab_capture_start gre internet || lab_fail "capture"
lab_exec gwa ping -q -c 5 -i 0.1 -W 2 10.255.0.2 >/dev/null || lab_fail "(1) no ping reply over GRE"
lab_capture_stop gre
n=$(lab_capture_count gre proto gre)
lab_log "(1) GRE ping ok: $n GRE packets on the internet segment"
[ "$n" -ge 10 ] || lab_fail "(1) expected >= 10 GRE packets on the wire, saw $n"
lab_result gre_packets "$n"

# ---- (3) strongSwan protecting GRE
swan_conf() { # SELF PEER START_ACTION
	cat <<-CONF
	connections {
		gre {
			version = 2
			local_addrs = $1
			remote_addrs = $2
			proposals = aes128gcm16-prfsha256-ecp256
			dpd_delay = 2s
			local {
				auth = psk
				id = $1
			}
			remote {
				auth = psk
				id = $2
			}
			children {
				gre {
					mode = transport
					local_ts = dynamic[gre]
					remote_ts = dynamic[gre]
					esp_proposals = aes128gcm16
					start_action = $3
					dpd_action = restart
				}
			}
		}
	}
	secrets {
		ike-lab {
			id-a = 198.51.100.1
			id-b = 198.51.100.2
			secret = "lab-psk-not-secret"
		}
	}
	CONF
}
swan_conf 198.51.100.1 198.51.100.2 start >/tmp/swanctl-gwa.conf
swan_conf 198.51.100.2 198.51.100.1 trap >/tmp/swanctl-gwb.conf
lab_now; ts=$LAB_NOW
lab_charon_start gwb /tmp/swanctl-gwb.conf || lab_fail "(3) charon gwb"
lab_charon_start gwa /tmp/swanctl-gwa.conf || lab_fail "(3) charon gwa"
lab_result charon_ready_s "$(lab_since "$ts")"
lab_charon_wait_child gwa gre 30 && lab_charon_wait_child gwb gre 10 || {
	lab_swanctl gwa --list-sas; lab_fail "(3) CHILD_SA gre not installed"; }
lab_result charon_start_to_esp_sa_s "$(lab_since "$ts")"
lab_capture_start esp internet || lab_fail "capture"
lab_exec gwa ping -q -c 20 -i 0.05 -W 2 10.255.0.2 >/dev/null || lab_fail "(3) no ping over GRE+ESP"
lab_capture_stop esp
esp=$(lab_capture_count esp esp)
clear=$(lab_capture_count esp proto gre)
lab_log "(3) over IPsec: $esp ESP packets, $clear cleartext GRE packets"
[ "$esp" -ge 40 ] || lab_fail "(3) expected >= 40 ESP packets, saw $esp"
[ "$clear" -eq 0 ] || lab_fail "(3) $clear cleartext GRE packets on the internet"
lab_result esp_packets "$esp"
lab_result cleartext_gre_packets "$clear"

# ---- (4) FRR eBGP over GRE
frr_conf() { # NAME AS PEER PEER_AS LAN
	cat <<-CONF
	frr defaults traditional
	hostname $1
	!
	ip prefix-list LAN seq 5 permit $5
	route-map LAN-OUT permit 10
	 match ip address prefix-list LAN
	!
	router bgp $2
	 bgp router-id ${3%.*}.$((${3##*.} == 1 ? 2 : 1))
	 no bgp ebgp-requires-policy
	 timers bgp 1 3
	 neighbor $3 remote-as $4
	 neighbor $3 timers connect 1
	 address-family ipv4 unicast
	  network $5
	  neighbor $3 route-map LAN-OUT out
	 exit-address-family
	!
	CONF
}
frr_conf gwa 65001 10.255.0.2 65002 10.1.0.0/24 >/tmp/frr-gwa.conf
frr_conf gwb 65002 10.255.0.1 65001 10.2.0.0/24 >/tmp/frr-gwb.conf
lab_now; tf=$LAB_NOW
lab_frr_start gwa /tmp/frr-gwa.conf & p1=$!
lab_frr_start gwb /tmp/frr-gwb.conf & p2=$!
wait $p1 || lab_fail "(4) FRR gwa"
wait $p2 || lab_fail "(4) FRR gwb"
lab_result frr_started_s "$(lab_since "$tf")"
lab_bgp_wait_established gwa 10.255.0.2 60 || { lab_vtysh gwa -c 'show bgp summary'; lab_fail "(4) BGP not Established"; }
lab_result frr_start_to_established_s "$(lab_since "$tf")"
lab_route_wait gwa 10.2.0.0/24 30 && lab_route_wait gwb 10.1.0.0/24 30 || {
	lab_vtysh gwa -c 'show ip bgp'; lab_fail "(4) routes not exchanged"; }
lab_result frr_start_to_routes_s "$(lab_since "$tf")"
lab_log "(4) gwa: $(ip -n gwa route show 10.2.0.0/24)"
lab_exec gwa ping -q -c 3 -i 0.1 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null || lab_fail "(4) LAN to LAN ping failed"
lab_log "(4) LAN-to-LAN ping over BGP route, GRE and ESP ok"
lab_result total_s "$(lab_since "$t0")"
lab_log "PASS"
