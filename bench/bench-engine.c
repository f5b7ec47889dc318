/* bench-engine.c — rb_engine_evaluate on a generated model against a hand-written C loop
 * doing the same arithmetic, in the same process.
 *
 * Usage: bench-engine [NODES [BINS]]   (default 1 000 nodes × 10 000 bins)
 *
 * The model: 10 const nodes, then expr nodes cycling through eight shapes
 * (arithmetic, MIN/MAX/CLAMP, CONV, SHIFT, PULSE, division) over two earlier
 * nodes, with every 100th node a serviceWithBuffer queue. The hand loop
 * computes every node with one fused loop per node over a nodes × bins
 * buffer. Both results are compared bin by bin. Each time is the best of 5.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb-engine.h"
#include "rb-model.h"

#define PASSES 5
#define N_CONST 10
#define N_SHAPES 8

typedef struct
{
  guint shape;     /* 0..7, 8 = queue, 9 = const */
  guint a, b;
} Spec;

/* '@' is the first operand, '$' the second. */
static const char * const shapes[N_SHAPES] = {
  "(@ + $) * 0.5",
  "MAX(0, @ - $)",
  "MIN(@, $) * 1.1",
  "CLAMP(@, 0, 100) + $ * 0.25",
  "CONV(@, [0.5, 0.3, 0.2]) + $ * 0",
  "SHIFT(@, 1) * 0.75 + $ * 0.25",
  "@ / ($ + 1)",
  "PULSE(4, 1, @) + $",
};

static void
append_shape (GString    *s,
              const char *shape,
              guint       a,
              guint       b)
{
  for (const char *c = shape; *c != '\0'; c++)
    {
      if (*c == '@' || *c == '$')
        g_string_append_printf (s, "n%u", *c == '@' ? a : b);
      else
        g_string_append_c (s, *c);
    }
}

static double
dmax (double a, double b)
{
  return a > b ? a : b;
}

static double
dmin (double a, double b)
{
  return a < b ? a : b;
}

/* The same arithmetic, one fused loop per node. */
static void
hand_loop (const Spec *specs,
           guint       n_nodes,
           guint       bins,
           double     *data,
           const double *consts)
{
  for (guint i = 0; i < n_nodes; i++)
    {
      double *y = data + (gsize) i * bins;
      const double *a = data + (gsize) specs[i].a * bins;
      const double *b = data + (gsize) specs[i].b * bins;

      switch (specs[i].shape)
        {
        case 0:
          for (guint t = 0; t < bins; t++)
            y[t] = (a[t] + b[t]) * 0.5;
          break;
        case 1:
          for (guint t = 0; t < bins; t++)
            y[t] = dmax (0, a[t] - b[t]);
          break;
        case 2:
          for (guint t = 0; t < bins; t++)
            y[t] = dmin (a[t], b[t]) * 1.1;
          break;
        case 3:
          for (guint t = 0; t < bins; t++)
            y[t] = dmax (0, dmin (100, a[t])) + b[t] * 0.25;
          break;
        case 4:
          for (guint t = 0; t < bins; t++)
            {
              double s = 0.5 * a[t];

              if (t >= 1)
                s += 0.3 * a[t - 1];
              if (t >= 2)
                s += 0.2 * a[t - 2];
              y[t] = s + b[t] * 0;
            }
          break;
        case 5:
          for (guint t = 0; t < bins; t++)
            y[t] = (t >= 1 ? a[t - 1] : 0.0) * 0.75 + b[t] * 0.25;
          break;
        case 6:
          for (guint t = 0; t < bins; t++)
            {
              double d = b[t] + 1;

              y[t] = d != 0 ? a[t] / d : 0;
            }
          break;
        case 7:
          for (guint t = 0; t < bins; t++)
            y[t] = ((t >= 1 && (t - 1) % 4 == 0) ? a[t] : 0.0) + b[t];
          break;
        case 8:
          {
            double q = 0;

            for (guint t = 0; t < bins; t++)
              {
                q = q + a[t] - b[t];
                y[t] = q > 0 ? q : 0;
                q = y[t];
              }
          }
          break;
        default:
          memcpy (y, consts + (gsize) i * bins, sizeof (double) * bins);
          break;
        }
    }
}

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

int
main (int    argc,
      char **argv)
{
  guint n_nodes = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  guint bins = argc > 2 ? (guint) atoi (argv[2]) : 10000;
  g_autofree Spec *specs = g_new0 (Spec, n_nodes);
  g_autofree double *consts = g_new0 (double, (gsize) N_CONST * bins);
  g_autofree double *data = g_new (double, (gsize) n_nodes * bins);
  g_autoptr(GString) yaml = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RbModel) model = NULL;
  GRand *rand = g_rand_new_with_seed (2025);
  double t0, parse_time, best_engine = G_MAXDOUBLE, best_hand = G_MAXDOUBLE;
  double best_fresh = G_MAXDOUBLE, cold_engine = 0;
  guint n_queues = 0;
  gsize mismatches = 0;

  if (n_nodes <= N_CONST || bins == 0)
    {
      fprintf (stderr, "usage: bench-engine [NODES > %d [BINS ≥ 1]]\n", N_CONST);
      return 2;
    }

  g_string_append_printf (yaml, "schemaVersion: 1\ngrid: {bins: %u, binSize: 5, binUnit: minutes}\nnodes:\n", bins);
  for (guint i = 0; i < n_nodes; i++)
    {
      if (i < N_CONST)
        {
          specs[i].shape = 9;
          g_string_append_printf (yaml, "  - id: n%u\n    kind: const\n    values: [", i);
          for (guint t = 0; t < bins; t++)
            {
              double v = (double) g_rand_int_range (rand, 0, 200);

              consts[(gsize) i * bins + t] = v;
              g_string_append_printf (yaml, t > 0 ? ", %g" : "%g", v);
            }
          g_string_append (yaml, "]\n");
          continue;
        }
      specs[i].a = g_rand_int_range (rand, 0, i);
      specs[i].b = g_rand_int_range (rand, 0, i);
      if (i % 100 == 50)
        {
          specs[i].shape = 8;
          n_queues++;
          g_string_append_printf (yaml, "  - {id: n%u, kind: serviceWithBuffer, inflow: n%u, outflow: n%u}\n",
                                  i, specs[i].a, specs[i].b);
          continue;
        }
      specs[i].shape = i % N_SHAPES;
      g_string_append_printf (yaml, "  - {id: n%u, kind: expr, expr: '", i);
      append_shape (yaml, shapes[specs[i].shape], specs[i].a, specs[i].b);
      g_string_append (yaml, "'}\n");
    }
  g_rand_free (rand);

  t0 = now ();
  model = rb_model_parse (yaml->str, yaml->len, "bench.yaml", &error);
  parse_time = now () - t0;
  if (model == NULL)
    {
      fprintf (stderr, "bench-engine: %s\n", error->message);
      return 1;
    }

  for (guint pass = 0; pass < PASSES; pass++)
    {
      g_autoptr(RbEvaluation) evaluation = NULL;
      double engine_time, hand_time, fresh_time;
      double *fresh;

      t0 = now ();
      evaluation = rb_engine_evaluate (model, NULL, NULL, &error);
      engine_time = now () - t0;
      g_assert_no_error (error);

      t0 = now ();
      hand_loop (specs, n_nodes, bins, data, consts);
      hand_time = now () - t0;

      /* The same loop writing into newly allocated memory, as the engine must. */
      t0 = now ();
      fresh = g_malloc ((gsize) n_nodes * bins * sizeof (double));
      hand_loop (specs, n_nodes, bins, fresh, consts);
      fresh_time = now () - t0;
      g_free (fresh);

      if (pass == 0)
        cold_engine = engine_time;
      best_engine = MIN (best_engine, engine_time);
      best_hand = MIN (best_hand, hand_time);
      best_fresh = MIN (best_fresh, fresh_time);

      if (pass == 0)
        {
          for (guint i = 0; i < n_nodes; i++)
            {
              g_autofree char *id = g_strdup_printf ("n%u", i);
              const double *series = rb_evaluation_get_series (evaluation, id);

              for (guint t = 0; t < bins; t++)
                {
                  double want = data[(gsize) i * bins + t];

                  if (!(series[t] == want || fabs (series[t] - want) <= 1e-9 * fabs (want)))
                    mismatches++;
                }
            }
        }
    }

  printf ("model: %u nodes (%d const, %u queues, %u expr) × %u bins, YAML %.1f MB\n",
          n_nodes, N_CONST, n_queues, n_nodes - N_CONST - n_queues, bins, yaml->len / 1e6);
  printf ("parse + compile (rb_model_parse): %8.1f ms\n", parse_time * 1e3);
  printf ("rb_engine_evaluate, first (cold): %8.1f ms  (%.2f ns per node-bin)\n",
          cold_engine * 1e3, cold_engine * 1e9 / ((double) n_nodes * bins));
  printf ("rb_engine_evaluate, best of %d:     %8.1f ms  (%.2f ns per node-bin)\n", PASSES,
          best_engine * 1e3, best_engine * 1e9 / ((double) n_nodes * bins));
  printf ("hand loop, reused warm buffer:    %8.1f ms  (%.2f ns per node-bin)\n",
          best_hand * 1e3, best_hand * 1e9 / ((double) n_nodes * bins));
  printf ("hand loop, fresh g_malloc output: %8.1f ms  (%.2f ns per node-bin)\n",
          best_fresh * 1e3, best_fresh * 1e9 / ((double) n_nodes * bins));
  printf ("engine speed vs warm hand loop:   %8.1f %%\n", 100.0 * best_hand / best_engine);
  printf ("engine speed vs fresh hand loop:  %8.1f %%\n", 100.0 * best_fresh / best_engine);
  rb_engine_trim_cache ();
  printf ("mismatching values:               %8" G_GSIZE_FORMAT "\n", mismatches);
  return mismatches == 0 ? 0 : 1;
}
