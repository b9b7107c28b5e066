/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Run-state: small ownership/state files under a run directory
 * (VPNHA_RUN_DIR env, else the configured default, /run/vpnha), one per
 * agent instance and key: <dir>/<agent>/<instance>.<key>. Written atomically
 * (temporary file, fsync, rename); read back whole.
 */
#ifndef VPNHA_RUNSTATE_H
#define VPNHA_RUNSTATE_H

#include <stdbool.h>
#include <stddef.h>

/* The run directory in force (environment override or default). */
const char *vpnha_run_dir(void);

/*
 * Build the path of a state file into buf. Instance names are sanitised
 * (anything but [A-Za-z0-9._:-] becomes '_'). Returns 0 or -ENAMETOOLONG.
 */
int vpnha_state_path(char *buf, size_t len, const char *agent, const char *instance, const char *key);

/* Atomically write data (len bytes) with mode 0600; creates directories. */
int vpnha_state_write(const char *agent, const char *instance, const char *key,
		      const void *data, size_t len);
/* Read a state file into a NUL-terminated malloc'd buffer; -ENOENT if absent. */
int vpnha_state_read(const char *agent, const char *instance, const char *key,
		     char **data, size_t *len);
/* Remove a state file; absent is success. */
int vpnha_state_remove(const char *agent, const char *instance, const char *key);
bool vpnha_state_exists(const char *agent, const char *instance, const char *key);

/* Write a whole file atomically (helper used above, also for other files). */
int vpnha_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* mkdir -p with mode for created components. */
int vpnha_mkdir_p(const char *path, unsigned mode);

#endif
