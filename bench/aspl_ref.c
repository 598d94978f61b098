/*
 * Reference ASPL in C for bench/aspl.ts: the chunked bit-parallel BFS (written for this bench after the
 * algorithm of M. Nakao et al., HPC Asia 2020; no code copied). Sources are processed in chunks of
 * 64·W bits; every vertex holds a row of W uint64 words (bit i: source i of the chunk has reached it).
 * One level: B[v] = A[v] | OR_{u∈N(v)} A[u]; popcount(B) − popcount(A) new pairs at distance d. Modes (see
 * aspl_sum): the plain step, a complete-row skip, and the plain step with our kernel's two additions, so
 * that the bench separates what the algorithm gains from what the code does. W is a compile-time constant so the compiler can vectorise the row loops
 * (as a tuned C code would): gcc -O3 -march=native -DW=8 -o aspl_ref aspl_ref.c
 * Usage: aspl_ref EDGES MODE REPS   → prints {"aspl":…,"ms":median,…} as JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef W
#define W 8
#endif

static int n, *off, *adj;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Distance sum over ordered pairs; -1 when disconnected. mode 0: plain; 1: a complete row is copied
 * without reading its neighbours; 2: the two steps bench/aspl.ts's kernel adds to the plain one — the
 * first level by scattering each source's bit into its neighbours' rows, and once LATE of the block's
 * pairs are reached, a row's neighbour loop stops as soon as the row is complete. */
#define LATE 0.7
static long long aspl_sum(int mode, uint64_t *A, uint64_t *B, int *diam) {
  long long total = 0;
  *diam = 0;
  const int bits = 64 * W;
  for (int s0 = 0; s0 < n; s0 += bits) {
    int cnt = n - s0 < bits ? n - s0 : bits;
    uint64_t full[W];
    for (int w = 0; w < W; w++) {
      int lo = 64 * w, hi = cnt < lo + 64 ? cnt : lo + 64;
      full[w] = hi <= lo ? 0 : (hi - lo == 64 ? ~0ULL : ((1ULL << (hi - lo)) - 1));
    }
    memset(A, 0, sizeof(uint64_t) * (size_t)n * W);
    for (int i = 0; i < cnt; i++) A[(size_t)(s0 + i) * W + (i >> 6)] |= 1ULL << (i & 63);
    long long reached = cnt, target = (long long)cnt * n;
    int d = 0;
    while (reached < target) {
      d++;
      long long r = 0;
      if (mode == 2 && d == 1) {
        memcpy(B, A, sizeof(uint64_t) * (size_t)n * W);
        r = reached;
        for (int i = 0; i < cnt; i++) {
          const int s = s0 + i;
          const uint64_t bit = 1ULL << (i & 63);
          for (int p = off[s]; p < off[s + 1]; p++) {
            uint64_t *x = B + (size_t)adj[p] * W + (i >> 6);
            r += !(*x & bit);
            *x |= bit;
          }
        }
      } else {
        const int late = mode == 2 && reached >= LATE * target;
        for (int v = 0; v < n; v++) {
          uint64_t *a = A + (size_t)v * W, *b = B + (size_t)v * W;
          int complete = mode == 1;
          if (mode == 1)
            for (int w = 0; w < W; w++)
              if (a[w] != full[w]) { complete = 0; break; }
          if (complete) {
            memcpy(b, a, sizeof(uint64_t) * W);
            r += cnt;
            continue;
          }
          /* The row is accumulated in a local array (registers once vectorised), not in b: b may alias a
           * neighbour's row as far as the compiler knows, which would force a store and reload per OR. */
          uint64_t acc[W];
          for (int w = 0; w < W; w++) acc[w] = a[w];
          for (int p = off[v]; p < off[v + 1]; p++) {
            const uint64_t *u = A + (size_t)adj[p] * W;
            for (int w = 0; w < W; w++) acc[w] |= u[w];
            if (late) {
              uint64_t miss = 0;
              for (int w = 0; w < W; w++) miss |= acc[w] ^ full[w];
              if (!miss) break;
            }
          }
          for (int w = 0; w < W; w++) {
            b[w] = acc[w];
            r += __builtin_popcountll(acc[w]);
          }
        }
      }
      if (r == reached) return -1;
      total += (long long)d * (r - reached);
      reached = r;
      uint64_t *t = A; A = B; B = t;
    }
    if (d > *diam) *diam = d;
  }
  return total;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: aspl_ref EDGES MODE REPS\n"); return 2; }
  int mode = atoi(argv[2]), reps = atoi(argv[3]);
  if (reps < 1) return 2;
  FILE *f = fopen(argv[1], "r");
  if (!f) return 1;
  int cap = 1 << 16, m = 0, *eu = malloc(sizeof(int) * cap), *ev = malloc(sizeof(int) * cap);
  char line[256];
  n = 0;
  while (fgets(line, sizeof line, f)) {
    int u, v;
    if (line[0] == '#' || sscanf(line, "%d %d", &u, &v) != 2) continue;
    if (m == cap) { cap *= 2; eu = realloc(eu, sizeof(int) * cap); ev = realloc(ev, sizeof(int) * cap); }
    eu[m] = u; ev[m] = v; m++;
    if (u + 1 > n) n = u + 1;
    if (v + 1 > n) n = v + 1;
  }
  fclose(f);
  off = calloc(n + 1, sizeof(int));
  adj = malloc(sizeof(int) * 2 * m);
  for (int i = 0; i < m; i++) { off[eu[i] + 1]++; off[ev[i] + 1]++; }
  for (int v = 0; v < n; v++) off[v + 1] += off[v];
  if (n < 2) return 1;
  int *fill = calloc((size_t)n, sizeof(int));
  for (int i = 0; i < m; i++) { adj[off[eu[i]] + fill[eu[i]]++] = ev[i]; adj[off[ev[i]] + fill[ev[i]]++] = eu[i]; }
  uint64_t *A = aligned_alloc(64, sizeof(uint64_t) * ((size_t)n * W + 8)), *B = aligned_alloc(64, sizeof(uint64_t) * ((size_t)n * W + 8));
  int diam = 0;
  long long sum = aspl_sum(mode, A, B, &diam); /* warm-up */
  double *ts = malloc(sizeof(double) * reps);
  for (int i = 0; i < reps; i++) {
    double t = now_ms();
    sum = aspl_sum(mode, A, B, &diam);
    ts[i] = now_ms() - t;
  }
  qsort(ts, reps, sizeof(double), cmp_d);
  printf("{\"aspl\":%.15g,\"diameter\":%d,\"ms\":%.6f,\"W\":%d,\"mode\":%d,\"reps\":%d}\n", sum < 0 ? -1.0 : (double)sum / ((double)n * (n - 1)), diam, ts[reps / 2], W, mode, reps);
  return 0;
}
