/* rb-model.c — reads a FlowTime model (YAML) into an RbModel
 *
 * Steps: YAML (with line numbers) → grid, nodes, topology, outputs, rng →
 * queue and sink synthesis (engine.md) → reference checks → router shares →
 * evaluation plan (RbExprGraph). Every error is RB_ERROR_INVALID_TEMPLATE and
 * names the node or field and its line.
 *
 * Routers: the router's own series is its input (a pass-through); each route
 * adds input[t]·weight/Σweights to its target, after the target's own
 * computation (FlowTime replaces the target by the sum of shares; its
 * templates' targets are "0" placeholders, where both agree). So a target
 * depends on the router in the same bin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-model-private.h"
#include "rb-profile.h"
#include "rb-time.h"
#include "rb-yaml.h"

#define MAX_BINS 1000000
#define PMF_TOLERANCE 1e-4

typedef struct
{
  RbModel     *model;
  GHashTable  *lines;
  GPtrArray   *topo_lines;   /* GUINT line per topology node */
  GError     **error;
} Parser;

static gboolean fail (Parser *p, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Parser     *p,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (p->error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE, message);
  return FALSE;
}

static guint
line_of (Parser        *p,
         gconstpointer  item)
{
  guint line = rb_yaml_line (p->lines, item);

  return line > 0 ? line : 1;
}

/* --- small readers -------------------------------------------------------- */

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  return json_object_get_member (object, name);
}

static gboolean
is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

static const char *
as_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
as_number (JsonNode *node,
           double   *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gboolean
as_int (JsonNode *node,
        gint64   *value)
{
  double d;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *value = json_node_get_int (node);
      return TRUE;
    }
  if (!as_number (node, &d) || !isfinite (d) || d != floor (d) || fabs (d) > 9e15)
    return FALSE;
  *value = (gint64) d;
  return TRUE;
}

static JsonObject *
as_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
as_array (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
valid_id (const char *id)
{
  if (id == NULL || !(g_ascii_isalpha (id[0]) || id[0] == '_'))
    return FALSE;
  for (const char *c = id + 1; *c != '\0'; c++)
    {
      if (!(g_ascii_isalnum (*c) || *c == '_'))
        return FALSE;
    }
  return TRUE;
}

static char *
format_number (double value)
{
  return g_strdup_printf ("%.10g", value);
}

/* --- model nodes ---------------------------------------------------------- */

static void
model_node_free (gpointer data)
{
  RbModelNode *node = data;

  g_free (node->id);
  g_free (node->values);
  g_clear_pointer (&node->expr, rb_expr_free);
  g_free (node->inflow);
  g_free (node->outflow);
  g_free (node->loss);
  g_free (node->capacity_series);
  g_free (node->input);
  g_clear_pointer (&node->route_targets, g_ptr_array_unref);
  g_clear_pointer (&node->route_weights, g_array_unref);
  g_clear_pointer (&node->shares, g_array_unref);
  g_free (node);
}

static void
topology_node_free (gpointer data)
{
  RbModelTopologyNode *node = data;

  g_free (node->id);
  g_free (node->kind);
  for (guint m = 0; m < RB_N_METRICS; m++)
    {
      g_free (node->metrics[m]);
      g_free (node->file_refs[m]);
    }
  g_free (node);
}

static int
node_index (RbModel    *model,
            const char *id)
{
  gpointer value;

  if (id == NULL || !g_hash_table_lookup_extended (model->index, id, NULL, &value))
    return -1;
  return GPOINTER_TO_INT (value) - 1;
}

static RbModelNode *
add_node (RbModel         *model,
          const char      *id,
          RbModelNodeKind  kind,
          guint            line)
{
  RbModelNode *node = g_new0 (RbModelNode, 1);

  node->id = g_strdup (id);
  node->kind = kind;
  node->line = line;
  node->inflow_ix = node->outflow_ix = node->loss_ix = node->capacity_ix = node->input_ix = -1;
  g_ptr_array_add (model->nodes, node);
  g_hash_table_insert (model->index, node->id, GINT_TO_POINTER ((int) model->nodes->len));
  return node;
}

/* --- grid ----------------------------------------------------------------- */

static gboolean
parse_grid (Parser     *p,
            JsonObject *root)
{
  RbModel *model = p->model;
  JsonNode *grid_node = member (root, "grid");
  JsonObject *grid = as_object (grid_node);
  JsonNode *node;
  const char *unit;
  gint64 value;

  if (grid == NULL)
    {
      if (grid_node == NULL)
        return fail (p, "grid is required");
      return fail (p, "grid (line %u) must be a mapping", line_of (p, grid_node));
    }

  node = member (grid, "bins");
  if (node == NULL)
    return fail (p, "grid.bins (line %u) is required", line_of (p, grid));
  if (!as_int (node, &value))
    return fail (p, "grid.bins (line %u) must be an integer", line_of (p, node));
  if (value < 1 || value > MAX_BINS)
    return fail (p, "grid.bins (line %u) must be between 1 and %d", line_of (p, node), MAX_BINS);
  model->bins = (guint) value;

  node = member (grid, "binSize");
  if (node == NULL)
    return fail (p, "grid.binSize (line %u) is required", line_of (p, grid));
  if (!as_int (node, &value) || value < 1 || value > G_MAXINT)
    return fail (p, "grid.binSize (line %u) must be a whole number of at least 1",
                 line_of (p, node));
  model->bin_size = (guint) value;

  node = member (grid, "binUnit");
  if (node == NULL)
    return fail (p, "grid.binUnit (line %u) is required", line_of (p, grid));
  unit = as_string (node);
  if (unit == NULL || !(g_str_equal (unit, "minutes") || g_str_equal (unit, "hours") ||
                        g_str_equal (unit, "days") || g_str_equal (unit, "weeks")))
    return fail (p, "grid.binUnit (line %u) must be minutes, hours, days or weeks",
                 line_of (p, node));
  model->bin_unit = g_strdup (unit);

  node = member (grid, "start");
  if (!is_null (node))
    {
      const char *start = as_string (node);
      g_autoptr(GDateTime) time = start != NULL ? rb_time_parse (start) : NULL;

      if (time == NULL)
        return fail (p, "grid.start (line %u) must be an ISO-8601 date and time",
                     line_of (p, node));
      model->start = g_strdup (start);
    }
  return TRUE;
}

/* --- computational nodes -------------------------------------------------- */

static gboolean
parse_schedule (Parser      *p,
                const char  *where,
                JsonNode    *schedule_node,
                RbModelNode *node)
{
  JsonObject *schedule = as_object (schedule_node);
  JsonNode *field;
  const char *kind;
  gint64 period, phase = 0;

  if (schedule == NULL)
    return fail (p, "%s (line %u): dispatchSchedule must be a mapping",
                 where, line_of (p, schedule_node));

  field = member (schedule, "kind");
  kind = as_string (field);
  if (field != NULL && (kind == NULL || !g_str_equal (kind, "time-based")))
    return fail (p, "%s (line %u): dispatchSchedule.kind must be time-based",
                 where, line_of (p, field));

  field = member (schedule, "periodBins");
  if (field == NULL || !as_int (field, &period) || period < 1 || period > G_MAXINT)
    return fail (p, "%s (line %u): dispatchSchedule.periodBins must be a whole number of at least 1",
                 where, line_of (p, field != NULL ? (gconstpointer) field : (gconstpointer) schedule));

  field = member (schedule, "phaseOffset");
  if (!is_null (field) && (!as_int (field, &phase) || phase < G_MININT || phase > G_MAXINT))
    return fail (p, "%s (line %u): dispatchSchedule.phaseOffset must be a whole number",
                 where, line_of (p, field));

  field = member (schedule, "capacitySeries");
  if (!is_null (field))
    {
      const char *capacity = as_string (field);

      if (capacity == NULL)
        return fail (p, "%s (line %u): dispatchSchedule.capacitySeries must be a node id",
                     where, line_of (p, field));
      node->capacity_series = g_strdup (capacity);
    }

  node->has_schedule = TRUE;
  node->period = (guint) period;
  node->phase = (guint) (((phase % period) + period) % period);
  return TRUE;
}

static gboolean
parse_profile (Parser      *p,
               RbModelNode *node,
               JsonNode    *profile_node,
               double       expected)
{
  JsonObject *profile = as_object (profile_node);
  const char *kind;
  guint bins = p->model->bins;

  if (profile == NULL)
    return fail (p, "node '%s' (line %u): profile must be a mapping",
                 node->id, line_of (p, profile_node));
  kind = as_string (member (profile, "kind"));
  node->values = g_new (double, bins);

  if (kind != NULL && g_str_equal (kind, "builtin"))
    {
      JsonNode *name_node = member (profile, "name");
      const char *name = as_string (name_node);

      if (name == NULL || !rb_profile_builtin_weights (name, bins, node->values))
        return fail (p, "node '%s' (line %u): profile.name must be weekday-office, three-shift or hub-rush-hour",
                     node->id, line_of (p, name_node != NULL ? (gconstpointer) name_node
                                                             : (gconstpointer) profile));
    }
  else if (kind != NULL && g_str_equal (kind, "inline"))
    {
      JsonNode *weights_node = member (profile, "weights");
      JsonArray *weights = as_array (weights_node);

      if (weights == NULL || json_array_get_length (weights) != bins)
        return fail (p, "node '%s' (line %u): profile.weights must list exactly %u numbers (grid.bins)",
                     node->id, line_of (p, weights_node != NULL ? (gconstpointer) weights_node
                                                                : (gconstpointer) profile),
                     bins);
      for (guint i = 0; i < bins; i++)
        {
          JsonNode *element = json_array_get_element (weights, i);

          if (!as_number (element, &node->values[i]) || !isfinite (node->values[i]) ||
              node->values[i] < 0.0)
            return fail (p, "node '%s' (line %u): profile.weights[%u] must be a number of at least 0",
                         node->id, line_of (p, element), i);
        }
      if (!rb_profile_normalise (node->values, bins))
        return fail (p, "node '%s' (line %u): profile.weights must not all be 0",
                     node->id, line_of (p, weights_node));
    }
  else
    {
      return fail (p, "node '%s' (line %u): profile.kind must be builtin or inline",
                   node->id, line_of (p, profile));
    }

  for (guint t = 0; t < bins; t++)
    node->values[t] = expected * node->values[t];
  return TRUE;
}

static gboolean
parse_pmf (Parser      *p,
           RbModelNode *node,
           JsonObject  *object)
{
  JsonNode *pmf_node = member (object, "pmf");
  JsonObject *pmf = as_object (pmf_node);
  JsonNode *values_node, *probs_node;
  JsonArray *values, *probs;
  guint n;
  g_autofree double *v = NULL;
  g_autofree double *pr = NULL;
  double sum = 0.0, raw = 0.0, normalised = 0.0;
  JsonNode *profile;

  if (pmf == NULL)
    return fail (p, "node '%s' (line %u): pmf is required (a mapping with values and probabilities)",
                 node->id, line_of (p, pmf_node != NULL ? (gconstpointer) pmf_node
                                                        : (gconstpointer) object));
  values_node = member (pmf, "values");
  probs_node = member (pmf, "probabilities");
  values = as_array (values_node);
  probs = as_array (probs_node);
  if (values == NULL || json_array_get_length (values) == 0)
    return fail (p, "node '%s' (line %u): pmf.values must be a list of numbers",
                 node->id, line_of (p, values_node != NULL ? (gconstpointer) values_node
                                                           : (gconstpointer) pmf));
  if (probs == NULL)
    return fail (p, "node '%s' (line %u): pmf.probabilities must be a list of numbers",
                 node->id, line_of (p, probs_node != NULL ? (gconstpointer) probs_node
                                                          : (gconstpointer) pmf));
  n = json_array_get_length (values);
  if (json_array_get_length (probs) != n)
    return fail (p, "node '%s' (line %u): pmf.values and pmf.probabilities must have the same length (%u and %u)",
                 node->id, line_of (p, probs_node), n, json_array_get_length (probs));

  v = g_new (double, n);
  pr = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *ve = json_array_get_element (values, i);
      JsonNode *pe = json_array_get_element (probs, i);

      if (!as_number (ve, &v[i]) || !isfinite (v[i]))
        return fail (p, "node '%s' (line %u): pmf.values[%u] must be a number",
                     node->id, line_of (p, ve), i);
      if (!as_number (pe, &pr[i]) || !isfinite (pr[i]) || pr[i] < 0.0)
        return fail (p, "node '%s' (line %u): pmf.probabilities[%u] must be a number of at least 0",
                     node->id, line_of (p, pe), i);
      for (guint j = 0; j < i; j++)
        {
          if (v[j] == v[i])
            {
              g_autofree char *text = format_number (v[i]);

              return fail (p, "node '%s' (line %u): pmf.values lists %s twice",
                           node->id, line_of (p, ve), text);
            }
        }
      sum += pr[i];
    }
  if (fabs (sum - 1.0) > PMF_TOLERANCE)
    {
      g_autofree char *text = format_number (sum);

      return fail (p, "node '%s' (line %u): pmf.probabilities must sum to 1 (they sum to %s)",
                   node->id, line_of (p, probs_node), text);
    }

  /* E = Σ v·p: as given for profiled nodes (FlowTime-Sim), with the
   * probabilities renormalised to sum 1 otherwise (FlowTime's Pmf). */
  for (guint i = 0; i < n; i++)
    {
      raw += v[i] * pr[i];
      normalised += v[i] * (pr[i] / sum);
    }

  profile = member (object, "profile");
  if (!is_null (profile))
    return parse_profile (p, node, profile, raw);

  node->values = g_new (double, p->model->bins);
  for (guint t = 0; t < p->model->bins; t++)
    node->values[t] = normalised;
  return TRUE;
}

static gboolean
parse_expr_text (Parser      *p,
                 RbModelNode *node,
                 JsonNode    *expr_node,
                 guint        fallback_line)
{
  g_autofree char *owned = NULL;
  const char *text = as_string (expr_node);
  double number;
  g_autoptr(GError) local = NULL;

  if (text == NULL && as_number (expr_node, &number))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      owned = g_strdup (g_ascii_dtostr (buf, sizeof buf, number));
      text = owned;
    }
  if (text == NULL)
    return fail (p, "node '%s' (line %u): expr must be a string",
                 node->id, expr_node != NULL ? line_of (p, expr_node) : fallback_line);
  node->expr_line = line_of (p, expr_node);
  node->expr = rb_expr_parse (text, &local);
  if (node->expr == NULL)
    return fail (p, "node '%s' (line %u): expr: %s", node->id, node->expr_line,
                 local->message);
  return TRUE;
}

static gboolean
string_field (Parser      *p,
              RbModelNode *node,
              JsonObject  *object,
              const char  *name,
              gboolean     required,
              char       **out)
{
  JsonNode *field = member (object, name);
  const char *value = as_string (field);

  if (is_null (field))
    {
      if (required)
        return fail (p, "node '%s' (line %u): %s is required", node->id, node->line, name);
      return TRUE;
    }
  if (value == NULL || *value == '\0')
    return fail (p, "node '%s' (line %u): %s must be a node id", node->id, line_of (p, field), name);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
parse_router (Parser      *p,
              RbModelNode *node,
              JsonObject  *object)
{
  JsonNode *inputs_node = member (object, "inputs");
  JsonNode *routes_node = member (object, "routes");
  JsonArray *routes = as_array (routes_node);
  const char *queue = as_string (member (as_object (inputs_node), "queue"));

  if (queue == NULL)
    return fail (p, "node '%s' (line %u): inputs.queue must name the router's input node",
                 node->id, inputs_node != NULL ? line_of (p, inputs_node) : node->line);
  node->input = g_strdup (queue);
  if (routes == NULL || json_array_get_length (routes) == 0)
    return fail (p, "node '%s' (line %u): routes must list at least one {target, weight}",
                 node->id, routes_node != NULL ? line_of (p, routes_node) : node->line);

  node->route_targets = g_ptr_array_new_with_free_func (g_free);
  node->route_weights = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < json_array_get_length (routes); i++)
    {
      JsonNode *route_node = json_array_get_element (routes, i);
      JsonObject *route = as_object (route_node);
      const char *target = as_string (member (route, "target"));
      JsonNode *weight_node = member (route, "weight");
      double weight = 1.0;

      if (!is_null (member (route, "classes")))
        return fail (p, "node '%s' (line %u): routes[%u].classes: classes are not supported yet",
                     node->id, line_of (p, member (route, "classes")), i);
      if (target == NULL)
        return fail (p, "node '%s' (line %u): routes[%u].target must be a node id",
                     node->id, line_of (p, route_node), i);
      if (!is_null (weight_node) && (!as_number (weight_node, &weight) || !isfinite (weight) ||
                                     weight < 0.0))
        return fail (p, "node '%s' (line %u): routes[%u].weight must be a number of at least 0",
                     node->id, line_of (p, weight_node), i);
      g_ptr_array_add (node->route_targets, g_strdup (target));
      g_array_append_val (node->route_weights, weight);
    }
  return TRUE;
}

static gboolean
parse_node (Parser   *p,
            JsonNode *item,
            guint     i)
{
  RbModel *model = p->model;
  JsonObject *object = as_object (item);
  guint line = line_of (p, item);
  JsonNode *id_node, *kind_node;
  const char *id, *kind;
  RbModelNodeKind k;
  RbModelNode *node;
  int existing;

  if (object == NULL)
    return fail (p, "nodes[%u] (line %u) must be a mapping", i, line);
  id_node = member (object, "id");
  id = as_string (id_node);
  if (id_node == NULL)
    return fail (p, "nodes[%u] (line %u): id is required", i, line);
  if (!valid_id (id))
    return fail (p, "nodes[%u] (line %u): id must match ^[A-Za-z_][A-Za-z0-9_]*$",
                 i, line_of (p, id_node));
  existing = node_index (model, id);
  if (existing >= 0)
    return fail (p, "node '%s' (line %u): id is already used by the node at line %u",
                 id, line, ((RbModelNode *) g_ptr_array_index (model->nodes, existing))->line);

  kind_node = member (object, "kind");
  kind = is_null (kind_node) ? "const" : as_string (kind_node);
  if (kind == NULL)
    k = (RbModelNodeKind) -1;
  else if (g_str_equal (kind, "const"))
    k = RB_MODEL_NODE_CONST;
  else if (g_str_equal (kind, "expr"))
    k = RB_MODEL_NODE_EXPR;
  else if (g_str_equal (kind, "pmf"))
    k = RB_MODEL_NODE_PMF;
  else if (g_str_equal (kind, "serviceWithBuffer"))
    k = RB_MODEL_NODE_SERVICE_WITH_BUFFER;
  else if (g_str_equal (kind, "router"))
    k = RB_MODEL_NODE_ROUTER;
  else
    k = (RbModelNodeKind) -1;
  if ((int) k < 0)
    return fail (p, "node '%s' (line %u): kind must be const, expr, pmf, serviceWithBuffer or router",
                 id, line_of (p, kind_node));

  node = add_node (model, id, k, line);

  switch (k)
    {
    case RB_MODEL_NODE_CONST:
      {
        JsonNode *values_node = member (object, "values");
        JsonArray *values = as_array (values_node);
        guint n;

        if (values == NULL)
          return fail (p, "node '%s' (line %u): values must be a list of %u numbers (grid.bins)",
                       id, values_node != NULL ? line_of (p, values_node) : line, model->bins);
        n = json_array_get_length (values);
        if (n != model->bins)
          return fail (p, "node '%s' (line %u): values has %u numbers but grid.bins is %u",
                       id, line_of (p, values_node), n, model->bins);
        node->values = g_new (double, n);
        for (guint t = 0; t < n; t++)
          {
            JsonNode *element = json_array_get_element (values, t);

            if (!as_number (element, &node->values[t]))
              return fail (p, "node '%s' (line %u): values[%u] must be a number",
                           id, line_of (p, element), t);
          }
      }
      return TRUE;

    case RB_MODEL_NODE_EXPR:
      if (member (object, "expr") == NULL)
        return fail (p, "node '%s' (line %u): expr is required", id, line);
      return parse_expr_text (p, node, member (object, "expr"), line);

    case RB_MODEL_NODE_PMF:
      return parse_pmf (p, node, object);

    case RB_MODEL_NODE_SERVICE_WITH_BUFFER:
      if (!string_field (p, node, object, "inflow", TRUE, &node->inflow) ||
          !string_field (p, node, object, "outflow", TRUE, &node->outflow) ||
          !string_field (p, node, object, "loss", FALSE, &node->loss))
        return FALSE;
      if (!is_null (member (object, "dispatchSchedule")))
        {
          g_autofree char *where = g_strdup_printf ("node '%s'", id);

          return parse_schedule (p, where, member (object, "dispatchSchedule"), node);
        }
      return TRUE;

    case RB_MODEL_NODE_ROUTER:
      return parse_router (p, node, object);

    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

/* --- topology and synthesis ----------------------------------------------- */

/* engine.md: '_' before each capital but the first, lower-case, other
 * non-alphanumerics → '_', trim '_'. "HTTPServer" → "h_t_t_p_server". */
static char *
snake_case (const char *id)
{
  GString *s = g_string_new (NULL);
  gsize start = 0, end;

  for (gsize i = 0; id[i] != '\0'; i++)
    {
      char c = id[i];

      if (g_ascii_isupper (c))
        {
          if (i > 0)
            g_string_append_c (s, '_');
          g_string_append_c (s, g_ascii_tolower (c));
        }
      else if (g_ascii_isalnum (c))
        g_string_append_c (s, c);
      else
        g_string_append_c (s, '_');
    }
  end = s->len;
  while (start < end && s->str[start] == '_')
    start++;
  while (end > start && s->str[end - 1] == '_')
    end--;
  g_string_truncate (s, end);
  g_string_erase (s, 0, start);
  return g_string_free (s, FALSE);
}

char *_rb_model_snake_case (const char *id);

char *
_rb_model_snake_case (const char *id)
{
  return snake_case (id);
}

static char *
unique_id (RbModel    *model,
           const char *base)
{
  if (node_index (model, base) < 0)
    return g_strdup (base);
  for (guint i = 1;; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s_%u", base, i);

      if (node_index (model, candidate) < 0)
        return g_steal_pointer (&candidate);
    }
}

static gboolean
parse_topology (Parser     *p,
                JsonObject *root)
{
  RbModel *model = p->model;
  JsonNode *topology_node = member (root, "topology");
  JsonObject *topology = as_object (topology_node);
  JsonNode *nodes_node;
  JsonArray *nodes;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (is_null (topology_node))
    return TRUE;
  if (topology == NULL)
    return fail (p, "topology (line %u) must be a mapping", line_of (p, topology_node));
  nodes_node = member (topology, "nodes");
  if (is_null (nodes_node))
    return TRUE;
  nodes = as_array (nodes_node);
  if (nodes == NULL)
    return fail (p, "topology.nodes (line %u) must be a list", line_of (p, nodes_node));

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonNode *item = json_array_get_element (nodes, i);
      JsonObject *object = as_object (item);
      guint line = line_of (p, item);
      const char *id = as_string (member (object, "id"));
      JsonNode *kind_node = member (object, "kind");
      JsonNode *semantics_node = member (object, "semantics");
      JsonObject *semantics = as_object (semantics_node);
      JsonNode *initial = member (as_object (member (object, "initialCondition")), "queueDepth");
      RbModelTopologyNode *tnode;

      if (object == NULL)
        return fail (p, "topology.nodes[%u] (line %u) must be a mapping", i, line);
      if (id == NULL || *id == '\0')
        return fail (p, "topology.nodes[%u] (line %u): id is required", i, line);
      if (g_hash_table_contains (seen, id))
        return fail (p, "topology node '%s' (line %u): id is already used by another topology node",
                     id, line);
      g_hash_table_add (seen, (gpointer) id);
      if (!is_null (kind_node) && as_string (kind_node) == NULL)
        return fail (p, "topology node '%s' (line %u): kind must be a string", id, line_of (p, kind_node));
      if (!is_null (semantics_node) && semantics == NULL)
        return fail (p, "topology node '%s' (line %u): semantics must be a mapping",
                     id, line_of (p, semantics_node));

      tnode = g_new0 (RbModelTopologyNode, 1);
      g_ptr_array_add (model->topology, tnode);
      g_ptr_array_add (p->topo_lines, GUINT_TO_POINTER (line));
      tnode->id = g_strdup (id);
      tnode->kind = g_strdup (is_null (kind_node) ? "service" : as_string (kind_node));

      for (guint m = 0; m < RB_N_METRICS; m++)
        {
          const char *key = rb_metric_to_key ((RbMetric) m);
          JsonNode *value_node = member (semantics, key);
          const char *value = as_string (value_node);

          if (is_null (value_node))
            continue;
          if (value == NULL || *value == '\0')
            return fail (p, "topology node '%s' (line %u): semantics.%s must be a node id",
                         id, line_of (p, value_node), key);
          if (g_str_has_prefix (value, "file:"))
            tnode->file_refs[m] = g_strdup (value);
          else
            tnode->metrics[m] = g_strdup (g_str_has_prefix (value, "series:") ? value + 7 : value);
        }

      if (!is_null (initial))
        {
          if (!as_number (initial, &tnode->initial_queue_depth) ||
              !isfinite (tnode->initial_queue_depth) || tnode->initial_queue_depth < 0.0)
            return fail (p, "topology node '%s' (line %u): initialCondition.queueDepth must be a number of at least 0",
                         id, line_of (p, initial));
        }
    }
  return TRUE;
}

static gboolean
is_queue_kind (const char *kind)
{
  return g_str_equal (kind, "queue") || g_str_equal (kind, "dlq") ||
         g_str_equal (kind, "serviceWithBuffer");
}

static gboolean
synthesize (Parser     *p,
            JsonObject *root)
{
  RbModel *model = p->model;
  JsonArray *tnodes = as_array (member (as_object (member (root, "topology")), "nodes"));

  for (guint i = 0; i < model->topology->len; i++)
    {
      RbModelTopologyNode *tnode = g_ptr_array_index (model->topology, i);
      guint line = GPOINTER_TO_UINT (g_ptr_array_index (p->topo_lines, i));
      JsonObject *object = json_array_get_object_element (tnodes, i);
      const char *depth = tnode->metrics[RB_METRIC_QUEUE_DEPTH];
      const char *outflow;
      int existing = node_index (model, depth);
      g_autofree char *base = NULL;
      g_autofree char *name = NULL;
      RbModelNode *node;

      if (!is_queue_kind (tnode->kind) && g_strcmp0 (depth, "self") == 0)
        {
          /* Only queues have a depth of their own: nothing to bind. */
          g_clear_pointer (&tnode->metrics[RB_METRIC_QUEUE_DEPTH], g_free);
          continue;
        }
      if (!is_queue_kind (tnode->kind) || tnode->file_refs[RB_METRIC_QUEUE_DEPTH] != NULL)
        continue;
      if (existing >= 0 && !g_str_equal (depth, "self"))
        {
          RbModelNode *queue = g_ptr_array_index (model->nodes, existing);

          queue->initial_depth = tnode->initial_queue_depth;
          continue;
        }

      if (tnode->metrics[RB_METRIC_ARRIVALS] == NULL)
        return fail (p, "topology node '%s' (line %u): semantics.arrivals must name a node to build its queue",
                     tnode->id, line);
      outflow = tnode->metrics[RB_METRIC_SERVED] != NULL ? tnode->metrics[RB_METRIC_SERVED]
                                                         : tnode->metrics[RB_METRIC_CAPACITY];
      if (outflow == NULL)
        return fail (p, "topology node '%s' (line %u): semantics.served or semantics.capacity must name a node to build its queue",
                     tnode->id, line);

      if (depth != NULL && !g_str_equal (depth, "self"))
        base = g_strdup (depth);
      else
        {
          g_autofree char *snake = snake_case (tnode->id);

          base = g_strconcat (snake, "_queue", NULL);
        }
      name = unique_id (model, base);
      node = add_node (model, name, RB_MODEL_NODE_SERVICE_WITH_BUFFER, line);
      node->synthesized = TRUE;
      node->inflow = g_strdup (tnode->metrics[RB_METRIC_ARRIVALS]);
      node->outflow = g_strdup (outflow);
      node->loss = g_strdup (tnode->metrics[RB_METRIC_ERRORS]);
      node->initial_depth = tnode->initial_queue_depth;
      if (!is_null (member (object, "dispatchSchedule")))
        {
          g_autofree char *where = g_strdup_printf ("topology node '%s'", tnode->id);

          if (!parse_schedule (p, where, member (object, "dispatchSchedule"), node))
            return FALSE;
        }
      g_free (tnode->metrics[RB_METRIC_QUEUE_DEPTH]);
      tnode->metrics[RB_METRIC_QUEUE_DEPTH] = g_strdup (name);
    }

  /* Sinks without served: served = arrivals, or MAX(0, arrivals − errors). */
  for (guint i = 0; i < model->topology->len; i++)
    {
      RbModelTopologyNode *tnode = g_ptr_array_index (model->topology, i);
      guint line = GPOINTER_TO_UINT (g_ptr_array_index (p->topo_lines, i));
      JsonObject *object = json_array_get_object_element (tnodes, i);
      const char *role = as_string (member (object, "nodeRole"));
      const char *arrivals = tnode->metrics[RB_METRIC_ARRIVALS];
      const char *errors = tnode->metrics[RB_METRIC_ERRORS];

      if (!(g_str_equal (tnode->kind, "sink") || g_strcmp0 (role, "sink") == 0) ||
          tnode->metrics[RB_METRIC_SERVED] != NULL || tnode->file_refs[RB_METRIC_SERVED] != NULL ||
          arrivals == NULL)
        continue;
      if (errors == NULL)
        tnode->metrics[RB_METRIC_SERVED] = g_strdup (arrivals);
      else
        {
          g_autofree char *snake = snake_case (tnode->id);
          g_autofree char *base = g_strconcat (snake, "_served", NULL);
          g_autofree char *name = unique_id (model, base);
          g_autofree char *text = g_strdup_printf ("MAX(0, %s - %s)", arrivals, errors);
          RbModelNode *node = add_node (model, name, RB_MODEL_NODE_EXPR, line);
          g_autoptr(GError) local = NULL;

          node->synthesized = TRUE;
          node->expr_line = line;
          node->expr = rb_expr_parse (text, &local);
          if (node->expr == NULL)
            return fail (p, "topology node '%s' (line %u): semantics.arrivals and semantics.errors must be node ids (%s)",
                         tnode->id, line, local->message);
          tnode->metrics[RB_METRIC_SERVED] = g_strdup (name);
        }
    }
  return TRUE;
}

/* --- references, routers, plan ------------------------------------------- */

static gboolean
resolve_ref (Parser      *p,
             RbModelNode *node,
             const char  *field,
             const char  *ref,
             int         *ix)
{
  if (ref == NULL)
    return TRUE;
  *ix = node_index (p->model, ref);
  if (*ix < 0)
    return fail (p, "node '%s' (line %u): %s references unknown node '%s'",
                 node->id, node->line, field, ref);
  return TRUE;
}

static gboolean
check_references (Parser *p)
{
  RbModel *model = p->model;

  for (guint i = 0; i < model->nodes->len; i++)
    {
      RbModelNode *node = g_ptr_array_index (model->nodes, i);
      g_autoptr(GError) local = NULL;

      switch (node->kind)
        {
        case RB_MODEL_NODE_EXPR:
          if (!rb_expr_check_refs (node->expr, model->index, &local))
            return fail (p, "node '%s' (line %u): expr: %s", node->id, node->expr_line, local->message);
          break;

        case RB_MODEL_NODE_SERVICE_WITH_BUFFER:
          if (!resolve_ref (p, node, "inflow", node->inflow, &node->inflow_ix) ||
              !resolve_ref (p, node, "outflow", node->outflow, &node->outflow_ix) ||
              !resolve_ref (p, node, "loss", node->loss, &node->loss_ix) ||
              !resolve_ref (p, node, "dispatchSchedule.capacitySeries", node->capacity_series,
                            &node->capacity_ix))
            return FALSE;
          break;

        case RB_MODEL_NODE_ROUTER:
          {
            double total = 0.0;
            guint n = node->route_targets->len;

            if (!resolve_ref (p, node, "inputs.queue", node->input, &node->input_ix))
              return FALSE;
            for (guint r = 0; r < n; r++)
              total += g_array_index (node->route_weights, double, r);
            for (guint r = 0; r < n; r++)
              {
                const char *target = g_ptr_array_index (node->route_targets, r);
                int target_ix = node_index (model, target);
                RbModelShare share;
                RbModelNode *target_node;

                if (target_ix < 0)
                  return fail (p, "node '%s' (line %u): routes[%u].target references unknown node '%s'",
                               node->id, node->line, r, target);
                if ((guint) target_ix == i)
                  return fail (p, "node '%s' (line %u): routes[%u].target cannot be the router itself",
                               node->id, node->line, r);
                share.router = i;
                share.weight = total > 0.0 ? g_array_index (node->route_weights, double, r) : 1.0;
                share.total = total > 0.0 ? total : (double) n;
                target_node = g_ptr_array_index (model->nodes, target_ix);
                if (target_node->shares == NULL)
                  target_node->shares = g_array_new (FALSE, FALSE, sizeof (RbModelShare));
                g_array_append_val (target_node->shares, share);
              }
          }
          break;

        case RB_MODEL_NODE_CONST:
        case RB_MODEL_NODE_PMF:
        default:
          break;
        }
    }

  for (guint i = 0; i < model->topology->len; i++)
    {
      RbModelTopologyNode *tnode = g_ptr_array_index (model->topology, i);
      guint line = GPOINTER_TO_UINT (g_ptr_array_index (p->topo_lines, i));

      for (guint m = 0; m < RB_N_METRICS; m++)
        {
          if (tnode->metrics[m] != NULL && node_index (model, tnode->metrics[m]) < 0)
            return fail (p, "topology node '%s' (line %u): semantics.%s references unknown node '%s'",
                         tnode->id, line, rb_metric_to_key ((RbMetric) m), tnode->metrics[m]);
        }
    }
  return TRUE;
}

static void
add_dep (RbExprGraph *graph,
         RbModelNode *node,
         const char  *depends_on)
{
  if (depends_on != NULL)
    rb_expr_graph_add_dependency (graph, node->id, depends_on, FALSE);
}

static gboolean
build_plan (Parser *p)
{
  RbModel *model = p->model;
  g_autoptr(RbExprGraph) graph = rb_expr_graph_new ();
  g_autoptr(GError) local = NULL;

  for (guint i = 0; i < model->nodes->len; i++)
    {
      RbModelNode *node = g_ptr_array_index (model->nodes, i);

      rb_expr_graph_add_node (graph, node->id);
    }
  for (guint i = 0; i < model->nodes->len; i++)
    {
      RbModelNode *node = g_ptr_array_index (model->nodes, i);

      if (node->kind == RB_MODEL_NODE_EXPR &&
          !rb_expr_graph_add_expr (graph, node->id, node->expr, &local))
        return fail (p, "node '%s' (line %u): expr: %s", node->id, node->expr_line, local->message);
      add_dep (graph, node, node->inflow);
      add_dep (graph, node, node->outflow);
      add_dep (graph, node, node->loss);
      add_dep (graph, node, node->capacity_series);
      add_dep (graph, node, node->input);
      for (guint s = 0; node->shares != NULL && s < node->shares->len; s++)
        {
          RbModelShare *share = &g_array_index (node->shares, RbModelShare, s);

          add_dep (graph, node, ((RbModelNode *) g_ptr_array_index (model->nodes, share->router))->id);
        }
    }

  model->plan = rb_expr_graph_plan (graph, &local);
  if (model->plan == NULL)
    {
      /* "cycle between nodes a → b → a": name the first node and its line. */
      const char *names = strstr (local->message, "nodes ");
      g_autofree char *first = NULL;
      int ix;

      if (names != NULL)
        {
          const char *arrow = strstr (names + 6, " ");

          first = g_strndup (names + 6, arrow != NULL ? (gsize) (arrow - names - 6) : strlen (names + 6));
        }
      ix = node_index (model, first);
      if (ix >= 0)
        return fail (p, "node '%s' (line %u): %s", first,
                     ((RbModelNode *) g_ptr_array_index (model->nodes, ix))->line, local->message);
      return fail (p, "%s", local->message);
    }

  for (guint s = 0; s < model->plan->len; s++)
    {
      RbExprStep *step = g_ptr_array_index (model->plan, s);

      for (guint k = 0; k < step->n_nodes; k++)
        g_ptr_array_add (model->order,
                         ((RbModelNode *) g_ptr_array_index (model->nodes, step->nodes[k]))->id);
    }
  return TRUE;
}

/* --- outputs, rng ---------------------------------------------------------- */

static void
select_output (GPtrArray  *selected,
               GHashTable *selected_set,
               const char *id,
               GHashTable *excluded)
{
  if (g_hash_table_contains (selected_set, id) || g_hash_table_contains (excluded, id))
    return;
  g_hash_table_add (selected_set, (gpointer) id);
  g_ptr_array_add (selected, (gpointer) id);
}

static gboolean
parse_outputs (Parser     *p,
               JsonObject *root)
{
  RbModel *model = p->model;
  JsonNode *outputs_node = member (root, "outputs");
  JsonArray *outputs = as_array (outputs_node);
  g_autoptr(GHashTable) selected_set = g_hash_table_new (g_str_hash, g_str_equal);

  if (!is_null (outputs_node) && outputs == NULL)
    return fail (p, "outputs (line %u) must be a list", line_of (p, outputs_node));

  for (guint i = 0; outputs != NULL && i < json_array_get_length (outputs); i++)
    {
      JsonNode *item = json_array_get_element (outputs, i);
      JsonObject *object = as_object (item);
      JsonNode *series_node = member (object, "series");
      const char *series = as_string (series_node);
      JsonNode *as_node = member (object, "as");
      JsonArray *exclude = as_array (member (object, "exclude"));
      g_autoptr(GHashTable) excluded = g_hash_table_new (g_str_hash, g_str_equal);

      if (series == NULL)
        return fail (p, "outputs[%u] (line %u): series must be a node id, \"*\" or \"prefix/*\"",
                     i, line_of (p, item));
      for (guint e = 0; exclude != NULL && e < json_array_get_length (exclude); e++)
        {
          const char *ex = as_string (json_array_get_element (exclude, e));

          if (ex != NULL)
            g_hash_table_add (excluded, (gpointer) ex);
        }

      if (g_str_equal (series, "*") || g_str_has_suffix (series, "/*"))
        {
          gsize prefix_len = strlen (series) - (g_str_equal (series, "*") ? 1 : 2);

          for (guint n = 0; n < model->nodes->len; n++)
            {
              RbModelNode *node = g_ptr_array_index (model->nodes, n);

              if (strncmp (node->id, series, prefix_len) == 0)
                select_output (model->output_ids, selected_set, node->id, excluded);
            }
        }
      else
        {
          int ix = node_index (model, series);

          if (ix < 0)
            return fail (p, "outputs[%u].series (line %u) references unknown node '%s'",
                         i, line_of (p, series_node), series);
          select_output (model->output_ids, selected_set,
                         ((RbModelNode *) g_ptr_array_index (model->nodes, ix))->id, excluded);
          if (!is_null (as_node))
            {
              const char *as = as_string (as_node);

              if (as == NULL || *as == '\0' || *as == '.' || strchr (as, '/') != NULL ||
                  strchr (as, '\\') != NULL)
                return fail (p, "outputs[%u].as (line %u) must be a plain file name such as \"%s.csv\"",
                             i, line_of (p, as_node), series);
              g_hash_table_replace (model->output_aliases,
                                    ((RbModelNode *) g_ptr_array_index (model->nodes, ix))->id,
                                    g_strdup (as));
            }
        }
    }

  if (model->output_ids->len == 0)
    {
      for (guint n = 0; n < model->nodes->len; n++)
        {
          RbModelNode *node = g_ptr_array_index (model->nodes, n);

          g_hash_table_add (selected_set, node->id);
          g_ptr_array_add (model->output_ids, node->id);
        }
    }

  for (guint i = 0; i < model->topology->len; i++)
    {
      RbModelTopologyNode *tnode = g_ptr_array_index (model->topology, i);

      for (guint m = 0; m < RB_N_METRICS; m++)
        {
          int ix = node_index (model, tnode->metrics[m]);
          RbModelNode *node;

          if (ix < 0)
            continue;
          node = g_ptr_array_index (model->nodes, ix);
          if (!g_hash_table_contains (selected_set, node->id))
            {
              g_hash_table_add (selected_set, node->id);
              g_ptr_array_add (model->output_ids, node->id);
            }
        }
    }
  return TRUE;
}

static gboolean
parse_rng (Parser     *p,
           JsonObject *root)
{
  JsonNode *rng_node = member (root, "rng");
  JsonObject *rng = as_object (rng_node);
  JsonNode *seed;

  if (is_null (rng_node))
    return TRUE;
  if (rng == NULL)
    return fail (p, "rng (line %u) must be a mapping", line_of (p, rng_node));
  seed = member (rng, "seed");
  if (is_null (seed))
    return TRUE;
  if (!as_int (seed, &p->model->seed) || p->model->seed < 0)
    return fail (p, "rng.seed (line %u) must be a whole number of at least 0", line_of (p, seed));
  p->model->has_seed = TRUE;
  return TRUE;
}

/* --- entry points ----------------------------------------------------------- */

static RbModel *
model_new (void)
{
  RbModel *model = g_new0 (RbModel, 1);

  model->nodes = g_ptr_array_new_with_free_func (model_node_free);
  model->index = g_hash_table_new (g_str_hash, g_str_equal);
  model->order = g_ptr_array_new ();
  model->topology = g_ptr_array_new_with_free_func (topology_node_free);
  model->output_ids = g_ptr_array_new ();
  model->output_aliases = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  return model;
}

void
rb_model_free (RbModel *model)
{
  if (model == NULL)
    return;
  g_free (model->bin_unit);
  g_free (model->start);
  g_clear_pointer (&model->plan, g_ptr_array_unref);
  g_ptr_array_unref (model->order);
  g_ptr_array_unref (model->output_ids);
  g_hash_table_unref (model->output_aliases);
  g_ptr_array_unref (model->topology);
  g_hash_table_unref (model->index);
  g_ptr_array_unref (model->nodes);
  g_free (model);
}

static gboolean
parse_root (Parser   *p,
            JsonNode *root_node)
{
  JsonObject *root = as_object (root_node);
  JsonNode *node;
  JsonArray *nodes;
  gint64 version;

  if (root == NULL)
    return fail (p, "the model must be a YAML mapping (schemaVersion, grid, nodes, …)");

  node = member (root, "schemaVersion");
  if (node == NULL)
    return fail (p, "schemaVersion is required (it must be 1)");
  if (!as_int (node, &version) || version != 1)
    return fail (p, "schemaVersion (line %u) must be 1", line_of (p, node));

  node = member (root, "classes");
  if (!is_null (node) && !(JSON_NODE_HOLDS_ARRAY (node) &&
                           json_array_get_length (json_node_get_array (node)) == 0))
    return fail (p, "classes (line %u): classes are not supported yet", line_of (p, node));

  if (!parse_grid (p, root))
    return FALSE;

  node = member (root, "nodes");
  nodes = as_array (node);
  if (nodes == NULL || json_array_get_length (nodes) == 0)
    {
      if (node == NULL)
        return fail (p, "nodes is required (a list of at least one node)");
      return fail (p, "nodes (line %u) must be a list of at least one node", line_of (p, node));
    }
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      if (!parse_node (p, json_array_get_element (nodes, i), i))
        return FALSE;
    }

  return parse_topology (p, root) &&
         synthesize (p, root) &&
         check_references (p) &&
         build_plan (p) &&
         parse_outputs (p, root) &&
         parse_rng (p, root);
}

RbModel *
rb_model_parse (const char  *text,
                gsize        length,
                const char  *display_name,
                GError     **error)
{
  g_autoptr(GHashTable) lines = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) topo_lines = g_ptr_array_new ();
  RbModel *model;
  Parser p;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = rb_yaml_parse_with_lines (text, length, display_name != NULL ? display_name : "model.yaml",
                                   &lines, error);
  if (root == NULL)
    {
      if (error != NULL && *error != NULL)
        (*error)->code = RB_ERROR_INVALID_TEMPLATE;
      return NULL;
    }

  model = model_new ();
  p.model = model;
  p.lines = lines;
  p.topo_lines = topo_lines;
  p.error = error;
  if (!parse_root (&p, root))
    {
      rb_model_free (model);
      return NULL;
    }
  return model;
}

/* --- getters --------------------------------------------------------------- */

guint
rb_model_get_bins (const RbModel *model)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->bins;
}

guint
rb_model_get_bin_size (const RbModel *model)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->bin_size;
}

const char *
rb_model_get_bin_unit (const RbModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->bin_unit;
}

const char *
rb_model_get_start (const RbModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->start;
}

gboolean
rb_model_get_rng_seed (const RbModel *model,
                       gint64        *seed)
{
  g_return_val_if_fail (model != NULL, FALSE);
  if (model->has_seed && seed != NULL)
    *seed = model->seed;
  return model->has_seed;
}

GPtrArray *
rb_model_get_node_ids (const RbModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->order;
}

gboolean
rb_model_has_node (const RbModel *model,
                   const char    *node_id)
{
  g_return_val_if_fail (model != NULL, FALSE);
  return node_id != NULL && g_hash_table_contains (model->index, node_id);
}

GPtrArray *
rb_model_get_topology (const RbModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->topology;
}

GPtrArray *
rb_model_get_output_ids (const RbModel *model)
{
  GPtrArray *ids;

  g_return_val_if_fail (model != NULL, NULL);
  ids = g_ptr_array_sized_new (model->output_ids->len);
  for (guint i = 0; i < model->output_ids->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (model->output_ids, i));
  return ids;
}

const char *
rb_model_get_output_alias (const RbModel *model,
                           const char    *node_id)
{
  g_return_val_if_fail (model != NULL, NULL);
  if (node_id == NULL)
    return NULL;
  return g_hash_table_lookup (model->output_aliases, node_id);
}
