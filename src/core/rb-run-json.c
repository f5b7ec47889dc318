/* rb-run-json.c — RunSummary / RunDetail JSON (api.md), both directions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-run"

#include "config.h"

#include "rb-error.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-run-private.h"


/* JSON {{{ */

static void
add_summary_members (RbRun       *self,
                     JsonBuilder *builder)
{
  rb_json_add_string (builder, "runId", self->run_id);
  rb_json_add_string (builder, "templateId", self->template_id);
  rb_json_add_string (builder, "templateTitle", self->template_title);
  rb_json_add_string (builder, "templateVersion", self->template_version);
  rb_json_add_string (builder, "mode", self->mode);
  rb_json_add_string (builder, "createdUtc", self->created_utc);
  rb_json_add_int (builder, "warningCount", self->warning_count);

  if (self->has_grid)
    {
      json_builder_set_member_name (builder, "grid");
      json_builder_begin_object (builder);
      rb_json_add_int (builder, "bins", self->bins);
      rb_json_add_int (builder, "binSize", self->bin_size);
      rb_json_add_string (builder, "binUnit", self->bin_unit);
      json_builder_end_object (builder);
    }
  else
    {
      rb_json_add_null (builder, "grid");
    }

  if (self->has_rng)
    {
      json_builder_set_member_name (builder, "rng");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "kind", self->rng_kind);
      rb_json_add_int (builder, "seed", self->rng_seed);
      json_builder_end_object (builder);
    }
  else
    {
      rb_json_add_null (builder, "rng");
    }

  if (RB_RUN_RARE (self)->source_run_id != NULL)
    {
      json_builder_set_member_name (builder, "source");
      json_builder_begin_object (builder);
      rb_json_add_string (builder, "runId", RB_RUN_RARE (self)->source_run_id);
      rb_json_add_string (builder, "kind", RB_RUN_RARE (self)->source_kind);
      json_builder_end_object (builder);
    }
  else
    {
      rb_json_add_null (builder, "source");
    }

  json_builder_set_member_name (builder, "telemetry");
  json_builder_begin_object (builder);
  rb_json_add_bool (builder, "available", RB_RUN_RARE (self)->telemetry.available);
  rb_json_add_string (builder, "generatedAtUtc", RB_RUN_RARE (self)->telemetry.generated_at_utc);
  rb_json_add_int (builder, "warningCount", RB_RUN_RARE (self)->telemetry.warning_count);
  rb_json_add_string (builder, "sourceRunId", RB_RUN_RARE (self)->telemetry.source_run_id);
  rb_json_add_string (builder, "captureKey", RB_RUN_RARE (self)->telemetry.capture_key);
  json_builder_end_object (builder);

  rb_json_add_string (builder, "diagnostic", RB_RUN_RARE (self)->diagnostic);
}

JsonNode *
rb_run_to_summary_json (RbRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RB_IS_RUN (self), NULL);

  json_builder_begin_object (builder);
  add_summary_members (self, builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
rb_run_to_detail_json (RbRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *parameters;

  g_return_val_if_fail (RB_IS_RUN (self), NULL);

  json_builder_begin_object (builder);
  add_summary_members (self, builder);

  parameters = json_node_alloc ();
  json_node_init_object (parameters, rb_run_get_parameters (self));
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, parameters);

  rb_json_add_string (builder, "inputHash", RB_RUN_RARE (self)->input_hash);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; RB_RUN_RARE (self)->warnings != NULL && i < RB_RUN_RARE (self)->warnings->len; i++)
    {
      const RbWarning *warning = g_ptr_array_index (RB_RUN_RARE (self)->warnings, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "code", warning->code);
      rb_json_add_string (builder, "message", warning->message);
      if (warning->node_id != NULL)
        rb_json_add_string (builder, "nodeId", warning->node_id);
      if (warning->bins != NULL)
        {
          json_builder_set_member_name (builder, "bins");
          json_builder_begin_array (builder);
          for (guint j = 0; j < warning->bins->len; j++)
            json_builder_add_int_value (builder, g_array_index (warning->bins, int, j));
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  rb_json_add_bool (builder, "canReplay", self->can_replay);

  json_builder_set_member_name (builder, "topology");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; RB_RUN_RARE (self)->topology != NULL && i < RB_RUN_RARE (self)->topology->len; i++)
    {
      const RbTopologyNode *node = g_ptr_array_index (RB_RUN_RARE (self)->topology, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "id", node->id);
      rb_json_add_string (builder, "kind", node->kind);
      json_builder_set_member_name (builder, "metrics");
      json_builder_begin_object (builder);
      for (guint m = 0; m < RB_N_METRICS; m++)
        {
          if (node->metrics[m] != NULL)
            rb_json_add_string (builder, rb_metric_to_key (m), node->metrics[m]);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A string member, or NULL for null/absent; FALSE for another type. */
static gboolean
json_string_or_null (JsonObject  *object,
                     const char  *member,
                     const char  *path,
                     char       **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, path,
                          "%s must be a string or null", path);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* json_string_or_null for the shared fields (rb-run-private.h). */
static gboolean
json_shared_or_null (JsonObject  *object,
                     const char  *member,
                     const char  *path,
                     char       **out,
                     GError     **error)
{
  g_autofree char *text = NULL;

  if (!json_string_or_null (object, member, path, &text, error))
    return FALSE;
  if (text != NULL)
    _rb_run_set_shared (out, text);
  return TRUE;
}

static gboolean
json_object_or_null (JsonObject  *object,
                     const char  *member,
                     const char  *path,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, path,
                          "%s must be an object or null", path);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
json_uint (JsonObject  *object,
           const char  *member,
           const char  *path,
           guint       *out,
           GError     **error)
{
  gint64 value;

  if (!json_object_has_member (object, member))
    return TRUE;
  value = rb_json_get_int (object, member, -1);
  if (value < 0 || value > G_MAXUINT)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, path,
                          "%s must be a non-negative integer", path);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
detail_from_json (RbRun       *self,
                  JsonObject  *object,
                  GError     **error)
{
  JsonObject *parameters = NULL;
  JsonObject *topology = NULL;
  JsonArray *warnings;
  JsonArray *nodes;

  if (!json_object_or_null (object, "parameters", "parameters", &parameters, error) ||
      !json_string_or_null (object, "inputHash", "inputHash", &_rb_run_rare (self)->input_hash, error) ||
      !json_object_or_null (object, "topology", "topology", &topology, error))
    return FALSE;
  _rb_run_set_parameters (self, parameters);
  self->can_replay = rb_json_get_bool (object, "canReplay", FALSE);

  warnings = rb_json_get_array (object, "warnings");
  if (warnings != NULL)
    _rb_run_read_warnings (self, warnings);

  nodes = topology != NULL ? rb_json_get_array (topology, "nodes") : NULL;
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      JsonNode *element = json_array_get_element (nodes, i);
      JsonObject *node_object;
      JsonObject *metrics;
      RbTopologyNode *node;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      node_object = json_node_get_object (element);
      if (_rb_run_get_text (node_object, "id") == NULL)
        continue;
      node = g_new0 (RbTopologyNode, 1);
      node->id = g_strdup (_rb_run_get_text (node_object, "id"));
      node->kind = g_strdup (_rb_run_get_text (node_object, "kind"));
      metrics = rb_json_get_object (node_object, "metrics");
      for (guint m = 0; metrics != NULL && m < RB_N_METRICS; m++)
        node->metrics[m] = g_strdup (_rb_run_get_text (metrics, rb_metric_to_key (m)));
      g_ptr_array_add (_rb_run_topology (self), node);
    }

  self->has_detail = TRUE;
  return TRUE;
}

RbRun *
rb_run_new_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(RbRun) self = NULL;
  JsonObject *grid = NULL;
  JsonObject *rng = NULL;
  JsonObject *source = NULL;
  JsonObject *telemetry = NULL;
  gint64 count;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (RB_TYPE_RUN, NULL);

  if (rb_json_get_string (object, "runId") == NULL)
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "runId",
                          "The run has no runId");
      return NULL;
    }
  if (!rb_ident_validate (RB_IDENT_RUN_ID, rb_json_get_string (object, "runId"), -1,
                          "runId", error))
    return NULL;
  self->run_id = g_strdup (rb_json_get_string (object, "runId"));

  if (!json_shared_or_null (object, "templateId", "templateId", &self->template_id, error) ||
      !json_shared_or_null (object, "templateTitle", "templateTitle", &self->template_title, error) ||
      !json_shared_or_null (object, "templateVersion", "templateVersion", &self->template_version, error) ||
      !json_shared_or_null (object, "mode", "mode", &self->mode, error) ||
      !json_string_or_null (object, "diagnostic", "diagnostic", &_rb_run_rare (self)->diagnostic, error) ||
      !json_object_or_null (object, "grid", "grid", &grid, error) ||
      !json_object_or_null (object, "rng", "rng", &rng, error) ||
      !json_object_or_null (object, "source", "source", &source, error) ||
      !json_object_or_null (object, "telemetry", "telemetry", &telemetry, error) ||
      !json_uint (object, "warningCount", "warningCount", &self->warning_count, error))
    return NULL;

  if (rb_json_get_string (object, "createdUtc") != NULL &&
      !_rb_run_parse_created (rb_json_get_string (object, "createdUtc"),
                      &self->created_utc, &self->created_usec))
    {
      rb_set_error_field (error, RB_ERROR_INVALID_REQUEST, "createdUtc",
                          "createdUtc must be an ISO-8601 timestamp");
      return NULL;
    }

  if (grid != NULL)
    {
      if (!json_uint (grid, "bins", "grid.bins", &self->bins, error) ||
          !json_uint (grid, "binSize", "grid.binSize", &self->bin_size, error) ||
          !json_shared_or_null (grid, "binUnit", "grid.binUnit", &self->bin_unit, error))
        return NULL;
      self->has_grid = TRUE;
    }
  if (rng != NULL)
    {
      if (!json_shared_or_null (rng, "kind", "rng.kind", &self->rng_kind, error))
        return NULL;
      self->has_rng = TRUE;
      self->rng_seed = rb_json_get_int (rng, "seed", 0);
    }
  if (source != NULL)
    {
      if (!json_string_or_null (source, "runId", "source.runId", &_rb_run_rare (self)->source_run_id, error) ||
          !json_shared_or_null (source, "kind", "source.kind", &_rb_run_rare (self)->source_kind, error))
        return NULL;
    }
  if (telemetry != NULL)
    {
      _rb_run_rare (self)->telemetry.available = rb_json_get_bool (telemetry, "available", FALSE);
      count = rb_json_get_int (telemetry, "warningCount", 0);
      _rb_run_rare (self)->telemetry.warning_count = count > 0 && count <= G_MAXUINT ? (guint) count : 0;
      if (!json_string_or_null (telemetry, "generatedAtUtc", "telemetry.generatedAtUtc",
                                &_rb_run_rare (self)->telemetry.generated_at_utc, error) ||
          !json_string_or_null (telemetry, "sourceRunId", "telemetry.sourceRunId",
                                &_rb_run_rare (self)->telemetry.source_run_id, error) ||
          !json_string_or_null (telemetry, "captureKey", "telemetry.captureKey",
                                &_rb_run_rare (self)->telemetry.capture_key, error))
        return NULL;
    }
  if (_rb_run_rare (self)->diagnostic != NULL)
    _rb_run_rare (self)->load_error = g_error_new_literal (RB_ERROR, RB_ERROR_RUN_UNREADABLE, _rb_run_rare (self)->diagnostic);

  /* A RunDetail carries canReplay and topology; a RunSummary does not. */
  if (json_object_has_member (object, "canReplay") || json_object_has_member (object, "topology"))
    {
      if (!detail_from_json (self, object, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/* }}} */

