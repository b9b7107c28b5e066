/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parameter declarations and strict parsing.
 *
 * Each agent declares its parameters once, as a table of vpnha_param_def.
 * The table drives parsing of OCF_RESKEY_* values, validate-all, and the
 * test that checks the agent's ocf-metadata XML agrees with it.
 */
#ifndef VPNHA_PARAMS_H
#define VPNHA_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

enum vpnha_ptype {
	VPNHA_PT_STRING,   /* free text, max length in .max when > 0 */
	VPNHA_PT_INT,      /* integer in [.min, .max] */
	VPNHA_PT_BOOL,     /* true/false/yes/no/on/off/1/0 (Pacemaker's set) */
	VPNHA_PT_SELECT,   /* one of .options */
	VPNHA_PT_ADDR,     /* IPv4 or IPv6 address, no prefix */
	VPNHA_PT_PREFIX,   /* address/len (len optional: host prefix) */
	VPNHA_PT_IFNAME,   /* network interface name (< IFNAMSIZ, no '/', ws, ':') */
	VPNHA_PT_DURATION, /* 500ms, 3s, 2m, 1h; bare number = seconds; in [.min, .max] ms */
	VPNHA_PT_PATH,     /* absolute path, no '..' component, < PATH_MAX */
};

enum vpnha_pflag {
	VPNHA_PF_REQUIRED   = 1u << 0,
	VPNHA_PF_UNIQUE     = 1u << 1,
	VPNHA_PF_RELOADABLE = 1u << 2,
	VPNHA_PF_LIST       = 1u << 3, /* whitespace/comma separated items of .type */
	VPNHA_PF_INET4      = 1u << 4, /* addresses/prefixes: IPv4 only */
	VPNHA_PF_INET6      = 1u << 5, /* addresses/prefixes: IPv6 only */
};

struct vpnha_addr {
	int family;          /* AF_INET or AF_INET6 */
	unsigned prefixlen;  /* 32/128 for a plain address */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	} u;
};

/* One parsed value (a whole parameter, or one item of a list). */
struct vpnha_val {
	const char *str;     /* text as given (or the default) */
	int64_t i;           /* INT; SELECT: index into options */
	bool b;              /* BOOL */
	uint64_t ms;         /* DURATION */
	struct vpnha_addr addr; /* ADDR, PREFIX */
};

/*
 * Extra validation for one value (or one list item). Return 0, or a
 * negative errno and write a short reason (without the parameter name).
 */
typedef int (*vpnha_validate_fn)(const struct vpnha_val *v, char *why, size_t whylen);

struct vpnha_param_def {
	const char *name;
	enum vpnha_ptype type;
	const char *dflt;            /* NULL: no default */
	unsigned flags;              /* enum vpnha_pflag */
	int64_t min, max;            /* INT range; DURATION range in ms; STRING max length */
	const char *const *options;  /* SELECT: NULL-terminated list */
	vpnha_validate_fn validate;
};

struct vpnha_value {
	bool present;        /* given or defaulted */
	bool given;          /* given explicitly (not the default) */
	struct vpnha_val v;  /* scalar value (for lists: v.str is the raw text) */
	size_t n_items;      /* lists */
	struct vpnha_val *items;
};

struct vpnha_params;

/* Source of raw values: returns the text for NAME or NULL. */
typedef const char *(*vpnha_param_getter)(const char *name, void *userdata);

/* Getter for OCF_RESKEY_<name> from the environment. */
const char *vpnha_param_getenv(const char *name, void *userdata);

/*
 * Parse every declared parameter. On success *out holds the parsed set and 0
 * is returned. On a rejection, -EINVAL (or -ERANGE/-ENAMETOOLONG) is returned,
 * *out still holds what could be parsed, and why (if non-NULL) receives
 * "parameter 'NAME': reason". Free *out with vpnha_params_free in all cases.
 */
int vpnha_params_parse(struct vpnha_params **out, const struct vpnha_param_def *defs,
		       size_t n_defs, vpnha_param_getter get, void *userdata,
		       char *why, size_t whylen);
void vpnha_params_free(struct vpnha_params *p);

/*
 * Agents read their parameters by the index of the declaration in their
 * table (an enum beside it, so a misspelt name does not compile); the lookup
 * by name below is for tests and tools.
 */
const struct vpnha_value *vpnha_param_at(const struct vpnha_params *p, size_t idx);
const char *vpnha_value_str(const struct vpnha_value *v);               /* NULL when absent */
const struct vpnha_addr *vpnha_value_addr(const struct vpnha_value *v); /* NULL when absent */

const struct vpnha_value *vpnha_param(const struct vpnha_params *p, const char *name);
bool vpnha_param_given(const struct vpnha_params *p, const char *name);
const char *vpnha_param_str(const struct vpnha_params *p, const char *name);
int64_t vpnha_param_int(const struct vpnha_params *p, const char *name);
bool vpnha_param_bool(const struct vpnha_params *p, const char *name);
uint64_t vpnha_param_ms(const struct vpnha_params *p, const char *name);
const struct vpnha_addr *vpnha_param_addr(const struct vpnha_params *p, const char *name);

/* Single-value parsers: 0 or negative errno with a reason in why. */
int vpnha_parse_int(const char *s, int64_t min, int64_t max, int64_t *out, char *why, size_t whylen);
int vpnha_parse_bool(const char *s, bool *out, char *why, size_t whylen);
int vpnha_parse_select(const char *s, const char *const *options, int64_t *idx, char *why, size_t whylen);
int vpnha_parse_addr(const char *s, int family, struct vpnha_addr *out, char *why, size_t whylen);
int vpnha_parse_prefix(const char *s, int family, struct vpnha_addr *out, char *why, size_t whylen);
int vpnha_parse_ifname(const char *s, char *why, size_t whylen);
int vpnha_parse_duration(const char *s, uint64_t min_ms, uint64_t max_ms, uint64_t *out_ms, char *why, size_t whylen);
int vpnha_parse_path(const char *s, char *why, size_t whylen);

/* OCF metadata content type for a parameter type ("string", "integer", ...). */
const char *vpnha_ptype_ocf(enum vpnha_ptype t);

/* Format an address (without prefix) into buf (INET6_ADDRSTRLEN bytes). */
const char *vpnha_addr_str(const struct vpnha_addr *a, char *buf, size_t len);
bool vpnha_addr_equal(const struct vpnha_addr *a, const struct vpnha_addr *b);

/*
 * Role checks for an address that names one host (a BGP neighbor, a tunnel
 * endpoint, an IKE peer, a service address). vpnha_addr_unicast_check()
 * returns 0, or -EINVAL with a reason ("224.0.0.5 is not a unicast address (multicast)")
 * when the address is unspecified (0.0.0.0, ::), multicast (224/4, ff00::/8)
 * or the limited broadcast 255.255.255.255; with VPNHA_UC_NO_LOOPBACK also
 * loopback (127/8, ::1). The validate hooks below apply it to a parameter.
 */
enum vpnha_unicast_flags {
	VPNHA_UC_NO_LOOPBACK = 1u << 0,
};
int vpnha_addr_unicast_check(const struct vpnha_addr *a, unsigned flags, char *why, size_t whylen);
/* vpnha_validate_fn for an ADDR parameter that names one remote or local host. */
int vpnha_validate_unicast(const struct vpnha_val *v, char *why, size_t whylen);
/* The same, loopback also refused (an address that other hosts must reach). */
int vpnha_validate_unicast_global(const struct vpnha_val *v, char *why, size_t whylen);

/*
 * Identifiers (connection, VRF, profile, attribute names): true when every
 * character of s is an ASCII letter, digit, '_', '-' or '.' (true for "";
 * callers bound the length). vpnha_validate_name is the vpnha_validate_fn
 * for a STRING parameter that must be one such name.
 */
bool vpnha_name_ok(const char *s);
int vpnha_validate_name(const struct vpnha_val *v, char *why, size_t whylen);

#endif
