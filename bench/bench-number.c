/* bench-number.c — rb_number_format / rb_number_parse against snprintf ("%.17g")
 * and strtod, in the same process, on realistic series values.
 *
 * Usage: bench-number [N]   (N values per data set, default 2 000 000)
 *
 * Each figure is the best of five passes over the same N values; the parse
 * columns read the same strings (our own output) with both parsers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb-number.h"

#define PASSES 5

typedef enum {
  DATA_UNIFORM,     /* uniform in [0, 1000): 15–17 digit strings */
  DATA_INTEGERS,    /* counts 0 … 999 999 */
  DATA_CENTS,       /* two decimals: k / 100 */
  DATA_MIXED,       /* a third of each, interleaved */
  DATA_BITS,        /* any finite bit pattern: the extreme exponents */
  N_DATA
} DataKind;

static const char * const data_names[N_DATA] = {
  "uniform [0,1000)", "integers", "2 decimals", "mixed (1/3 each)", "random bits",
};

static guint64 rng_state = G_GUINT64_CONSTANT (0x5EED5EED12345678);

static guint64
next_u64 (void)
{
  guint64 z = (rng_state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double
make_value (DataKind kind,
            gsize    i)
{
  guint64 r = next_u64 ();

  if (kind == DATA_MIXED)
    kind = (DataKind) (i % 3);

  switch (kind)
    {
    case DATA_UNIFORM:
      return (double) (r >> 11) * (1.0 / 9007199254740992.0) * 1000.0;
    case DATA_INTEGERS:
      return (double) (r % 1000000);
    case DATA_CENTS:
      return (double) (r % 10000000) / 100.0;
    case DATA_BITS:
      {
        double v;

        r &= ~(G_GUINT64_CONSTANT (1) << 62);   /* exponent never all ones: finite */
        memcpy (&v, &r, sizeof v);
        return v;
      }
    case DATA_MIXED:
    case N_DATA:
    default:
      g_assert_not_reached ();
    }
}

typedef struct {
  double ours_format;
  double libc_format;
  double ours_parse;
  double libc_parse;
} Result;

static volatile gsize sink;
static volatile double sink_d;

static double
ns_per_op (gint64 start,
           gsize  n)
{
  return (double) (g_get_monotonic_time () - start) * 1000.0 / (double) n;
}

static Result
run (DataKind kind,
     gsize    n)
{
  Result best = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
  double *values = g_new (double, n);
  char (*texts)[RB_NUMBER_BUF_SIZE] = g_malloc (n * RB_NUMBER_BUF_SIZE);
  gsize *lens = g_new (gsize, n);
  gsize i;
  int pass;

  for (i = 0; i < n; i++)
    {
      values[i] = make_value (kind, i);
      lens[i] = rb_number_format (values[i], texts[i]);
    }

  for (pass = 0; pass < PASSES; pass++)
    {
      char buf[40];
      gsize total = 0;
      double sum = 0;
      gint64 start;

      start = g_get_monotonic_time ();
      for (i = 0; i < n; i++)
        total += rb_number_format (values[i], buf);
      best.ours_format = MIN (best.ours_format, ns_per_op (start, n));

      start = g_get_monotonic_time ();
      for (i = 0; i < n; i++)
        total += (gsize) snprintf (buf, sizeof buf, "%.17g", values[i]);
      best.libc_format = MIN (best.libc_format, ns_per_op (start, n));

      start = g_get_monotonic_time ();
      for (i = 0; i < n; i++)
        {
          double v;

          if (!rb_number_parse (texts[i], lens[i], &v))
            g_error ("rb_number_parse rejected \"%s\"", texts[i]);
          sum += v;
        }
      best.ours_parse = MIN (best.ours_parse, ns_per_op (start, n));

      start = g_get_monotonic_time ();
      for (i = 0; i < n; i++)
        sum += strtod (texts[i], NULL);
      best.libc_parse = MIN (best.libc_parse, ns_per_op (start, n));

      sink += total;
      sink_d += sum;
    }

  g_free (values);
  g_free (texts);
  g_free (lens);
  return best;
}

int
main (int    argc,
      char **argv)
{
  gsize n = 2000000;
  int kind;

  if (argc > 1)
    n = (gsize) g_ascii_strtoull (argv[1], NULL, 10);
  if (n == 0)
    {
      fprintf (stderr, "usage: bench-number [N]\n");
      return 2;
    }

  printf ("bench-number: %" G_GSIZE_FORMAT " values per data set, best of %d passes, ns/op\n\n",
          n, PASSES);
  printf ("| data | rb_number_format | snprintf %%.17g | speed-up | rb_number_parse | strtod | speed-up |\n");
  printf ("|---|---:|---:|---:|---:|---:|---:|\n");

  for (kind = 0; kind < N_DATA; kind++)
    {
      Result r = run ((DataKind) kind, n);

      printf ("| %s | %.1f | %.1f | %.2f× | %.1f | %.1f | %.2f× |\n",
              data_names[kind],
              r.ours_format, r.libc_format, r.libc_format / r.ours_format,
              r.ours_parse, r.libc_parse, r.libc_parse / r.ours_parse);
    }

  return 0;
}
