/* SPDX-License-Identifier: MIT */
/*
 * e2e-sockstat: the kernel's own view of another process's CAN sockets, for receivers that do
 * not report their drops (candump to /dev/null, canring log's service) and to check those that do.
 *
 *   e2e-sockstat PID...
 *
 * For every CAN socket the processes hold (borrowed with pidfd_getfd, which needs ptrace rights
 * over them) prints one JSON line: {"sockets":N,"drops":D,"rmem":R,"ids":[...]} where D is the
 * sum of SK_MEMINFO_DROPS (frames the kernel dropped because the receive queue was full) and R
 * the bytes still queued (0 once the receivers have read everything). ids are the sockets' inode
 * numbers, so that a socket held by two processes is counted once.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/sock_diag.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AF_CAN
#define AF_CAN 29
#endif
#define MAX_SOCKS 4096

static unsigned long long seen[MAX_SOCKS];
static unsigned nseen;

static int borrow(int pidfd, int fd)
{
        return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

int main(int argc, char **argv)
{
        unsigned long long drops = 0, rmem = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: e2e-sockstat PID...\n");
                return 2;
        }
        for (int a = 1; a < argc; a++) {
                int pid = atoi(argv[a]);
                int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
                char dir[64];
                DIR *d;
                struct dirent *e;

                snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
                d = opendir(dir);
                if (pidfd < 0 || !d) {
                        fprintf(stderr, "e2e-sockstat: process %d: %s\n", pid, strerror(errno));
                        return 1;
                }
                while ((e = readdir(d))) {
                        int fd, dom = 0;
                        socklen_t len = sizeof(dom);
                        uint32_t mem[SK_MEMINFO_VARS];
                        struct stat st;
                        unsigned i;

                        if (e->d_name[0] == '.')
                                continue;
                        fd = borrow(pidfd, atoi(e->d_name));
                        if (fd < 0)
                                continue; /* closed meanwhile, or not ours to take */
                        if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
                            getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0 ||
                            dom != AF_CAN) {
                                close(fd);
                                continue;
                        }
                        for (i = 0; i < nseen && seen[i] != (unsigned long long)st.st_ino; i++)
                                ;
                        len = sizeof(mem);
                        if (i == nseen && nseen < MAX_SOCKS &&
                            getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
                            len > SK_MEMINFO_DROPS * sizeof(uint32_t)) {
                                seen[nseen++] = (unsigned long long)st.st_ino;
                                drops += mem[SK_MEMINFO_DROPS];
                                rmem += mem[SK_MEMINFO_RMEM_ALLOC];
                        }
                        close(fd);
                }
                closedir(d);
                close(pidfd);
        }
        printf("{\"sockets\":%u,\"drops\":%llu,\"rmem\":%llu,\"ids\":[", nseen, drops, rmem);
        for (unsigned i = 0; i < nseen; i++)
                printf("%s%llu", i ? "," : "", seen[i]);
        printf("]}\n");
        return 0;
}
