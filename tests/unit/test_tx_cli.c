/* SPDX-License-Identifier: MIT */
/*
 * `canring send`, `canring periodic start` and `canring if` on bad input: exit 2 for usage
 * errors, 1 for runtime errors, each with a message that names the problem. Runs the built
 * program (BUILD/tools/canring, found next to this test's directory). None of these cases
 * reaches a CAN socket, so they run on a host without CAN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/wait.h>

static int failures;
static char prog[4096];

/* Runs `canring ARGS 2>&1`; checks the exit status and that the output contains WANT. */
static void expect(int status, const char *want, const char *args)
{
        char cmd[8192], out[8192];
        snprintf(cmd, sizeof(cmd), "%s %s 2>&1 </dev/null", prog, args);
        FILE *p = popen(cmd, "r");
        if (!p) {
                failures++;
                return;
        }
        size_t n = fread(out, 1, sizeof(out) - 1, p);
        out[n] = '\0';
        int st = pclose(p);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        if (code != status || !strstr(out, want)) {
                fprintf(stderr, "canring %s: exit %d (want %d), output:\n%s(want '%s')\n", args,
                        code, status, out, want);
                failures++;
        }
}

int main(void)
{
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0)
                return 77;
        self[n] = '\0';
        snprintf(prog, sizeof(prog), "%s/../tools/canring", dirname(self));
        if (access(prog, X_OK) != 0) {
                fprintf(stderr, "%s not built\n", prog);
                return 77;
        }
        /* The subcommands join tools/main.c's dispatch table separately; until then, skip. */
        char cmd[8192];
        snprintf(cmd, sizeof(cmd), "%s help | grep -Eq '^  (send|periodic|if) ' ", prog);
        if (system(cmd) != 0) {
                fprintf(stderr, "send/periodic/if are not in the dispatch table yet\n");
                return 77;
        }

        expect(2, "need an interface", "send");
        expect(2, "need an interface", "send vcan0");
        expect(2, "bad frame '123#ZZ'", "send vcan0 123#00 123#ZZ");
        expect(2, "bad --timeout", "send --timeout soon vcan0 123#00");
        expect(1, "lo is not a CAN interface", "send lo 123#00");
        expect(1, "no such interface", "send nocan-xyz9 123#00");

        expect(2, "period", "periodic start vcan0 --period 0 123#00");
        expect(2, "period", "periodic start vcan0 --period -5 123#00");
        expect(2, "--period MS is required", "periodic start vcan0 123#00");
        expect(2, "differs from the task's id", "periodic start vcan0 --period 10 123#00 124#00");
        expect(2, "not both", "periodic start vcan0 --period 10 --count 3 --duration 1 123#00");
        expect(2, "bad --count", "periodic start vcan0 --period 10 --count 2.5 123#00");
        expect(2, "all CAN FD", "periodic start vcan0 --period 10 123#00 123##0AA");
        expect(2, "bad frame", "periodic start vcan0 --period 10 123#0");
        expect(2, "at least one frame", "periodic start vcan0 --period 10");
        expect(1, "lo is not a CAN interface", "periodic start lo --period 10 --count 1 123#00");
        expect(2, "usage", "periodic bogus");

        expect(2, "usage", "if");
        expect(2, "bad value 'abc' for bitrate", "if vcan0 set bitrate abc");
        expect(2, "bad value", "if vcan0 set bitrate 500000 sample-point 1.5");
        expect(2, "unknown setting 'speed'", "if vcan0 set speed 5");
        expect(2, "nothing to set", "if vcan0 set");
        expect(2, "unknown action", "if vcan0 explode");
        expect(1, "lo is not a CAN interface", "if lo set bitrate 250000");
        expect(1, "lo is not a CAN interface", "if lo show");
        expect(0, "", "if list");
        expect(0, "[", "if list --json");
        expect(2, "unknown argument", "if list --yaml");

        return failures ? 1 : 0;
}
