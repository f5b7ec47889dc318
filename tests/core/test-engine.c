/* test-engine.c — evaluation: every node kind and function in a model (hand-computed),
 * dispatch schedules, initial depth, routers, profiles, properties, pinning parity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-engine.h"
#include "rb-error.h"
#include "rb-model.h"
#include "rb-number.h"
#include "rb-profile.h"
#include "rb-test-util.h"
#include "rb-yaml.h"

static RbModel *
parse_ok (const char *yaml)
{
  g_autoptr(GError) error = NULL;
  RbModel *model = rb_model_parse (yaml, strlen (yaml), "model.yaml", &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static RbEvaluation *
evaluate_ok (RbModel    *model,
             GHashTable *pinned)
{
  g_autoptr(GError) error = NULL;
  RbEvaluation *evaluation = rb_engine_evaluate (model, pinned, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (evaluation);
  return evaluation;
}

static void
assert_series (RbEvaluation *evaluation,
               const char   *id,
               const double *expected,
               guint         n)
{
  const double *series = rb_evaluation_get_series (evaluation, id);

  g_test_message ("series %s", id);
  g_assert_nonnull (series);
  g_assert_cmpuint (rb_evaluation_get_bins (evaluation), ==, n);
  for (guint t = 0; t < n; t++)
    {
      if (series[t] != expected[t])
        g_error ("%s[%u] = %.17g, expected %.17g", id, t, series[t], expected[t]);
    }
}

#define CHECK(ev, id, ...) \
  G_STMT_START { \
    static const double expected_[] = { __VA_ARGS__ }; \
    assert_series ((ev), (id), expected_, G_N_ELEMENTS (expected_)); \
  } G_STMT_END

/* --- golden: every function and node kind ------------------------------------ */

static const char functions_yaml[] =
  "schemaVersion: 1\n"
  "grid: {bins: 5, binSize: 1, binUnit: hours}\n"
  "nodes:\n"
  "  - {id: x, kind: const, values: [1, -2.5, 3.5, 0, 2.5]}\n"
  "  - {id: z, kind: const, values: [2, 0, 0.5, 1, 0]}\n"
  "  - {id: add, kind: expr, expr: 'x + z'}\n"
  "  - {id: sub, kind: expr, expr: 'x - z'}\n"
  "  - {id: mul, kind: expr, expr: 'x * z'}\n"
  "  - {id: div, kind: expr, expr: 'x / z'}\n"
  "  - {id: neg, kind: expr, expr: '-x'}\n"
  "  - {id: prec, kind: expr, expr: '1 + 2 * x - 4 / 2'}\n"
  "  - {id: paren, kind: expr, expr: '(1 + 2) * x'}\n"
  "  - {id: mn, kind: expr, expr: 'MIN(x, 1)'}\n"
  "  - {id: mx, kind: expr, expr: 'max(x, 1)'}\n"
  "  - {id: cl, kind: expr, expr: 'CLAMP(x, 0, 3)'}\n"
  "  - {id: sh, kind: expr, expr: 'SHIFT(x, 2)'}\n"
  "  - {id: cv, kind: expr, expr: 'CONV(x, [1, 0.5])'}\n"
  "  - {id: pa, kind: expr, expr: 'PULSE(2, 1, x)'}\n"
  "  - {id: pb, kind: expr, expr: 'PULSE(3)'}\n"
  "  - {id: st, kind: expr, expr: 'STEP(x, 1)'}\n"
  "  - {id: md, kind: expr, expr: 'MOD(x, 2)'}\n"
  "  - {id: fl, kind: expr, expr: 'FLOOR(x)'}\n"
  "  - {id: ce, kind: expr, expr: 'CEIL(x)'}\n"
  "  - {id: ro, kind: expr, expr: 'ROUND(x)'}\n"
  "  - {id: lit, kind: expr, expr: 7}\n"
  "  - {id: acc, kind: expr, expr: 'SHIFT(acc, 1) + x'}\n"
  "  - {id: la, kind: expr, expr: 'SHIFT(lb, 1) + 1'}\n"
  "  - {id: lb, kind: expr, expr: 'la * 2'}\n"
  "  - id: pm\n"
  "    kind: pmf\n"
  "    pmf: {values: [10, 20], probabilities: [0.25, 0.75]}\n"
  "  - id: pw\n"
  "    kind: pmf\n"
  "    pmf: {values: [10, 20], probabilities: [0.25, 0.75]}\n"
  "    profile: {kind: inline, weights: [2, 2, 4, 0, 2]}\n";

static void
test_engine_functions (void)
{
  g_autoptr(RbModel) model = parse_ok (functions_yaml);
  g_autoptr(RbEvaluation) ev = evaluate_ok (model, NULL);

  CHECK (ev, "x", 1, -2.5, 3.5, 0, 2.5);
  CHECK (ev, "add", 3, -2.5, 4, 1, 2.5);
  CHECK (ev, "sub", -1, -2.5, 3, -1, 2.5);
  CHECK (ev, "mul", 2, -0.0, 1.75, 0, 0);
  CHECK (ev, "div", 0.5, 0, 7, 0, 0);            /* a / 0 = 0 */
  CHECK (ev, "neg", -1, 2.5, -3.5, 0, -2.5);
  CHECK (ev, "prec", 1, -6, 6, -1, 4);
  CHECK (ev, "paren", 3, -7.5, 10.5, 0, 7.5);
  CHECK (ev, "mn", 1, -2.5, 1, 0, 1);
  CHECK (ev, "mx", 1, 1, 3.5, 1, 2.5);
  CHECK (ev, "cl", 1, 0, 3, 0, 2.5);
  CHECK (ev, "sh", 0, 0, 1, -2.5, 3.5);
  CHECK (ev, "cv", 1, -2, 2.25, 1.75, 2.5);
  CHECK (ev, "pa", 0, -2.5, 0, 0, 0);
  CHECK (ev, "pb", 1, 0, 0, 1, 0);
  CHECK (ev, "st", 1, 0, 1, 0, 1);
  CHECK (ev, "md", 1, 1.5, 1.5, 0, 0.5);          /* floored: −2.5 mod 2 = 1.5 */
  CHECK (ev, "fl", 1, -3, 3, 0, 2);
  CHECK (ev, "ce", 1, -2, 4, 0, 3);
  CHECK (ev, "ro", 1, -3, 4, 0, 3);               /* halves away from zero */
  CHECK (ev, "lit", 7, 7, 7, 7, 7);
  CHECK (ev, "acc", 1, -1.5, 2, 2, 4.5);          /* feedback through SHIFT: running sum */
  CHECK (ev, "la", 1, 3, 7, 15, 31);
  CHECK (ev, "lb", 2, 6, 14, 30, 62);
  CHECK (ev, "pm", 17.5, 17.5, 17.5, 17.5, 17.5); /* E = 10·0.25 + 20·0.75 */
  CHECK (ev, "pw", 17.5, 17.5, 35, 0, 17.5);      /* weights 2,2,4,0,2 → mean 1 */
  g_assert_null (rb_evaluation_get_series (ev, "nope"));
  g_assert_cmpuint (rb_evaluation_get_warnings (ev)->len, ==, 0);
}

/* serviceWithBuffer: dispatch every 2 bins from bin 1 (phaseOffset −1 ≡ 1),
 * capped at 3, Q[−1] = 2 from the topology node; NaN/∞ inputs count as 0. */
static void
test_engine_queue (void)
{
  g_autoptr(RbModel) model = parse_ok (
    "schemaVersion: 1\n"
    "grid: {bins: 5, binSize: 1, binUnit: hours}\n"
    "nodes:\n"
    "  - {id: in, values: [5, 5, 5, 5, 5]}\n"
    "  - {id: out, values: [4, 4, 4, 4, 4]}\n"
    "  - {id: cap, values: [3, 3, .nan, 3, 3]}\n"
    "  - {id: bad, values: [.nan, 1, .inf, -.inf, 2]}\n"
    "  - id: q\n"
    "    kind: serviceWithBuffer\n"
    "    inflow: in\n"
    "    outflow: out\n"
    "    dispatchSchedule: {kind: time-based, periodBins: 2, phaseOffset: -1, capacitySeries: cap}\n"
    "  - {id: lossy, kind: serviceWithBuffer, inflow: bad, outflow: bad, loss: bad}\n"
    "  - {id: drain, kind: serviceWithBuffer, inflow: out, outflow: in}\n"
    "topology:\n"
    "  nodes:\n"
    "    - id: Q\n"
    "      kind: queue\n"
    "      semantics: {arrivals: in, served: out, queueDepth: q}\n"
    "      initialCondition: {queueDepth: 2}\n"
    "    - id: Waves\n"
    "      kind: serviceWithBuffer\n"
    "      semantics: {arrivals: in, served: out}\n"
    "      dispatchSchedule: {periodBins: 3, phaseOffset: 2}\n");
  g_autoptr(RbEvaluation) ev = evaluate_ok (model, NULL);

  /* t0 no dispatch: 2+5 = 7; t1 min(4,3): 9; t2: 14; t3: 16; t4: 21 */
  CHECK (ev, "q", 7, 9, 14, 16, 21);
  /* in = out = loss = bad: 0 + 1 − 1 − 1 → 0 (never negative) */
  CHECK (ev, "lossy", 0, 0, 0, 0, 0);
  CHECK (ev, "drain", 0, 0, 0, 0, 0);
  /* synthesized, dispatching 4 at t = 2 only: 5, 10, 11, 16, 21 */
  CHECK (ev, "waves_queue", 5, 10, 11, 16, 21);
}

/* Routers: the input is split 3:1 and each share added to its target; zero
 * weights split equally; the router's own series is its input. */
static void
test_engine_router (void)
{
  g_autoptr(RbModel) model = parse_ok (
    "schemaVersion: 1\n"
    "grid: {bins: 3, binSize: 1, binUnit: hours}\n"
    "nodes:\n"
    "  - {id: src, values: [10, 20, 0]}\n"
    "  - {id: t1, kind: expr, expr: '1'}\n"
    "  - {id: t2, kind: expr, expr: '0'}\n"
    "  - {id: down, kind: expr, expr: 't1 + t2'}\n"
    "  - id: r\n"
    "    kind: router\n"
    "    inputs: {queue: src}\n"
    "    routes: [{target: t1, weight: 3}, {target: t2, weight: 1}]\n"
    "  - {id: e1, kind: expr, expr: '0'}\n"
    "  - {id: e2, kind: expr, expr: '0'}\n"
    "  - id: r0\n"
    "    kind: router\n"
    "    inputs: {queue: src}\n"
    "    routes: [{target: e1, weight: 0}, {target: e2, weight: 0}]\n");
  g_autoptr(RbEvaluation) ev = evaluate_ok (model, NULL);

  CHECK (ev, "r", 10, 20, 0);
  CHECK (ev, "t1", 8.5, 16, 1);
  CHECK (ev, "t2", 2.5, 5, 0);
  CHECK (ev, "down", 11, 21, 1);
  CHECK (ev, "e1", 5, 10, 0);
  CHECK (ev, "e2", 5, 10, 0);
}

/* A lagged loop through a queue: served = MIN(cap, SHIFT(q, 1) + in), q the
 * queue of (in, served). By hand with in = 4, cap = 3: served 3,3,3,3; q 1,2,3,4. */
static void
test_engine_queue_loop (void)
{
  g_autoptr(RbModel) model = parse_ok (
    "schemaVersion: 1\n"
    "grid: {bins: 4, binSize: 1, binUnit: hours}\n"
    "nodes:\n"
    "  - {id: in, values: [4, 4, 4, 0]}\n"
    "  - {id: served, kind: expr, expr: 'MIN(3, SHIFT(q, 1) + in)'}\n"
    "  - {id: q, kind: serviceWithBuffer, inflow: in, outflow: served}\n");
  g_autoptr(RbEvaluation) ev = evaluate_ok (model, NULL);

  CHECK (ev, "served", 3, 3, 3, 3);
  CHECK (ev, "q", 1, 2, 3, 0);
}

/* --- profiles ------------------------------------------------------------------ */

static const double hourly_office[24] = {
  0.18, 0.16, 0.15, 0.15, 0.2, 0.3, 0.45, 0.7, 0.95, 1.15, 1.25, 1.3,
  1.25, 1.15, 1.05, 1.0, 0.95, 0.85, 0.65, 0.5, 0.38, 0.3, 0.25, 0.2 };
static const double hourly_shift[24] = {
  0.9, 0.9, 0.9, 0.92, 0.95, 0.98, 1.0, 1.03, 1.06, 1.1, 1.12, 1.15,
  1.12, 1.08, 1.05, 1.02, 1.0, 0.98, 0.96, 0.94, 0.92, 0.9, 0.9, 0.9 };
static const double hourly_hub[24] = {
  0.2, 0.18, 0.17, 0.17, 0.2, 0.35, 0.7, 1.2, 1.4, 1.25, 1.0, 0.85,
  0.8, 0.85, 0.95, 1.1, 1.35, 1.5, 1.35, 1.0, 0.65, 0.4, 0.3, 0.22 };

/* By hand: the 288 slots are h[k/12]·24/Σh (mean 1); bins = 288 is those
 * slots; bins = 24 samples slot pos = i·287/24 linearly and rescales to
 * mean 1. */
static void
check_profile (const char   *name,
               const double *hourly)
{
  double sum = 0.0, mean = 0.0;
  double w288[288], w24[24], ref24[24];

  for (guint h = 0; h < 24; h++)
    sum += hourly[h];
  g_assert_true (rb_profile_builtin_weights (name, 288, w288));
  for (guint k = 0; k < 288; k++)
    g_assert_cmpfloat_with_epsilon (w288[k], hourly[k / 12] * 24.0 / sum, 1e-12);

  g_assert_true (rb_profile_builtin_weights (name, 24, w24));
  for (guint i = 0; i < 24; i++)
    {
      double pos = i * 287.0 / 24.0;
      guint lo = (guint) pos;
      double a = hourly[lo / 12], b = hourly[MIN (lo + 1, 287) / 12];

      ref24[i] = (a + (b - a) * (pos - lo)) * 24.0 / sum;
      mean += ref24[i] / 24.0;
    }
  for (guint i = 0; i < 24; i++)
    g_assert_cmpfloat_with_epsilon (w24[i], ref24[i] / mean, 1e-12);
}

static void
test_engine_profiles (void)
{
  double w[24], slots[288];

  check_profile ("weekday-office", hourly_office);
  check_profile ("three-shift", hourly_shift);
  check_profile ("hub-rush-hour", hourly_hub);
  g_assert_false (rb_profile_builtin_weights ("night-owl", 24, w));

  /* Literal spot checks: three-shift bin 0 at 24 bins is slot 0 = 0.9·24/23.78
   * rescaled; at bin 1, pos = 11.958…: between hour 0 (0.9) and hour 1 (0.9). */
  g_assert_true (rb_profile_builtin_weights ("three-shift", 288, slots));
  g_assert_cmpfloat_with_epsilon (slots[0], 0.9 * 24 / 23.78, 1e-12);

  /* In a model: E[pmf] × w[t]. */
  {
    g_autoptr(RbModel) model = parse_ok (
      "schemaVersion: 1\n"
      "grid: {bins: 24, binSize: 60, binUnit: minutes}\n"
      "nodes:\n"
      "  - id: p\n"
      "    kind: pmf\n"
      "    pmf: {values: [8, 12], probabilities: [0.5, 0.5]}\n"
      "    profile: {kind: builtin, name: hub-rush-hour}\n");
    g_autoptr(RbEvaluation) ev = evaluate_ok (model, NULL);
    const double *p = rb_evaluation_get_series (ev, "p");

    g_assert_true (rb_profile_builtin_weights ("hub-rush-hour", 24, w));
    for (guint t = 0; t < 24; t++)
      g_assert_cmpfloat (p[t], ==, 10.0 * w[t]);
  }
}

/* --- properties ---------------------------------------------------------------- */

static void
append_values (GString *s,
               GRand   *rand,
               guint    n,
               double   lo,
               double   hi)
{
  g_string_append_c (s, '[');
  for (guint t = 0; t < n; t++)
    {
      if (t > 0)
        g_string_append (s, ", ");
      rb_number_append (s, g_rand_double_range (rand, lo, hi));
    }
  g_string_append_c (s, ']');
}

static void
test_engine_queue_never_negative (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);

  for (guint round = 0; round < 50; round++)
    {
      guint n = g_rand_int_range (rand, 1, 60);
      g_autoptr(GString) yaml = g_string_new (NULL);
      g_autoptr(RbModel) model = NULL;
      g_autoptr(RbEvaluation) ev = NULL;
      const double *q, *in, *out, *loss;
      double prev;
      guint period = g_rand_int_range (rand, 1, 5);

      g_string_append_printf (yaml, "schemaVersion: 1\ngrid: {bins: %u, binSize: 1, binUnit: hours}\nnodes:\n", n);
      g_string_append (yaml, "  - {id: in, values: ");
      append_values (yaml, rand, n, -5, 20);
      g_string_append (yaml, "}\n  - {id: out, values: ");
      append_values (yaml, rand, n, -5, 25);
      g_string_append (yaml, "}\n  - {id: loss, values: ");
      append_values (yaml, rand, n, -2, 5);
      g_string_append_printf (yaml, "}\n  - {id: q, kind: serviceWithBuffer, inflow: in, outflow: out, loss: loss,"
                              " dispatchSchedule: {periodBins: %u, phaseOffset: %u}}\n", period, round % 3);
      model = parse_ok (yaml->str);
      ev = evaluate_ok (model, NULL);
      q = rb_evaluation_get_series (ev, "q");
      in = rb_evaluation_get_series (ev, "in");
      out = rb_evaluation_get_series (ev, "out");
      loss = rb_evaluation_get_series (ev, "loss");
      prev = 0.0;
      for (guint t = 0; t < n; t++)
        {
          guint phase = (round % 3) % period;
          double o = (t >= phase && (t - phase) % period == 0) ? out[t] : 0.0;

          g_assert_cmpfloat (q[t], >=, 0.0);
          g_assert_cmpfloat (q[t], ==, MAX (0.0, prev + in[t] - o - loss[t]));
          prev = q[t];
        }
    }
}

static void
test_engine_identities (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint round = 0; round < 30; round++)
    {
      guint n = g_rand_int_range (rand, 1, 40);
      guint p = g_rand_int_range (rand, 1, 6);
      g_autoptr(GString) yaml = g_string_new (NULL);
      g_autoptr(GString) pulses = g_string_new (NULL);
      g_autoptr(RbModel) model = NULL;
      g_autoptr(RbEvaluation) ev = NULL;
      const double *x;

      for (guint phi = 0; phi < p; phi++)
        g_string_append_printf (pulses, "%sPULSE(%u, %u, x)", phi > 0 ? " + " : "", p, phi);
      g_string_append_printf (yaml, "schemaVersion: 1\ngrid: {bins: %u, binSize: 1, binUnit: hours}\nnodes:\n", n);
      g_string_append (yaml, "  - {id: x, values: ");
      append_values (yaml, rand, n, -100, 100);
      g_string_append (yaml, "}\n"
                       "  - {id: conv_shift, kind: expr, expr: 'CONV(x, [0, 0, 1])'}\n"
                       "  - {id: shift2, kind: expr, expr: 'SHIFT(x, 2)'}\n"
                       "  - {id: shift_shift, kind: expr, expr: 'SHIFT(SHIFT(x, 1), 2)'}\n"
                       "  - {id: shift3, kind: expr, expr: 'SHIFT(x, 3)'}\n"
                       "  - {id: conv_id, kind: expr, expr: 'CONV(x, [1])'}\n"
                       "  - {id: shift0, kind: expr, expr: 'SHIFT(x, 0)'}\n"
                       "  - {id: pulse1, kind: expr, expr: 'PULSE(1)'}\n"
                       "  - {id: one, kind: expr, expr: '1'}\n");
      g_string_append_printf (yaml, "  - {id: pulses, kind: expr, expr: '%s'}\n", pulses->str);
      model = parse_ok (yaml->str);
      ev = evaluate_ok (model, NULL);
      x = rb_evaluation_get_series (ev, "x");

#define SAME(a, b) g_assert_cmpmem (rb_evaluation_get_series (ev, a), n * sizeof (double), \
                                    rb_evaluation_get_series (ev, b), n * sizeof (double))
      SAME ("conv_shift", "shift2");
      SAME ("shift_shift", "shift3");
      SAME ("conv_id", "x");
      SAME ("shift0", "x");
      SAME ("pulse1", "one");
      /* Σ over every phase of PULSE(p, φ, x) is x (each bin hit once, + 0 elsewhere) */
      for (guint t = 0; t < n; t++)
        g_assert_cmpfloat (rb_evaluation_get_series (ev, "pulses")[t], ==, x[t]);
#undef SAME
    }
}

/* --- pinning ------------------------------------------------------------------- */

static void
append_default (GString  *s,
                JsonNode *value)
{
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      g_string_append_c (s, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          append_default (s, json_array_get_element (array, i));
        }
      g_string_append_c (s, ']');
    }
  else if (JSON_NODE_HOLDS_NULL (value) || (json_node_get_value_type (value) == G_TYPE_STRING &&
                                             *json_node_get_string (value) == '\0'))
    g_string_append (s, "\"\"");
  else if (json_node_get_value_type (value) == G_TYPE_STRING)
    g_string_append (s, json_node_get_string (value));
  else
    rb_number_append (s, json_node_get_double (value));
}

/* A crude ${name} → default substitution (the real one is rb-template's). */
static RbModel *
load_flowtime_template (const char *dir,
                        const char *name)
{
  g_autofree char *path = rb_test_flowtime_path (dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *parameters;

  if (path == NULL)
    return NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  root = rb_yaml_parse (text, strlen (text), name, NULL);
  object = json_node_get_object (root);
  parameters = json_object_has_member (object, "parameters")
               ? json_object_get_array_member (object, "parameters") : NULL;
  for (guint i = 0; parameters != NULL && i < json_array_get_length (parameters); i++)
    {
      JsonObject *parameter = json_array_get_object_element (parameters, i);
      g_autofree char *placeholder = g_strdup_printf ("${%s}", json_object_get_string_member (parameter, "name"));
      g_autoptr(GString) value = g_string_new (NULL);
      g_auto(GStrv) parts = NULL;

      append_default (value, json_object_get_member (parameter, "default"));
      parts = g_strsplit (text, placeholder, -1);
      g_free (text);
      text = g_strjoinv (value->str, parts);
    }
  return parse_ok (text);
}

/* The telemetry parity property at engine level: pinning every topology
 * series with its own computed values reproduces every series bit for bit;
 * pinning every node does too. */
static void
check_parity (RbModel *model)
{
  g_autoptr(RbEvaluation) source = evaluate_ok (model, NULL);
  GPtrArray *ids = rb_model_get_node_ids (model);
  guint n = rb_model_get_bins (model);

  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(GHashTable) pinned = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(RbEvaluation) replay = NULL;

      if (mode == 0)
        {
          GPtrArray *topology = rb_model_get_topology (model);

          for (guint i = 0; i < topology->len; i++)
            {
              const RbModelTopologyNode *tnode = g_ptr_array_index (topology, i);

              for (guint m = 0; m < RB_N_METRICS; m++)
                if (tnode->metrics[m] != NULL)
                  g_hash_table_insert (pinned, tnode->metrics[m],
                                       (gpointer) rb_evaluation_get_series (source, tnode->metrics[m]));
            }
        }
      else
        {
          for (guint i = 0; i < ids->len; i++)
            g_hash_table_insert (pinned, g_ptr_array_index (ids, i),
                                 (gpointer) rb_evaluation_get_series (source, g_ptr_array_index (ids, i)));
        }
      if (g_hash_table_size (pinned) == 0)
        continue;
      replay = evaluate_ok (model, pinned);
      for (guint i = 0; i < ids->len; i++)
        g_assert_cmpmem (rb_evaluation_get_series (source, g_ptr_array_index (ids, i)), n * sizeof (double),
                         rb_evaluation_get_series (replay, g_ptr_array_index (ids, i)), n * sizeof (double));
    }
}

static void
test_engine_pinning (void)
{
  static const char *templates[] = {
    "warehouse-picker-waves.yaml", "transportation-basic.yaml", "it-system-microservices.yaml",
    "supply-chain-multi-tier.yaml", "network-reliability.yaml", "manufacturing-line.yaml",
    "supply-chain-incident-retry.yaml", "dependency-constraints-attached.yaml",
  };
  g_autoptr(RbModel) functions = parse_ok (functions_yaml);

  check_parity (functions);
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      g_autoptr(RbModel) model = load_flowtime_template ("templates", templates[i]);

      if (model == NULL)
        return;
      g_test_message ("%s", templates[i]);
      check_parity (model);
    }

  /* Pinning other values recomputes what depends on them, and only that. */
  {
    g_autoptr(RbModel) model = load_flowtime_template ("templates", "warehouse-picker-waves.yaml");
    g_autoptr(GHashTable) pinned = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(RbEvaluation) ev = NULL;
    static const double zeros[12] = { 0 };
    static const double capacity[12] = { 130, 150, 160, 200, 210, 210, 195, 185, 175, 165, 155, 150 };

    if (model == NULL)
      return;
    g_hash_table_insert (pinned, (gpointer) "order_demand", (gpointer) zeros);
    ev = evaluate_ok (model, pinned);
    assert_series (ev, "order_demand", zeros, 12);
    assert_series (ev, "received_orders", zeros, 12);
    assert_series (ev, "picker_wave_queue", zeros, 12);
    assert_series (ev, "intake_capacity", capacity, 12);
  }
}

/* A pinned node inside a lagged loop is copied bin by bin. */
static void
test_engine_pinned_loop (void)
{
  g_autoptr(RbModel) model = parse_ok (functions_yaml);
  g_autoptr(GHashTable) pinned = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(RbEvaluation) ev = NULL;
  static const double lb[5] = { 10, 20, 30, 40, 50 };

  g_hash_table_insert (pinned, (gpointer) "lb", (gpointer) lb);
  ev = evaluate_ok (model, pinned);
  CHECK (ev, "la", 1, 11, 21, 31, 41);
  CHECK (ev, "lb", 10, 20, 30, 40, 50);
}

static void
test_engine_cancel (void)
{
  g_autoptr(RbModel) model = parse_ok (functions_yaml);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RbEvaluation) ev = NULL;

  g_cancellable_cancel (cancellable);
  ev = rb_engine_evaluate (model, NULL, cancellable, &error);
  g_assert_null (ev);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* 300 nodes × 1 000 000 bins would be 2.4 GB of series: refused, not tried. */
static void
test_engine_too_large (void)
{
  g_autoptr(GString) yaml = g_string_new ("schemaVersion: 1\ngrid: {bins: 1000000, binSize: 1, binUnit: minutes}\nnodes:\n");
  g_autoptr(RbModel) model = NULL;
  g_autoptr(RbEvaluation) ev = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 300; i++)
    g_string_append_printf (yaml, "  - {id: n%u, kind: expr, expr: '%u'}\n", i, i);
  model = parse_ok (yaml->str);
  ev = rb_engine_evaluate (model, NULL, NULL, &error);
  g_assert_null (ev);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
  g_assert_cmpstr (error->message, ==,
                   "the model is too large to evaluate: 300 nodes × 1000000 bins is more than 268435456 values");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/functions", test_engine_functions);
  g_test_add_func ("/engine/queue", test_engine_queue);
  g_test_add_func ("/engine/queue-loop", test_engine_queue_loop);
  g_test_add_func ("/engine/router", test_engine_router);
  g_test_add_func ("/engine/profiles", test_engine_profiles);
  g_test_add_func ("/engine/queue-never-negative", test_engine_queue_never_negative);
  g_test_add_func ("/engine/identities", test_engine_identities);
  g_test_add_func ("/engine/pinning-parity", test_engine_pinning);
  g_test_add_func ("/engine/pinned-loop", test_engine_pinned_loop);
  g_test_add_func ("/engine/cancel", test_engine_cancel);
  g_test_add_func ("/engine/too-large", test_engine_too_large);
  return g_test_run ();
}
