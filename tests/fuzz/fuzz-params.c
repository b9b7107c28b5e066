/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for the parameter parser (the agents' outside input: the
 * OCF_RESKEY_* environment). Input: lines "name=value"; every parameter
 * type is declared, lists included.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const opts[] = { "gre", "gretap", "ip6gre", NULL };

static const struct vpnha_param_def defs[] = {
	{ "s", VPNHA_PT_STRING, NULL, 0, 0, 32, NULL, NULL },
	{ "i", VPNHA_PT_INT, "1", 0, -5, 4294967295LL, NULL, NULL },
	{ "b", VPNHA_PT_BOOL, NULL, 0, 0, 0, NULL, NULL },
	{ "sel", VPNHA_PT_SELECT, NULL, 0, 0, 0, opts, NULL },
	{ "a", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, NULL },
	{ "a4", VPNHA_PT_ADDR, NULL, VPNHA_PF_INET4, 0, 0, NULL, NULL },
	{ "p", VPNHA_PT_PREFIX, NULL, 0, 0, 0, NULL, NULL },
	{ "pl", VPNHA_PT_PREFIX, NULL, VPNHA_PF_LIST, 0, 0, NULL, NULL },
	{ "if", VPNHA_PT_IFNAME, NULL, 0, 0, 0, NULL, NULL },
	{ "ifl", VPNHA_PT_IFNAME, NULL, VPNHA_PF_LIST, 0, 0, NULL, NULL },
	{ "d", VPNHA_PT_DURATION, NULL, 0, 0, 86400000, NULL, NULL },
	{ "path", VPNHA_PT_PATH, NULL, 0, 0, 0, NULL, NULL },
	{ "req", VPNHA_PT_STRING, NULL, VPNHA_PF_REQUIRED, 0, 0, NULL, NULL },
};

#define MAX_LINES 64

struct input {
	size_t n;
	char *key[MAX_LINES];
	char *val[MAX_LINES];
};

static const char *get(const char *name, void *ud)
{
	const struct input *in = ud;
	size_t i;

	for (i = 0; i < in->n; i++)
		if (!strcmp(in->key[i], name))
			return in->val[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { 0 };
	struct vpnha_params *p = NULL;
	char why[256];
	char *text, *line, *save = NULL;
	size_t i;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line && in.n < MAX_LINES; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq = '\0';
		in.key[in.n] = line;
		in.val[in.n] = eq + 1;
		in.n++;
	}
	vpnha_params_parse(&p, defs, VPNHA_ARRAY_SIZE(defs), get, &in, why, sizeof(why));
	for (i = 0; p && i < VPNHA_ARRAY_SIZE(defs); i++) {
		const struct vpnha_value *v = vpnha_param(p, defs[i].name);
		size_t k;

		if (v->present && v->v.str)
			(void)strlen(v->v.str);
		for (k = 0; k < v->n_items; k++)
			(void)strlen(v->items[k].str);
	}
	(void)strlen(why);
	vpnha_params_free(p);
	free(text);
	return 0;
}
