/*
 * handoff: the cost of native-pty's shape of design, without Node. Reads `cat FILE` through a
 * pty as ptybench.c's C reader does (forkpty at 80x24, `stty raw -echo`, nonblocking reads until
 * EAGAIN, then poll), but with two threads: a reader thread reads into 1 MiB blocks and hands
 * each full one to a consumer thread, waiting while the previous block has not been taken (a
 * high-water mark of one block); the consumer copies each block into 32 KiB pieces from malloc
 * and frees them. That is native-pty's I/O thread and JavaScript thread, delivering Buffers,
 * with nothing else.
 *
 * Prints one JSON line: {"bytes","ms","cpuMs"}; bytes counts what the consumer got. Driven by
 * bench/handoff.ts (npm run bench:handoff), which alternates it with `ptybench throughput`.
 *
 *   handoff FILE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)
#define BLOCK (1024 * 1024)
#define PIECE (32 * 1024)
/* One block filling, one handed over, one being copied: the reader waits before a fourth. */
#define RING 3

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The hand-over between the two threads: at most one block waits in `ready`. */
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static char *ready;
static size_t readySize;
static int finished;
static long long consumed;

static void hand_over(char *block, size_t size) {
  pthread_mutex_lock(&mutex);
  while (ready != NULL) pthread_cond_wait(&changed, &mutex);
  ready = block;
  readySize = size;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&mutex);
}

static void *consume(void *unused) {
  (void)unused;
  for (;;) {
    pthread_mutex_lock(&mutex);
    while (ready == NULL && !finished) pthread_cond_wait(&changed, &mutex);
    char *block = ready;
    const size_t size = readySize;
    ready = NULL;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&mutex);
    if (block == NULL) return NULL; /* finished, and nothing left */
    for (size_t at = 0; at < size; at += PIECE) {
      const size_t length = size - at < PIECE ? size - at : PIECE;
      char *piece = malloc(length);
      if (piece == NULL) abort();
      memcpy(piece, block + at, length);
      consumed += (long long)length;
      free(piece);
    }
  }
}

static void finish(void) {
  pthread_mutex_lock(&mutex);
  while (ready != NULL) pthread_cond_wait(&changed, &mutex);
  finished = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&mutex);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: handoff FILE\n");
    return 2;
  }
  char command[4096];
  if (snprintf(command, sizeof command, "stty raw -echo; cat '%s'", argv[1]) >= (int)sizeof command ||
      strchr(argv[1], '\'') != NULL) {
    fprintf(stderr, "handoff: unusable file name\n");
    return 2;
  }
  char *ring[RING];
  for (int i = 0; i < RING; i++) {
    /* Touched now, so that the run pays no page faults for them (the C reader has none). */
    ring[i] = malloc(BLOCK + READ_CHUNK);
    if (ring[i] == NULL) return 1;
    memset(ring[i], 1, BLOCK + READ_CHUNK);
  }

  const double start = seconds(CLOCK_MONOTONIC);
  const double cpuStart = seconds(CLOCK_PROCESS_CPUTIME_ID);
  int master;
  struct winsize size = {.ws_row = 24, .ws_col = 80};
  const pid_t pid = forkpty(&master, NULL, NULL, &size);
  if (pid < 0) return 1;
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command, (char *)NULL);
    _exit(127);
  }
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  pthread_t consumer;
  if (pthread_create(&consumer, NULL, consume, NULL) != 0) return 1;

  int current = 0;
  size_t filled = 0;
  for (;;) {
    const ssize_t n = read(master, ring[current] + filled, READ_CHUNK);
    if (n > 0) {
      filled += (size_t)n;
      if (filled >= BLOCK) {
        hand_over(ring[current], filled);
        current = (current + 1) % RING;
        filled = 0;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      struct pollfd p = {.fd = master, .events = POLLIN};
      poll(&p, 1, -1);
      continue;
    }
    break; /* EIO: every slave fd is closed */
  }
  if (filled > 0) hand_over(ring[current], filled);
  finish();
  pthread_join(consumer, NULL);
  int status = 0;
  waitpid(pid, &status, 0);
  const double ms = (seconds(CLOCK_MONOTONIC) - start) * 1e3;
  const double cpuMs = (seconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart) * 1e3;
  printf("{\"bytes\":%lld,\"ms\":%.3f,\"cpuMs\":%.3f}\n", consumed, ms, cpuMs);
  return 0;
}
