/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the run-state record reader (vpnha_record_next), which every
 * agent's ownership record goes through. The first byte picks the line
 * buffer's size (0..255, malloc'd to its exact size so that ASan sees any
 * write past it); the rest is the text. Each call must consume exactly one
 * line, and its result must agree with an independent reading of that line.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

/* What the reader must say of the line [line, line + len): 1, -EBADMSG or -EMSGSIZE. */
static int expect(const char *line, size_t len, size_t bufsize)
{
	const char *eq = memchr(line, '=', len);
	const char *p;

	if (len >= bufsize)
		return -EMSGSIZE;
	if (!eq || eq == line)
		return -EBADMSG;
	for (p = line; p < eq; p++)
		if (!key_char(*p))
			return -EBADMSG;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *cur, *line, *key, *val, *end;
	size_t bufsize, len, calls = 0, lines;
	char *text, *buf;
	int r;

	if (size < 1)
		return 0;
	bufsize = data[0];
	text = malloc(size);
	buf = malloc(bufsize ? bufsize : 1);
	if (!text || !buf)
		goto out;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	end = text + strlen(text);
	/* lines: one per '\n' before the first NUL, plus an unterminated last one */
	for (lines = 0, line = text; line < end; lines++) {
		const char *nl = strchr(line, '\n');

		line = nl ? nl + 1 : end;
	}
	cur = text;
	for (;;) {
		line = cur;
		r = vpnha_record_next(&cur, buf, bufsize, &key, &val);
		if (r == 0) {
			if (line != end || cur != end || key || val)
				__builtin_trap();
			break;
		}
		if (++calls > lines || cur <= line || cur > end)
			__builtin_trap();
		len = (size_t)(cur - line) - (cur[-1] == '\n');
		if (memchr(line, '\n', len) || r != expect(line, len, bufsize))
			__builtin_trap();
		if (r < 0) {
			if (key || val)
				__builtin_trap();
			continue;
		}
		/* key=value, as in the text, NUL-terminated in buf */
		if (key < buf || val + strlen(val) >= buf + bufsize || !*key || strlen(key) + 1 + strlen(val) != len || val != key + strlen(key) + 1 ||
		    memcmp(line, key, strlen(key)) || line[strlen(key)] != '=' ||
		    memcmp(line + strlen(key) + 1, val, strlen(val)))
			__builtin_trap();
	}
	if (calls != lines)
		__builtin_trap();
out:
	free(buf);
	free(text);
	return 0;
}
