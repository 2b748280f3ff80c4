/* SPDX-License-Identifier: MIT */
/* A growable byte buffer: the tools format a whole batch into one and write it with one call. */
#ifndef CANRING_TOOLS_TOOL_BUF_H
#define CANRING_TOOLS_TOOL_BUF_H

#include <stddef.h>

struct tool_buf {
        char *p;
        size_t len; /* bytes in use */
        size_t cap; /* bytes allocated */
};

/* Makes room for N more bytes and returns where they go (NULL: out of memory). */
char *tool_buf_reserve(struct tool_buf *b, size_t n);

/* Appends N bytes. 0 or -ENOMEM. */
int tool_buf_add(struct tool_buf *b, const void *data, size_t n);

void tool_buf_free(struct tool_buf *b);

/* Writes all of B to FD, retrying short writes and EINTR; 0 or -errno. Empties B on success. */
int tool_buf_write_all(struct tool_buf *b, int fd);

#endif
