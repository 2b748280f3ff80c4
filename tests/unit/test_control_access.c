/* SPDX-License-Identifier: MIT */
/*
 * Who may control the service: the socket file's permissions at connect, and the service's own
 * SO_PEERCRED check against the file's owner, group and mode at every request (so a chmod takes
 * effect on connections already open). Runs as root to switch a child to another user; skips
 * otherwise. The socket disappears when the service stops.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "control_test.h"

#define NOBODY 65534

/* In a child running as nobody: connect, hello, then (after the parent's chmod) hello again. */
static int child(int go_fd, int done_fd)
{
        struct canring_control *ctl;
        struct canring_ctl_hello h;
        char err[512], c;

        if (setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
                return 10;
        /* 1: mode 0660, owner root: the kernel refuses the connect. */
        if (canring_control_open(&ctl, SEGMENT, err, sizeof(err)) != -EACCES ||
            !strstr(err, "permission denied"))
                return 11;
        if (write(done_fd, "1", 1) != 1 || read(go_fd, &c, 1) != 1)
                return 12;
        /* 2: the parent made it 0666: connect and a request work. */
        if (canring_control_open(&ctl, SEGMENT, err, sizeof(err)) < 0)
                return 13;
        if (canring_control_hello(ctl, &h, err, sizeof(err)) < 0)
                return 14;
        if (write(done_fd, "2", 1) != 1 || read(go_fd, &c, 1) != 1)
                return 15;
        /* 3: back to 0660 while connected: the service refuses by SO_PEERCRED. */
        if (canring_control_hello(ctl, &h, err, sizeof(err)) != -EACCES ||
            !strstr(err, "uid 65534") || !strstr(err, "may not control"))
                return 16;
        canring_control_close(ctl);
        return 0;
}

int main(void)
{
        struct test_service t;
        struct canring_control *ctl;
        struct canring_ctl_hello h;
        char err[512], path[256], c;
        struct stat st;
        int go[2], done[2], status;
        pid_t pid;

        if (geteuid() != 0) {
                printf("SKIP: needs root to act as another user\n");
                return 77;
        }
        test_service_start(&t);
        if (canring_control_path(SEGMENT, path, sizeof(path)) < 0 || stat(path, &st) < 0)
                FAIL("no control socket at %s", path);
        if (!S_ISSOCK(st.st_mode) || (st.st_mode & 0777) != 0660)
                FAIL("control socket mode %o, want a socket with 0660", st.st_mode);
        chmod(t.dir, 0755); /* nobody must reach the socket in the test's directory */

        /* The owner is allowed. */
        ctl = test_connect();
        if (canring_control_hello(ctl, &h, err, sizeof(err)) < 0)
                FAIL("hello: %s", err);
        if (h.version != CANRING_CONTROL_VERSION || h.pid != getpid() || h.nchannels != 1)
                FAIL("hello: version %u pid %d channels %u", h.version, h.pid, h.nchannels);
        canring_control_close(ctl);

        if (pipe(go) < 0 || pipe(done) < 0)
                FAIL("pipe");
        pid = fork();
        if (pid == 0)
                _exit(child(go[0], done[1]));
        if (read(done[0], &c, 1) != 1)
                FAIL("child died at step 1");
        chmod(path, 0666);
        if (write(go[1], "g", 1) != 1 || read(done[0], &c, 1) != 1)
                FAIL("child died at step 2");
        chmod(path, 0660);
        if (write(go[1], "g", 1) != 1)
                FAIL("child died at step 3");
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                FAIL("child (uid nobody) failed at check %d", WEXITSTATUS(status));

        /* The stopped service took its socket with it: nobody to talk to, and it says so. */
        test_service_stop(&t);
        if (canring_control_open(&ctl, SEGMENT, err, sizeof(err)) != -ENOENT ||
            !strstr(err, "no canring service"))
                FAIL("after stop: '%s'", err);
        printf("PASS: permissions at connect and per request (SO_PEERCRED)\n");
        return 0;
}
