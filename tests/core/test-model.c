/* test-model.c — model reader: grid, nodes, synthesis, outputs, errors, FlowTime's templates
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
#include "rb-test-util.h"
#include "rb-yaml.h"

char *_rb_model_snake_case (const char *id);

static RbModel *
parse_ok (const char *yaml)
{
  g_autoptr(GError) error = NULL;
  RbModel *model = rb_model_parse (yaml, strlen (yaml), "model.yaml", &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static char *
join_ids (GPtrArray *ids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, g_ptr_array_index (ids, i));
    }
  return g_string_free (s, FALSE);
}

/* --- basics ---------------------------------------------------------------- */

static void
test_model_grid (void)
{
  g_autoptr(RbModel) model = parse_ok (
    "schemaVersion: 1\n"
    "window: {start: 2025-01-01T00:00:00Z}\n"
    "metadata: {id: x}\n"
    "mode: simulation\n"
    "generator: flowtime-sim\n"
    "provenance: {templateId: x}\n"
    "grid: {bins: 3, binSize: 15, binUnit: minutes, start: 2025-01-01T00:00:00Z}\n"
    "rng: {kind: pcg32, seed: 42}\n"
    "nodes:\n"
    "  - id: a\n"
    "    values: [1, 2, 3]\n"
    "    source: file://telemetry/a.csv\n"
    "    metadata: {graph.hidden: 'true'}\n");
  gint64 seed = 0;
  g_autofree char *ids = NULL;

  g_assert_cmpuint (rb_model_get_bins (model), ==, 3);
  g_assert_cmpuint (rb_model_get_bin_size (model), ==, 15);
  g_assert_cmpstr (rb_model_get_bin_unit (model), ==, "minutes");
  g_assert_cmpstr (rb_model_get_start (model), ==, "2025-01-01T00:00:00Z");
  g_assert_true (rb_model_get_rng_seed (model, &seed));
  g_assert_cmpint (seed, ==, 42);
  ids = join_ids (rb_model_get_node_ids (model));
  g_assert_cmpstr (ids, ==, "a");
  g_assert_true (rb_model_has_node (model, "a"));
  g_assert_false (rb_model_has_node (model, "b"));
  g_assert_cmpuint (rb_model_get_topology (model)->len, ==, 0);
}

static void
test_model_snake_case (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "IngressQueue", "ingress_queue" },
    { "Intake", "intake" },
    { "PackStagingQueue", "pack_staging_queue" },
    { "HTTPServer", "h_t_t_p_server" },      /* FlowTime's rule, literally */
    { "queue-1", "queue_1" },
    { "_Dlq_", "dlq" },
    { "already_snake", "already_snake" },
    { "A", "a" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = _rb_model_snake_case (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static const char synthesis_yaml[] =
  "schemaVersion: 1\n"
  "grid: {bins: 2, binSize: 1, binUnit: hours}\n"
  "nodes:\n"
  "  - {id: arr, kind: const, values: [5, 5]}\n"
  "  - {id: srv, kind: const, values: [1, 1]}\n"
  "  - {id: err, kind: const, values: [1, 9]}\n"
  "  - {id: ingress_queue_queue, kind: expr, expr: '0'}\n"
  "topology:\n"
  "  nodes:\n"
  "    - id: IngressQueue\n"
  "      kind: queue\n"
  "      semantics: {arrivals: arr, served: srv, queueDepth: self}\n"
  "    - id: ingressQueue\n"
  "      kind: dlq\n"
  "      semantics: {arrivals: arr, capacity: srv}\n"
  "    - id: Hub\n"
  "      kind: serviceWithBuffer\n"
  "      semantics: {arrivals: arr, served: srv, errors: err, queueDepth: hub_backlog}\n"
  "      initialCondition: {queueDepth: 3}\n"
  "    - id: Existing\n"
  "      kind: queue\n"
  "      semantics: {arrivals: arr, served: srv, queueDepth: ingress_queue_queue}\n"
  "    - id: Service\n"
  "      kind: service\n"
  "      semantics: {arrivals: arr, served: srv, queueDepth: self}\n"
  "    - id: DoneSink\n"
  "      kind: sink\n"
  "      semantics: {arrivals: arr}\n"
  "    - id: ErrSink\n"
  "      kind: service\n"
  "      nodeRole: sink\n"
  "      semantics: {arrivals: arr, errors: err}\n";

static void
test_model_synthesis (void)
{
  g_autoptr(RbModel) model = parse_ok (synthesis_yaml);
  GPtrArray *topology = rb_model_get_topology (model);
  g_autoptr(RbEvaluation) evaluation = NULL;
  g_autoptr(GError) error = NULL;
  const RbModelTopologyNode *t;
  const double *q;

  /* IngressQueue → ingress_queue_queue, taken by a declared node → _1; the
   * second (ingressQueue, same snake case) → _2 */
  t = g_ptr_array_index (topology, 0);
  g_assert_cmpstr (t->metrics[RB_METRIC_QUEUE_DEPTH], ==, "ingress_queue_queue_1");
  t = g_ptr_array_index (topology, 1);
  g_assert_cmpstr (t->metrics[RB_METRIC_QUEUE_DEPTH], ==, "ingress_queue_queue_2");
  /* an unknown queueDepth id is an alias: the node gets that name */
  t = g_ptr_array_index (topology, 2);
  g_assert_cmpstr (t->metrics[RB_METRIC_QUEUE_DEPTH], ==, "hub_backlog");
  g_assert_cmpfloat (t->initial_queue_depth, ==, 3);
  /* an existing node is used as is */
  t = g_ptr_array_index (topology, 3);
  g_assert_cmpstr (t->metrics[RB_METRIC_QUEUE_DEPTH], ==, "ingress_queue_queue");
  /* a service never gets a queue: "self" is just unresolved there */
  t = g_ptr_array_index (topology, 4);
  g_assert_false (rb_model_has_node (model, "service_queue"));
  /* sinks */
  t = g_ptr_array_index (topology, 5);
  g_assert_cmpstr (t->metrics[RB_METRIC_SERVED], ==, "arr");
  t = g_ptr_array_index (topology, 6);
  g_assert_cmpstr (t->metrics[RB_METRIC_SERVED], ==, "err_sink_served");

  evaluation = rb_engine_evaluate (model, NULL, NULL, &error);
  g_assert_no_error (error);
  /* in 5, out 1: 4, 8 */
  q = rb_evaluation_get_series (evaluation, "ingress_queue_queue_1");
  g_assert_cmpfloat (q[0], ==, 4);
  g_assert_cmpfloat (q[1], ==, 8);
  /* outflow = capacity when served is missing */
  q = rb_evaluation_get_series (evaluation, "ingress_queue_queue_2");
  g_assert_cmpfloat (q[1], ==, 8);
  /* Q[-1] = 3, loss 1 then 9: 3+5-1-1 = 6, 6+5-1-9 = 1 */
  q = rb_evaluation_get_series (evaluation, "hub_backlog");
  g_assert_cmpfloat (q[0], ==, 6);
  g_assert_cmpfloat (q[1], ==, 1);
  /* MAX(0, 5 − 1), MAX(0, 5 − 9) */
  q = rb_evaluation_get_series (evaluation, "err_sink_served");
  g_assert_cmpfloat (q[0], ==, 4);
  g_assert_cmpfloat (q[1], ==, 0);
}

static void
test_model_outputs (void)
{
  g_autoptr(RbModel) model = parse_ok (
    "schemaVersion: 1\n"
    "grid: {bins: 1, binSize: 1, binUnit: days}\n"
    "nodes:\n"
    "  - {id: a, values: [1]}\n"
    "  - {id: b, values: [1]}\n"
    "  - {id: ab, values: [1]}\n"
    "  - {id: c, values: [1]}\n"
    "topology:\n"
    "  nodes:\n"
    "    - {id: S, semantics: {arrivals: c, served: c}}\n"
    "outputs:\n"
    "  - {series: b, as: bee.csv}\n"
    "  - {series: 'a/*', exclude: [ab]}\n");
  g_autoptr(GPtrArray) ids = rb_model_get_output_ids (model);
  g_autofree char *joined = join_ids (ids);
  g_autoptr(RbModel) all = parse_ok (
    "schemaVersion: 1\n"
    "grid: {bins: 1, binSize: 1, binUnit: weeks}\n"
    "nodes: [{id: x, values: [1]}, {id: y, kind: expr, expr: x}]\n");
  g_autoptr(GPtrArray) all_ids = rb_model_get_output_ids (all);
  g_autofree char *all_joined = join_ids (all_ids);

  g_assert_cmpstr (joined, ==, "b,a,c");
  g_assert_cmpstr (rb_model_get_output_alias (model, "b"), ==, "bee.csv");
  g_assert_null (rb_model_get_output_alias (model, "a"));
  g_assert_cmpstr (all_joined, ==, "x,y");
}

/* --- errors ------------------------------------------------------------------ */

#define HEAD "schemaVersion: 1\ngrid: {bins: 2, binSize: 1, binUnit: hours}\nnodes:\n"

static void
test_model_errors (void)
{
  static const struct { const char *yaml, *message; } cases[] = {
    { "- 1\n", "the model must be a YAML mapping (schemaVersion, grid, nodes, …)" },
    { "grid: {bins: 1}\n", "schemaVersion is required (it must be 1)" },
    { "schemaVersion: 2\n", "schemaVersion (line 1) must be 1" },
    { "schemaVersion: 1\nnodes: []\n", "grid is required" },
    { "schemaVersion: 1\ngrid:\n  binSize: 1\n  bins: 0\n", "grid.bins (line 4) must be between 1 and 1000000" },
    { "schemaVersion: 1\ngrid:\n  bins: 1000001\n", "grid.bins (line 3) must be between 1 and 1000000" },
    { "schemaVersion: 1\ngrid:\n  bins: ${bins}\n", "grid.bins (line 3) must be an integer" },
    { "schemaVersion: 1\ngrid:\n  bins: 2\n  binSize: 0\n", "grid.binSize (line 4) must be a whole number of at least 1" },
    { "schemaVersion: 1\ngrid:\n  bins: 2\n  binSize: 1\n  binUnit: seconds\n", "grid.binUnit (line 5) must be minutes, hours, days or weeks" },
    { "schemaVersion: 1\ngrid:\n  bins: 2\n  binSize: 1\n  binUnit: hours\n  start: yesterday\n", "grid.start (line 6) must be an ISO-8601 date and time" },
    { "schemaVersion: 1\ngrid: {bins: 2, binSize: 1, binUnit: hours}\n", "nodes is required (a list of at least one node)" },
    { HEAD "  - id: 1a\n", "nodes[0] (line 4): id must match ^[A-Za-z_][A-Za-z0-9_]*$" },
    { HEAD "  - {id: a, values: [1, 2]}\n  - {id: a, values: [1, 2]}\n", "node 'a' (line 5): id is already used by the node at line 4" },
    { HEAD "  - id: a\n    kind: table\n", "node 'a' (line 5): kind must be const, expr, pmf, serviceWithBuffer or router" },
    { HEAD "  - id: a\n    values: [1, 2, 3]\n", "node 'a' (line 5): values has 3 numbers but grid.bins is 2" },
    { HEAD "  - id: a\n    values: [1,\n      x]\n", "node 'a' (line 6): values[1] must be a number" },
    { HEAD "  - id: a\n    kind: expr\n", "node 'a' (line 4): expr is required" },
    { HEAD "  - id: a\n    kind: expr\n    expr: \"MIN(1, 2\"\n", "node 'a' (line 6): expr: expected ',' or ')' at column 9" },
    { HEAD "  - id: a\n    kind: expr\n    expr: \"1 + nope\"\n", "node 'a' (line 6): expr: unknown node 'nope' at column 5" },
    { HEAD "  - id: served\n    kind: pmf\n    pmf:\n      values: [1, 2]\n      probabilities: [0.5, 0.4]\n",
      "node 'served' (line 8): pmf.probabilities must sum to 1 (they sum to 0.9)" },
    { HEAD "  - id: p\n    kind: pmf\n    pmf: {values: [1, 2], probabilities: [1]}\n",
      "node 'p' (line 6): pmf.values and pmf.probabilities must have the same length (2 and 1)" },
    { HEAD "  - id: p\n    kind: pmf\n    pmf: {values: [3, 3], probabilities: [0.5, 0.5]}\n",
      "node 'p' (line 6): pmf.values lists 3 twice" },
    { HEAD "  - id: p\n    kind: pmf\n    pmf: {values: [3], probabilities: [1]}\n    profile: {kind: builtin, name: night-owl}\n",
      "node 'p' (line 7): profile.name must be weekday-office, three-shift or hub-rush-hour" },
    { HEAD "  - id: p\n    kind: pmf\n    pmf: {values: [3], probabilities: [1]}\n    profile: {kind: inline, weights: [1]}\n",
      "node 'p' (line 7): profile.weights must list exactly 2 numbers (grid.bins)" },
    { HEAD "  - {id: a, kind: expr, expr: b}\n  - {id: b, kind: expr, expr: 'a + 1'}\n",
      "node 'a' (line 4): cycle between nodes a → b → a" },
    { HEAD "  - {id: q, kind: serviceWithBuffer, inflow: x, outflow: x}\n",
      "node 'q' (line 4): inflow references unknown node 'x'" },
    { HEAD "  - {id: q, kind: serviceWithBuffer, outflow: x}\n", "node 'q' (line 4): inflow is required" },
    { HEAD "  - {id: a, values: [1, 2]}\n  - id: r\n    kind: router\n    inputs: {queue: a}\n    routes:\n      - {target: a, classes: [Gold]}\n",
      "node 'r' (line 9): routes[0].classes: classes are not supported yet" },
    { HEAD "  - {id: a, values: [1, 2]}\nclasses:\n  - id: Gold\n", "classes (line 6): classes are not supported yet" },
    { HEAD "  - {id: a, values: [1, 2]}\ntopology:\n  nodes:\n    - id: S\n      semantics:\n        arrivals: a\n        served: nope\n",
      "topology node 'S' (line 7): semantics.served references unknown node 'nope'" },
    { HEAD "  - {id: a, values: [1, 2]}\ntopology:\n  nodes:\n    - id: Q\n      kind: queue\n      semantics: {arrivals: a, served: a}\n      dispatchSchedule: {periodBins: 0}\n",
      "topology node 'Q' (line 10): dispatchSchedule.periodBins must be a whole number of at least 1" },
    { HEAD "  - {id: a, values: [1, 2]}\ntopology:\n  nodes:\n    - id: Q\n      kind: queue\n      semantics: {served: a}\n",
      "topology node 'Q' (line 7): semantics.arrivals must name a node to build its queue" },
    { HEAD "  - {id: a, values: [1, 2]}\noutputs:\n  - series: a\n  - series: b\n",
      "outputs[1].series (line 7) references unknown node 'b'" },
    { HEAD "  - {id: a, values: [1, 2]}\noutputs:\n  - {series: a, as: ../x.csv}\n",
      "outputs[0].as (line 6) must be a plain file name such as \"a.csv\"" },
    { HEAD "  - {id: a, values: [1, 2]}\nrng: {seed: -1}\n", "rng.seed (line 5) must be a whole number of at least 0" },
    { "schemaVersion: 1\n  bad: [\n", NULL },   /* YAML errors keep their own message */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RbModel) model = rb_model_parse (cases[i].yaml, strlen (cases[i].yaml),
                                                 "model.yaml", &error);

      g_test_message ("case %u: %s", i, cases[i].yaml);
      g_assert_null (model);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      else
        g_assert_true (g_str_has_prefix (error->message, "model.yaml is not valid YAML at line"));
    }
}

/* --- FlowTime's templates, after a crude ${name} → default substitution ---- */

static void
append_value (GString  *s,
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
          append_value (s, json_array_get_element (array, i));
        }
      g_string_append_c (s, ']');
    }
  else if (JSON_NODE_HOLDS_NULL (value))
    g_string_append (s, "\"\"");
  else if (json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (value);

      if (*str == '\0' || strpbrk (str, " :#") != NULL)
        g_string_append_printf (s, "\"%s\"", str);
      else
        g_string_append (s, str);
    }
  else if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    g_string_append (s, json_node_get_boolean (value) ? "true" : "false");
  else
    rb_number_append (s, json_node_get_double (value));
}

static char *
substitute_defaults (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = rb_yaml_parse (text, strlen (text), "template", &error);
  JsonArray *parameters;
  g_autofree char *result = g_strdup (text);

  g_assert_no_error (error);
  parameters = json_object_has_member (json_node_get_object (root), "parameters")
               ? json_object_get_array_member (json_node_get_object (root), "parameters") : NULL;
  for (guint i = 0; parameters != NULL && i < json_array_get_length (parameters); i++)
    {
      JsonObject *parameter = json_array_get_object_element (parameters, i);
      g_autofree char *placeholder = g_strdup_printf ("${%s}", json_object_get_string_member (parameter, "name"));
      g_autoptr(GString) value = g_string_new (NULL);
      g_auto(GStrv) parts = NULL;

      append_value (value, json_object_get_member (parameter, "default"));
      parts = g_strsplit (result, placeholder, -1);
      g_free (result);
      result = g_strjoinv (value->str, parts);
    }
  /* The window start becomes grid.start in the real template code. */
  return g_steal_pointer (&result);
}

static void
check_template (const char *dir,
                const char *name,
                gboolean    has_classes)
{
  g_autofree char *path = rb_test_flowtime_path (dir, name, NULL);
  g_autofree char *text = NULL;
  g_autofree char *model_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbModel) model = NULL;
  g_autoptr(RbEvaluation) evaluation = NULL;
  g_autoptr(GPtrArray) outputs = NULL;

  if (path == NULL)
    return;
  g_test_message ("%s/%s", dir, name);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  model_text = substitute_defaults (text);
  g_assert_null (strstr (model_text, "${"));
  model = rb_model_parse (model_text, strlen (model_text), name, &error);
  if (has_classes)
    {
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE);
      g_assert_nonnull (strstr (error->message, "classes are not supported yet"));
      return;
    }
  g_assert_no_error (error);
  evaluation = rb_engine_evaluate (model, NULL, NULL, &error);
  g_assert_no_error (error);
  outputs = rb_model_get_output_ids (model);
  g_assert_cmpuint (outputs->len, >, 0);
  for (guint i = 0; i < outputs->len; i++)
    {
      const double *series = rb_evaluation_get_series (evaluation, g_ptr_array_index (outputs, i));

      g_assert_nonnull (series);
      for (guint t = 0; t < rb_model_get_bins (model); t++)
        g_assert_true (isfinite (series[t]));
    }
  /* Every synthesized queue is never negative. */
  for (guint i = 0; i < rb_model_get_topology (model)->len; i++)
    {
      const RbModelTopologyNode *tnode = g_ptr_array_index (rb_model_get_topology (model), i);
      const double *q = rb_evaluation_get_series (evaluation, tnode->metrics[RB_METRIC_QUEUE_DEPTH]);

      for (guint t = 0; q != NULL && t < rb_model_get_bins (model); t++)
        g_assert_cmpfloat (q[t], >=, 0);
    }
}

static void
test_model_flowtime_templates (void)
{
  const char *dirs[] = { "templates", "templates-2025-10" };
  guint n_plain = 0, n_classes = 0;

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *path = rb_test_flowtime_path (dirs[d], NULL);
      g_autoptr(GDir) dir = NULL;
      const char *name;

      if (path == NULL)
        return;
      dir = g_dir_open (path, 0, NULL);
      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          gboolean classes = strstr (name, "classes") != NULL ||
                             g_str_equal (name, "it-document-processing-continuous.yaml");

          if (!g_str_has_suffix (name, ".yaml"))
            continue;
          check_template (dirs[d], name, classes);
          if (classes)
            n_classes++;
          else
            n_plain++;
        }
    }
  g_assert_cmpuint (n_plain, ==, 14);
  g_assert_cmpuint (n_classes, ==, 3);
}

/* Issue 3: warehouse-picker-waves with its defaults. By hand:
 * received = MIN(demand, intake capacity) = 120,135,150,190,210,210,195,185,170,160,150,140;
 * the release MIN(CONV(received,[1,1,1,1]), 80)·PULSE(4,0,1) is 80 at t = 0, 4, 8; the
 * dispatch schedule (period 4, phase 0, capacity 80) lets exactly those through, so
 * Q = 0+120−80 = 40, +135 = 175, +150 = 325, +190 = 515, +210−80 = 645, 855, 1050, 1235,
 * +170−80 = 1325, 1485, 1635, 1775 — the issue's figures. */
static void
test_model_warehouse (void)
{
  g_autofree char *path = rb_test_flowtime_path ("templates", "warehouse-picker-waves.yaml", NULL);
  g_autofree char *text = NULL;
  g_autofree char *model_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbModel) model = NULL;
  g_autoptr(RbEvaluation) evaluation = NULL;
  static const double picker[] = { 40, 175, 325, 515, 645, 855, 1050, 1235, 1325, 1485, 1635, 1775 };
  static const double intake[] = { 0, 0, 0, 0, 0, 10, 20, 20, 20, 20, 20, 20 };
  static const double pack[] = { 10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30 };
  const double *q;

  if (path == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  model_text = substitute_defaults (text);
  model = rb_model_parse (model_text, strlen (model_text), "warehouse-picker-waves.yaml", &error);
  g_assert_no_error (error);
  evaluation = rb_engine_evaluate (model, NULL, NULL, &error);
  g_assert_no_error (error);

  q = rb_evaluation_get_series (evaluation, "picker_wave_queue");
  g_assert_nonnull (q);
  for (guint t = 0; t < 12; t++)
    g_assert_cmpfloat (q[t], ==, picker[t]);
  q = rb_evaluation_get_series (evaluation, "intake_queue");
  for (guint t = 0; t < 12; t++)
    g_assert_cmpfloat (q[t], ==, intake[t]);
  q = rb_evaluation_get_series (evaluation, "pack_staging_queue_queue");
  for (guint t = 0; t < 12; t++)
    g_assert_cmpfloat (q[t], ==, pack[t]);
  g_assert_cmpstr (rb_model_get_output_alias (model, "pack_processed"), ==, "packed_orders.csv");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/grid", test_model_grid);
  g_test_add_func ("/model/snake-case", test_model_snake_case);
  g_test_add_func ("/model/synthesis", test_model_synthesis);
  g_test_add_func ("/model/outputs", test_model_outputs);
  g_test_add_func ("/model/errors", test_model_errors);
  g_test_add_func ("/model/flowtime-templates", test_model_flowtime_templates);
  g_test_add_func ("/model/warehouse-picker-waves", test_model_warehouse);
  return g_test_run ();
}
