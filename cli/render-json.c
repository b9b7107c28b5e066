/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `vpnha status --json`: schema "vpnha-status", version VPNHA_JSON_VERSION
 * (documented in vpnha(8)). A minor version adds members only; a consumer
 * ignores members it does not know. Times are UNIX seconds.
 */
#include "config.h"

#include <stdio.h>

#include <json-c/json.h>

#include "cli.h"

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void add_bool(json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static json_object *links_json(const struct vpnha_status_node *n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n->n_links; i++) {
		json_object *o = json_object_new_object();

		add_str(o, "name", n->links[i].name);
		add_str(o, "state", vpnha_status_tri_str(n->links[i].published));
		add_str(o, "kernel_state", vpnha_status_tri_str(n->links[i].raw));
		add_bool(o, "suppressed", n->links[i].suppressed);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *sas_json(const struct vpnha_status_node *n)
{
	json_object *a = json_object_new_array();
	char spi[16];

	for (size_t i = 0; i < n->n_sas; i++) {
		const struct vpnha_status_sa *s = &n->sas[i];
		json_object *o = json_object_new_object();

		add_str(o, "conn", s->conn);
		add_str(o, "child", s->child);
		add_str(o, "state", s->state);
		add_str(o, "ike_state", s->ike_state);
		add_str(o, "local", s->local);
		add_str(o, "remote", s->remote);
		snprintf(spi, sizeof(spi), "%08x", s->spi_in);
		add_str(o, "spi_in", spi);
		snprintf(spi, sizeof(spi), "%08x", s->spi_out);
		add_str(o, "spi_out", spi);
		add_u64(o, "bytes_in", s->bytes_in);
		add_u64(o, "bytes_out", s->bytes_out);
		add_u64(o, "packets_in", s->packets_in);
		add_u64(o, "packets_out", s->packets_out);
		add_u64(o, "established_seconds", s->established_s);
		add_u64(o, "rekey_in_seconds", s->rekey_s);
		add_str(o, "in_kernel", vpnha_status_tri_str(s->in_kernel));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *gres_json(const struct vpnha_status_node *n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n->n_gres; i++) {
		const struct vpnha_status_gre *g = &n->gres[i];
		json_object *o = json_object_new_object();

		add_str(o, "ifname", g->ifname);
		add_str(o, "kind", g->kind);
		add_str(o, "state", vpnha_status_tri_str(g->up));
		add_str(o, "local", g->local);
		add_str(o, "remote", g->remote);
		add_str(o, "inner", g->inner);
		add_u64(o, "rx_bytes", g->rx_bytes);
		add_u64(o, "tx_bytes", g->tx_bytes);
		add_u64(o, "rx_packets", g->rx_packets);
		add_u64(o, "tx_packets", g->tx_packets);
		add_u64(o, "rx_errors", g->rx_errors);
		add_u64(o, "tx_errors", g->tx_errors);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *bgps_json(const struct vpnha_status_node *n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n->n_bgps; i++) {
		const struct vpnha_status_bgp *b = &n->bgps[i];
		json_object *o = json_object_new_object();

		add_str(o, "neighbor", b->neighbor);
		add_str(o, "vrf", b->vrf[0] ? b->vrf : "default");
		add_str(o, "state", b->state[0] ? b->state : "unknown");
		add_u64(o, "uptime_seconds", b->up_s);
		add_u64(o, "prefixes_received", b->pfx_rx);
		add_u64(o, "prefixes_sent", b->pfx_tx);
		add_str(o, "bfd", b->bfd[0] ? b->bfd : "off");
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *vips_roles_json(const struct vpnha_status_node *n, json_object **roles)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n->n_vips; i++) {
		json_object *o = json_object_new_object();

		add_str(o, "address", n->vips[i].addr);
		add_str(o, "ifname", n->vips[i].ifname);
		add_str(o, "state", vpnha_status_tri_str(n->vips[i].present));
		json_object_array_add(a, o);
	}
	*roles = json_object_new_array();
	for (size_t i = 0; i < n->n_roles; i++) {
		json_object *o = json_object_new_object();

		add_u64(o, "time", n->roles[i].at);
		add_str(o, "change", n->roles[i].kind == VPNHA_ROLE_TOOK_OVER ? "took_over" : "gave_up");
		add_str(o, "reason", n->roles[i].reason);
		json_object_array_add(*roles, o);
	}
	return a;
}

static json_object *node_json(const struct cli_view *v, const struct vpnha_status_node *n)
{
	json_object *o = json_object_new_object(), *roles;

	add_str(o, "name", n->name);
	add_u64(o, "nodeid", n->nodeid);
	add_bool(o, "local", n->nodeid == v->site->local_nodeid);
	add_str(o, "state", vpnha_status_member_str(n->member));
	add_u64(o, "since", n->since);
	add_u64(o, "updated", n->updated);
	add_bool(o, "fresh", vpnha_status_node_live(n, v->now));
	/* a node that is not live holds nothing we know of: its report is history */
	add_bool(o, "active", vpnha_status_node_live(n, v->now) && vpnha_status_node_active(n));
	add_str(o, "quorum", vpnha_status_tri_str(n->quorate));
	add_u64(o, "wire_minor", n->minor);
	json_object_object_add(o, "links", links_json(n));
	json_object_object_add(o, "vips", vips_roles_json(n, &roles));
	json_object_object_add(o, "ipsec", sas_json(n));
	json_object_object_add(o, "gre", gres_json(n));
	json_object_object_add(o, "bgp", bgps_json(n));
	json_object_object_add(o, "role_changes", roles);
	return o;
}

int cli_render_json(FILE *out, const struct cli_view *v)
{
	const struct vpnha_status_site *s = v->site;
	json_object *root = json_object_new_object(), *nodes = json_object_new_array(), *lf = NULL;
	size_t ni, ri;
	int r;

	add_str(root, "schema", VPNHA_JSON_SCHEMA);
	add_str(root, "version", VPNHA_JSON_VERSION);
	add_u64(root, "generated", s->generated);
	add_u64(root, "local_nodeid", s->local_nodeid);
	add_bool(root, "cluster_reachable", s->local_nodeid != 0);
	add_str(root, "quorum", vpnha_status_tri_str(s->quorate));
	add_str(root, "health", vpnha_status_health_str(v->health));
	add_str(root, "health_reason", v->why);
	for (size_t i = 0; i < s->n_nodes; i++)
		json_object_array_add(nodes, node_json(v, &s->nodes[i]));
	json_object_object_add(root, "nodes", nodes);
	if (cli_last_failover(s, &ni, &ri)) {
		lf = json_object_new_object();
		add_str(lf, "node", s->nodes[ni].name);
		add_u64(lf, "time", s->nodes[ni].roles[ri].at);
		add_str(lf, "change", s->nodes[ni].roles[ri].kind == VPNHA_ROLE_TOOK_OVER ? "took_over" : "gave_up");
		add_str(lf, "reason", s->nodes[ni].roles[ri].reason);
	}
	json_object_object_add(root, "last_failover", lf);
	r = fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return r < 0 ? -1 : 0;
}
