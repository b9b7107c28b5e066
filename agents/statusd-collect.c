/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * This node's VPN state for vpnha-statusd. What to show comes from the
 * agents' own run-state records (lib/records.h, read as the agents read them), so nothing is configured
 * twice: vip/NAME.owner (the VIPs this node holds), gre-tunnel/NAME.owner,
 * ipsec-conn/NAME.owned, bgp-peer/NAME.state, and the mii-link instance's status
 * file (the links as mii-link sees them). The live state comes from
 * netlink, VICI list-sas, the XFRM SAD and bgpd's vty. No fork, no exec.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frr.h"
#include "netlink.h"
#include "params.h"
#include "records.h"
#include "runstate.h"
#include "statusd.h"
#include "util.h"
#include "vici.h"
#include "vpnha.h"
#include "xfrm.h"

/* Copy outside text into a field: bounded, printable ASCII only. */
static void put_str(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < size; i++)
		dst[i] = src[i] >= 0x20 && src[i] <= 0x7e ? src[i] : '?';
	dst[i] = '\0';
}

static uint64_t num(const char *s)
{
	int64_t v;

	return s && vpnha_parse_int(s, 0, INT64_MAX, &v, NULL, 0) == 0 ? (uint64_t)v : 0;
}

/* A prefix as the records write it: ADDR/LEN. */
static void prefix_put(char *dst, size_t size, const struct vpnha_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(dst, size, "%s/%u", vpnha_addr_str(a, s, sizeof(s)), a->prefixlen);
}

/* ---- links: mii-link's status file, link.IFACE=RAW/PUBLISHED[/suppressed] ---- */

static uint8_t tri_of(int v)
{
	if (v < 0)
		return VPNHA_ST_UNKNOWN;
	return v ? VPNHA_ST_UP : VPNHA_ST_DOWN;
}

static void collect_links(const struct statusd_src *src, struct vpnha_status_node *n)
{
	struct vpnha_rec_mii_status *st = calloc(1, sizeof(*st));
	size_t i;

	n->n_links = 0;
	if (!st || !src->mii_instance || vpnha_record_read(VPNHA_REC_MII_STATUS, "mii-link", src->mii_instance, "status", st) < 0)
		goto cleanup;
	for (i = 0; i < st->n_links && n->n_links < VPNHA_STATUS_MAX_ITEMS; i++) {
		struct vpnha_status_link *l = &n->links[n->n_links++];

		memset(l, 0, sizeof(*l));
		put_str(l->name, sizeof(l->name), st->links[i].name);
		l->raw = tri_of(st->links[i].raw);
		l->published = tri_of(st->links[i].stable);
		l->suppressed = st->links[i].suppressed;
	}
cleanup:
	free(st);
}

/* ---- VIPs and GRE tunnels: the records, then netlink ---- */

struct nl_walk {
	struct vpnha_status_node *n;
	struct vpnha_nl *nl; /* NULL: netlink unavailable, states unknown */
};

static int on_vip(const char *instance, const char *text, void *ud)
{
	struct nl_walk *w = ud;
	struct vpnha_status_vip *v;
	struct vpnha_rec_vip_owner o;
	struct vpnha_nl_addr a = { 0 };
	int r;

	if (w->n->n_vips >= VPNHA_STATUS_MAX_ITEMS || vpnha_record_parse(VPNHA_REC_VIP_OWNER, text, &o) < 0)
		return 0;
	v = &w->n->vips[w->n->n_vips++];
	memset(v, 0, sizeof(*v));
	prefix_put(v->addr, sizeof(v->addr), &o.addr);
	put_str(v->ifname, sizeof(v->ifname), o.ifname);
	v->present = VPNHA_ST_UNKNOWN;
	if (!w->nl)
		return 0;
	a.local = o.addr;
	r = vpnha_nl_addr_present(w->nl, o.ifindex, &a);
	if (r >= 0)
		v->present = r ? VPNHA_ST_UP : VPNHA_ST_DOWN;
	return 0;
}

static void gre_live(struct nl_walk *w, struct vpnha_status_gre *g)
{
	struct vpnha_link l;
	int r;

	g->up = VPNHA_ST_UNKNOWN;
	if (!w->nl)
		return;
	r = vpnha_nl_link_get(w->nl, g->ifname, 0, &l);
	if (r == -ENODEV)
		g->up = VPNHA_ST_DOWN;
	if (r < 0)
		return;
	g->up = l.up && l.lower_up ? VPNHA_ST_UP : VPNHA_ST_DOWN;
	put_str(g->kind, sizeof(g->kind), l.kind);
	if (l.is_gre && l.gre.local.family)
		vpnha_addr_str(&l.gre.local, g->local, sizeof(g->local));
	if (l.is_gre && l.gre.remote.family)
		vpnha_addr_str(&l.gre.remote, g->remote, sizeof(g->remote));
	g->rx_bytes = l.rx_bytes;
	g->tx_bytes = l.tx_bytes;
	g->rx_packets = l.rx_packets;
	g->tx_packets = l.tx_packets;
	g->rx_errors = l.rx_errors;
	g->tx_errors = l.tx_errors;
}

static int on_gre(const char *instance, const char *text, void *ud)
{
	struct nl_walk *w = ud;
	struct vpnha_status_gre *g;
	struct vpnha_rec_gre_owner *o = malloc(sizeof(*o));

	if (!o || w->n->n_gres >= VPNHA_STATUS_MAX_ITEMS || vpnha_record_parse(VPNHA_REC_GRE_OWNER, text, o) < 0)
		goto cleanup;
	g = &w->n->gres[w->n->n_gres++];
	memset(g, 0, sizeof(*g));
	put_str(g->ifname, sizeof(g->ifname), o->ifname);
	put_str(g->kind, sizeof(g->kind), o->kind);
	if (o->n_addrs > 0)
		prefix_put(g->inner, sizeof(g->inner), &o->addrs[0].local); /* the local address */
	gre_live(w, g);
cleanup:
	free(o);
	return 0;
}

static void collect_netlink(struct vpnha_status_node *n)
{
	struct nl_walk w = { .n = n };

	n->n_vips = 0;
	n->n_gres = 0;
	if (vpnha_nl_open(&w.nl, 1000) < 0)
		w.nl = NULL;
	vpnha_state_foreach("vip", "owner", on_vip, &w);
	vpnha_state_foreach("gre-tunnel", "owner", on_gre, &w);
	if (w.nl)
		vpnha_nl_close(w.nl);
}

/* ---- BGP: bgp-peer's records, then bgpd's vty ---- */

static void bgp_live(const char *vty_dir, struct vpnha_status_bgp *b, uint64_t budget_ms)
{
	__attribute__((cleanup(vpnha_frr_vty_freep))) struct vpnha_frr_vty *v = NULL;
	_vpnha_auto_free char *out = NULL;
	struct vpnha_frr_neighbor nb;
	char cmd[VPNHA_FRR_CMD_MAX];
	size_t len, af;
	int st;

	if (b->vrf[0] && strcmp(b->vrf, "default"))
		snprintf(cmd, sizeof(cmd), "show bgp vrf %s neighbors %s json", b->vrf, b->neighbor);
	else
		snprintf(cmd, sizeof(cmd), "show bgp neighbors %s json", b->neighbor);
	if (vpnha_frr_vty_connect(&v, vty_dir, "bgpd", vpnha_now_ms() + budget_ms) < 0 ||
	    vpnha_frr_vty_cmd(v, cmd, &st, &out, &len) < 0 || st != VPNHA_FRR_CMD_SUCCESS ||
	    vpnha_frr_neighbor_parse(out, len, b->neighbor, &nb) < 0)
		return; /* state stays "": unknown */
	put_str(b->state, sizeof(b->state), nb.state_str);
	if (nb.state == VPNHA_FRR_BGP_ESTABLISHED)
		b->up_s = nb.up_ms / 1000u;
	b->pfx_rx = nb.accepted_total;
	for (af = 0; af < VPNHA_FRR_AF_COUNT; af++)
		b->pfx_tx += nb.sent[af];
	if (nb.bfd)
		put_str(b->bfd, sizeof(b->bfd), nb.bfd_status[0] ? nb.bfd_status : "Unknown");
}

struct bgp_walk {
	struct vpnha_status_node *n;
	uint64_t budget_ms;
};

static int on_bgp(const char *instance, const char *text, void *ud)
{
	struct bgp_walk *w = ud;
	struct vpnha_status_bgp *b;
	struct vpnha_rec_bgp_state st;

	if (w->n->n_bgps >= VPNHA_STATUS_MAX_ITEMS || vpnha_record_parse(VPNHA_REC_BGP_STATE, text, &st) < 0)
		return 0;
	b = &w->n->bgps[w->n->n_bgps++];
	memset(b, 0, sizeof(*b));
	put_str(b->neighbor, sizeof(b->neighbor), st.neighbor);
	put_str(b->vrf, sizeof(b->vrf), st.vrf);
	bgp_live(st.vty_socket_dir, b, w->budget_ms);
	return 0;
}

static void collect_bgp(const struct statusd_src *src, struct vpnha_status_node *n)
{
	struct bgp_walk w = { .n = n, .budget_ms = src->budget_ms };

	n->n_bgps = 0;
	vpnha_state_foreach("bgp-peer", "state", on_bgp, &w);
}

/* ---- IPsec: ipsec-conn's records, VICI list-sas, the XFRM SAD ---- */

struct sa_walk {
	struct vpnha_status_node *n;
	char conns[VPNHA_STATUS_MAX_ITEMS][VPNHA_STATUS_NAME];
	size_t n_conns;
	struct vpnha_xfrm *xfrm; /* NULL: the kernel's view unknown */
};

static int on_conn(const char *instance, const char *text, void *ud)
{
	struct sa_walk *w = ud;
	struct vpnha_rec_ipsec_owned o;

	if (w->n_conns < VPNHA_STATUS_MAX_ITEMS && vpnha_record_parse(VPNHA_REC_IPSEC_OWNED, text, &o) == 0 &&
	    o.conn[0]) {
		put_str(w->conns[w->n_conns], VPNHA_STATUS_NAME, o.conn);
		w->n_conns++;
	}
	return 0;
}

static bool conn_known(const struct sa_walk *w, const char *name)
{
	for (size_t i = 0; i < w->n_conns; i++)
		if (!strcmp(w->conns[i], name))
			return true;
	return false;
}

/* Are both SPIs of an installed CHILD_SA in the kernel's SAD? */
static uint8_t sa_in_kernel(struct sa_walk *w, const struct vpnha_status_sa *sa)
{
	struct vpnha_addr l, r;
	unsigned in = 0, out = 0;

	if (!w->xfrm || vpnha_parse_addr(sa->local, 0, &l, NULL, 0) < 0 ||
	    vpnha_parse_addr(sa->remote, 0, &r, NULL, 0) < 0)
		return VPNHA_ST_UNKNOWN;
	if (vpnha_xfrm_sa_count(w->xfrm, &r, &l, sa->spi_in, &in) < 0 ||
	    vpnha_xfrm_sa_count(w->xfrm, &l, &r, sa->spi_out, &out) < 0)
		return VPNHA_ST_UNKNOWN;
	return in && out ? VPNHA_ST_UP : VPNHA_ST_DOWN;
}

static void sa_child(struct sa_walk *w, const struct vpnha_vici_node *ike, const char *conn,
		     const struct vpnha_vici_node *ch)
{
	struct vpnha_status_sa *sa;

	if (w->n->n_sas >= VPNHA_STATUS_MAX_ITEMS || ch->type != VPNHA_VICI_NODE_SECTION)
		return;
	sa = &w->n->sas[w->n->n_sas++];
	memset(sa, 0, sizeof(*sa));
	put_str(sa->conn, sizeof(sa->conn), conn);
	put_str(sa->ike_state, sizeof(sa->ike_state), vpnha_vici_node_str(ike, "state"));
	put_str(sa->local, sizeof(sa->local), vpnha_vici_node_str(ike, "local-host"));
	put_str(sa->remote, sizeof(sa->remote), vpnha_vici_node_str(ike, "remote-host"));
	put_str(sa->child, sizeof(sa->child), vpnha_vici_node_str(ch, "name"));
	put_str(sa->state, sizeof(sa->state), vpnha_vici_node_str(ch, "state"));
	vpnha_vici_spi_parse(vpnha_vici_node_str(ch, "spi-in"), &sa->spi_in);
	vpnha_vici_spi_parse(vpnha_vici_node_str(ch, "spi-out"), &sa->spi_out);
	sa->bytes_in = num(vpnha_vici_node_str(ch, "bytes-in"));
	sa->bytes_out = num(vpnha_vici_node_str(ch, "bytes-out"));
	sa->packets_in = num(vpnha_vici_node_str(ch, "packets-in"));
	sa->packets_out = num(vpnha_vici_node_str(ch, "packets-out"));
	sa->established_s = num(vpnha_vici_node_str(ch, "install-time"));
	sa->rekey_s = num(vpnha_vici_node_str(ch, "rekey-time"));
	sa->in_kernel = strcmp(sa->state, "INSTALLED") ? VPNHA_ST_DOWN : sa_in_kernel(w, sa);
}

/* One list-sa event: IKE_SA name -> section (state, hosts, child-sas). */
static int on_list_sa(const struct vpnha_vici_node *ev, void *ud)
{
	struct sa_walk *w = ud;

	for (size_t i = 0; i < ev->n_children; i++) {
		const struct vpnha_vici_node *ike = &ev->children[i], *chs;

		if (ike->type != VPNHA_VICI_NODE_SECTION || !ike->name || !conn_known(w, ike->name))
			continue;
		chs = vpnha_vici_node_get(ike, "child-sas");
		if (!chs || chs->type != VPNHA_VICI_NODE_SECTION)
			continue;
		for (size_t j = 0; j < chs->n_children; j++)
			sa_child(w, ike, ike->name, &chs->children[j]);
	}
	return 0;
}

/* A recorded connection without any CHILD_SA: shown down (or unknown). */
static void sa_placeholders(struct sa_walk *w, bool charon_answered)
{
	for (size_t i = 0; i < w->n_conns && w->n->n_sas < VPNHA_STATUS_MAX_ITEMS; i++) {
		struct vpnha_status_sa *sa;
		size_t k;

		for (k = 0; k < w->n->n_sas && strcmp(w->n->sas[k].conn, w->conns[i]); k++)
			;
		if (k < w->n->n_sas)
			continue;
		sa = &w->n->sas[w->n->n_sas++];
		memset(sa, 0, sizeof(*sa));
		put_str(sa->conn, sizeof(sa->conn), w->conns[i]);
		put_str(sa->ike_state, sizeof(sa->ike_state), charon_answered ? "" : "UNKNOWN");
		sa->in_kernel = charon_answered ? VPNHA_ST_DOWN : VPNHA_ST_UNKNOWN;
	}
}

static void collect_ipsec(const struct statusd_src *src, struct vpnha_status_node *n)
{
	struct sa_walk *w = calloc(1, sizeof(*w));
	struct vpnha_vici_conn *c = NULL;
	struct vpnha_vici_node *resp = NULL;
	struct vpnha_vici_writer req;
	uint64_t deadline = vpnha_now_ms() + src->budget_ms;
	int r = -ENOMEM;

	n->n_sas = 0;
	if (!w)
		return;
	w->n = n;
	vpnha_state_foreach("ipsec-conn", "owned", on_conn, w);
	if (w->n_conns == 0)
		goto cleanup;
	if (vpnha_xfrm_open(&w->xfrm) < 0)
		w->xfrm = NULL;
	vpnha_vici_writer_init(&req);
	vpnha_vici_kv(&req, "noblock", "yes");
	r = vpnha_vici_connect(&c, src->vici_socket, deadline);
	if (r == 0)
		r = vpnha_vici_request(c, "list-sas", &req, "list-sa", on_list_sa, w, deadline, &resp);
	vpnha_vici_writer_free(&req);
	vpnha_vici_node_free(resp);
	if (c)
		vpnha_vici_close(c);
cleanup:
	sa_placeholders(w, r == 0);
	if (w->xfrm)
		vpnha_xfrm_close(w->xfrm);
	free(w);
}

void statusd_collect(const struct statusd_src *src, struct vpnha_status_node *n)
{
	collect_links(src, n);
	collect_netlink(n);
	collect_ipsec(src, n);
	collect_bgp(src, n);
}
