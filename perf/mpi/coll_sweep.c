/*
 * The Open MPI side of jccl's comparisons: the same sweep as jccl-perf, with the same sizes,
 * timing, percentiles and bus factors, so that one table or one plot holds both.
 *
 * Each iteration is timed on its own and the time of an iteration is the slowest rank's (a MAX
 * reduction after the loop). size = the bytes of a rank's largest buffer (allgather: the gathered
 * result; reducescatter, alltoall, gather, scatter: all blocks). float32, SUM, root 0.
 *
 *   coll_sweep [-b BYTES] [-e BYTES] [-f FACTOR] [-n ITERS] [-w WARMUP] [-l LABEL] [-a ALGO] [-o FILE.csv] OPS
 *
 * OPS is a comma list of allreduce, broadcast, reduce, allgather, reducescatter, alltoall, gather,
 * scatter, allreduce_pair (two MPI_Iallreduce of the size issued back to back, then waited for: how
 * well two collectives in flight overlap; its bandwidth counts one of them), or all. -a only names the algorithm in the output (pick it with Open MPI's MCA options).
 * -o writes jccl-perf's CSV columns, readable by jccl-perf --compare.
 * Built by perf/mpi/openmpi-sweep.sh (mpicc from Debian's libopenmpi-dev).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { ALLREDUCE, BROADCAST, REDUCE, ALLGATHER, REDUCESCATTER, ALLTOALL, GATHER, SCATTER, ALLREDUCE_PAIR,
               NOPS } op_t;
static const char *NAMES[NOPS] = {"allreduce", "broadcast", "reduce", "allgather", "reducescatter", "alltoall", "gather",
                                  "scatter", "allreduce_pair"};
/* the second pair of buffers of allreduce_pair */
static float *s2, *r2;

static double bus_factor(op_t op, int n) {
  switch (op) {
    case ALLREDUCE:
    case ALLREDUCE_PAIR: return 2.0 * (n - 1) / n;
    case BROADCAST:
    case REDUCE: return 1.0;
    default: return (double)(n - 1) / n;
  }
}

/* one collective on float32 buffers; size is the sweep size in bytes, already a multiple of 4n */
static void run(op_t op, float *s, float *r, long size, int n) {
  int all = (int)(size / 4), block = all / n;
  switch (op) {
    case ALLREDUCE: MPI_Allreduce(s, r, all, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); break;
    case BROADCAST: MPI_Bcast(r, all, MPI_FLOAT, 0, MPI_COMM_WORLD); break;
    case REDUCE: MPI_Reduce(s, r, all, MPI_FLOAT, MPI_SUM, 0, MPI_COMM_WORLD); break;
    case ALLGATHER: MPI_Allgather(s, block, MPI_FLOAT, r, block, MPI_FLOAT, MPI_COMM_WORLD); break;
    case REDUCESCATTER: MPI_Reduce_scatter_block(s, r, block, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); break;
    case ALLTOALL: MPI_Alltoall(s, block, MPI_FLOAT, r, block, MPI_FLOAT, MPI_COMM_WORLD); break;
    case GATHER: MPI_Gather(s, block, MPI_FLOAT, r, block, MPI_FLOAT, 0, MPI_COMM_WORLD); break;
    case SCATTER: MPI_Scatter(s, block, MPI_FLOAT, r, block, MPI_FLOAT, 0, MPI_COMM_WORLD); break;
    case ALLREDUCE_PAIR: {
      MPI_Request q[2];
      MPI_Iallreduce(s, r, all, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &q[0]);
      MPI_Iallreduce(s2, r2, all, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &q[1]);
      MPI_Waitall(2, q, MPI_STATUSES_IGNORE);
      break;
    }
    default: break;
  }
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* the value at percentile p of sorted t[0..k), as HdrHistogram reports it: the smallest value with p% at or below */
static double pct(const double *t, int k, double p) {
  int i = (int)((p / 100.0) * k + 0.999999) - 1;
  return t[i < 0 ? 0 : (i >= k ? k - 1 : i)];
}

static long parse_size(const char *v) {
  char *end;
  double x = strtod(v, &end);
  switch (*end) {
    case 'K': case 'k': x *= 1024; break;
    case 'M': case 'm': x *= 1024 * 1024; break;
    case 'G': case 'g': x *= 1024.0 * 1024 * 1024; break;
    default: break;
  }
  return (long)x;
}

int main(int argc, char **argv) {
  long minb = 8, maxb = 8 << 20;
  double factor = 4;
  int iters = 20, warmup = 5, rank, n;
  const char *label = "openmpi", *algo = "default", *csv = NULL, *ops = "all";
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  for (int i = 1; i < argc; i++) {
    if (i + 1 < argc && argv[i][0] == '-' && strlen(argv[i]) == 2) {
      const char *v = argv[++i];
      switch (argv[i - 1][1]) {
        case 'b': minb = parse_size(v); break;
        case 'e': maxb = parse_size(v); break;
        case 'f': factor = atof(v); break;
        case 'n': iters = atoi(v); break;
        case 'w': warmup = atoi(v); break;
        case 'l': label = v; break;
        case 'a': algo = v; break;
        case 'o': csv = v; break;
        default: if (rank == 0) fprintf(stderr, "coll_sweep: unknown option %s\n", argv[i - 1]); MPI_Abort(MPI_COMM_WORLD, 2);
      }
    } else {
      ops = argv[i];
    }
  }
  if (iters < 1 || factor <= 1 || minb < 0 || maxb < minb) {
    if (rank == 0) fprintf(stderr, "coll_sweep: need iters >= 1, factor > 1, 0 <= minbytes <= maxbytes\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  float *s = malloc(maxb + 64), *r = malloc(maxb + 64);
  double *t = malloc(sizeof(double) * iters), *tmax = malloc(sizeof(double) * iters);
  memset(s, 0, maxb + 64);
  memset(r, 0, maxb + 64);
  s2 = calloc(1, maxb + 64);
  r2 = calloc(1, maxb + 64);
  FILE *out = NULL;
  if (rank == 0) {
    char host[256];
    int len;
    MPI_Get_processor_name(host, &len);
    int major, minor;
    MPI_Get_version(&major, &minor);
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    MPI_Get_library_version(lib, &len);
    lib[strcspn(lib, ",\n")] = 0;
    printf("# coll_sweep: %d ranks, %s; host %s; label %s\n", n, lib, host, label);
    if (csv != NULL) {
      out = fopen(csv, "w");
      if (out == NULL) {
        perror(csv);
        MPI_Abort(MPI_COMM_WORLD, 1);
      }
      fprintf(out, "label,op,ranks,size,count,type,redop,root,algorithm,inPlace,avgUs,p50Us,p99Us,maxUs,algbwGBs,busbwGBs,wrong\n");
    }
  }
  for (int o = 0; o < NOPS; o++) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, ",%s,", NAMES[o]);
    char list[512];
    snprintf(list, sizeof list, ",%s,", ops);
    if (strcmp(ops, "all") != 0 && strstr(list, pattern) == NULL) continue;
    if (rank == 0) {
      printf("#\n# %s\n# %12s %12s %-22s %10s %10s %10s %10s %11s %11s\n", NAMES[o], "size(B)", "count", "algorithm",
             "time(us)", "p50(us)", "p99(us)", "max(us)", "algbw(GB/s)", "busbw(GB/s)");
    }
    for (long req = minb; req <= maxb;) {
      long unit = 4L * (o == ALLREDUCE || o == ALLREDUCE_PAIR || o == BROADCAST || o == REDUCE ? 1 : n);
      long size = req - req % unit;
      for (int i = 0; i < warmup; i++) run((op_t)o, s, r, size, n);
      MPI_Barrier(MPI_COMM_WORLD);
      for (int i = 0; i < iters; i++) {
        double t0 = MPI_Wtime();
        run((op_t)o, s, r, size, n);
        t[i] = MPI_Wtime() - t0;
      }
      MPI_Reduce(t, tmax, iters, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
      if (rank == 0) {
        double sum = 0;
        for (int i = 0; i < iters; i++) sum += tmax[i];
        qsort(tmax, iters, sizeof(double), cmp);
        double avg = sum / iters * 1e6, algbw = avg > 0 ? size / (avg * 1e3) : 0;
        double p50 = pct(tmax, iters, 50) * 1e6, p99 = pct(tmax, iters, 99) * 1e6, mx = tmax[iters - 1] * 1e6;
        printf("  %12ld %12ld %-22s %10.2f %10.2f %10.2f %10.2f %11.3f %11.3f\n", size, size / 4, algo, avg, p50, p99, mx,
               algbw, algbw * bus_factor((op_t)o, n));
        fflush(stdout);
        if (out != NULL) {
          int reduces = o == ALLREDUCE || o == ALLREDUCE_PAIR || o == REDUCE || o == REDUCESCATTER;
          int rooted = o == BROADCAST || o == REDUCE || o == GATHER || o == SCATTER;
          fprintf(out, "%s,%s,%d,%ld,%ld,float32,%s,%s,%s,false,%.3f,%.3f,%.3f,%.3f,%.6f,%.6f,\n", label, NAMES[o], n, size,
                  size / 4, reduces ? "sum" : "-", rooted ? "0" : "-", algo, avg, p50, p99, mx, algbw,
                  algbw * bus_factor((op_t)o, n));
        }
      }
      long next = (long)(req * factor + 0.999999);
      if (next <= req) break;
      req = next;
    }
  }
  if (out != NULL) fclose(out);
  free(s);
  free(r);
  free(s2);
  free(r2);
  free(t);
  free(tmax);
  MPI_Finalize();
  return 0;
}
