/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the typed run-state records (lib/records.h), every kind. The
 * first byte picks the kind (modulo their number), the rest is the record's
 * text. A record that parses must be sane for its kind (counts within the
 * arrays, strings terminated, required values in range), and its text as
 * written (vpnha_record_format) must parse back and be written the same.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static union {
	struct vpnha_rec_vip_owner vip;
	struct vpnha_rec_gre_owner gre;
	struct vpnha_rec_bgp_state bgp;
	struct vpnha_rec_ipsec_owned ipsec;
	struct vpnha_rec_mii_status mii;
	struct vpnha_rec_pid pid;
	struct vpnha_rec_since since;
	struct vpnha_rec_names names;
} rec, back;

#define TERMINATED(s) (strnlen((s), sizeof(s)) < sizeof(s))

static int sane_vip_gre(enum vpnha_rec_kind kind)
{
	if (kind == VPNHA_REC_VIP_OWNER)
		return TERMINATED(rec.vip.ifname) && rec.vip.ifname[0] && rec.vip.ifindex >= 1 &&
		       (rec.vip.addr.family == AF_INET || rec.vip.addr.family == AF_INET6);
	for (size_t i = 0; i < rec.gre.n_addrs && i < VPNHA_REC_GRE_ADDRS; i++)
		if (rec.gre.addrs[i].has_peer && rec.gre.addrs[i].peer.family != rec.gre.addrs[i].local.family)
			return 0;
	return TERMINATED(rec.gre.ifname) && rec.gre.ifname[0] && rec.gre.ifindex >= 0 &&
	       vpnha_gre_kind_from_str(rec.gre.kind) >= 0 && rec.gre.n_addrs <= VPNHA_REC_GRE_ADDRS &&
	       rec.gre.n_routes <= VPNHA_REC_GRE_ROUTES;
}

static int sane(enum vpnha_rec_kind kind)
{
	struct vpnha_addr a;

	switch (kind) {
	case VPNHA_REC_VIP_OWNER:
	case VPNHA_REC_GRE_OWNER:
		return sane_vip_gre(kind);
	case VPNHA_REC_BGP_STATE:
		return TERMINATED(rec.bgp.manage) && TERMINATED(rec.bgp.vrf) &&
		       vpnha_parse_addr(rec.bgp.neighbor, 0, &a, NULL, 0) == 0 && rec.bgp.local_as >= 1 &&
		       rec.bgp.local_as <= INT64_C(4294967295) && vpnha_parse_path(rec.bgp.vty_socket_dir, NULL, 0) == 0;
	case VPNHA_REC_IPSEC_OWNED:
		return TERMINATED(rec.ipsec.conn) && TERMINATED(rec.ipsec.shared_id) && TERMINATED(rec.ipsec.key_id);
	case VPNHA_REC_MII_STATUS:
		return TERMINATED(rec.mii.error) && TERMINATED(rec.mii.attrd) && TERMINATED(rec.mii.quorum) &&
		       rec.mii.n_attrs <= VPNHA_REC_MII_MAX && rec.mii.n_links <= VPNHA_REC_MII_MAX &&
		       (rec.mii.pid == 0 || rec.mii.pid >= 2);
	case VPNHA_REC_PID:
		return rec.pid.pid >= 2;
	case VPNHA_REC_SINCE:
		return 1;
	case VPNHA_REC_NAMES:
		return rec.names.n <= VPNHA_REC_MII_MAX;
	case VPNHA_REC_KIND_COUNT:
		break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[65536], again[65536];
	enum vpnha_rec_kind kind;
	char *text;
	int n, m;

	if (size < 1)
		return 0;
	kind = (enum vpnha_rec_kind)(data[0] % VPNHA_REC_KIND_COUNT);
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (vpnha_record_parse(kind, text, &rec) == 0) {
		if (!sane(kind))
			__builtin_trap();
		n = vpnha_record_format(kind, &rec, out, sizeof(out));
		if (n < 0 || (size_t)n != strlen(out) || vpnha_record_parse(kind, out, &back) < 0)
			__builtin_trap();
		m = vpnha_record_format(kind, &back, again, sizeof(again));
		if (m != n || memcmp(out, again, (size_t)n))
			__builtin_trap();
	}
	free(text);
	return 0;
}
