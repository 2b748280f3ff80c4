/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool_file.h"

int tool_file_name(char *buf, size_t len, const char *pattern, unsigned index, time_t t)
{
        char fmt[1024];
        size_t o = 0;
        struct tm tm;

        /* %i first, by hand: strftime would reject it; "%%" is kept for strftime. */
        for (const char *p = pattern; *p; p++) {
                if (o + 16 >= sizeof(fmt))
                        return -ENAMETOOLONG;
                if (p[0] == '%' && p[1] == 'i') {
                        o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, "%04u", index);
                        p++;
                } else if (p[0] == '%' && p[1] == '%') {
                        fmt[o++] = *p++;
                        fmt[o++] = *p;
                } else {
                        fmt[o++] = *p;
                }
        }
        fmt[o] = '\0';
        if (!localtime_r(&t, &tm))
                return -EINVAL;
        size_t n = strftime(buf, len, fmt, &tm);
        if (n == 0 && fmt[0])
                return -ENAMETOOLONG;
        if (n == 0 || strchr(buf, '/'))
                return -EINVAL; /* a name, not a path: --dir says where */
        return 0;
}

/* Length of the longest prefix of the first N bytes of B that ends at a record boundary. */
static size_t whole_prefix(const struct tool_file *f, size_t n)
{
        const char *b = f->buf.p;

        if (f->kind == TOOL_FILE_LINES) {
                while (n && b[n - 1] != '\n')
                        n--;
                return n;
        }
        size_t off = 0;
        for (;;) {
                uint32_t incl;

                if (off + 16 > n)
                        return off;
                memcpy(&incl, b + off + 8, sizeof(incl)); /* host order: we wrote it */
                if (off + 16 + incl > n)
                        return off;
                off += 16 + incl;
        }
}

static int write_full(int fd, const char *p, size_t len, size_t *done)
{
        *done = 0;
        while (*done < len) {
                ssize_t n = write(fd, p + *done, len - *done);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                *done += (size_t)n;
        }
        return 0;
}

int tool_file_create(struct tool_file *f, const char *dir, const char *name,
                     enum tool_file_kind kind, const void *header, size_t header_len)
{
        size_t done;
        int ret;

        memset(f, 0, sizeof(*f));
        f->fd = -1;
        f->kind = kind;
        f->flush_at = 1u << 20;
        for (unsigned n = 0;; n++) {
                int len = n ? snprintf(f->path, sizeof(f->path), "%s/%s.%u", dir, name, n)
                            : snprintf(f->path, sizeof(f->path), "%s/%s", dir, name);

                if (len < 0 || (size_t)len >= sizeof(f->path))
                        return -ENAMETOOLONG;
                f->fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                if (f->fd >= 0)
                        break;
                if (errno != EEXIST || n >= 9999)
                        return -errno;
        }
        if (header_len) {
                ret = write_full(f->fd, header, header_len, &done);
                if (ret) {
                        close(f->fd);
                        f->fd = -1;
                        unlink(f->path); /* a header without records is no file worth keeping */
                        return ret;
                }
                f->written = header_len;
        }
        return 0;
}

int tool_file_flush(struct tool_file *f)
{
        size_t done;
        int ret;

        if (f->fd < 0 || !f->buf.len)
                return 0;
        ret = write_full(f->fd, f->buf.p, f->buf.len, &done);
        if (ret) {
                size_t keep = whole_prefix(f, done);

                /* Cut back to the last whole record; ftruncate never needs new space. */
                if (keep != done && ftruncate(f->fd, (off_t)(f->written + keep)) == 0)
                        lseek(f->fd, (off_t)(f->written + keep), SEEK_SET);
                f->written += keep;
                f->buf.len = 0;
                return ret;
        }
        f->written += done;
        f->buf.len = 0;
        return 0;
}

int tool_file_append(struct tool_file *f, const void *rec, size_t len)
{
        if (f->buf.len + len > f->flush_at) {
                int ret = tool_file_flush(f);

                if (ret)
                        return ret;
        }
        if (tool_buf_add(&f->buf, rec, len))
                return -ENOMEM;
        f->records++;
        return 0;
}

int tool_file_close(struct tool_file *f, bool sync)
{
        int ret = 0;

        if (f->fd < 0)
                return 0;
        ret = tool_file_flush(f);
        if (sync && fdatasync(f->fd) && !ret)
                ret = -errno;
        if (close(f->fd) && !ret)
                ret = -errno;
        f->fd = -1;
        tool_buf_free(&f->buf);
        return ret;
}
