#!/usr/bin/python3
"""Time two whole commands pair by pair: A against B, in turn.

    bench/paired_time.py [-n RUNS] [--warmup N] [--timeout SECONDS]
                         [--vs 'COMMAND_B'] -- COMMAND_A [ARG ...]

Times each command as a whole process, from outside: from its start to its
exit, start-up and set-up included. After N warm-up runs of each (default
1, not counted), A and B run RUNS times each (default 5) in turn, A B A B
..., so that a change in the machine's load falls on both alike, and every
figure of A is divided by B's of the same pair. Without --vs, A alone.

Each run is a child process started without a shell (A as given after
`--`, B split like a shell word list by shlex), in a process group of its
own, with stdin, stdout and stderr on /dev/null. Per run: the wall time
(time.perf_counter from just before the start to just after the exit), the
user and system CPU times and the peak resident memory from os.wait4's
resource usage (which includes the child's own children it waited for);
cpu is user + sys. --timeout bounds the whole call (warm-ups included):
when it passes, the running child's process group is killed, that run is
not counted, and the finished runs are reported. Linux: peak memory is
ru_maxrss in KiB, and --timeout waits on a pidfd (Linux 5.3). The peak has
a floor, the resident size of this script when it starts the child (about
12 MiB): Linux counts the memory the child started from before its exec,
so compare peaks well above it, or their differences.

Output, on stdout, one fact per line, fields separated by single spaces
(the first field says what the line is; the numbers are never quoted):

    paired_time runs 3 warmup 1 timeout 60 finished A 3 B 3
    command A /usr/bin/gzip -9 -k -c big.tar
    command B /usr/bin/gzip -1 -k -c big.tar
    A wall min 2.412 median 2.437 max 2.520 s
    A cpu min 2.401 median 2.419 max 2.480 s
    A user min 2.380 median 2.398 max 2.452 s
    A sys min 0.020 median 0.021 max 0.028 s
    A peak min 1.9 median 1.9 max 2.0 MiB
    B wall ...                  (the same five lines for B)
    ratio wall min 3.0811 median 3.1207 max 3.1840 pairs 3
    ratio cpu ...               (wall, cpu, user, sys, peak)
    exit A code 1 runs 3 of 3
    exit B signal 9 runs 1 of 3
    timeout 60 s reached: finished A 2 B 1 of 3

- `paired_time`: the runs asked for, the warm-ups, the timeout (`none`
  without one) and the counted runs that finished, per command.
- `command WHO ARGV`: the command, quoted as a shell would need it.
- `WHO FIGURE min X median Y max Z UNIT`: WHO is A or B, FIGURE is wall,
  cpu, user, sys (seconds) or peak (MiB), over the finished runs; absent
  when no run finished.
- `ratio FIGURE min X median Y max Z pairs N`: A's figure divided by B's,
  pair by pair (the i-th finished run of A with the i-th of B), then their
  minimum, median and maximum; N counts the pairs where B's figure is not
  0 (the others have no ratio); `-` for X, Y and Z when N is 0.
- `exit WHO code C runs K of N` or `exit WHO signal S runs K of N`: only
  when counted runs did not exit with 0: K of the N finished runs exited
  with code C or were killed by signal S.
- `timeout ...`: only when the timeout ended the call early.

So in bash, the median wall ratio is
`awk '$1 == "ratio" && $2 == "wall" { print $6 }'` and A's median wall
seconds `awk '$1 == "A" && $2 == "wall" { print $6 }'`.

Exit status: 0 when every run asked for was started and reaped, whatever
the commands' own exit codes (see the `exit` lines); 2 for bad arguments or
a command that cannot be started (message on stderr, nothing on stdout);
3 when the timeout ended the call early; 130 when interrupted (SIGINT or
SIGTERM), after reporting the finished runs. Standard library only.
"""

import argparse
import collections
import os
import select
import shlex
import signal
import statistics
import sys
import time

# The figures of a run, in the order they are printed: name, unit, format.
FIGURES = (
    ("wall", "s", "{:.3f}"),
    ("cpu", "s", "{:.3f}"),
    ("user", "s", "{:.3f}"),
    ("sys", "s", "{:.3f}"),
    ("peak", "MiB", "{:.1f}"),
)
RATIO_FORMAT = "{:.4f}"


class TimedOut(Exception):
    """The call's deadline passed while a run was going."""


class CannotStart(Exception):
    """A command could not be started (no such file, not executable...)."""


class Run:
    """One finished run: its figures by name and how it ended."""

    def __init__(self, wall, usage, status):
        self.figures = {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "user": usage.ru_utime,
            "sys": usage.ru_stime,
            "peak": usage.ru_maxrss / 1024.0,  # KiB on Linux
        }
        if os.WIFSIGNALED(status):
            self.outcome = "signal %d" % os.WTERMSIG(status)
        else:
            self.outcome = "code %d" % os.waitstatus_to_exitcode(status)

    def failed(self):
        return self.outcome != "code 0"


def wait_until(pid, deadline):
    """Returns once the child `pid` has exited (not reaped yet), or raises
    TimedOut when `deadline` (a perf_counter value) passes first."""
    pidfd = os.pidfd_open(pid)
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or not poller.poll(max(1, int(remaining * 1000))):
            raise TimedOut()
    finally:
        os.close(pidfd)


def kill_and_reap(pid):
    """Kills the child's process group and reaps the child."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def run_once(who, argv, deadline):
    """Runs `argv` once and returns its Run; `deadline` is None or a
    perf_counter value."""
    quiet = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
             (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
             (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    start = time.perf_counter()
    try:
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=quiet, setpgroup=0)
    except OSError as error:
        raise CannotStart("cannot start %s (%s): %s" %
                          (who, shlex.join(argv), error.strerror)) from None
    try:
        if deadline is not None:
            wait_until(pid, deadline)
        _, status, usage = os.wait4(pid, 0)
    except BaseException:
        kill_and_reap(pid)
        raise
    return Run(time.perf_counter() - start, usage, status)


def spread(values, fmt):
    """The `min X median Y max Z` fields of `values`, `-` when empty."""
    if not values:
        return "min - median - max -"
    return "min %s median %s max %s" % (fmt.format(min(values)),
                                        fmt.format(statistics.median(values)),
                                        fmt.format(max(values)))


def report(args, commands, runs, timed_out):
    """Prints the report of the finished runs (format: the module's doc)."""
    finished = " ".join("%s %d" % (who, len(runs[who])) for who, _ in commands)
    timeout = "none" if args.timeout is None else "%g" % args.timeout
    print("paired_time runs %d warmup %d timeout %s finished %s" %
          (args.runs, args.warmup, timeout, finished))
    for who, argv in commands:
        print("command %s %s" % (who, shlex.join(argv)))
    for who, _ in commands:
        if not runs[who]:
            continue
        for name, unit, fmt in FIGURES:
            values = [run.figures[name] for run in runs[who]]
            print("%s %s %s %s" % (who, name, spread(values, fmt), unit))
    if len(commands) == 2:
        pairs = list(zip(runs["A"], runs["B"]))
        for name, _, _ in FIGURES:
            ratios = [a.figures[name] / b.figures[name] for a, b in pairs
                      if b.figures[name] != 0]
            print("ratio %s %s pairs %d" %
                  (name, spread(ratios, RATIO_FORMAT), len(ratios)))
    for who, _ in commands:
        outcomes = collections.Counter(run.outcome for run in runs[who]
                                       if run.failed())
        for outcome, count in sorted(outcomes.items()):
            print("exit %s %s runs %d of %d" %
                  (who, outcome, count, len(runs[who])))
    if timed_out:
        print("timeout %s s reached: finished %s of %d" %
              (timeout, finished, args.runs))


def parse_arguments():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        usage="%(prog)s [-n RUNS] [--warmup N] [--timeout SECONDS] "
              "[--vs 'COMMAND_B'] -- COMMAND_A [ARG ...]")
    parser.add_argument("-n", "--runs", type=int, default=5,
                        help="counted runs of each command (default 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="uncounted runs of each command first "
                             "(default 1)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds the whole call may take (default: "
                             "no limit)")
    parser.add_argument("--vs", metavar="COMMAND_B",
                        help="the baseline B, one string split like a "
                             "shell's words (no shell runs it)")
    parser.add_argument("command", nargs="+", metavar="COMMAND_A",
                        help="the command A and its arguments, after --")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("-n must be at least 1, not %d" % args.runs)
    if args.warmup < 0:
        parser.error("--warmup must be at least 0, not %d" % args.warmup)
    if args.timeout is not None and not args.timeout > 0:
        parser.error("--timeout must be positive, not %g" % args.timeout)
    commands = [("A", args.command)]
    if args.vs is not None:
        try:
            command_b = shlex.split(args.vs)
        except ValueError as error:
            parser.error("--vs %r: %s" % (args.vs, error))
        if not command_b:
            parser.error("--vs is empty")
        commands.append(("B", command_b))
    return args, commands


def interrupt(signum, frame):
    raise KeyboardInterrupt()


def main():
    args, commands = parse_arguments()
    signal.signal(signal.SIGTERM, interrupt)
    deadline = None
    if args.timeout is not None:
        deadline = time.perf_counter() + args.timeout
    runs = {who: [] for who, _ in commands}
    status = 0
    try:
        for _ in range(args.warmup):
            for who, argv in commands:
                run_once(who, argv, deadline)
        for _ in range(args.runs):
            for who, argv in commands:
                runs[who].append(run_once(who, argv, deadline))
    except CannotStart as error:
        print("%s: %s" % (os.path.basename(sys.argv[0]), error),
              file=sys.stderr)
        return 2
    except TimedOut:
        status = 3
    except KeyboardInterrupt:
        print("%s: interrupted" % os.path.basename(sys.argv[0]),
              file=sys.stderr)
        status = 130
    report(args, commands, runs, status == 3)
    return status


if __name__ == "__main__":
    sys.exit(main())
