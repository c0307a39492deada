/*
 * ptybench: the same workloads as bench/workloads/, done by a small C program with forkpty and
 * blocking reads. No runtime, no thread hand-off, no copies beyond the kernel's: what it
 * measures is the limit of the kernel's pty on this machine, the yardstick for native-pty.
 *
 * Prints one JSON object on stdout with raw samples; bench/run.ts turns them into statistics
 * with the same code as the Node workloads, so every column is computed the same way.
 *
 *   ptybench throughput FILE SIZE RUNS LIMIT_MS
 *   ptybench latency ROUND_TRIPS WARMUP LIMIT_MS
 *   ptybench spawn SEQUENTIAL WARMUP CONCURRENT BATCHES LIMIT_MS
 *   ptybench exitrace FILE SIZE RUNS LIMIT_MS
 *   ptybench serve FILE SIZE          (one throughput run per line "LIMIT_MS" on stdin)
 *
 * Every loop is bounded by its count and by LIMIT_MS; a child still running at the end is
 * killed by its pid and reaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)
#define MAX_CONCURRENT 1024

static double deadline_ms;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
         ru.ru_stime.tv_usec / 1e3;
}

static int remaining_ms(void) {
  double left = deadline_ms - now_ms();
  return left <= 0 ? 0 : (int)left + 1;
}

/* forkpty with the same terminal size the Node workloads use; the child runs argv. */
static pid_t spawn_pty(char *const argv[], int *master) {
  struct winsize ws = {.ws_row = 24, .ws_col = 80};
  pid_t pid = forkpty(master, NULL, NULL, &ws);
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  return pid;
}

static pid_t spawn_sh(const char *command, int *master) {
  char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
  return spawn_pty(argv, master);
}

/*
 * Reads until EIO (every slave fd closed), the deadline, or a read error; returns the bytes.
 * Nonblocking, read until EAGAIN and only then poll: while data is waiting, one system call
 * per chunk, as an I/O thread does it.
 */
static long long drain(int master, int *timed_out) {
  static char buf[READ_CHUNK];
  long long total = 0;
  *timed_out = 0;
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      struct pollfd p = {.fd = master, .events = POLLIN};
      int ready = poll(&p, 1, remaining_ms());
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) {
        *timed_out = 1;
        return total;
      }
      continue;
    }
    return total; /* EIO on Linux once the child side is gone */
  }
}

/* Kills (when still running) and reaps; returns the wait status. */
static int finish_child(pid_t pid, int force) {
  int status = 0;
  if (force) kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

static void print_doubles(const char *name, const double *values, int n) {
  printf("\"%s\":[", name);
  for (int i = 0; i < n; i++) printf("%s%.3f", i ? "," : "", values[i]);
  printf("]");
}

/* Printable bytes through `stty raw -echo; cat FILE`, timed from before forkpty to reaped. */
static int cmd_throughput(const char *file, long long size, int runs) {
  char command[4096];
  snprintf(command, sizeof command, "stty raw -echo; cat '%s'", file);
  printf("{\"runs\":[");
  for (int i = 0; i < runs && remaining_ms() > 0; i++) {
    int master, timed_out;
    double cpu0 = cpu_ms(), t0 = now_ms();
    pid_t pid = spawn_sh(command, &master);
    if (pid < 0) {
      printf("]}\n");
      return 1;
    }
    long long got = drain(master, &timed_out);
    finish_child(pid, timed_out);
    double t1 = now_ms();
    close(master);
    printf("%s{\"bytes\":%lld,\"expected\":%lld,\"ms\":%.3f,\"cpuMs\":%.3f,\"timedOut\":%s}",
           i ? "," : "", got, size, t1 - t0, cpu_ms() - cpu0, timed_out ? "true" : "false");
  }
  printf("]}\n");
  return 0;
}

/*
 * One throughput run for each line read on stdin (the line holds the run's LIMIT_MS), answered
 * with cmd_throughput's JSON line; ends at EOF. The Node throughput workload starts this once,
 * before its warm-ups, and brackets each of its timed runs with a run of it. Not a process per
 * run: starting one from Node forks the Node process, which write-protects all of its memory,
 * and the Node run after it would pay a page fault for every page it writes (measured: 245 per
 * MB on the main thread for Buffers, 8.8 ms of CPU per MB instead of 0.3).
 */
static int cmd_serve(const char *file, long long size) {
  char line[64];
  while (fgets(line, sizeof line, stdin) != NULL) {
    double limit = atof(line);
    deadline_ms = now_ms() + (limit > 0 ? limit : 60000);
    cmd_throughput(file, size, 1);
    fflush(stdout);
  }
  return 0;
}

static int read_exact(int master, char *buf, int want) {
  int got = 0;
  while (got < want) {
    struct pollfd p = {.fd = master, .events = POLLIN};
    int ready = poll(&p, 1, remaining_ms() < 1000 ? remaining_ms() : 1000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return -1;
    ssize_t n = read(master, buf + got, want - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    got += (int)n;
  }
  return got;
}

/* One byte to a raw-mode cat and back, round_trips times after warmup. */
static int cmd_latency(int round_trips, int warmup) {
  int master;
  pid_t pid = spawn_sh("stty raw -echo; printf R; exec cat", &master);
  if (pid < 0) return 1;
  char c;
  /* The 'R' says stty has run: from now on the terminal echoes nothing itself. */
  int ok = read_exact(master, &c, 1) == 1 && c == 'R';
  double *samples = calloc(round_trips > 0 ? round_trips : 1, sizeof *samples);
  int done = 0;
  for (int i = 0; ok && i < warmup + round_trips && remaining_ms() > 0; i++) {
    char out = (char)('a' + i % 26);
    double t0 = now_ms();
    if (write(master, &out, 1) != 1 || read_exact(master, &c, 1) != 1 || c != out) {
      ok = 0;
      break;
    }
    if (i >= warmup) samples[done++] = (now_ms() - t0) * 1e3;
  }
  finish_child(pid, 1);
  close(master);
  printf("{\"ok\":%s,", ok ? "true" : "false");
  print_doubles("us", samples, done);
  printf("}\n");
  free(samples);
  return 0;
}

/* /bin/true: sequential spawn->exit (read to EIO, reaped) and batches spawned at once. */
static int cmd_spawn(int sequential, int warmup, int concurrent, int batches) {
  char *argv[] = {"/bin/true", NULL};
  double *total = calloc(sequential > 0 ? sequential : 1, sizeof *total);
  double *call = calloc(sequential > 0 ? sequential : 1, sizeof *call);
  int done = 0, failures = 0;
  for (int i = 0; i < warmup + sequential && remaining_ms() > 0; i++) {
    int master, timed_out;
    double t0 = now_ms();
    pid_t pid = spawn_pty(argv, &master);
    double t1 = now_ms();
    if (pid < 0) return 1;
    drain(master, &timed_out);
    int status = finish_child(pid, timed_out);
    double t2 = now_ms();
    close(master);
    if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) failures++;
    if (i >= warmup) {
      call[done] = (t1 - t0) * 1e3;
      total[done] = t2 - t0;
      done++;
    }
  }
  if (concurrent > MAX_CONCURRENT) concurrent = MAX_CONCURRENT;
  static int masters[MAX_CONCURRENT];
  static pid_t pids[MAX_CONCURRENT];
  double *walls = calloc(batches > 0 ? batches : 1, sizeof *walls);
  int batches_done = 0;
  for (int b = 0; b < batches && remaining_ms() > 0; b++) {
    double t0 = now_ms();
    int started = 0, open = 0;
    for (; started < concurrent; started++) {
      pids[started] = spawn_pty(argv, &masters[started]);
      if (pids[started] < 0) break;
      open++;
    }
    /* Wait for EIO on every master (the child's side is gone), reaping each as it ends. */
    struct pollfd fds[MAX_CONCURRENT];
    while (open > 0 && remaining_ms() > 0) {
      int n = 0;
      for (int i = 0; i < started; i++) {
        if (masters[i] >= 0) fds[n++] = (struct pollfd){.fd = masters[i], .events = POLLIN};
      }
      if (poll(fds, n, remaining_ms()) <= 0) continue;
      for (int k = 0; k < n; k++) {
        if (!fds[k].revents) continue;
        for (int i = 0; i < started; i++) {
          if (masters[i] != fds[k].fd) continue;
          char buf[256];
          ssize_t r = read(masters[i], buf, sizeof buf);
          if (r <= 0 && !(r < 0 && errno == EINTR)) {
            finish_child(pids[i], 0);
            close(masters[i]);
            masters[i] = -1;
            open--;
          }
        }
      }
    }
    for (int i = 0; i < started; i++) {
      if (masters[i] < 0) continue;
      finish_child(pids[i], 1);
      close(masters[i]);
      failures++;
    }
    if (started < concurrent) failures += concurrent - started;
    walls[batches_done++] = now_ms() - t0;
  }
  printf("{\"failures\":%d,", failures);
  print_doubles("totalMs", total, done);
  printf(",");
  print_doubles("callUs", call, done);
  printf(",");
  print_doubles("concurrentWallMs", walls, batches_done);
  printf(",\"concurrent\":%d}\n", concurrent);
  free(total);
  free(call);
  free(walls);
  return 0;
}

/* `head -c SIZE FILE` on a pty, read until EIO: does the kernel ever lose the tail? */
static int cmd_exitrace(const char *file, long long size, int runs) {
  char command[4096];
  snprintf(command, sizeof command, "stty raw -echo; head -c %lld '%s'", size, file);
  int lost = 0, done = 0;
  for (int i = 0; i < runs && remaining_ms() > 0; i++) {
    int master, timed_out;
    pid_t pid = spawn_sh(command, &master);
    if (pid < 0) return 1;
    long long got = drain(master, &timed_out);
    finish_child(pid, timed_out);
    close(master);
    if (got != size) lost++;
    done++;
  }
  printf("{\"runs\":%d,\"lost\":%d}\n", done, lost);
  return 0;
}

int main(int argc, char **argv) {
  /* A vanished reader of our stdout must not leave children behind: fail writes instead. */
  signal(SIGPIPE, SIG_IGN);
  if (argc >= 6 && strcmp(argv[1], "throughput") == 0) {
    deadline_ms = now_ms() + atof(argv[5]);
    return cmd_throughput(argv[2], atoll(argv[3]), atoi(argv[4]));
  }
  if (argc >= 4 && strcmp(argv[1], "serve") == 0) return cmd_serve(argv[2], atoll(argv[3]));
  if (argc >= 5 && strcmp(argv[1], "latency") == 0) {
    deadline_ms = now_ms() + atof(argv[4]);
    return cmd_latency(atoi(argv[2]), atoi(argv[3]));
  }
  if (argc >= 7 && strcmp(argv[1], "spawn") == 0) {
    deadline_ms = now_ms() + atof(argv[6]);
    return cmd_spawn(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
  }
  if (argc >= 6 && strcmp(argv[1], "exitrace") == 0) {
    deadline_ms = now_ms() + atof(argv[5]);
    return cmd_exitrace(argv[2], atoll(argv[3]), atoi(argv[4]));
  }
  fprintf(stderr,
          "usage: ptybench throughput FILE SIZE RUNS LIMIT_MS\n"
          "       ptybench latency ROUND_TRIPS WARMUP LIMIT_MS\n"
          "       ptybench spawn SEQUENTIAL WARMUP CONCURRENT BATCHES LIMIT_MS\n"
          "       ptybench exitrace FILE SIZE RUNS LIMIT_MS\n"
          "       ptybench serve FILE SIZE\n");
  return 2;
}
