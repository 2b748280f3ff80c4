/* SPDX-License-Identifier: MIT */
/*
 * `canring gen` on bad input: usage errors exit 2 and runtime errors exit 1, each with a message
 * that names the problem. Runs the built program (BUILD/tools/canring, found next to this test's
 * directory). No case reaches a CAN socket, so they run on a host without CAN.
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
        char cmd[8192], out[16384];
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
        char cmd[8192];
        snprintf(cmd, sizeof(cmd), "%s help | grep -q '^  gen '", prog);
        if (system(cmd) != 0) {
                fprintf(stderr, "gen is not in tools/main.c's dispatch table yet\n");
                return 77;
        }

        expect(0, "usage: canring gen", "gen --help");
        expect(2, "need at least one interface", "gen");
        expect(2, "need at least one interface", "gen -n 10 -g 0");
        expect(2, "unknown option '-z'", "gen -z vcan0");
        expect(2, "unknown option '--fast'", "gen --fast vcan0");
        expect(2, "option -g needs a value", "gen vcan0 -g");
        expect(2, "option --batch needs a value", "gen vcan0 --batch");
        expect(2, "bad -g 'soon'", "gen -g soon vcan0");
        expect(2, "bad -g '-1'", "gen -g -1 vcan0");
        expect(2, "bad -n '0'", "gen -n 0 vcan0");
        expect(2, "bad -n '2.5'", "gen -n 2.5 vcan0");
        expect(2, "bad -n '-3'", "gen -n -3 vcan0");
        expect(2, "bad burst '0'", "gen -c 0 vcan0");
        expect(2, "bad burst 'x'", "gen --burst x vcan0");
        expect(2, "bad --batch '0'", "gen --uring --batch 0 vcan0");
        expect(2, "bad --batch '5000'", "gen --uring --batch 5000 vcan0");
        expect(2, "bad --rate '0'", "gen --rate 0 vcan0");
        expect(2, "bad -p 'later'", "gen -p later vcan0");
        expect(2, "bad --seed", "gen --seed abc vcan0");
        expect(2, "either -g or --rate", "gen -g 1 --rate 100 vcan0");
        expect(2, "bad -I '12G'", "gen -I 12G vcan0");
        expect(2, "greater than 7FF", "gen -I 800 vcan0");
        expect(2, "29 bits", "gen -e -I 20000000 vcan0");
        expect(2, "bad -L '65'", "gen -f -L 65 vcan0");
        expect(2, "at most 8 bytes", "gen -L 9 vcan0");
        expect(2, "even number of digits", "gen -D 123 vcan0");
        expect(2, "remote frames are classic", "gen -R -f vcan0");
        expect(2, "classic CAN only", "gen -8 -b vcan0");
        expect(2, "vcan0 given twice", "gen vcan0 vcan1 vcan0");
        expect(2, "exceeds io_uring", "gen --uring --batch 4096 a b c d e f g h i");

        expect(1, "lo is not a CAN interface", "gen -n 1 lo");
        expect(1, "nocan-xyz9: no such interface", "gen -n 1 nocan-xyz9");
        expect(1, "no such interface", "gen --uring -n 1 nocan-xyz9");

        return failures ? 1 : 0;
}
