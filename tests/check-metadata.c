/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The agent's C parameter declarations and its ocf-metadata XML must agree.
 * Linked with one agent's object (which defines vpnha_agent_def) and its
 * embedded metadata; built once per agent.
 */
#include "config.h"

#include <check.h>

#include "check-main.h"
#include <string.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vpnha.h"

extern const struct vpnha_agent vpnha_agent_def;
static const struct vpnha_agent *A = &vpnha_agent_def;
static xmlDocPtr doc;
static xmlXPathContextPtr xp;

static void setup(void)
{
	doc = xmlReadMemory(A->metadata, (int)strlen(A->metadata), "metadata.xml", NULL, XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "metadata of %s is not well-formed XML", A->name);
	xp = xmlXPathNewContext(doc);
	ck_assert_ptr_nonnull(xp);
}

static void teardown(void)
{
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
}

/* Expressions are built from this file's own format strings only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static xmlXPathObjectPtr query(const char *fmt, const char *arg)
{
	char expr[512];

	/* fmt is one of this file's XPath templates with one %s */
	// cppcheck-suppress wrongPrintfScanfArgNum
	snprintf(expr, sizeof(expr), fmt, arg);
	return xmlXPathEvalExpression((const xmlChar *)expr, xp);
}
#pragma GCC diagnostic pop

/* The string value of an XPath expression, or NULL when it selects nothing. */
static char *value(const char *fmt, const char *arg)
{
	xmlXPathObjectPtr o = query(fmt, arg);
	char *r = NULL;

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[0]);

		r = strdup((const char *)c);
		xmlFree(c);
	}
	xmlXPathFreeObject(o);
	return r;
}

static int count(const char *fmt, const char *arg)
{
	xmlXPathObjectPtr o = query(fmt, arg);
	int n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;

	xmlXPathFreeObject(o);
	return n;
}

static bool attr_true(const char *attr, const char *name)
{
	char fmt[256];
	char *v;
	bool r;

	snprintf(fmt, sizeof(fmt), "/resource-agent/parameters/parameter[@name='%%s']/@%s", attr);
	v = value(fmt, name);
	r = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	free(v);
	return r;
}

START_TEST(test_agent_name_and_version)
{
	char *name = value("/resource-agent/@name", NULL);
	char *ver = value("/resource-agent/version", NULL);

	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, A->name);
	ck_assert_ptr_nonnull(ver);
	ck_assert_str_eq(ver, "1.1");
	free(name);
	free(ver);
}
END_TEST

START_TEST(test_every_declared_param_in_xml)
{
	const struct vpnha_param_def *d = &A->params[_i];
	char *type, *dflt;
	bool unique;

	ck_assert_msg(count("/resource-agent/parameters/parameter[@name='%s']", d->name) == 1,
		      "parameter %s is declared in C but not (once) in the XML", d->name);
	type = value("/resource-agent/parameters/parameter[@name='%s']/content/@type", d->name);
	ck_assert_msg(type && !strcmp(type, vpnha_ptype_ocf(d->type)),
		      "parameter %s: XML type %s, C type %s", d->name, type ? type : "(none)",
		      vpnha_ptype_ocf(d->type));
	dflt = value("/resource-agent/parameters/parameter[@name='%s']/content/@default", d->name);
	if (d->dflt)
		ck_assert_msg(dflt && !strcmp(dflt, d->dflt), "parameter %s: XML default '%s', C default '%s'",
			      d->name, dflt ? dflt : "(none)", d->dflt);
	else
		ck_assert_msg(dflt == NULL, "parameter %s: XML has default '%s', C has none", d->name, dflt);
	ck_assert_msg(attr_true("required", d->name) == !!(d->flags & VPNHA_PF_REQUIRED),
		      "parameter %s: required differs", d->name);
	ck_assert_msg(attr_true("reloadable", d->name) == !!(d->flags & VPNHA_PF_RELOADABLE),
		      "parameter %s: reloadable differs", d->name);
	unique = attr_true("unique", d->name) ||
		 count("/resource-agent/parameters/parameter[@name='%s'][@unique-group]", d->name) > 0;
	ck_assert_msg(unique == !!(d->flags & VPNHA_PF_UNIQUE), "parameter %s: unique differs", d->name);
	if (d->type == VPNHA_PT_SELECT) {
		size_t i;

		for (i = 0; d->options[i]; i++) {
			char fmt[256];

			snprintf(fmt, sizeof(fmt),
				 "/resource-agent/parameters/parameter[@name='%%s']/content/option[@value='%s']",
				 d->options[i]);
			ck_assert_msg(count(fmt, d->name) == 1, "parameter %s: option %s missing in XML",
				      d->name, d->options[i]);
		}
		ck_assert_int_eq(count("/resource-agent/parameters/parameter[@name='%s']/content/option",
				       d->name), (int)i);
	}
	free(type);
	free(dflt);
}
END_TEST

START_TEST(test_every_xml_param_declared)
{
	xmlXPathObjectPtr o = query("/resource-agent/parameters/parameter/@name", NULL);
	int i;

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(o->nodesetval ? o->nodesetval->nodeNr : 0, (int)A->n_params);
	for (i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlChar *n = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
		size_t k;
		bool found = false;

		for (k = 0; k < A->n_params; k++)
			found |= !strcmp((const char *)n, A->params[k].name);
		ck_assert_msg(found, "XML parameter %s is not declared in C", (const char *)n);
		xmlFree(n);
	}
	xmlXPathFreeObject(o);
}
END_TEST

START_TEST(test_actions_agree)
{
	xmlXPathObjectPtr o = query("/resource-agent/actions/action/@name", NULL);
	bool any_reloadable = false;
	size_t k;
	int i;

	for (k = 0; k < A->n_actions; k++)
		ck_assert_msg(count("/resource-agent/actions/action[@name='%s']", A->actions[k].name) >= 1,
			      "action %s is implemented but not in the XML", A->actions[k].name);
	ck_assert_msg(count("/resource-agent/actions/action[@name='%s']", "meta-data") == 1, "no meta-data");
	ck_assert_msg(count("/resource-agent/actions/action[@name='%s']", "validate-all") == 1,
		      "no validate-all");
	for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlChar *n = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
		bool found = !strcmp((const char *)n, "meta-data") || !strcmp((const char *)n, "validate-all");

		for (k = 0; k < A->n_actions; k++)
			found |= !strcmp((const char *)n, A->actions[k].name);
		ck_assert_msg(found, "XML action %s is not implemented", (const char *)n);
		xmlFree(n);
	}
	xmlXPathFreeObject(o);
	for (k = 0; k < A->n_params; k++)
		any_reloadable |= !!(A->params[k].flags & VPNHA_PF_RELOADABLE);
	if (any_reloadable)
		ck_assert_msg(count("/resource-agent/actions/action[@name='%s']", "reload-agent") == 1,
			      "reloadable parameters but no reload-agent action");
}
END_TEST

static Suite *metadata_suite(void)
{
	Suite *s = suite_create("metadata");
	TCase *tc = tcase_create("agree");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_agent_name_and_version);
	tcase_add_loop_test(tc, test_every_declared_param_in_xml, 0, (int)A->n_params);
	tcase_add_test(tc, test_every_xml_param_declared);
	tcase_add_test(tc, test_actions_agree);
	suite_add_tcase(s, tc);
	return s;
}

VPNHA_TEST_MAIN(metadata_suite)
