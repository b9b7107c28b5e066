/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `vpnha status`: the site in one screen. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char *clock_str(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

static const char *dur_str(uint64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 "s", s);
	return buf;
}

static const char *bytes_str(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

static void print_links(FILE *o, const struct vpnha_status_node *n)
{
	if (!n->n_links)
		return;
	fprintf(o, "    links  ");
	for (size_t i = 0; i < n->n_links; i++)
		fprintf(o, " %s %s%s", n->links[i].name, vpnha_status_tri_str(n->links[i].published),
			n->links[i].suppressed ? " (flapping)" : "");
	fputc('\n', o);
}

static void print_vips(FILE *o, const struct vpnha_status_node *n)
{
	for (size_t i = 0; i < n->n_vips; i++)
		fprintf(o, "    VIP     %s on %s%s\n", n->vips[i].addr, n->vips[i].ifname,
			n->vips[i].present == VPNHA_ST_UP ? "" : n->vips[i].present == VPNHA_ST_DOWN ? " MISSING"
												     : " (unknown)");
}

static void print_sas(FILE *o, const struct vpnha_status_node *n)
{
	char a[32], b[32], c[32], d[32];

	for (size_t i = 0; i < n->n_sas; i++) {
		const struct vpnha_status_sa *s = &n->sas[i];

		if (!s->state[0]) {
			fprintf(o, "    IPsec   %s: %s\n", s->conn, s->ike_state[0] ? "charon not answering" : "no SA");
			continue;
		}
		fprintf(o, "    IPsec   %s/%s %s%s  spi in %08" PRIx32 " out %08" PRIx32 "  %s <-> %s\n", s->conn,
			s->child, s->state, s->in_kernel == VPNHA_ST_DOWN ? " (NOT IN KERNEL)" : "", s->spi_in,
			s->spi_out, s->local, s->remote);
		fprintf(o, "            in %s / %" PRIu64 " pkts, out %s / %" PRIu64 " pkts, up %s, rekey in %s\n",
			bytes_str(s->bytes_in, a, sizeof(a)), s->packets_in, bytes_str(s->bytes_out, b, sizeof(b)),
			s->packets_out, dur_str(s->established_s, c, sizeof(c)),
			s->rekey_s ? dur_str(s->rekey_s, d, sizeof(d)) : "-");
	}
}

static void print_gres(FILE *o, const struct vpnha_status_node *n)
{
	char a[32], b[32];

	for (size_t i = 0; i < n->n_gres; i++) {
		const struct vpnha_status_gre *g = &n->gres[i];

		fprintf(o, "    GRE     %s %s %s  %s -> %s  inner %s  rx %s tx %s, errors %" PRIu64 "/%" PRIu64 "\n",
			g->ifname, g->kind, vpnha_status_tri_str(g->up), g->local[0] ? g->local : "any",
			g->remote[0] ? g->remote : "?", g->inner[0] ? g->inner : "-", bytes_str(g->rx_bytes, a, sizeof(a)),
			bytes_str(g->tx_bytes, b, sizeof(b)), g->rx_errors, g->tx_errors);
	}
}

static void print_bgps(FILE *o, const struct vpnha_status_node *n)
{
	char a[32];

	for (size_t i = 0; i < n->n_bgps; i++) {
		const struct vpnha_status_bgp *b = &n->bgps[i];

		fprintf(o, "    BGP     %s%s%s %s", b->neighbor, b->vrf[0] ? " vrf " : "", b->vrf,
			b->state[0] ? b->state : "unknown (bgpd not answering)");
		if (!strcmp(b->state, "Established"))
			fprintf(o, " %s", dur_str(b->up_s, a, sizeof(a)));
		fprintf(o, "  prefixes rx %" PRIu64 " tx %" PRIu64 "  BFD %s\n", b->pfx_rx, b->pfx_tx,
			b->bfd[0] ? b->bfd : "off");
	}
}

static void print_node(FILE *o, const struct cli_view *v, const struct vpnha_status_node *n)
{
	bool live = vpnha_status_node_live(n, v->now);
	char t[32], u[32];

	fprintf(o, "\n%s%s (node %" PRIu32 "): %s", n->name[0] ? n->name : "?",
		n->nodeid == v->site->local_nodeid ? " [this node]" : "", n->nodeid,
		vpnha_status_member_str(n->member));
	if (n->since)
		fprintf(o, " since %s", clock_str(n->since, t, sizeof(t)));
	if (live)
		fprintf(o, "%s\n", vpnha_status_node_active(n) ? ", ACTIVE" : ", standby");
	else
		fprintf(o, "  (last report %s, as it was then:)\n", clock_str(n->updated, u, sizeof(u)));
	print_links(o, n);
	print_vips(o, n);
	print_sas(o, n);
	print_gres(o, n);
	print_bgps(o, n);
}

/* The latest change of KIND (any kind when ANY) over all nodes. */
static bool latest_role(const struct vpnha_status_site *s, bool any, enum vpnha_status_role_kind kind, size_t *node,
			size_t *role)
{
	uint64_t best = 0;
	bool found = false;

	for (size_t i = 0; i < s->n_nodes; i++)
		for (size_t k = 0; k < s->nodes[i].n_roles; k++)
			if ((any || s->nodes[i].roles[k].kind == kind) && s->nodes[i].roles[k].at >= best) {
				best = s->nodes[i].roles[k].at;
				*node = i;
				*role = k;
				found = true;
			}
	return found;
}

/* The last failover is the latest 'took over' of any node (each daemon stamps
 * a change when its next collection sees it, so the old node's 'gave up' may
 * carry a later time than the new node's 'took over'); with none, the latest
 * change of any kind (a node gave up and nobody took over). */
bool cli_last_failover(const struct vpnha_status_site *s, size_t *node, size_t *role)
{
	return latest_role(s, false, VPNHA_ROLE_TOOK_OVER, node, role) ||
	       latest_role(s, true, VPNHA_ROLE_TOOK_OVER, node, role);
}

/* The last failover, and every role and membership change within a minute of it. */
static void print_failover(FILE *o, const struct vpnha_status_site *s)
{
	size_t ni, ri;
	uint64_t at;
	char t[32];

	if (!cli_last_failover(s, &ni, &ri)) {
		fprintf(o, "\nLast failover: none seen since the daemons started\n");
		return;
	}
	at = s->nodes[ni].roles[ri].at;
	fprintf(o, "\nLast failover: %s %s %s (%s)\n", clock_str(at, t, sizeof(t)), s->nodes[ni].name,
		vpnha_status_role_str(s->nodes[ni].roles[ri].kind), s->nodes[ni].roles[ri].reason);
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct vpnha_status_node *n = &s->nodes[i];

		if (n->since && n->since + 60 >= at && n->since <= at + 60)
			fprintf(o, "  %s  %s %s\n", clock_str(n->since, t, sizeof(t)), n->name,
				vpnha_status_member_str(n->member));
		for (size_t k = 0; k < n->n_roles; k++)
			if (n->roles[k].at + 60 >= at && n->roles[k].at <= at + 60)
				fprintf(o, "  %s  %s %s: %s\n", clock_str(n->roles[k].at, t, sizeof(t)), n->name,
					vpnha_status_role_str(n->roles[k].kind), n->roles[k].reason);
	}
}

int cli_render_text(FILE *o, const struct cli_view *v)
{
	const struct vpnha_status_site *s = v->site;
	size_t online = 0;
	char t[32];

	for (size_t i = 0; i < s->n_nodes; i++)
		online += s->nodes[i].member == VPNHA_MEMBER_ONLINE;
	fprintf(o, "vpnha site status at %s\n", clock_str(s->generated, t, sizeof(t)));
	if (s->local_nodeid == 0)
		fprintf(o, "Cluster: not reachable from this node (corosync down?)\n");
	else
		fprintf(o, "Cluster: %zu of %zu gateways online, %s\n", online, s->n_nodes,
			s->quorate == VPNHA_ST_UP ? "quorate" : s->quorate == VPNHA_ST_DOWN ? "NOT QUORATE"
											    : "quorum unknown");
	fprintf(o, "Health: %s%s%s\n", vpnha_status_health_str(v->health), v->why[0] ? ": " : "", v->why);
	for (size_t i = 0; i < s->n_nodes; i++)
		print_node(o, v, &s->nodes[i]);
	print_failover(o, s);
	return ferror(o) ? -1 : 0;
}
