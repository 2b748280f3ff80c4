/* SPDX-License-Identifier: MIT */
/*
 * An output file that only ever holds whole records. Records are appended to a large buffer and
 * written in big chunks; when a write fails part-way (full disk, file size limit), the file is
 * cut back to the end of the last record that made it in whole, so readers never see half a line
 * or half a pcap packet. Files are created exclusively: nothing that exists is overwritten.
 */
#ifndef CANRING_TOOLS_TOOL_FILE_H
#define CANRING_TOOLS_TOOL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tool_buf.h"

enum tool_file_kind {
        TOOL_FILE_LINES, /* records end with '\n' */
        TOOL_FILE_PCAP,  /* records are pcap packet records (16-byte header + incl_len) */
};

struct tool_file {
        int fd; /* -1 when closed */
        char path[4096];
        enum tool_file_kind kind;
        uint64_t written;    /* bytes in the file, always at a record boundary */
        uint64_t records;    /* records in the file (written or buffered) */
        struct tool_buf buf; /* whole records not yet written */
        size_t flush_at;     /* write when the buffer holds this much */
};

/*
 * Expands PATTERN for file number INDEX at local time T: strftime conversions plus %i, the file
 * number in 4 digits. Returns 0, or -ENAMETOOLONG / -EINVAL.
 */
int tool_file_name(char *buf, size_t len, const char *pattern, unsigned index, time_t t);

/*
 * Creates DIR/NAME exclusively (with ".1", ".2", ... appended while the name exists) and writes
 * HEADER (may be NULL) in full; a file whose header cannot be written is removed. 0 or -errno.
 */
int tool_file_create(struct tool_file *f, const char *dir, const char *name,
                     enum tool_file_kind kind, const void *header, size_t header_len);

/* Adds one whole record; writes the buffer first when it is full. 0 or -errno. */
int tool_file_append(struct tool_file *f, const void *rec, size_t len);

/*
 * Writes the buffer. On failure the file ends at its last whole record, the unwritten records are
 * dropped from the buffer and -errno is returned.
 */
int tool_file_flush(struct tool_file *f);

/* Flushes, syncs to disk (SYNC) and closes. Returns the first error, 0 if none. */
int tool_file_close(struct tool_file *f, bool sync);

/* Bytes the file will have once the buffer is written. */
static inline uint64_t tool_file_size(const struct tool_file *f)
{
        return f->written + f->buf.len;
}

#endif
