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

/*
 * Call fn for every state file <dir>/<agent>/<instance>.<key> (readable,
 * not hidden), with the instance name and the file's NUL-terminated text.
 * A negative return from fn stops the walk and is returned; a missing
 * agent directory is no file (0). Returns 0 or a negative errno.
 */
typedef int (*vpnha_state_fn)(const char *instance, const char *data, void *userdata);
int vpnha_state_foreach(const char *agent, const char *key, vpnha_state_fn fn, void *userdata);

/*
 * Records: the text of a state file as "key=value" lines, each ended by '\n'
 * (the last one may lack it). The text ends at its first NUL. A key is one or
 * more of [A-Za-z0-9_.-]; the value is the rest of the line after the first
 * '=', as is (it may be empty and hold '=', blanks or '\r'). Repeated keys
 * are the caller's business: the reader returns every line in order.
 *
 * vpnha_record_next() reads the line at *cursor and moves *cursor past it,
 * whatever the result, so a caller may stop at the first bad line or skip it.
 * The line is copied into buf (size bytes) and split there: *key and *val
 * are NUL-terminated strings in buf. Returns 1 for a record, 0 at the end of
 * the text (nothing read), -EBADMSG for a malformed line (empty, no '=', an
 * empty key or one with another character) or -EMSGSIZE for a line of size
 * bytes or more. Unless it returns 1, *key and *val are NULL.
 */
int vpnha_record_next(const char **cursor, char *buf, size_t size, const char **key, const char **val);

/* Write a whole file atomically (helper used above, also for other files). */
int vpnha_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* mkdir -p with mode for created components. */
int vpnha_mkdir_p(const char *path, unsigned mode);

#endif
