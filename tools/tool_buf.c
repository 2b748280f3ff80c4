/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool_buf.h"

char *tool_buf_reserve(struct tool_buf *b, size_t n)
{
        if (b->cap - b->len < n) {
                size_t cap = b->cap ? b->cap : 4096;
                char *p;

                while (cap - b->len < n)
                        cap *= 2;
                p = realloc(b->p, cap);
                if (!p)
                        return NULL;
                b->p = p;
                b->cap = cap;
        }
        return b->p + b->len;
}

int tool_buf_add(struct tool_buf *b, const void *data, size_t n)
{
        char *dst = tool_buf_reserve(b, n);

        if (!dst)
                return -ENOMEM;
        memcpy(dst, data, n);
        b->len += n;
        return 0;
}

void tool_buf_free(struct tool_buf *b)
{
        free(b->p);
        memset(b, 0, sizeof(*b));
}

int tool_buf_write_all(struct tool_buf *b, int fd)
{
        size_t off = 0;

        while (off < b->len) {
                ssize_t n = write(fd, b->p + off, b->len - off);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                off += (size_t)n;
        }
        b->len = 0;
        return 0;
}
